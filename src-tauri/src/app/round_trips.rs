//! Command round trips through Tauri's IPC without a display (`tauri::test`'s mock runtime):
//! the argument names the UI sends, the JSON that comes back, and the exact error JSON of a
//! failure, against the embedded sandbox on 127.0.0.1 with the in-memory secret store. The
//! app's real capabilities (`capabilities/main.json`) decide what may be called, as in the
//! window, so each round trip also proves its command is granted.

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponseBody};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};

mod http_waits;
mod writer_lock;

use super::cloud::ActiveCloud;
use super::state::{AppState, Opener};
use crate::cli::GlobalArgs;

/// What commands sent through Channels: (channel id, the event's JSON), in order.
type ChannelLog = Arc<Mutex<Vec<(u32, Value)>>>;

struct Window {
    webview: WebviewWindow<MockRuntime>,
    channels: ChannelLog,
    desktop: Arc<FakeDesktop>,
    _app: tauri::App<MockRuntime>,
    _data: tempfile::TempDir,
}

fn window() -> Window {
    window_labelled("main")
}

/// A window labelled `label`, with the app's real capabilities.
fn window_labelled(label: &str) -> Window {
    window_with(label, |_| {})
}

/// [`window_labelled`], with `tweak` applied to the app's state before the window opens.
fn window_with(label: &str, tweak: impl FnOnce(&mut AppState)) -> Window {
    let data = tempfile::tempdir().expect("tempdir");
    let global = GlobalArgs {
        profile: None,
        sandbox: true,
        data_dir: Some(data.path().to_path_buf()),
        verbose: false,
    };
    let cloud = tauri::async_runtime::block_on(ActiveCloud::resolve(&global)).expect("sandbox");
    let opener: Opener = std::sync::Arc::new(|_: &str| Ok(()));
    let desktop = Arc::new(FakeDesktop {
        answer: data.path().join("chosen"),
        opened: Mutex::default(),
    });
    let mut state = AppState::new(cloud, opener, desktop.clone()).expect("state");
    tweak(&mut state);
    let channels = ChannelLog::default();
    let log = channels.clone();
    let app = mock_builder()
        // The mock webview runs no JavaScript, so each Channel message is caught here instead.
        .channel_interceptor(move |_, channel, _, body| {
            if let InvokeResponseBody::Json(text) = body {
                let event = serde_json::from_str(text).expect("channel JSON");
                log.lock().expect("log").push((channel.0, event));
            }
            true
        })
        .invoke_handler(super::command_table::invoke_handler())
        .build(context_with_capabilities())
        .expect("app");
    app.manage(state);
    let webview = WebviewWindowBuilder::new(&app, label, Default::default())
        .build()
        .expect("window");
    Window {
        webview,
        channels,
        desktop,
        _app: app,
        _data: data,
    }
}

/// The desktop of a test: a dialog answers `answer` with the offered extension (Save as…)
/// or `.json` (the profile picker); folders shown in the file manager are noted.
struct FakeDesktop {
    answer: std::path::PathBuf,
    opened: Mutex<Vec<std::path::PathBuf>>,
}

impl super::desktop::Desktop for FakeDesktop {
    fn save_file(
        &self,
        _title: &str,
        _folder: &std::path::Path,
        file_name: &str,
        _kinds: &[super::desktop::FileKind],
    ) -> Option<std::path::PathBuf> {
        let extension = std::path::Path::new(file_name).extension()?;
        Some(self.answer.with_extension(extension))
    }

    fn pick_file(
        &self,
        _title: &str,
        kind: super::desktop::FileKind,
    ) -> Option<std::path::PathBuf> {
        Some(self.answer.with_extension(kind.extensions[0]))
    }

    fn open_folder(
        &self,
        _action: &str,
        folder: &std::path::Path,
    ) -> Result<(), scim_core::Problem> {
        self.opened
            .lock()
            .expect("opened")
            .push(folder.to_path_buf());
        Ok(())
    }
}

/// The mock runtime's context with the ACL the real app is built with.
fn context_with_capabilities() -> tauri::Context<MockRuntime> {
    let mut context = mock_context(noop_assets());
    std::mem::swap(
        context.runtime_authority_mut(),
        super::context().runtime_authority_mut(),
    );
    context
}

/// Invokes `command` as the UI does; `Err` holds the rejected value (a Problem's JSON).
fn invoke(window: &Window, command: &str, args: Value) -> Result<Value, Value> {
    invoke_from(window, "tauri://localhost", command, args)
}

