//! The support report Diagnose exports: JSON for tickets and a self-contained HTML page for
//! people, written into the data folder's `reports/`. The engine already redacts the token
//! from every check; this scrubs once more (the tokens used, any `Bearer …` value) so no
//! secret can reach a file even if a message quoted one.

use std::path::{Path, PathBuf};

use scim_core::scim::{DiagnoseReport, Outcome};
use scim_core::wizard::Journal;
use scim_core::{Problem, Secret};
use serde::Serialize;
use ts_rs::TS;

use super::state::DiagnosisRecord;

const REDACTED: &str = "[redacted]";

pub struct ReportMeta {
    pub app_version: String,
    pub profile: String,
    pub graph: String,
    pub unity_api: String,
    pub journal: Journal,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExportedReport {
    pub html_path: String,
    pub json_path: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SupportReport<'a> {
    generated_at: String,
    app_version: &'a str,
    profile: &'a str,
    graph: &'a str,
    unity_api: &'a str,
    /// Non-secret progress: which org, app and job (ids only).
    journal: &'a Journal,
    diagnosis: Option<&'a DiagnoseReport>,
    job: Option<&'a scim_core::entra::JobStatus>,
    provisioning_logs: &'a [scim_core::entra::types::ProvisioningLogEntry],
}

pub fn write_support_report(
    dir: &Path,
    meta: &ReportMeta,
    record: &DiagnosisRecord,
    secrets: &[Secret],
) -> Result<ExportedReport, Problem> {
    let action = "Exporting the report";
    if record.report.is_none() && record.job.is_none() && record.logs.is_empty() {
        return Err(Problem::bad_input(
            action,
            "There is nothing to export yet.",
            "Run a diagnosis (or read the job or its logs) first.",
        ));
    }
    let generated_at = scim_core::wizard::journal::now();
    let report = SupportReport {
        generated_at: generated_at.clone(),
        app_version: &meta.app_version,
        profile: &meta.profile,
        graph: &meta.graph,
        unity_api: &meta.unity_api,
        journal: &meta.journal,
        diagnosis: record.report.as_ref(),
        job: record.job.as_ref(),
        provisioning_logs: &record.logs,
    };
    let json = serde_json::to_string_pretty(&report)
        .map_err(|err| Problem::server(action, format!("{err}."), "Report this."))?;
    let json = scrub(&json, secrets);
    let html = scrub(&render_html(&report), secrets);

    std::fs::create_dir_all(dir).map_err(|err| super::cloud::storage(action, dir, err))?;
    let stem = format!(
        "scim-diagnosis-{}",
        generated_at
            .replace([':', '-'], "")
            .replace('T', "-")
            .trim_end_matches('Z')
    );
    let json_path = unique(dir, &stem, "json");
    let html_path = json_path.with_extension("html");
    std::fs::write(&json_path, json)
        .map_err(|err| super::cloud::storage(action, &json_path, err))?;
    std::fs::write(&html_path, html)
        .map_err(|err| super::cloud::storage(action, &html_path, err))?;
    Ok(ExportedReport {
        html_path: html_path.display().to_string(),
        json_path: json_path.display().to_string(),
    })
}

fn unique(dir: &Path, stem: &str, extension: &str) -> PathBuf {
    let mut candidate = dir.join(format!("{stem}.{extension}"));
    let mut n = 2;
    while candidate.exists() || candidate.with_extension("html").exists() {
        candidate = dir.join(format!("{stem}-{n}.{extension}"));
        n += 1;
    }
    candidate
}

/// Removes every given secret and whatever follows `Bearer ` (a header someone quoted).
pub fn scrub(text: &str, secrets: &[Secret]) -> String {
    let mut out = text.to_string();
    for secret in secrets {
        if secret.expose().len() >= 8 {
            out = out.replace(secret.expose(), REDACTED);
        }
    }
    let mut result = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(at) = find_ignore_case(rest, "bearer ") {
        let (before, after) = rest.split_at(at + "bearer ".len());
        result.push_str(before);
        let end = after
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | ',' | '\\'))
            .unwrap_or(after.len());
        let value = &after[..end];
        if value.is_empty() || value.starts_with('…') || value == REDACTED {
            result.push_str(value);
        } else {
            result.push_str(REDACTED);
        }
        rest = &after[end..];
    }
    result.push_str(rest);
    result
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack.to_ascii_lowercase().find(needle)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn render_html(report: &SupportReport<'_>) -> String {
    let mut body = String::new();
    body.push_str(&format!(
        "<h1>SCIM diagnosis</h1><p>Generated {} by SCIM Setup {} · profile <b>{}</b> · Graph {} · Unity {}</p>",
        escape(&report.generated_at),
        escape(report.app_version),
        escape(report.profile),
        escape(report.graph),
        escape(report.unity_api)
    ));
    if let Some(diagnosis) = report.diagnosis {
        let s = &diagnosis.summary;
        body.push_str(&format!(
            "<h2>Endpoint</h2><p>{} (token {}) · {} passed, {} warnings, {} failed, {} skipped · {} ms</p><table><tr><th>Check</th><th>Outcome</th><th>Cause and fix</th><th>Evidence</th></tr>",
            escape(&diagnosis.url), escape(&diagnosis.token_hint), s.passed, s.warned, s.failed, s.skipped, diagnosis.elapsed_ms
        ));
        for check in &diagnosis.checks {
            let outcome = match &check.outcome {
                Outcome::Pass => "pass".to_string(),
                Outcome::Warn => "warn".to_string(),
                Outcome::Fail => "fail".to_string(),
                Outcome::Skipped { reason } => format!("skipped: {reason}"),
            };
            let advice = match (&check.cause, &check.fix) {
                (Some(cause), Some(fix)) => {
                    format!("{}<br><i>Fix:</i> {}", escape(cause), escape(fix))
                }
                (Some(cause), None) => escape(cause),
                _ => String::new(),
            };
            let evidence: Vec<String> = check
                .evidence
                .iter()
                .map(|e| {
                    format!(
                        "{}{} ({} ms){}",
                        escape(&e.request),
                        e.status.map(|s| format!(" → {s}")).unwrap_or_default(),
                        e.elapsed_ms,
                        e.request_id
                            .as_deref()
                            .map(|id| format!(" request-id {}", escape(id)))
                            .unwrap_or_default()
                    )
                })
                .collect();
            body.push_str(&format!(
                "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(outcome.split(':').next().unwrap_or_default()),
                escape(&check.title),
                escape(&outcome),
                advice,
                evidence.join("<br>")
            ));
        }
        body.push_str("</table>");
    }
    if let Some(job) = report.job {
        body.push_str(&format!(
            "<h2>Provisioning job</h2><p>{} · state {} · schedule {}</p><p>{}</p>",
            escape(&job.job_id),
            escape(&job.code),
            escape(&job.schedule_state),
            escape(&job.summary)
        ));
        if let Some(q) = &job.quarantine {
            body.push_str(&format!(
                "<p><b>Quarantine ({})</b>: {}<br><i>Fix:</i> {}</p>",
                escape(&q.reason),
                escape(&q.cause),
                escape(&q.fix)
            ));
        }
    }
    if !report.provisioning_logs.is_empty() {
        body.push_str("<h2>Recent provisioning logs</h2><table><tr><th>When</th><th>Who</th><th>Action</th><th>Status</th><th>Reason</th></tr>");
        for entry in report.provisioning_logs {
            body.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&entry.activity_date_time),
                escape(entry.source_display_name.as_deref().unwrap_or("")),
                escape(entry.provisioning_action.as_deref().unwrap_or("")),
                escape(entry.status.as_deref().unwrap_or("")),
                escape(
                    &[entry.error_code.as_deref(), entry.reason.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(": ")
                )
            ));
        }
        body.push_str("</table>");
    }
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>SCIM diagnosis</title><style>body{{font-family:system-ui,sans-serif;margin:2em;max-width:1100px}}table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}}tr.fail td{{background:#fde7e9}}tr.warn td{{background:#fff4ce}}</style></head><body>{body}<p>No secret is included in this report: tokens appear only as their last four characters.</p></body></html>"
    )
}

