//! The four steps as idempotent `ensure_*` functions over a shared context (profile, HTTP,
//! SecretStore, journal, sign-in sessions), and `run_setup`, which runs them in order for the
//! CLI. The window's commands call the same functions one at a time; each marks its step
//! done in the journal itself, so both faces resume alike.

pub mod context;
pub mod diagnosis;
pub mod entra_provisioning;
pub mod headless_setup;
pub mod preview;
pub mod provision;
pub mod sign_in;
pub mod start;
pub mod unity_credentials;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::http::{Http, HttpConfig};
use crate::problem::Problem;
use crate::profile::CloudProfile;
use crate::progress::ProgressSink;
use crate::secrets::SecretStore;

pub use context::journal::{Journal, JournalRecovery, JournalStore};
pub use context::progress::{
    reporting_retry_waits, StepId, StepOutcome, StepReport, WizardProgress,
};
pub use diagnosis::{resolve_diagnose_target, DiagnoseTarget};
pub use entra_provisioning::deletion_protection::{
    allow_held_back_deletions, apply_deletion_protection, choose_deletion_protection,
    deletion_protection_in_effect, list_held_back_deletions, suggest_deletion_protection,
    DeletionProtectionChoice, HeldBackDeletion, HeldBackDeletions,
};
pub use entra_provisioning::existing_job::open_existing_job;
pub use entra_provisioning::job_control;
pub use entra_provisioning::provisioning_job::{
    ensure_enterprise_app, ensure_provisioning_job, find_provisioning_job, read_job_status,
    save_credentials, start_provisioning, test_connection, EnterpriseAppOutcome,
    ProvisioningJobOutcome, TestConnectionOutcome,
};
pub use entra_provisioning::rotate_token::{
    rotate_scim_token, token_facts, RotationOutcome, RotationRoad, TokenFacts,
};
pub use headless_setup::run_setup::{
    run_setup, MicrosoftSignInChoice, SetupOptions, SetupReport, UnityRoad,
};
pub use preview::preview_provisioning::{
    export_preview, export_preview_into, preview_provisioning, preview_to_csv, AttributeChange,
    PreviewAction, PreviewExportFormat, PreviewProgress, PreviewReport, PreviewStage,
    PreviewSummary, PreviewUser,
};
pub use provision::assignments::{
    ensure_assignment, list_assigned_principals, list_assignments, AssignedPrincipal,
    AssignmentOutcome,
};
pub use provision::directory_search::{
    search_directory, DirectoryEntry, DirectorySearchEvent, SearchSlot,
};
pub use provision::on_demand::{
    provision_on_demand, OnDemandSubject, PrincipalKind, ProvisionOnDemandOutcome, RateLimit,
};
pub use provision::provision_run::{
    assign_principals, assign_then_provision, run_provision, ProvisionRun,
};
pub use provision::verify::{verify_arrival, AttributeDifference, Verification};
pub use sign_in::session_manager::{EntraAccount, SignInSessions, UnitySignInOutcome};
pub use sign_in::sign_out::{plan_sign_out, sign_out, SignOutOutcome, SignOutScope};
pub use start::prerequisites::{
    check_prerequisites, PrerequisiteCheck, PrerequisiteId, PrerequisiteState,
};
pub use start::resume::{journal_view, resume_point, JournalView, WindowStep, WindowStepStatus};
pub use unity_credentials::api_road::{
    accept_pasted_credentials, ensure_connector_url, ensure_unity_credentials, ConnectorUrlOutcome,
    UnityCredentialsOutcome, UnityOptions,
};

/// Waits and limits; the defaults follow the reference, tests shorten them.
#[derive(Debug, Clone, Copy)]
pub struct WizardTuning {
    /// First pause while Entra replicates a new object; doubles up to 15 s (§2.2).
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
    /// This run's Microsoft and Unity sign-ins (see `sessions`).
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

/// Test-only switch: `SCIM_SETUP_TEST_ABORT_AFTER_CREATE=<what>` ends the process right after
/// that create (`serviceAccount`, `bearerToken`, `provisioningJob`) and before its journal
/// write, the way a power cut or a kill would, so tests can show the next run creates
/// nothing twice.
pub const ABORT_AFTER_CREATE_ENV: &str = "SCIM_SETUP_TEST_ABORT_AFTER_CREATE";

pub(crate) fn crash_point(what: &str) {
    if std::env::var(ABORT_AFTER_CREATE_ENV).is_ok_and(|wanted| wanted == what) {
        eprintln!("{ABORT_AFTER_CREATE_ENV}={what}: ending the process after the create");
        std::process::abort();
    }
}