/// Invokes `command` from a page at `origin`.
fn invoke_from(window: &Window, origin: &str, command: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: command.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: origin.parse().expect("url"),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(&window.webview, request)
        .map(|body| body.deserialize::<Value>().expect("json"))
}

/// The events channel `id` carried, in order.
fn events_on(window: &Window, id: u32) -> Vec<Value> {
    let log = window.channels.lock().expect("log");
    log.iter()
        .filter(|(channel, _)| *channel == id)
        .map(|(_, event)| event.clone())
        .collect()
}

/// Every event on a step's channel is a `note` about `step`, and the notes say `said`, in
/// that order (each one a part of its note).
fn assert_notes(events: &[Value], step: &str, said: &[&str]) {
    for event in events {
        assert_eq!(
            (event["type"].as_str(), event["step"].as_str()),
            (Some("note"), Some(step)),
            "{events:#?}"
        );
    }
    let messages: Vec<&str> = events
        .iter()
        .filter_map(|e| e["message"].as_str())
        .collect();
    assert_eq!(messages.len(), said.len(), "{messages:#?}");
    for (message, part) in messages.iter().zip(said) {
        assert!(message.contains(part), "{message:?} should say {part:?}");
    }
}

#[test]
fn the_four_steps_and_diagnose_stream_their_events_over_channels() {
    let window = window();
    invoke(&window, "unity_sign_in", json!({"operationId": "s1"})).expect("unity sign-in");

    // Step 1: the credentials, each call streamed; only the token's last four come back.
    let credentials = invoke(
        &window,
        "unity_ensure_credentials",
        json!({"operationId": "s1b", "orgId": null, "onProgress": "__CHANNEL__:11"}),
    )
    .expect("credentials");
    assert_eq!(
        credentials["tokenLastFour"]
            .as_str()
            .map(|t| t.chars().count()),
        Some(4),
        "{credentials}"
    );
    assert!(credentials.get("token").is_none(), "{credentials}");
    let last_four = credentials["tokenLastFour"].as_str().unwrap_or_default();
    assert_notes(
        &events_on(&window, 11),
        "unityCredentials",
        &[
            "Organization: Contoso Games",
            "Service account “Entra ID provisioning (scim-setup)” created",
            "SCIM Authenticator role",
            &format!("Bearer token …{last_four} created and stored"),
        ],
    );

    // Step 2: the connector URL.
    let connector = invoke(
        &window,
        "connector_resolve",
        json!({"operationId": "s2", "onProgress": "__CHANNEL__:12"}),
    )
    .expect("connector");
    assert!(
        connector["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("http://127.0.0.1:")),
        "{connector}"
    );
    assert_notes(
        &events_on(&window, 12),
        "connectorUrl",
        &["Validated domains: contoso.com"],
    );

    // Step 3: sign-in, the app and its job, Entra's Test Connection, save and start.
    let account = invoke(
        &window,
        "entra_sign_in",
        json!({"operationId": "s3", "method": "browser", "tenant": "contoso.com", "onProgress": "__CHANNEL__:13"}),
    )
    .expect("microsoft sign-in");
    assert!(account["account"].as_str().is_some(), "{account}");
    assert_eq!(account["tenantChoice"], "contoso.com", "{account}");
    assert_eq!(
        invoke(&window, "entra_tenant", json!({})).expect("tenant"),
        "contoso.com",
        "the next sign-in goes to the tenant chosen"
    );
    // The browser road shows no device code, so its channel stays quiet.
    assert_eq!(events_on(&window, 13), Vec::<Value>::new());
    let app = invoke(
        &window,
        "entra_use_app",
        json!({"operationId": "s3b", "name": "Unity", "create": false, "onProgress": "__CHANNEL__:14"}),
    )
    .expect("app and job");
    assert!(app["job"]["jobId"].as_str().is_some(), "{app}");
    assert_eq!(
        app["app"]["created"], false,
        "the sandbox's Unity app is found, not created"
    );
    assert_notes(
        &events_on(&window, 14),
        "provisioningJob",
        &["Created the job scim."],
    );
    let verdict = invoke(
        &window,
        "entra_test_connection",
        json!({"operationId": "s3c", "onProgress": "__CHANNEL__:18"}),
    )
    .expect("test connection");
    assert_eq!(verdict["url"], connector["url"], "{verdict}");
    // Graph answered at once: no wait to report.
    assert_eq!(events_on(&window, 18), Vec::<Value>::new());
    let started = invoke(
        &window,
        "entra_save_and_start",
        json!({"operationId": "s3d", "protection": {}, "onProgress": "__CHANNEL__:15"}),
    )
    .expect("started");
    assert_eq!(started["started"], true, "{started}");
    assert_notes(&events_on(&window, 15), "startProvisioning", &[]);

    // Preview: read-only, every stage streamed, then exported by Rust into reports/.
    let refused = invoke(&window, "preview_export", json!({"format": "csv"}))
        .expect_err("nothing previewed yet");
    assert_eq!(refused["kind"], "badInput", "{refused}");
    let preview = invoke(
        &window,
        "preview_provisioning",
        json!({"operationId": "s3e", "onProgress": "__CHANNEL__:19"}),
    )
    .expect("preview");
    let stages: Vec<Value> = events_on(&window, 19)
        .iter()
        .map(|e| e["stage"].clone())
        .collect();
    assert_eq!(
        stages.first(),
        Some(&json!("readingMappings")),
        "{stages:?}"
    );
    assert!(stages.contains(&json!("classifying")), "{stages:?}");
    let counted: u64 = ["create", "update", "inSync", "conflict", "skip", "remove"]
        .iter()
        .map(|class| preview["summary"][class].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(
        Some(counted as usize),
        preview["users"].as_array().map(Vec::len),
        "{preview}"
    );
    let exported = invoke(&window, "preview_export", json!({"format": "json"})).expect("exported");
    let path = std::path::PathBuf::from(exported["path"].as_str().expect("path"));
    assert!(
        path.starts_with(window._data.path().join("reports")),
        "{path:?}"
    );
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("written")).expect("json");
    assert_eq!(written["summary"], preview["summary"]);

    // Step 4: pick a person, provision on demand; the result streams before the reply.
    let found = invoke(
        &window,
        "directory_search",
        json!({"operationId": "s4", "text": "a", "top": 5, "onEvent": "__CHANNEL__:20"}),
    )
    .expect("search");
    let person = found
        .as_array()
        .expect("rows")
        .iter()
        .find(|row| row["kind"] == "user")
        .expect("a user")
        .clone();
    let outcomes = invoke(
        &window,
        "provision_now",
        json!({"operationId": "s4b", "subjects": [{
            "objectId": person["id"], "kind": "user", "label": person["displayName"], "members": []
        }], "onProgress": "__CHANNEL__:16"}),
    )
    .expect("provisioned");
    let events = events_on(&window, 16);
    let streamed: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "userProvisioned")
        .collect();
    assert_eq!(streamed.len(), 1, "{events:#?}");
    assert_eq!(streamed[0]["index"], 1);
    assert_eq!(
        streamed[0]["outcome"], outcomes[0],
        "the streamed result is the reply's"
    );

    // The provisioning logs: a search that finds nothing says exactly what was searched;
    // searched for that person by UPN, the on-demand run is there, marked as such.
    let none = invoke(
        &window,
        "search_provisioning_logs",
        json!({"operationId": "l1", "query": {"person": person["id"], "window": "lastHour", "status": "failure"}, "nextLink": null}),
    )
    .expect("an empty page");
    assert_eq!(none["groups"], json!([]), "{none}");
    assert_eq!(
        none["searched"],
        format!(
            "for \u{201c}{}\u{201d}, in the last hour, with status failure",
            person["id"].as_str().unwrap_or_default()
        )
    );
    let page = invoke(
        &window,
        "search_provisioning_logs",
        json!({"operationId": "l2", "query": {"person": person["detail"], "window": "lastHour", "status": null}, "nextLink": null}),
    )
    .expect("log page");
    let first = &page["groups"][0]["entry"];
    assert_eq!(first["sourceId"], person["id"], "{page}");
    assert_eq!(first["onDemand"], true, "{page}");

    // Diagnose of what the steps set up: planned once, then each check started and finished.
    let report = invoke(
        &window,
        "run_diagnosis",
        json!({"operationId": "d1", "target": {"source": "configured"}, "writeChecks": false, "onProgress": "__CHANNEL__:17"}),
    )
    .expect("diagnosis");
    let events = events_on(&window, 17);
    assert_eq!(events[0]["event"], "planned", "{events:#?}");
    let planned = events[0]["checks"].as_array().expect("checks").len();
    let finished = events
        .iter()
        .filter(|e| e["event"] == "checkFinished")
        .count();
    assert_eq!(finished, planned, "every planned check finishes");
    assert_eq!(
        report["checks"].as_array().map(Vec::len),
        Some(planned),
        "{report}"
    );

    // The exported report holds the diagnosis and the log rows on screen.
    let exported = invoke(&window, "export_report", json!({})).expect("exported");
    let written = std::fs::read_to_string(exported["jsonPath"].as_str().expect("path"))
        .expect("the JSON report");
    let written: Value = serde_json::from_str(&written).expect("JSON");
    assert_eq!(
        written["provisioningLogs"][0]["id"], first["id"],
        "{written}"
    );
    assert!(written["diagnosis"]["checks"].is_array(), "{written}");

    // Save as…: the path comes from the (native) dialog, never from the webview; the HTML
    // report is written there. Open folder shows the reports folder the app computed, whatever
    // the webview sends.
    let saved = invoke(&window, "save_report_as", json!({})).expect("saved");
    let saved = saved.as_str().expect("a path");
    assert!(saved.ends_with("chosen.html"), "{saved}");
    let html = std::fs::read_to_string(saved).expect("the HTML report");
    assert!(html.contains("<html"), "{html}");
    let folder = invoke(&window, "open_reports_folder", json!({"path": "/etc"})).expect("opened");
    let opened = window.desktop.opened.lock().expect("opened").clone();
    assert_eq!(
        opened,
        vec![std::path::PathBuf::from(folder.as_str().expect("folder"))]
    );
    assert!(
        opened[0].ends_with("reports") && opened[0].is_dir(),
        "{opened:?}"
    );
    // The log folder likewise: the data folder's logs/, whatever the webview sends.
    let logs = invoke(&window, "open_log_folder", json!({"path": "/etc"})).expect("opened");
    let opened = window.desktop.opened.lock().expect("opened").clone();
    assert_eq!(opened.len(), 2, "{opened:?}");
    assert_eq!(
        opened[1],
        std::path::PathBuf::from(logs.as_str().expect("folder"))
    );
    assert!(
        opened[1].ends_with("logs") && opened[1].is_dir(),
        "{opened:?}"
    );
}

