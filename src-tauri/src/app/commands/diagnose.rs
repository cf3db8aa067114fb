//! Diagnose, for support staff: probe a SCIM endpoint the way Entra calls it (a pasted URL
//! and token, or the configured ones), read the job and recent provisioning logs, and export
//! a redacted report. Also the connector step's live replay of Entra's calls.

use scim_core::diagnose::{diagnose, DiagnoseProgress, DiagnoseReport};
use scim_core::entra::{JobStatus, ProvisioningLogPage, ProvisioningLogQuery};
use scim_core::wizard::{
    job_control::provisioning_log_page, read_job_status, resolve_diagnose_target, DiagnoseTarget,
};
use scim_core::Problem;
use tauri::ipc::Channel;
use tauri::State;

use super::channel_sink;
use crate::app::desktop::FileKind;
use crate::app::state::{lock, AppState, DiagnosisRecord};
use scim_core::report::{ExportedReport, SupportReport};

/// Diagnose: replays Entra's SCIM requests against the configured or pasted URL and token
/// (`wizard::resolve_diagnose_target` then `diagnose::diagnose`), each check streamed on
/// `on_progress`. A pasted token arrives as a `Secret`. Errors: `notFound` before steps 1–2
/// when `target` is `configured`; `badInput` for an empty pasted token.
#[tauri::command]
pub async fn run_diagnosis(
    state: State<'_, AppState>,
    operation_id: String,
    target: DiagnoseTarget,
    write_checks: bool,
    on_progress: Channel<DiagnoseProgress>,
) -> Result<DiagnoseReport, Problem> {
    let op = state.operations.begin(&operation_id);
    let request = resolve_diagnose_target(&state.ctx, target, write_checks)?;
    let report = diagnose(request, &channel_sink(on_progress), op.token.clone()).await;
    let mut record = lock(&state.last_diagnosis);
    let record = record.get_or_insert_with(DiagnosisRecord::default);
    record.report = Some(report.clone());
    Ok(report)
}

/// The configured job's state and quarantine, kept for the report.
#[tauri::command]
pub async fn diagnose_job(
    state: State<'_, AppState>,
    operation_id: String,
) -> Result<JobStatus, Problem> {
    let op = state.operations.begin(&operation_id);
    let graph = state.ctx.graph(&op.token).await?;
    let status = read_job_status(&state.ctx, &graph, &op.token).await?;
    lock(&state.last_diagnosis)
        .get_or_insert_with(DiagnosisRecord::default)
        .job = Some(status.clone());
    Ok(status)
}

/// One page of the configured app's provisioning logs matching `query` (person by object id,
/// UPN or part of the name; last hour, 24 hours or 7 days; status), newest first with
/// identical repeats folded (`wizard::provisioning_log_page`). `next_link` is the previous
/// page's link to go on from; none starts a new search. What is shown is kept for the report.
#[tauri::command]
pub async fn search_provisioning_logs(
    state: State<'_, AppState>,
    operation_id: String,
    query: ProvisioningLogQuery,
    next_link: Option<String>,
) -> Result<ProvisioningLogPage, Problem> {
    let op = state.operations.begin(&operation_id);
    let graph = state.ctx.graph(&op.token).await?;
    let page =
        provisioning_log_page(&state.ctx, &graph, &query, next_link.as_deref(), &op.token).await?;
    lock(&state.last_diagnosis)
        .get_or_insert_with(DiagnosisRecord::default)
        .keep_log_page(&page, next_link.is_some());
    Ok(page)
}

/// Writes what Diagnose shows as HTML and JSON into the data folder's `reports/`
/// (`scim_core::report`, the same report `scim-setup diagnose --report` writes).
#[tauri::command]
pub fn export_report(state: State<'_, AppState>) -> Result<ExportedReport, Problem> {
    support_report(&state).export_into(&state.cloud.reports_dir())
}

/// Save as…: the system's Save dialog, shown from Rust and starting in the reports folder,
/// then what Diagnose shows is written where the person chose, as HTML or JSON by the name's
/// extension. The webview names no path. `None` when the dialog was cancelled.
#[tauri::command]
pub async fn save_report_as(state: State<'_, AppState>) -> Result<Option<String>, Problem> {
    let report = support_report(&state);
    report.require_findings()?;
    let name = format!("{}.html", report.file_stem());
    let folder = state.cloud.reports_dir();
    let chosen = state
        .desktop
        .save_file("Save the report as", &folder, &name, &REPORT_KINDS);
    let Some(path) = chosen else { return Ok(None) };
    report.write_to(&path)?;
    Ok(Some(path.display().to_string()))
}

/// Opens the reports folder (the data folder's `reports/`, created when missing) in the file
/// manager, from Rust: the folder is the one the app computed, never a path from the webview.
#[tauri::command]
pub fn open_reports_folder(state: State<'_, AppState>) -> Result<String, Problem> {
    let folder = state.cloud.reports_dir();
    scim_core::report::ensure_folder(&folder)?;
    state
        .desktop
        .open_folder("Opening the reports folder", &folder)?;
    Ok(folder.display().to_string())
}

/// The report of what Diagnose shows now: the last diagnosis, job and log rows, the log's tail.
fn support_report(state: &AppState) -> SupportReport {
    let record = lock(&state.last_diagnosis).clone().unwrap_or_default();
    let mut report = SupportReport::for_context(env!("CARGO_PKG_VERSION"), &state.ctx);
    report.diagnosis = record.report;
    report.job = record.job;
    report.provisioning_logs = record.logs;
    report.log_tail = scim_core::logging::report_log_tail(&state.cloud.data_dir);
    report
}

/// What Save as… offers: HTML for people, JSON for tickets.
const REPORT_KINDS: [FileKind; 2] = [
    FileKind {
        name: "HTML report",
        extensions: &["html"],
    },
    FileKind {
        name: "JSON report",
        extensions: &["json"],
    },
];