#[cfg(test)]
mod tests {
    use scim_core::scim::{CheckResult, DiagnoseSummary, Evidence};

    use super::*;

    const TOKEN: &str = "sk-unity-live-8f3a1c9e4d2b7Q2a";

    fn report_that_quotes_the_token() -> DiagnoseReport {
        DiagnoseReport {
            url: "https://scim.example.test/scim/v2/tenants/42".into(),
            token_hint: "…7Q2a".into(),
            write_checks: false,
            started_at: "2026-11-28T22:00:00Z".into(),
            elapsed_ms: 120,
            cancelled: false,
            summary: DiagnoseSummary {
                passed: 0,
                warned: 0,
                failed: 1,
                skipped: 0,
            },
            checks: vec![CheckResult {
                id: "auth-token-accepted".into(),
                title: "The token is accepted".into(),
                outcome: Outcome::Fail,
                failure: None,
                cause: Some(format!("The server echoed Authorization: Bearer {TOKEN}")),
                fix: Some("Create a new token.".into()),
                evidence: vec![Evidence {
                    request: "GET https://scim.example.test/scim/v2/tenants/42/Users".into(),
                    status: Some(401),
                    body_excerpt: Some(format!("{{\"detail\":\"bad token {TOKEN}\"}}")),
                    request_id: Some("req-123".into()),
                    ..Evidence::default()
                }],
                facts: vec![],
                elapsed_ms: 20,
            }],
        }
    }