#[test]
fn nothing_to_save_is_said_before_a_dialog_and_the_profile_picker_returns_its_choice() {
    let window = window();
    let problem = invoke(&window, "save_report_as", json!({})).expect_err("nothing yet");
    assert_eq!(problem["kind"], "badInput", "{problem}");
    assert_eq!(problem["cause"], "There is nothing to export yet.");
    let chosen = invoke(&window, "choose_profile_file", json!({})).expect("chosen");
    assert!(
        chosen.as_str().is_some_and(|p| p.ends_with("chosen.json")),
        "{chosen}"
    );
}

#[test]
fn a_pasted_token_arrives_as_a_secret_and_never_comes_back() {
    let window = window();
    let problem = invoke(
        &window,
        "unity_accept_pasted",
        json!({"operationId": "p1", "connector": "https://example.invalid/scim/v2", "token": 42, "onProgress": "__CHANNEL__:20"}),
    )
    .expect_err("a number is no token");
    assert!(
        problem
            .as_str()
            .is_some_and(|m| m.contains("expected a secret as a string")),
        "{problem}"
    );
    // A token the check refuses: the Problem names the cause, never the token.
    let token = "pasted-secret-value-7Q2a";
    let problem = invoke(
        &window,
        "unity_accept_pasted",
        json!({"operationId": "p2", "connector": "http://127.0.0.1:9/scim/v2", "token": token, "onProgress": "__CHANNEL__:21"}),
    )
    .expect_err("nothing listens on port 9");
    assert!(problem["kind"].is_string(), "{problem}");
    assert!(!problem.to_string().contains(token), "{problem}");
}

