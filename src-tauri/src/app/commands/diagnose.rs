//! Diagnose, for support staff: probe a SCIM endpoint the way Entra calls it (a pasted URL
//! and token, or the configured ones), read the job and recent provisioning logs, and export
//! a redacted report. Also the connector step's live replay of Entra's calls.

use scim_core::entra::types::ProvisioningLogEntry;
use scim_core::entra::JobStatus;
use scim_core::scim::{diagnose, DiagnoseProgress, DiagnoseReport, DiagnoseRequest};
use scim_core::unity::parse_pasted_token;
use scim_core::wizard::read_job_status;
use scim_core::wizard::unity_steps::stored_scim_token;
use scim_core::Problem;
use serde::Deserialize;
use tauri::ipc::Channel;
use tauri::State;
use ts_rs::TS;

use super::channel_sink;
use crate::app::state::{lock, AppState, DiagnosisRecord};
use scim_core::report::{ExportedReport, SupportReport};

/// What to probe. The pasted token goes UI → Rust only and is never sent back.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "source", rename_all = "camelCase")]
#[ts(export)]
pub enum DiagnoseTarget {
    /// The URL and token set up in steps 1 and 2.
    Configured,
    Pasted {
        url: String,
        token: String,
    },
}

#[tauri::command]
pub async fn run_diagnosis(
    state: State<'_, AppState>,
    operation_id: String,
    target: DiagnoseTarget,
    write_checks: bool,
    on_progress: Channel<DiagnoseProgress>,
) -> Result<DiagnoseReport, Problem> {
    let op = state.operations.begin(&operation_id);
    let (url, token) = match target {
        DiagnoseTarget::Configured => {
            let url = state.ctx.journal.snapshot().unity.scim_url.ok_or_else(|| {
                Problem::not_found(
                    "Testing the SCIM connector URL",
                    "No SCIM connector URL has been set up yet.",
                    "Do steps 1 and 2 first, or paste a URL and token in Diagnose.",
                )
            })?;
            (url, stored_scim_token(&state.ctx)?)
        }
        DiagnoseTarget::Pasted { url, token } => (url, parse_pasted_token(&token)?),
    };
    let mut request = DiagnoseRequest::new(url, token);
    request.write_checks = write_checks;
    request.test_domain = state
        .ctx
        .profile
        .sandbox
        .as_ref()
        .map(|s| s.validated_domain.clone())
        .filter(|d| !d.is_empty());
    let sink = channel_sink(on_progress);
    let report = diagnose(request, &sink, op.token.clone()).await;
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
    let graph = state.graph(&op.token).await?;
    let status = read_job_status(&state.ctx, &graph, &op.token).await?;
    lock(&state.last_diagnosis)
        .get_or_insert_with(DiagnosisRecord::default)
        .job = Some(status.clone());
    Ok(status)
}

/// The newest provisioning log entries of the configured app, for one person when `user`
/// is given (matched against the name Entra logged).
#[tauri::command]
pub async fn diagnose_logs(
    state: State<'_, AppState>,
    operation_id: String,
    user: String,
) -> Result<Vec<ProvisioningLogEntry>, Problem> {
    let op = state.operations.begin(&operation_id);
    let graph = state.graph(&op.token).await?;
    let sp_id = scim_core::wizard::entra_steps::journal_sp_id(&state.ctx)?;
    let entries = graph.provisioning_logs(&sp_id, 50, &op.token).await?;
    let entries = filter_logs(entries, &user);
    lock(&state.last_diagnosis)
        .get_or_insert_with(DiagnosisRecord::default)
        .logs = entries.clone();
    Ok(entries)
}

pub fn filter_logs(entries: Vec<ProvisioningLogEntry>, user: &str) -> Vec<ProvisioningLogEntry> {
    let wanted = user.trim().to_lowercase();
    if wanted.is_empty() {
        return entries;
    }
    entries
        .into_iter()
        .filter(|e| {
            [&e.source_display_name, &e.target_id]
                .iter()
                .filter_map(|v| v.as_deref())
                .any(|v| v.to_lowercase().contains(&wanted))
                || e.steps.iter().any(|s| {
                    s.details
                        .values()
                        .any(|v| v.to_lowercase().contains(&wanted))
                })
        })
        .collect()
}

/// Writes what Diagnose shows as HTML and JSON into the data folder's `reports/`
/// (`scim_core::report`, the same report `scim-setup diagnose --report` writes).
#[tauri::command]
pub fn export_report(state: State<'_, AppState>) -> Result<ExportedReport, Problem> {
    let record = lock(&state.last_diagnosis).clone().unwrap_or_default();
    let mut report = SupportReport::for_context(env!("CARGO_PKG_VERSION"), &state.ctx);
    report.diagnosis = record.report;
    report.job = record.job;
    report.provisioning_logs = record.logs;
    report.export_into(&state.cloud.reports_dir())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, who: &str) -> ProvisioningLogEntry {
        serde_json::from_value(serde_json::json!({
            "id": id, "activityDateTime": "2026-11-28T22:00:00Z", "sourceDisplayName": who
        }))
        .expect("entry")
    }

    #[test]
    fn logs_are_filtered_by_person_case_insensitively() {
        let all = vec![entry("1", "Adele Vance"), entry("2", "Alex Wilber")];
        let ids = |v: Vec<ProvisioningLogEntry>| v.into_iter().map(|e| e.id).collect::<Vec<_>>();
        assert_eq!(ids(filter_logs(all.clone(), "adele")), vec!["1"]);
        assert_eq!(ids(filter_logs(all.clone(), "  ")), vec!["1", "2"]);
        assert!(filter_logs(all, "nobody").is_empty());
    }
}
