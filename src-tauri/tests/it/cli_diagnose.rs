//! `scim-setup diagnose` as scripts call it: against an in-process sandbox, one JSON document
//! on stdout, exit 0 when nothing failed, 1 when a check failed, 2 on bad usage; the token
//! shows nowhere in the output.

use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_scim-setup");

fn run_diagnose(url: &str, token: Option<&str>, extra: &[&str]) -> Output {
    let mut command = Command::new(BIN);
    command.args([
        "diagnose",
        "--url",
        url,
        "--token-env",
        "SCIM_DIAG_TEST_TOKEN",
        "--timeout",
        "2",
    ]);
    command.args(extra);
    command.env_remove("SCIM_DIAG_TEST_TOKEN");
    if let Some(token) = token {
        command.env("SCIM_DIAG_TEST_TOKEN", token);
    }
    command.output().expect("the binary runs")
}

fn assert_no_token(output: &Output, token: &str) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stdout.contains(token) && !stderr.contains(token),
        "the token leaked into the output"
    );
}

/// One of the facts a sandbox's profile lists for scripts (`sandbox.scimBaseUrl`, …).
fn fact(profile: &Value, name: &str) -> String {
    profile["sandbox"][name]
        .as_str()
        .unwrap_or_else(|| panic!("the profile lists sandbox.{name}"))
        .to_string()
}

/// A sandbox, its profile, and the SCIM URL and bearer token it serves.
async fn sandbox_target() -> (scim_sandbox::Sandbox, Value, String, String) {
    let sandbox = scim_sandbox::start(Default::default())
        .await
        .expect("sandbox");
    let profile = sandbox.profile();
    let url = fact(&profile, "scimBaseUrl");
    let token = fact(&profile, "scimBearerToken");
    (sandbox, profile, url, token)
}

#[tokio::test(flavor = "multi_thread")]
async fn diagnose_json_exit_codes_and_no_token() {
    let (sandbox, profile, url, token) = sandbox_target().await;
    let domain = fact(&profile, "validatedDomain");

    // Healthy, with the write checks: one JSON document, exit 0.
    let (u, t, d) = (url.clone(), token.clone(), domain.clone());
    let output = tokio::task::spawn_blocking(move || {
        run_diagnose(
            &u,
            Some(&t),
            &["--json", "--write-checks", "--test-domain", &d],
        )
    })
    .await
    .expect("joins");
    assert_no_token(&output, &token);
    let report: Value =
        serde_json::from_slice(&output.stdout).expect("stdout is one JSON document");
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    let checks = report["checks"].as_array().expect("checks");
    assert!(checks
        .iter()
        .any(|c| c["id"] == "write-cleanup" && c["outcome"] == "pass"));
    assert!(checks.iter().all(|c| c["outcome"] != "fail"));

    // A refused token: exit 1, and the check says why and what to do.
    let u = url.clone();
    let output = tokio::task::spawn_blocking(move || {
        run_diagnose(&u, Some("wrong-token-abcdef"), &["--json"])
    })
    .await
    .expect("joins");
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let accepted = report["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == "auth-token-accepted"))
        .expect("auth-token-accepted");
    assert_eq!(accepted["outcome"], "fail");
    assert_eq!(accepted["failure"], "token-rejected");
    assert!(accepted["fix"]
        .as_str()
        .is_some_and(|f| f.contains("bearer token")));

    // The readable report: a line per check with its mark.
    let u = url.clone();
    let output =
        tokio::task::spawn_blocking(move || run_diagnose(&u, Some("wrong-token-abcdef"), &[]))
            .await
            .expect("joins");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("✗ auth-token-accepted"), "{text}");
    assert!(text.contains("    fix:"), "{text}");

    // No token in the environment: bad usage, exit 2.
    let u = url.clone();
    let output = tokio::task::spawn_blocking(move || run_diagnose(&u, None, &["--json"]))
        .await
        .expect("joins");
    assert_eq!(output.status.code(), Some(2));

    sandbox.shutdown().await;
}

/// `--report FILE` writes the support report the window exports: HTML for `.html`, JSON for
/// `.json`, the token in neither; any other extension is bad usage (exit 2).
#[tokio::test(flavor = "multi_thread")]
async fn diagnose_report_writes_html_and_json_without_the_token() {
    let (sandbox, _, url, token) = sandbox_target().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let html = dir.path().join("out.html");
    let json = dir.path().join("out.json");

    for path in [&html, &json] {
        let (u, t, p) = (url.clone(), token.clone(), path.display().to_string());
        let output =
            tokio::task::spawn_blocking(move || run_diagnose(&u, Some(&t), &["--report", &p]))
                .await
                .expect("joins");
        assert_no_token(&output, &token);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = std::fs::read_to_string(path).expect("the report is written");
        assert!(!text.contains(&token), "{} holds the token", path.display());
        assert!(text.contains("test-connection-users"), "{text}");
    }
    let page = std::fs::read_to_string(&html).expect("html");
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    let document: Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json")).expect("parses");
    assert_eq!(document["diagnosis"]["url"], url.as_str());
    let hint = format!("…{}", &token[token.len() - 4..]);
    assert_eq!(document["diagnosis"]["tokenHint"], hint.as_str());

    let (u, t, p) = (
        url.clone(),
        token.clone(),
        dir.path().join("out.txt").display().to_string(),
    );
    let output = tokio::task::spawn_blocking(move || run_diagnose(&u, Some(&t), &["--report", &p]))
        .await
        .expect("joins");
    assert_eq!(output.status.code(), Some(2));
    assert!(!dir.path().join("out.txt").exists());
    sandbox.shutdown().await;
}