#[test]
fn what_the_capabilities_do_not_grant_is_refused() {
    let window = window();
    // A plugin command: the opener is Rust's, never the webview's.
    let refused = invoke(
        &window,
        "plugin:opener|open_url",
        json!({"url": "https://example.com"}),
    )
    .expect_err("not granted");
    assert!(
        refused.as_str().is_some_and(|m| m.contains("not allowed")),
        "{refused}"
    );
    // Our own command from a remote page, or from a window the capability does not name.
    let refused = invoke_from(&window, "https://example.com", "journal_state", json!({}))
        .expect_err("remote origin");
    assert!(
        refused.as_str().is_some_and(|m| m.contains("not allowed")),
        "{refused}"
    );
    let other = window_labelled("other");
    let refused = invoke(&other, "journal_state", json!({})).expect_err("other window");
    assert!(
        refused.as_str().is_some_and(|m| m.contains("not allowed")),
        "{refused}"
    );
    // An unknown command.
    let refused = invoke(&window, "read_secret", json!({})).expect_err("no such command");
    assert!(
        refused
            .as_str()
            .is_some_and(|m| m.contains("not allowed") || m.contains("not found")),
        "{refused}"
    );
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
        json!({"operationId": "op-2", "onProgress": "__CHANNEL__:8"}),
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
    let account = |id: &str| invoke(&window, "unity_account", json!({"operationId": id}));
    assert_eq!(account("op-3").expect("nobody yet"), Value::Null);
    let signed_in =
        invoke(&window, "unity_sign_in", json!({"operationId": "op-4"})).expect("signed in");
    assert_eq!(signed_in["resumed"], false);
    // Step 1 on a later visit: the same account and organizations, with no browser.
    let again = account("op-5").expect("the saved sign-in");
    assert_eq!(again["resumed"], true);
    assert_eq!(again["account"], signed_in["account"]);
    assert_eq!(again["organizations"], signed_in["organizations"]);
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

    let plan = invoke(&window, "sign_out_plan", json!({"scope": "unity"})).expect("plan");
    assert_eq!(
        plan["removed"],
        json!(["Unity sign-in"]),
        "says, removes nothing"
    );
    let signed_out = invoke(&window, "sign_out", json!({"scope": "unity"})).expect("signed out");
    assert_eq!(signed_out["removed"], json!(["Unity sign-in"]));
    assert_eq!(signed_out["forgottenSteps"], json!(["signInUnity"]));
    assert_eq!(account("op-6").expect("signed out"), Value::Null);
    let problem = invoke(&window, "sign_out", json!({})).expect_err("scope is required");
    assert!(
        problem.as_str().is_some_and(|m| m.contains("scope")),
        "{problem}"
    );
}

