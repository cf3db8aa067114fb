//! Command round trips through Tauri's IPC without a display (`tauri::test`'s mock runtime):
//! the argument names the UI sends, the JSON that comes back, and the exact error JSON of a
//! failure, against the embedded sandbox on 127.0.0.1 with the in-memory secret store.

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};

use super::cloud::ActiveCloud;
use super::commands;
use super::state::{AppState, Opener};
use crate::cli::GlobalArgs;

struct Window {
    webview: WebviewWindow<MockRuntime>,
    _app: tauri::App<MockRuntime>,
    _data: tempfile::TempDir,
}

fn window() -> Window {
    let data = tempfile::tempdir().expect("tempdir");
    let global = GlobalArgs {
        profile: None,
        sandbox: true,
        data_dir: Some(data.path().to_path_buf()),
        verbose: false,
    };
    let cloud = tauri::async_runtime::block_on(ActiveCloud::resolve(&global)).expect("sandbox");
    let opener: Opener = std::sync::Arc::new(|_: &str| Ok(()));
    let state = AppState::new(cloud, opener).expect("state");
    let app = mock_builder()
        .invoke_handler(tauri::generate_handler![
            commands::journal::journal_state,
            commands::journal::check_prerequisites,
            commands::unity::unity_sign_in,
            commands::entra::entra_test_connection,
            commands::diagnose::run_diagnosis,
            commands::settings::sign_out,
        ])
        .build(mock_context(noop_assets()))
        .expect("app");
    app.manage(state);
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window");
    Window {
        webview,
        _app: app,
        _data: data,
    }
}

/// Invokes `command` as the UI does; `Err` holds the rejected value (a Problem's JSON).
fn invoke(window: &Window, command: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: command.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().expect("url"),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(&window.webview, request)
        .map(|body| body.deserialize::<Value>().expect("json"))
}

#[test]
fn a_fresh_window_has_nowhere_to_resume_and_every_step_not_started() {
    let window = window();
    let view = invoke(&window, "journal_state", json!({})).expect("journal");
    assert_eq!(view["resumeAt"], Value::Null);
    assert_eq!(
        view["steps"],
        json!({"unity": "notStarted", "connector": "notStarted", "entra": "notStarted", "provision": "notStarted"})
    );
    assert_eq!(view["tokenStoredIn"], "memory (this run only)");
}

#[test]
fn prerequisites_wait_for_the_sign_ins_they_need() {
    let window = window();
    let checks = invoke(
        &window,
        "check_prerequisites",
        json!({"operationId": "op-1"}),
    )
    .expect("checks");
    let states: Vec<(String, String)> = checks
        .as_array()
        .expect("array")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap_or("").into(),
                c["state"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    let unknown = |id: &str| (id.to_string(), "unknown".to_string());
    assert_eq!(
        states,
        vec![
            unknown("unitySso"),
            unknown("unityDomains"),
            unknown("entraApp"),
            unknown("entraAdminRole")
        ]
    );
}

#[test]
fn a_step_before_its_sign_in_fails_with_the_exact_problem() {
    let window = window();
    let problem = invoke(
        &window,
        "entra_test_connection",
        json!({"operationId": "op-2"}),
    )
    .expect_err("not signed in");
    assert_eq!(
        problem,
        json!({
            "kind": "signInRequired",
            "action": "Calling Microsoft Graph",
            "cause": "You are not signed in to Microsoft.",
            "fix": "Sign in to Microsoft in step 3 (Entra provisioning).",
            "detail": {}
        })
    );
}

#[test]
fn diagnose_of_the_configured_target_before_step_2_names_what_is_missing() {
    let window = window();
    let problem = invoke(
        &window,
        "run_diagnosis",
        json!({"operationId": "op-3", "target": {"source": "configured"}, "writeChecks": false, "onProgress": "__CHANNEL__:7"}),
    )
    .expect_err("nothing configured");
    assert_eq!(problem["kind"], "notFound");
    assert_eq!(
        problem["cause"],
        "No SCIM connector URL has been set up yet."
    );
}

#[test]
fn unity_sign_in_then_sign_out_round_trips_through_the_sandbox() {
    let window = window();
    let signed_in =
        invoke(&window, "unity_sign_in", json!({"operationId": "op-4"})).expect("signed in");
    assert_eq!(signed_in["resumed"], false);
    assert!(
        !signed_in["organizations"]
            .as_array()
            .expect("orgs")
            .is_empty(),
        "{signed_in}"
    );
    let view = invoke(&window, "journal_state", json!({})).expect("journal");
    assert_eq!(view["resumeAt"], "unity");
    assert_eq!(view["steps"]["unity"], "inProgress");

    let signed_out = invoke(&window, "sign_out", json!({"scope": "unity"})).expect("signed out");
    assert_eq!(signed_out["removed"], json!(["Unity sign-in"]));
    assert_eq!(
        signed_out["forgottenSteps"],
        json!(["signInUnity", "unityCredentials", "connectorUrl"])
    );
    let problem = invoke(&window, "sign_out", json!({})).expect_err("scope is required");
    assert!(
        problem.as_str().is_some_and(|m| m.contains("scope")),
        "{problem}"
    );
}
