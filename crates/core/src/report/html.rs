//! The report as one self-contained HTML page. maud escapes every interpolated string, so a
//! server's text shows as text; the caller passes an already redacted report.

use maud::{html, Markup, DOCTYPE};

use super::SupportReport;
use crate::diagnose::{CheckResult, DiagnoseReport, Outcome};
use crate::entra::types::ProvisioningLogEntry;
use crate::entra::JobStatus;

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px}\
table{border-collapse:collapse;width:100%}\
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}\
tr.fail td{background:#fde7e9}tr.warn td{background:#fff4ce}";

/// The whole page.
pub(super) fn render(report: &SupportReport) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "SCIM diagnosis" }
                style { (maud::PreEscaped(STYLE)) }
            }
            body {
                h1 { "SCIM diagnosis" }
                p {
                    "Generated " (report.generated_at) " by SCIM Setup " (report.app_version)
                    " · profile " b { (report.profile) }
                    " · Graph " (report.graph) " · Unity " (report.unity_api)
                }
                @if let Some(diagnosis) = &report.diagnosis { (diagnosis_section(diagnosis)) }
                @if let Some(job) = &report.job { (job_section(job)) }
                @if !report.provisioning_logs.is_empty() { (logs_section(&report.provisioning_logs)) }
                @if !report.log_tail.is_empty() {
                    h2 { "The app's log (newest lines)" }
                    pre { @for line in &report.log_tail { (line) "\n" } }
                }
                p { "No secret is included in this report: tokens appear only as their last four characters." }
            }
        }
    }
    .into_string()
}

fn diagnosis_section(diagnosis: &DiagnoseReport) -> Markup {
    let s = &diagnosis.summary;
    html! {
        h2 { "Endpoint" }
        p {
            (diagnosis.url) " (token " (diagnosis.token_hint) ") · "
            (s.in_words()) " · " (diagnosis.elapsed_ms) " ms"
            @if diagnosis.cancelled { " (cancelled)" }
        }
        table {
            tr { th { "Check" } th { "Outcome" } th { "Cause and fix" } th { "Evidence" } }
            @for check in &diagnosis.checks { (check_row(check)) }
        }
    }
}

fn check_row(check: &CheckResult) -> Markup {
    let (class, outcome) = match &check.outcome {
        Outcome::Pass => ("pass", "pass".to_string()),
        Outcome::Warn => ("warn", "warn".to_string()),
        Outcome::Fail => ("fail", "fail".to_string()),
        Outcome::Skipped { reason } => ("skipped", format!("skipped: {reason}")),
    };
    html! {
        tr class=(class) {
            td { (check.title) br; code { (check.id) } }
            td { (outcome) }
            td {
                @if let Some(cause) = &check.cause { (cause) }
                @if let Some(fix) = &check.fix { br; i { "Fix:" } " " (fix) }
            }
            td {
                @for (n, e) in check.evidence.iter().enumerate() {
                    @if n > 0 { br; }
                    (e.request)
                    @if let Some(status) = e.status { " → " (status) }
                    @if let Some(error) = &e.error { " → " (error) }
                    " (" (e.elapsed_ms) " ms)"
                    @if let Some(id) = &e.request_id { " request-id " (id) }
                    @if let Some(body) = &e.body_excerpt { br; code { (body) } }
                }
            }
        }
    }
}

fn job_section(job: &JobStatus) -> Markup {
    html! {
        h2 { "Provisioning job" }
        p { (job.job_id) " · state " (job.code) " · schedule " (job.schedule_state) }
        p { (job.summary) }
        @if let Some(q) = &job.quarantine {
            p { b { "Quarantine (" (q.reason) ")" } ": " (q.cause) br; i { "Fix:" } " " (q.fix) }
        }
    }
}

fn logs_section(entries: &[ProvisioningLogEntry]) -> Markup {
    html! {
        h2 { "Recent provisioning logs" }
        table {
            tr { th { "When" } th { "Who" } th { "Action" } th { "Status" } th { "Reason" } }
            @for entry in entries {
                tr {
                    td { (entry.activity_date_time) }
                    td { (entry.source_display_name.as_deref().unwrap_or("")) }
                    td { (entry.provisioning_action.as_deref().unwrap_or("")) }
                    td { (entry.status.as_deref().unwrap_or("")) }
                    td {
                        (
                            [entry.error_code.as_deref(), entry.reason.as_deref()]
                                .into_iter()
                                .flatten()
                                .collect::<Vec<_>>()
                                .join(": ")
                        )
                    }
                }
            }
        }
    }
}
