//! SCIM diagnosis: Entra's calls replayed from the desktop (issue 5). `diagnose` probes a SCIM
//! endpoint the way Entra's provisioning service calls it and explains every failure with its
//! cause and fix (`explain`); the report never holds the token (`report::Redactor`).

pub(crate) mod auth_checks;
pub mod diagnose;
mod discovery;
mod error_shape;
mod explain;
mod match_queries;
mod network;
mod pagination;
mod probe;
mod redact;
mod report;
mod resource_shape;
mod test_connection;
mod to_problem;
pub(crate) mod url_shape;
mod write_checks;
mod write_cleanup;
mod write_entra_updates;
mod write_groups;
mod write_patch;

pub use diagnose::{diagnose, read_only_plan, DiagnoseRequest, DEFAULT_TIMEOUT};
pub use explain::{explain, Explanation, FailureKind};
pub use report::{
    check_line, Check, CheckResult, DiagnoseProgress, DiagnoseReport, DiagnoseSummary, Evidence,
    Fact, Outcome, PlannedCheck,
};
