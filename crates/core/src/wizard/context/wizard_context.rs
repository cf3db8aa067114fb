//! The context every step shares: the cloud profile, HTTP, the SecretStore, the journal,
//! this run's sign-in sessions and the waits and limits; cheap to build, the window keeps one
//! per profile. Also the data folder's default place.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::data_folder_lock::{self, DataFolderLock, WaitingForWriter};
use crate::http::{Http, HttpConfig};
use crate::problem::Problem;
use crate::profile::CloudProfile;
use crate::progress::ProgressSink;
use crate::secrets::SecretStore;
use crate::wizard::context::journal::JournalStore;
use crate::wizard::context::progress::WizardProgress;
use crate::wizard::context::rate_limit::RateLimit;
use crate::wizard::context::sessions::SignInSessions;
use crate::wizard::context::step_id::StepId;

/// Waits and limits; the defaults follow the reference, tests shorten them.
#[derive(Debug, Clone, Copy)]
pub struct WizardTuning {
    /// First pause while Entra replicates a new object; doubles up to 15 s.
    pub replication_delay: Duration,
    pub replication_attempts: u32,
    pub on_demand: RateLimit,
}

impl Default for WizardTuning {
    fn default() -> Self {
        Self {
            replication_delay: Duration::from_secs(2),
            replication_attempts: 12,
            on_demand: RateLimit {
                calls: 5,
                window: Duration::from_secs(10),
            },
        }
    }
}

/// What every step shares. Cheap to build; the window keeps one per profile.
pub struct WizardContext {
    pub profile: CloudProfile,
    pub http: Http,
    pub secrets: Arc<dyn SecretStore>,
    pub journal: JournalStore,
    pub tuning: WizardTuning,
    /// This run's Microsoft and Unity sign-ins (kept here, managed by `sign_in::session_manager`).
    pub sessions: SignInSessions,
    /// The data folder: the journal's home and the writer lock's (`data_folder_lock`).
    pub data_dir: PathBuf,
    /// How long [`WizardContext::begin_writing`] waits for another writer
    /// (`SCIM_SETUP_LOCK_WAIT_SECS`, default 30 s); tests shorten it.
    pub writer_wait: Duration,
}

impl WizardContext {
    pub fn new(
        profile: CloudProfile,
        data_dir: &Path,
        secrets: Arc<dyn SecretStore>,
    ) -> Result<Self, Problem> {
        Self::with_config(
            profile,
            data_dir,
            secrets,
            HttpConfig::default(),
            WizardTuning::default(),
        )
    }

    pub fn with_config(
        profile: CloudProfile,
        data_dir: &Path,
        secrets: Arc<dyn SecretStore>,
        http: HttpConfig,
        tuning: WizardTuning,
    ) -> Result<Self, Problem> {
        Ok(Self {
            journal: JournalStore::open(data_dir, &profile)?,
            http: Http::new(http)?,
            profile,
            secrets,
            tuning,
            sessions: SignInSessions::default(),
            data_dir: data_dir.to_path_buf(),
            writer_wait: data_folder_lock::wait_bound(),
        })
    }

    /// Takes the data folder's writer lock for `command` before anything is created or
    /// changed in either cloud or the keychain's SCIM token, waiting up to
    /// [`WizardContext::writer_wait`] (each wait reported on `progress`), then reads the
    /// journal again: another process may have made things while this one waited. Hold the
    /// returned lock for the whole operation; dropping it lets the next writer in.
    ///
    /// Errors: `dataFolderBusy` naming the holder; `cancelled`; `storage`.
    pub async fn begin_writing(
        &self,
        command: &str,
        progress: &dyn ProgressSink<WaitingForWriter>,
        cancel: &CancellationToken,
    ) -> Result<DataFolderLock, Problem> {
        let lock =
            data_folder_lock::acquire(&self.data_dir, command, self.writer_wait, progress, cancel)
                .await?;
        self.journal.reload();
        Ok(lock)
    }

    /// [`WizardContext::begin_writing`] without waiting, for a caller that must not block
    /// (a synchronous window command).
    ///
    /// Errors: `dataFolderBusy` naming the holder; `storage`.
    pub fn try_begin_writing(&self, command: &str) -> Result<DataFolderLock, Problem> {
        let lock = data_folder_lock::try_acquire(&self.data_dir, command)?;
        self.journal.reload();
        Ok(lock)
    }

    /// A pause while Entra catches up, reported so the person knows why nothing moves.
    pub(crate) async fn replication_pause(
        &self,
        step: StepId,
        attempt: u32,
        what: &str,
        progress: &dyn ProgressSink<WizardProgress>,
        cancel: &CancellationToken,
    ) -> Result<(), Problem> {
        let wait = self
            .tuning
            .replication_delay
            .saturating_mul(1u32 << attempt.min(3))
            .min(Duration::from_secs(15));
        progress.report(WizardProgress::Waiting {
            step,
            reason: format!("Waiting for {what}"),
            seconds: wait.as_secs().max(1),
            left_seconds: None,
        });
        tokio::select! {
            _ = cancel.cancelled() => Err(Problem::cancelled_while(step.title())),
            _ = tokio::time::sleep(wait) => Ok(()),
        }
    }
}

/// The app's default data folder (`~/.local/share/com.scimsetup.desktop` on Linux), the
/// same one Tauri's `app_data_dir` gives the window.
pub fn default_data_dir() -> Option<std::path::PathBuf> {
    dirs::data_dir().map(|dir| dir.join("com.scimsetup.desktop"))
}