/// Steps 1 to 3 on the API road, up to a started job, as the window calls them (channel ids
/// from 100 up, so a test's own channels stay apart).
fn set_up_and_start(window: &Window) {
    invoke(window, "unity_sign_in", json!({"operationId": "u1"})).expect("unity sign-in");
    invoke(
        window,
        "unity_ensure_credentials",
        json!({"operationId": "u2", "orgId": null, "onProgress": "__CHANNEL__:100"}),
    )
    .expect("credentials");
    invoke(
        window,
        "connector_resolve",
        json!({"operationId": "c1", "onProgress": "__CHANNEL__:101"}),
    )
    .expect("connector");
    invoke(
        window,
        "entra_sign_in",
        json!({"operationId": "e1", "method": "browser", "onProgress": "__CHANNEL__:102"}),
    )
    .expect("microsoft sign-in");
    invoke(
        window,
        "entra_use_app",
        json!({"operationId": "e2", "name": "Unity", "create": false, "onProgress": "__CHANNEL__:103"}),
    )
    .expect("app and job");
    let started = invoke(
        window,
        "entra_save_and_start",
        json!({"operationId": "e3", "protection": {}, "onProgress": "__CHANNEL__:104"}),
    )
    .expect("started");
    assert_eq!(started["started"], true, "{started}");
}

/// The journal's Entra part, as the window reads it.
fn entra_journal(window: &Window) -> Value {
    invoke(window, "journal_state", json!({})).expect("journal")["journal"]["entra"].clone()
}