    fn meta() -> ReportMeta {
        ReportMeta {
            app_version: "0.1.0".into(),
            profile: "global".into(),
            graph: "https://graph.example.test/v1.0".into(),
            unity_api: "https://unity.example.test".into(),
            journal: Journal::default(),
        }
    }

    #[test]
    fn the_exported_report_holds_no_secret_and_keeps_the_evidence() {
        let dir = tempfile::tempdir().expect("tempdir");
        let record = DiagnosisRecord {
            report: Some(report_that_quotes_the_token()),
            job: None,
            logs: vec![],
            secrets: vec![Secret::new(TOKEN)],
        };
        let exported =
            write_support_report(dir.path(), &meta(), &record, &record.secrets).expect("export");
        for path in [&exported.json_path, &exported.html_path] {
            assert!(
                path.starts_with(&dir.path().display().to_string()),
                "{path}"
            );
            let text = std::fs::read_to_string(path).expect("read");
            assert!(!text.contains(TOKEN), "{path} leaks the token");
            assert!(!text.contains("8f3a1c9e"), "{path} leaks part of the token");
            assert!(text.contains("req-123"), "{path} keeps the request-id");
            assert!(
                text.contains("…7Q2a"),
                "{path} names the token by its last four"
            );
        }
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&exported.json_path).expect("read"))
                .expect("json");
        assert_eq!(json["appVersion"], "0.1.0");
        assert_eq!(json["diagnosis"]["checks"][0]["evidence"][0]["status"], 401);
    }

    #[test]
    fn a_bearer_value_is_scrubbed_even_when_its_token_is_unknown() {
        let text = scrub(
            "Authorization: Bearer abc.def.ghi, then \"bearer xyz\"",
            &[],
        );
        assert_eq!(
            text,
            "Authorization: Bearer [redacted], then \"bearer [redacted]\""
        );
        assert_eq!(scrub("token Bearer …7Q2a", &[]), "token Bearer …7Q2a");
    }

    #[test]
    fn nothing_to_export_is_said_plainly() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = write_support_report(dir.path(), &meta(), &DiagnosisRecord::default(), &[])
            .expect_err("empty");
        assert_eq!(err.kind_name(), "badInput");
    }
}
