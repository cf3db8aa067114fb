//! The four steps as idempotent `ensure_*` functions over a shared context (profile, HTTP,
//! SecretStore, journal, sign-in sessions), and `run_setup`, which runs them in order for the
//! CLI. The window's commands call the same functions one at a time; each marks its step
//! done in the journal itself, so both faces resume alike.
//!
//! One folder per part of the window, so a view's engine code is found by the view's name.
//! The folders form layers: a file imports only from its own folder or a folder below it,
//! never upwards, and no two files import each other in a circle. `context/` is the ground
//! every step stands on; `headless_setup/` runs the steps above all the others.
//!
//! | folder | the window | what it holds |
//! |---|---|---|
//! | `context/` | every step | `WizardContext`, the journal and its readers (`journal_readers`), step ids, progress events and the on-demand result they carry, this run's sign-in sessions, the rate limiter |
//! | `sign_in/` | steps 1 and 3's sign-in, Settings | the session manager (sign in, resume, Graph and Unity clients) and sign-out |
//! | `start/` | Start | the prerequisite checks and where the window resumes |
//! | `unity_credentials/` | steps 1 and 2 | the API road (service account, role, token: one `ensure_*` each), the connector URL, the guided road |
//! | `entra_provisioning/` | step 3 and the job card | enterprise app, provisioning job, Test Connection and saved credentials, deletion safeguards, Start, job control, held-back deletions, token rotation, opening an existing job |
//! | `preview/` | the Preview panel (steps 3 and 4) | what Start will do to each user: read, classified, exported |
//! | `provision/` | step 4 | directory search, assignments, provision on demand, verdicts, the read-back from Unity, the provision run both faces use |
//! | `headless_setup/` | (the CLI) | `run_setup` and `run_provision`, each step recorded into a `SetupReport` |
//! | `diagnosis.rs` | Diagnose | which URL, token and test domain to probe |
//!
//! This file is a facade: it re-exports the public API at `wizard::` (the window's commands,
//! the CLI and the engine tests use these paths), so moving a file between folders does not
//! move its callers. `wizard::job_control` keeps the job card's controls at their own path.

pub mod context;
pub mod diagnosis;
pub mod entra_provisioning;
pub mod headless_setup;
pub mod preview;
pub mod provision;
pub mod sign_in;
pub mod start;
pub mod unity_credentials;

pub use context::crash_points::{
    CrashCommand, CrashPoint, CrashPointInfo, ABORT_AFTER_CREATE_ENV, CRASH_POINTS,
};
pub use context::intents::{CreateIntent, IntentKind};
pub use context::journal::{Journal, JournalRecovery, JournalStore};
pub use context::on_demand_outcome::{
    AttributeDifference, OnDemandSubject, PrincipalKind, ProvisionOnDemandOutcome, Verification,
};
pub use context::progress::{
    reporting_retry_waits, StepOutcome, StepReport, WizardProgress, WriterWaitAsStep,
};
pub use context::rate_limit::RateLimit;
pub use context::sessions::{EntraAccount, SignInSessions};
pub use context::step_id::StepId;
pub use context::wizard_context::{default_data_dir, WizardContext, WizardTuning};
pub use diagnosis::{resolve_diagnose_target, DiagnoseTarget};
pub use entra_provisioning::credentials::{
    save_credentials, test_connection, TestConnectionOutcome,
};
pub use entra_provisioning::deletion_protection::{
    apply_deletion_protection, choose_deletion_protection, deletion_protection_in_effect,
    suggest_deletion_protection, DeletionProtectionChoice,
};
pub use entra_provisioning::enterprise_app::{ensure_enterprise_app, EnterpriseAppOutcome};
pub use entra_provisioning::existing_job::open_existing_job;
pub use entra_provisioning::held_back_deletions::{
    allow_held_back_deletions, list_held_back_deletions, HeldBackDeletion, HeldBackDeletions,
};
pub use entra_provisioning::job_control;
pub use entra_provisioning::provisioning_job::{
    ensure_provisioning_job, find_provisioning_job, ProvisioningJobOutcome,
};
pub use entra_provisioning::rotate_token::{
    rotate_scim_token, token_facts, RotationOutcome, RotationRoad, TokenFacts,
};
pub use entra_provisioning::start::{read_job_status, start_provisioning};
pub use headless_setup::microsoft_sign_in::MicrosoftSignInChoice;
pub use headless_setup::recorder::SetupReport;
pub use headless_setup::run_provision::run_provision;
pub use headless_setup::run_setup::{run_setup, SetupOptions, UnityRoad};
pub use preview::export::{
    export_preview, export_preview_into, preview_to_csv, PreviewExportFormat,
};
pub use preview::preview_provisioning::preview_provisioning;
pub use preview::report::{
    AttributeChange, PreviewAction, PreviewProgress, PreviewReport, PreviewStage, PreviewSummary,
    PreviewUser,
};
pub use provision::assignments::{
    ensure_assignment, list_assigned_principals, list_assignments, AssignedPrincipal,
    AssignmentOutcome,
};
pub use provision::directory_search::{
    search_directory, DirectoryEntry, DirectorySearchEvent, SearchSlot,
};
pub use provision::on_demand::{provision_on_demand, MAX_GROUP_MEMBERS};
pub use provision::provision_run::{assign_principals, assign_then_provision, ProvisionRun};
pub use provision::verify::verify_arrival;
pub use sign_in::session_manager::UnitySignInOutcome;
pub use sign_in::sign_out::{plan_sign_out, sign_out, SignOutOutcome, SignOutScope};
pub use start::prerequisites::{
    check_prerequisites, PrerequisiteCheck, PrerequisiteId, PrerequisiteState,
};
pub use start::resume::{journal_view, resume_point, JournalView, WindowStep, WindowStepStatus};
pub use unity_credentials::api_road::{
    ensure_unity_credentials, UnityCredentialsOutcome, UnityOptions,
};
pub use unity_credentials::connector_url::{ensure_connector_url, ConnectorUrlOutcome};
pub use unity_credentials::guided_road::accept_pasted_credentials;