#[test]
fn the_job_card_pauses_starts_restarts_and_changes_the_scope_each_journaled() {
    let window = window();
    set_up_and_start(&window);
    let card = invoke(&window, "entra_job_status", json!({"operationId": "j0"})).expect("card");
    assert_eq!(card["tenantName"], "Contoso", "the tenant by name: {card}");
    assert_eq!(
        card["scope"], "assignedOnly",
        "the scope the save wrote: {card}"
    );
    assert!(card["stateLabel"].as_str().is_some_and(|s| !s.is_empty()));

    let paused =
        invoke(&window, "pause_provisioning", json!({"operationId": "j1"})).expect("paused");
    assert_eq!(
        (&paused["stateLabel"], &paused["nextRunLabel"]),
        (&json!("Paused"), &json!("Not while paused")),
        "{paused}"
    );
    assert!(entra_journal(&window)["pausedAt"].is_string());

    let resumed =
        invoke(&window, "resume_provisioning", json!({"operationId": "j2"})).expect("resumed");
    assert_ne!(resumed["stateLabel"], "Paused", "{resumed}");
    assert_eq!(resumed["scheduleState"], "Active", "{resumed}");
    assert_eq!(entra_journal(&window)["pausedAt"], Value::Null);

    let restarted = invoke(
        &window,
        "restart_provisioning",
        json!({"operationId": "j3"}),
    )
    .expect("restarted");
    assert!(restarted["quarantine"].is_null(), "{restarted}");
    assert!(entra_journal(&window)["restartedAt"].is_string());

    let scoped = invoke(
        &window,
        "set_provisioning_scope",
        json!({"operationId": "j4", "scope": "allUsers"}),
    )
    .expect("scope");
    assert_eq!(scoped["scope"], "allUsers", "{scoped}");
    assert_eq!(entra_journal(&window)["scope"], "allUsers");
    let refused = invoke(
        &window,
        "set_provisioning_scope",
        json!({"operationId": "j5", "scope": "everyone"}),
    )
    .expect_err("no such scope");
    assert!(
        refused.as_str().is_some_and(|m| m.contains("scope")),
        "{refused}"
    );
    assert_eq!(entra_journal(&window)["scope"], "allUsers", "unchanged");
}

