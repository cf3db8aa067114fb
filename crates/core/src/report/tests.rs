//! The exported report holds no secret, keeps its evidence, and escapes hostile text.

use super::*;
use crate::diagnose::{CheckResult, DiagnoseSummary, Evidence, Outcome};
use crate::Secret;

const TOKEN: &str = "sk-unity-live-8f3a1c9e4d2b-report-7Q2a";

fn report_that_quotes(text: &str) -> SupportReport {
    let mut report = SupportReport::new("0.1.0", &CloudProfile::global(), Journal::default());
    report.generated_at = "2026-11-28T22:00:00Z".into();
    report.diagnosis = Some(DiagnoseReport {
        url: "https://scim.example.test/scim/v2/tenants/42".into(),
        token_hint: "…7Q2a".into(),
        write_checks: false,
        started_at: "2026-11-28T22:00:00Z".into(),
        elapsed_ms: 120,
        cancelled: false,
        summary: DiagnoseSummary {
            failed: 1,
            ..DiagnoseSummary::default()
        },
        checks: vec![CheckResult {
            id: "auth-token-accepted".into(),
            title: "The token is accepted".into(),
            outcome: Outcome::Fail,
            failure: None,
            cause: Some(format!("The server said: {text}")),
            fix: Some("Create a new token.".into()),
            evidence: vec![Evidence {
                request: "GET https://scim.example.test/scim/v2/tenants/42/Users".into(),
                status: Some(401),
                body_excerpt: Some(format!("{{\"detail\":\"{text}\"}}")),
                request_id: Some("req-123".into()),
                ..Evidence::default()
            }],
            facts: vec![],
            elapsed_ms: 20,
        }],
    });
    report
}

#[test]
fn the_exported_report_holds_no_secret_and_keeps_the_evidence() {
    let token = Secret::new(TOKEN);
    let mut report = report_that_quotes(&format!("Authorization: Bearer {}", token.expose()));
    report.log_tail = vec![format!("GET /Users authorization={}", token.expose())];
    let dir = tempfile::tempdir().expect("tempdir");
    let exported = report.export_into(dir.path()).expect("export");
    for path in [&exported.json_path, &exported.html_path] {
        assert!(
            path.starts_with(&dir.path().display().to_string()),
            "{path}"
        );
        let text = std::fs::read_to_string(path).expect("read");
        assert!(!text.contains(TOKEN), "{path} leaks the token");
        assert!(!text.contains("8f3a1c9e"), "{path} leaks part of the token");
        assert!(text.contains("[redacted]"), "{path} says what it hid");
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
    assert_eq!(json["profile"], "global");
    assert_eq!(json["diagnosis"]["checks"][0]["evidence"][0]["status"], 401);
    assert_eq!(json["logTail"][0], "GET /Users authorization=[redacted]");
    // A second export in the same second does not overwrite the first.
    let again = report.export_into(dir.path()).expect("export again");
    assert_ne!(again.json_path, exported.json_path);
}

#[test]
fn the_html_report_escapes_hostile_text() {
    let report = report_that_quotes("<script>alert('x')</script><img src=x onerror=y>");
    let html = report.to_html().expect("renders");
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert('x')&lt;/script&gt;"),
        "{html}"
    );
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
}

#[test]
fn a_token_quoted_in_a_form_that_cannot_be_redacted_is_withheld_from_the_report() {
    let token = Secret::new("withheld-report-token-9a8b7c6d5e");
    // Lower-case percent hex is not a form the redactor replaces; it must not pass through.
    let quoted = token.expose().replace('-', "%2d");
    let report = report_that_quotes(&quoted);
    for text in [
        report.to_html().expect("html"),
        report.to_json().expect("json"),
    ] {
        assert!(!text.contains(&quoted), "{text}");
        assert!(text.contains(crate::redact::WITHHELD), "{text}");
    }
}

#[test]
fn the_format_follows_the_file_name_and_anything_else_is_refused() {
    assert_eq!(
        ReportFormat::from_path(Path::new("out.HTML")),
        Some(ReportFormat::Html)
    );
    assert_eq!(
        ReportFormat::from_path(Path::new("out.json")),
        Some(ReportFormat::Json)
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let err = report_that_quotes("x")
        .write_to(&dir.path().join("out.txt"))
        .expect_err("refused");
    assert_eq!(err.kind_name(), "badInput");
    report_that_quotes("x")
        .write_to(&dir.path().join("out.html"))
        .expect("written");
}

#[test]
fn nothing_to_export_is_said_plainly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = SupportReport::new("0.1.0", &CloudProfile::global(), Journal::default());
    let err = empty.export_into(dir.path()).expect_err("empty");
    assert_eq!(err.kind_name(), "badInput");
}

/// The job and the provisioning logs survive the redaction round trip (a report that could
/// not would not be written), and a token Entra quoted in them is hidden.
#[test]
fn a_quarantined_job_and_its_logs_are_reported_with_the_quoted_token_hidden() {
    let token = Secret::new("quarantine-quoted-token-4d3c2b1a");
    let message = format!("Response Content: Bearer {} is not valid", token.expose());
    let job: crate::entra::types::SyncJob = serde_json::from_value(serde_json::json!({
        "id": "scim.t.j", "templateId": "scim",
        "schedule": {"interval": "PT40M", "state": "Active"},
        "status": {"code": "Quarantine", "steadyStateFirstAchievedTime": "0001-01-01T00:00:00Z",
            "quarantine": {"currentBegan": "2021-05-24T21:45:54Z", "reason": "EncounteredQuarantineException",
                "error": {"code": "SystemForCrossDomainIdentityManagementInvalidCredentials",
                          "message": message, "tenantActionable": true}}}
    }))
    .expect("job");
    let entry: ProvisioningLogEntry = serde_json::from_value(serde_json::json!({
        "id": "log-1", "activityDateTime": "2026-11-30T10:00:00Z",
        "sourceDisplayName": "Adele Vance", "status": "failure",
        "errorCode": "SystemForCrossDomainIdentityManagementUnauthorized", "reason": message
    }))
    .expect("entry");
    let mut report = SupportReport::new("0.1.0", &CloudProfile::global(), Journal::default());
    report.job = Some(JobStatus::from_job(&job));
    report.provisioning_logs = vec![entry];
    for text in [
        report.to_json().expect("json"),
        report.to_html().expect("html"),
    ] {
        assert!(!text.contains(token.expose()), "{text}");
        assert!(text.contains("Adele Vance"), "{text}");
        assert!(text.contains("[redacted]"), "{text}");
    }
}
