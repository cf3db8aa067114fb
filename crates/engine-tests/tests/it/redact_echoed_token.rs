//! A SCIM server that is not ours quotes the `Authorization` header it received in its 401
//! body, but only to Entra (the sandbox's simulated Entra really calls the Tenant URL it is
//! given): our own replay passes, Entra's Test Connection fails and its message quotes the
//! server's "Response Content". Run through the engine, the token must appear in no Problem, no
//! progress event, no file in the data folder and no report, while the redaction marker shows
//! the message did arrive. The same server run through `scim-setup setup --json` is
//! src-tauri's `cli_redact_echoed_token`. The hostile server (shared/hostile_scim.rs) quotes
//! it in every header we keep as well, among escape sequences, bidi controls and markup:
//! through the engine, no face holds a control or bidi character either.

use std::path::Path;

use crate::engine_support;
use crate::shared::echo_scim::{assert_clean, assert_folder_clean, start_echo_server, TOKEN};
use crate::shared::files::files_under;
use crate::shared::hostile_scim::{assert_no_controls, start_hostile_server};
use scim_core::auth::FollowRedirectsLauncher;
use scim_core::report::SupportReport;
use scim_core::wizard::{run_setup, MicrosoftSignInChoice, SetupOptions, UnityRoad};
use scim_core::Secret;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_echoed_token_reaches_no_problem_output_file_or_report_through_the_engine() {
    let (base, server) = start_echo_server().await;
    for who in ["entra", "everyone"] {
        setup_leaks_nothing(&format!("{base}/{who}/scim/v2"), who == "entra").await;
    }
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_servers_quotes_reach_no_problem_output_file_or_report_through_the_engine() {
    let (base, server) = start_hostile_server().await;
    for who in ["entra", "quote"] {
        setup_leaks_nothing(&format!("{base}/{who}/scim/v2"), who == "entra").await;
    }
    server.abort();
}

/// No form of the token, and no control or bidi character, in `json` (JSON text: a control
/// shows there as its escape).
fn assert_json_clean(what: &str, json: &str) {
    assert_clean(what, json);
    assert_no_controls(what, json.as_bytes());
    for escaped in ["\\u001b", "\\u009b", "\\u0007"] {
        assert!(!json.contains(escaped), "{what} holds {escaped}: {json}");
    }
}

/// Runs the four steps on the guided road against `url`; `entra_only` says whether our own
/// replay passes (only Entra's Test Connection is echoed the token) or fails first.
async fn setup_leaks_nothing(url: &str, entra_only: bool) {
    let env = engine_support::start().await;
    let launcher = FollowRedirectsLauncher::new().expect("launcher");
    let options = SetupOptions {
        road: UnityRoad::Guided {
            scim_url: url.to_string(),
            token: Secret::new(format!("Bearer {TOKEN}")),
        },
        microsoft: MicrosoftSignInChoice::DeviceCode,
        app_name: "Unity".into(),
        create_app: false,
        provision: vec![],
        protection: Default::default(),
    };
    let report = run_setup(&env.ctx, options, &launcher, &env.progress, &env.cancel).await;
    assert!(!report.ok, "the connection test must fail: {report:#?}");
    if entra_only {
        assert!(
            report.journal.unity.scim_url.is_some(),
            "our own replay passed, so Entra was asked: {report:#?}"
        );
    }
    let json = serde_json::to_string(&report).expect("serializes");
    assert_json_clean("the setup report", &json);
    assert!(
        !entra_only || json.contains("[redacted]") || json.contains(scim_core::redact::WITHHELD),
        "Entra's message (which quoted the token) reaches the report, redacted: {json}"
    );
    for event in env.progress.events() {
        assert_json_clean(
            "a progress event",
            &serde_json::to_string(&event).expect("serializes"),
        );
    }
    let debug = format!("{report:?}");
    assert_clean("the report's Debug text", &debug);

    let mut support = SupportReport::for_context("test", &env.ctx);
    support.job = report.job_status.clone();
    let reports = env.dir.path().join("reports");
    if support.has_findings() {
        let exported = support.export_into(&reports).expect("exported");
        assert!(Path::new(&exported.html_path).exists());
    }
    let html = support.to_html().expect("html");
    assert_clean("the HTML report", &html);
    assert_no_controls("the HTML report", html.as_bytes());
    assert!(!html.contains("<script>alert"), "markup is escaped: {html}");
    assert_json_clean("the JSON report", &support.to_json().expect("json"));
    assert_folder_clean(env.dir.path());
    for path in files_under(env.dir.path()) {
        let bytes = std::fs::read(&path).unwrap_or_default();
        assert_no_controls(&path.display().to_string(), &bytes);
    }
    env.shutdown().await;
}