#[test]
fn step_4_lists_upns_and_member_counts_and_unassigns() {
    let window = window();
    set_up_and_start(&window);
    let found = invoke(
        &window,
        "directory_search",
        json!({"operationId": "a1", "text": "Unity", "top": 5, "onEvent": "__CHANNEL__:21"}),
    )
    .expect("search");
    let rows = found.as_array().expect("rows");
    let group = rows
        .iter()
        .find(|row| row["kind"] == "group")
        .expect("a Unity group")
        .clone();
    assert!(
        group["memberCount"].as_u64().is_some_and(|n| n > 0),
        "a group row says how many members it has: {group}"
    );
    // The rows streamed first, uncounted, then each count: the window shows rows before
    // counting ends.
    let events = events_on(&window, 21);
    assert_eq!(events[0]["type"], "found", "{events:#?}");
    assert!(
        events[0]["entries"]
            .as_array()
            .is_some_and(|rows| rows.iter().all(|row| row["memberCount"].is_null())),
        "{events:#?}"
    );
    assert!(
        events[1..]
            .iter()
            .any(|event| event["type"] == "memberCount"
                && event["groupId"] == group["id"]
                && event["memberCount"] == group["memberCount"]),
        "{events:#?}"
    );
    let person = invoke(
        &window,
        "directory_search",
        json!({"operationId": "a2", "text": "adele", "top": 1, "onEvent": "__CHANNEL__:22"}),
    )
    .expect("search")[0]
        .clone();
    assert_eq!(person["kind"], "user", "{person}");
    assert!(person["memberCount"].is_null(), "{person}");
    invoke(
        &window,
        "assign_principals",
        json!({"operationId": "a3", "principals": [
            {"objectId": person["id"], "kind": "user", "label": person["detail"], "members": []},
            {"objectId": group["id"], "kind": "group", "label": group["displayName"], "members": []}
        ]}),
    )
    .expect("assigned");

    let assigned = invoke(&window, "list_assigned", json!({"operationId": "a4"})).expect("list");
    let row = |id: &Value| {
        assigned
            .as_array()
            .expect("rows")
            .iter()
            .find(|row| &row["principalId"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} is listed: {assigned}"))
    };
    let listed_person = row(&person["id"]);
    assert_eq!(listed_person["kind"], "user");
    assert_eq!(listed_person["userPrincipalName"], person["detail"]);
    // Adele is a direct member of the seeded Unity Pilot, which is assigned: her row names it
    // (and only groups that are assigned), so unassigning her can say it keeps her in scope.
    let through = listed_person["inAssignedGroups"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let assigned_groups: Vec<&Value> = assigned
        .as_array()
        .expect("rows")
        .iter()
        .filter(|row| row["kind"] == "group")
        .map(|row| &row["displayName"])
        .collect();
    assert!(
        through.contains(&json!("Unity Pilot"))
            && through.iter().all(|name| assigned_groups.contains(&name)),
        "{listed_person}"
    );
    let listed_group = row(&group["id"]);
    assert!(listed_group["inAssignedGroups"].is_null(), "{listed_group}");
    assert_eq!(
        (&listed_group["kind"], &listed_group["memberCount"]),
        (&json!("group"), &group["memberCount"])
    );

    invoke(
        &window,
        "unassign_principal",
        json!({"operationId": "a5", "assignmentId": listed_person["assignmentId"]}),
    )
    .expect("unassigned");
    let after = invoke(&window, "list_assigned", json!({"operationId": "a6"})).expect("list");
    assert!(
        after
            .as_array()
            .expect("rows")
            .iter()
            .all(|row| row["principalId"] != person["id"]),
        "{after}"
    );
}

#[test]
fn step_3_saves_the_deletion_safeguards_then_the_card_lists_held_deletions_and_rotates_the_token() {
    let window = window();
    invoke(&window, "unity_sign_in", json!({"operationId": "u1"})).expect("unity sign-in");
    invoke(
        &window,
        "unity_ensure_credentials",
        json!({"operationId": "u2", "orgId": null, "onProgress": "__CHANNEL__:100"}),
    )
    .expect("credentials");
    invoke(
        &window,
        "connector_resolve",
        json!({"operationId": "c1", "onProgress": "__CHANNEL__:101"}),
    )
    .expect("connector");
    let account = invoke(
        &window,
        "entra_sign_in",
        json!({"operationId": "e1", "method": "browser", "onProgress": "__CHANNEL__:102"}),
    )
    .expect("microsoft sign-in");
    invoke(
        &window,
        "entra_use_app",
        json!({"operationId": "e2", "name": "Unity", "create": false, "onProgress": "__CHANNEL__:103"}),
    )
    .expect("app and job");

    // Before Start: the suggestion, the signed-in admin told, nothing kept yet.
    let suggested = invoke(
        &window,
        "entra_deletion_protection",
        json!({"operationId": "d1"}),
    )
    .expect("suggestion");
    assert_eq!(suggested["deleteThreshold"], 10, "{suggested}");
    assert_eq!(suggested["notify"], account["account"], "{suggested}");
    assert_eq!(suggested["skipOutOfScopeDeletions"], false);
    assert!(entra_journal(&window)["deletionProtection"].is_null());
    let refused = invoke(
        &window,
        "entra_save_and_start",
        json!({"operationId": "d2", "protection": {"notify": "not an address"}, "onProgress": "__CHANNEL__:104"}),
    )
    .expect_err("a bad recipient");
    assert_eq!(refused["kind"], "badInput", "{refused}");
    let chosen =
        json!({"deleteThreshold": 7, "notify": "ops@contoso.com", "skipOutOfScopeDeletions": true});
    invoke(
        &window,
        "entra_save_and_start",
        json!({"operationId": "d3", "protection": chosen, "onProgress": "__CHANNEL__:105"}),
    )
    .expect("started");
    assert_eq!(entra_journal(&window)["deletionProtection"], chosen);
    let kept = invoke(
        &window,
        "entra_deletion_protection",
        json!({"operationId": "d4"}),
    )
    .expect("kept");
    assert_eq!(kept, chosen);

    // Nothing held back on a fresh job; allowing is still a plain restart that answers the card.
    let held = invoke(&window, "held_back_deletions", json!({"operationId": "h1"})).expect("held");
    assert_eq!((&held["held"], &held["users"]), (&json!(false), &json!([])));
    let allowed = invoke(
        &window,
        "allow_held_back_deletions",
        json!({"operationId": "h2"}),
    )
    .expect("allowed");
    assert_eq!(allowed["tenantName"], "Contoso", "{allowed}");

    // The token: its facts, a rotation on the API road, and a pasted one that fails keeps it.
    let facts = invoke(&window, "scim_token_facts", json!({})).expect("facts");
    assert_eq!(
        (&facts["road"], &facts["ageDays"]),
        (&json!("api"), &json!(0))
    );
    let old_four = facts["lastFour"].clone();
    let rotated = invoke(
        &window,
        "rotate_scim_token",
        json!({"operationId": "t1", "pastedToken": null}),
    )
    .expect("rotated");
    assert_eq!(rotated["oldTokenRevoked"], true, "{rotated}");
    assert_eq!(rotated["oldTokenLastFour"], old_four);
    assert_ne!(rotated["newTokenLastFour"], old_four);
    assert!(rotated.get("token").is_none(), "{rotated}");
    let after = invoke(&window, "scim_token_facts", json!({})).expect("facts");
    assert_eq!(after["lastFour"], rotated["newTokenLastFour"]);
    assert_eq!(after["lastCheckedAt"], rotated["testedAt"]);
    let pasted = "not-a-token-unity-knows-9Zz9";
    let refused = invoke(
        &window,
        "rotate_scim_token",
        json!({"operationId": "t2", "pastedToken": pasted}),
    )
    .expect_err("Unity refuses it");
    assert!(!refused.to_string().contains(pasted), "{refused}");
    let still = invoke(&window, "scim_token_facts", json!({})).expect("facts");
    assert_eq!(still["lastFour"], rotated["newTokenLastFour"], "unchanged");
}

// The hostile SCIM servers of the engine's and the CLI's tests, written once in engine-tests.
#[path = "../../../crates/engine-tests/tests/it/shared/mod.rs"]
mod shared;

/// The quoting server's base and the 4 GiB server's SCIM URL, served for the rest of the test
/// process from a runtime of their own (the window's commands block this thread).
fn hostile_servers() -> (String, String) {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let (base, _quoting) = shared::hostile_scim::start_hostile_server().await;
            let (huge, _huge) = shared::hostile_scim::start_huge_server().await;
            sender.send((base, huge)).expect("servers started");
            std::future::pending::<()>().await;
        });
    });
    receiver.recv().expect("servers")
}

