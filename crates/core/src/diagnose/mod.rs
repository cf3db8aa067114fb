//! Diagnose: Entra's SCIM calls replayed from the desktop against a Tenant URL and Secret
//! Token, each failure explained with its cause and fix, in a report that never holds the
//! token. (The SCIM client the steps use to read Unity is `unity::scim_users`, not this.)
//!
//! The rooms, from the top floor down; each imports only from the rooms below it:
//! - `run/`: one diagnosis, top to bottom. `diagnosis` (the entry, `diagnose()`) announces
//!   the `plan`, runs the `phases` for the `request`, and assembles the report.
//! - `write/`: the opt-in checks with side effects. `lifecycle` runs them in Entra's order
//!   (test user, PATCH dialects, Entra's updates, groups, delete) over the shared `kit`, and
//!   `cleanup` deletes whatever they created.
//! - `runner`: reports each check as it starts and ends, for the read-only and write phases.
//! - `read_only/`: the checks that change nothing (URL shape, network, token, Test Connection,
//!   match queries, discovery, pagination, and the audits over every answer).
//! - `calls/`: how a check calls the endpoint (`probe`) and what an answer means (`exchange`).
//! - `output/`: what people read: results and the report, causes and fixes (`explain`), the
//!   redaction, and a failed check as a `Problem`.

mod calls;
mod output;
pub(crate) mod read_only;
mod run;
mod runner;
mod write;

pub use output::explain::{explain, Explanation, FailureKind};
pub use output::report::{
    check_line, Check, CheckResult, DiagnoseProgress, DiagnoseReport, DiagnoseSummary, Evidence,
    Fact, Outcome, PlannedCheck,
};
pub use run::diagnosis::diagnose;
pub use run::plan::read_only_plan;
pub use run::request::{DiagnoseRequest, DEFAULT_TIMEOUT};
