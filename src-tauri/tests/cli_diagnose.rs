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

#[tokio::test(flavor = "multi_thread")]
async fn diagnose_json_exit_codes_and_no_token() {
    let sandbox = scim_sandbox::start(Default::default())
        .await
        .expect("sandbox");
    let profile = sandbox.profile();
    let url = profile["sandbox"]["scimBaseUrl"]
        .as_str()
        .expect("url")
        .to_string();
    let token = profile["sandbox"]["scimBearerToken"]
        .as_str()
        .expect("token")
        .to_string();
    let domain = profile["sandbox"]["validatedDomain"]
        .as_str()
        .expect("domain")
        .to_string();

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