/// Every string inside `value` (keys too), so the check sees the text, not its JSON escapes.
fn strings_in(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => out.push(text.clone()),
        Value::Array(items) => items.iter().for_each(|item| strings_in(item, out)),
        Value::Object(map) => {
            for (key, item) in map {
                out.push(key.clone());
                strings_in(item, out);
            }
        }
        _ => {}
    }
}

/// What the window receives holds no form of the token and no control or bidi character.
fn assert_window_clean(what: &str, value: &Value) {
    shared::echo_scim::assert_clean(what, &value.to_string());
    let mut texts = Vec::new();
    strings_in(value, &mut texts);
    for text in texts {
        shared::hostile_scim::assert_no_controls(what, text.as_bytes());
    }
}

/// The window's commands that return a server's text, against the server that quotes the
/// token among escapes, bidi controls and markup, and the one that streams gigabytes: the
/// Problem JSON, the diagnosis and its channel events, and the exported reports.
#[test]
fn a_hostile_servers_text_reaches_the_window_only_through_the_gate() {
    let token = shared::echo_scim::TOKEN;
    let (base, huge) = hostile_servers();
    let quoting = format!("{base}/quote/scim/v2");
    let window = window();

    let problem = invoke(
        &window,
        "unity_accept_pasted",
        json!({"operationId": "g1", "connector": quoting, "token": token, "onProgress": "__CHANNEL__:43"}),
    )
    .expect_err("the server refuses the token");
    assert_eq!(problem["kind"], "credentialsRejected", "{problem}");
    assert_window_clean("step 1's Problem", &problem);
    for event in events_on(&window, 43) {
        assert_window_clean("step 1's progress", &event);
    }

    let report = invoke(
        &window,
        "run_diagnosis",
        json!({"operationId": "g2", "target": {"source": "pasted", "url": quoting, "token": token},
               "writeChecks": false, "onProgress": "__CHANNEL__:41"}),
    )
    .expect("a diagnosis");
    assert_window_clean("the diagnosis", &report);
    for event in events_on(&window, 41) {
        assert_window_clean("a diagnosis event", &event);
    }
    let exported = invoke(&window, "export_report", json!({})).expect("exported");
    for key in ["htmlPath", "jsonPath"] {
        let path = exported[key].as_str().expect("a path");
        let bytes = std::fs::read(path).expect("the report");
        shared::echo_scim::assert_clean(path, &String::from_utf8_lossy(&bytes));
        shared::hostile_scim::assert_no_controls(path, &bytes);
    }

    let problem = invoke(
        &window,
        "unity_accept_pasted",
        json!({"operationId": "g3", "connector": huge, "token": token, "onProgress": "__CHANNEL__:44"}),
    )
    .expect_err("the answer is too large");
    assert!(
        problem["cause"]
            .as_str()
            .is_some_and(|c| c.contains("larger than")),
        "{problem}"
    );
    let report = invoke(
        &window,
        "run_diagnosis",
        json!({"operationId": "g4", "target": {"source": "pasted", "url": huge, "token": token},
               "writeChecks": false, "onProgress": "__CHANNEL__:42"}),
    )
    .expect("a diagnosis");
    assert!(
        report.to_string().contains("answer-too-large"),
        "the size is a finding: {report}"
    );
}
