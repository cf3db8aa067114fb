//! A SCIM server that is not ours quotes the `Authorization` header it received in its 401
//! body, but only to Entra (the sandbox's simulated Entra really calls the Tenant URL it is
//! given): our own replay passes, Entra's Test Connection fails and its message quotes the
//! server's "Response Content". Run through the engine and through `scim-setup setup --json`,
//! the token must appear in no output, no Problem, no progress event, no file in the data
//! folder and no report, while the redaction marker shows the message did arrive.

mod cli_support;
mod engine_support;

use std::path::Path;
use std::process::Command;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine as _;
use cli_support::files_under;
use scim_core::auth::FollowRedirectsLauncher;
use scim_core::report::SupportReport;
use scim_core::wizard::{run_setup, MicrosoftSignInChoice, SetupOptions, UnityRoad};
use scim_core::Secret;
use serde_json::json;

/// Holds `/` and `+`, so its JSON-escaped, URL-encoded and base64 forms all differ.
const TOKEN: &str = "echo-token/3c7d+91ab-Authz-5Fp8=";

/// Under `/entra/` answers our replay like a healthy, empty SCIM server and Entra with a 401
/// that quotes the header in several encodings; under `/everyone/` quotes it to every caller.
async fn echo(uri: axum::http::Uri, headers: HeaderMap) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let authorization = header("authorization");
    let from_entra = header("user-agent").starts_with("Microsoft Azure AD SCIM client");
    if from_entra || uri.path().starts_with("/everyone/") {
        let bare = authorization.trim_start_matches("Bearer ");
        let detail = format!(
            "Invalid credentials. You sent Authorization: {authorization} \
             (base64 {}, urlencoded {})",
            base64::engine::general_purpose::STANDARD.encode(bare),
            url_encode(bare),
        );
        return scim(
            StatusCode::UNAUTHORIZED,
            json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                   "status": "401", "detail": detail}),
        );
    }
    if authorization != format!("Bearer {TOKEN}") {
        return scim(StatusCode::UNAUTHORIZED, json!({"status": "401"}));
    }
    scim(
        StatusCode::OK,
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
               "totalResults": 0, "startIndex": 1, "itemsPerPage": 0, "Resources": []}),
    )
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

fn scim(status: StatusCode, body: serde_json::Value) -> Response {
    (
        status,
        [("content-type", "application/scim+json")],
        body.to_string(),
    )
        .into_response()
}

/// The echo server's base: `…/entra/scim/v2` (echoes to Entra only) and `…/everyone/scim/v2`.
async fn start_echo_server() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let router = Router::new().fallback(echo);
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (format!("http://{address}"), server)
}

/// Every form of the token a leak could take.
fn leaks(text: &str) -> Vec<&'static str> {
    let forms = [
        ("raw", TOKEN.to_string()),
        (
            "base64",
            base64::engine::general_purpose::STANDARD.encode(TOKEN),
        ),
        ("urlencoded", url_encode(TOKEN)),
        ("json-escaped", TOKEN.replace('/', "\\/")),
        ("middle", "3c7d+91ab-Authz".to_string()),
    ];
    forms
        .into_iter()
        .filter(|(_, form)| text.contains(form.as_str()))
        .map(|(name, _)| name)
        .collect()
}

fn assert_clean(what: &str, text: &str) {
    let found = leaks(text);
    assert!(
        found.is_empty(),
        "{what} holds the token ({found:?}): {text}"
    );
}

fn assert_folder_clean(dir: &Path) {
    for path in files_under(dir) {
        let bytes = std::fs::read(&path).unwrap_or_default();
        assert_clean(
            &path.display().to_string(),
            &String::from_utf8_lossy(&bytes),
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_echoed_token_reaches_no_problem_output_file_or_report_through_the_engine() {
    let (base, server) = start_echo_server().await;
    for who in ["entra", "everyone"] {
        setup_leaks_nothing(&format!("{base}/{who}/scim/v2"), who == "entra").await;
    }
    server.abort();
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
    assert_clean("the setup report", &json);
    assert!(
        !entra_only || json.contains("[redacted]") || json.contains(scim_core::redact::WITHHELD),
        "Entra's message (which quoted the token) reaches the report, redacted: {json}"
    );
    for event in env.progress.events() {
        assert_clean(
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
    assert_clean("the HTML report", &support.to_html().expect("html"));
    assert_clean("the JSON report", &support.to_json().expect("json"));
    assert_folder_clean(env.dir.path());
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_echoed_token_reaches_no_output_or_file_through_the_cli() {
    let binary = cli_support::scim_setup_binary();
    let (base, server) = start_echo_server().await;
    let url = format!("{base}/entra/scim/v2");
    let sandbox = scim_sandbox::start(engine_support::config())
        .await
        .expect("sandbox");
    let temp = tempfile::tempdir().expect("tempdir");
    let data = temp.path().join("data");
    let profile = temp.path().join("profile.json");
    std::fs::write(&profile, sandbox.profile().to_string()).expect("profile written");
    let mut command = Command::new(&binary);
    command
        .arg("--profile")
        .arg(&profile)
        .arg("--data-dir")
        .arg(&data)
        .args([
            "setup",
            "--scim-url",
            &url,
            "--token-env",
            "ECHO_SCIM_TOKEN",
            "--json",
        ])
        .env("ECHO_SCIM_TOKEN", TOKEN)
        .env("SCIM_SETUP_SECRET_STORE", "memory")
        .env("HOME", temp.path().join("home"))
        .env_remove("DISPLAY");
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("joins")
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert_clean("stdout", &stdout);
    assert_clean("stderr", &stderr);
    assert!(
        stdout.contains("[redacted]") || stdout.contains(scim_core::redact::WITHHELD),
        "Entra's message reaches the output, redacted: {stdout}"
    );
    let _: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    assert_folder_clean(temp.path());
    sandbox.shutdown().await;
    server.abort();
}
