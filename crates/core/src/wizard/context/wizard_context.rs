//! The context every step shares: the cloud profile, HTTP, the SecretStore, the journal,
//! this run's sign-in sessions and the waits and limits; cheap to build, the window keeps one
//! per profile. Also the data folder's default place.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

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
        })
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
