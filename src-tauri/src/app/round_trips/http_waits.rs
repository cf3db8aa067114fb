//! The window's commands that have no progress channel for waits (Pause, Start, unassign,
//! rotate, and Preview, whose stages carry none) tell their HTTP waits through
//! `operation_waiting`, in the engine's words (`scim_core::http::RetryWait::describe`), and
//! tell a wait only while it lasts.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tauri::Manager;

use super::writer_lock::{data_folder, script_holding};
use super::{invoke, set_up_and_start, window, Window};
use crate::app::state::AppState;

/// The sandbox's control URL (`/_sandbox`), where the tests switch faults on.
fn control(window: &Window) -> String {
    let state = window.webview.state::<AppState>();
    let facts = state
        .ctx
        .profile
        .sandbox
        .as_ref()
        .expect("a sandbox profile");
    facts.control.clone().expect("the sandbox's control URL")
}

/// Switches on one fault SPEC (`KIND[:ARG]@ROUTE[#TIMES]`, crates/sandbox/src/faults.rs), or
/// with `None` switches every fault off.
fn fault(window: &Window, spec: Option<&str>) {
    let control = control(window);
    tauri::async_runtime::block_on(async move {
        let client = reqwest::Client::new();
        let sent = match spec {
            Some(spec) => {
                client
                    .post(format!("{control}/faults"))
                    .json(&json!({ "spec": spec }))
                    .send()
                    .await
            }
            None => client.delete(format!("{control}/faults")).send().await,
        };
        assert!(
            sent.expect("the sandbox answers").status().is_success(),
            "{spec:?}"
        );
    });
}

/// Runs `command` while another thread asks `operation_waiting` what it waits for every
/// 10 ms, as the window does every second, and `during(text)` is called with each answer
/// that differs from the one before (`None` when it waits for nothing). Returns the
/// command's answer and every answer heard, in order.
fn run_watched(
    window: &Window,
    command: &str,
    args: Value,
    during: impl Fn(Option<&str>) + Send + 'static,
) -> (Result<Value, Value>, Vec<Option<String>>) {
    let operation = args["operationId"].as_str().expect("an id").to_string();
    let app = window.webview.app_handle().clone();
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let watcher = std::thread::spawn(move || {
        let mut heard: Vec<Option<String>> = Vec::new();
        loop {
            let now = app.state::<AppState>().operations.waiting(&operation);
            if heard.last() != Some(&now) {
                during(now.as_deref());
                heard.push(now);
            }
            if finished.try_recv().is_ok() {
                return heard;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    });
    let answer = invoke(window, command, args);
    done.send(()).expect("watcher alive");
    (answer, watcher.join().expect("watcher"))
}

/// No wait is silent (the 5 s bound of a person's patience, `http::HEARTBEAT`): a service that
/// throttles (429 with `Retry-After`, RFC 6585 section 4) or is unavailable (503, RFC 9110
/// section 15.6.4) makes each command without a wait channel tell the retry wait, naming the
/// service, the status, the wait, the next try and the time left; nothing once it returned.
/// The family: Graph's POSTs (Pause, Start), Graph's DELETE (unassign), the SCIM server's
/// reads (Preview, rotating to a pasted token).
#[test]
fn each_command_without_a_wait_channel_tells_a_throttled_or_unavailable_service() {
    let window = window();
    set_up_and_start(&window);
    let throttling = "is throttling requests (429 Too Many Requests); trying again after a ";
    let unavailable = "is unavailable for the moment (HTTP 503); trying again after a ";
    let cases = [
        (
            "pause_provisioning",
            json!({"operationId": "h1"}),
            "status:429:2@*/synchronization/jobs/*/pause#1",
            throttling,
        ),
        (
            "resume_provisioning",
            json!({"operationId": "h2"}),
            "status:429:3@*/synchronization/jobs/*/start#1",
            throttling,
        ),
        (
            "unassign_principal",
            json!({"operationId": "h3", "assignmentId": "no-such-assignment"}),
            "status:503@*/appRoleAssignedTo/*#1",
            unavailable,
        ),
        (
            "preview_provisioning",
            json!({"operationId": "h4", "onProgress": "__CHANNEL__:41"}),
            "status:429:2@/scim/v2/*#1",
            throttling,
        ),
        (
            "rotate_scim_token",
            json!({"operationId": "h5", "pastedToken": "a-pasted-token-0000"}),
            "status:503@/scim/v2/*#1",
            unavailable,
        ),
    ];
    for (command, args, spec, words) in cases {
        fault(&window, Some(spec));
        let (_answer, heard) = run_watched(&window, command, args.clone(), |_| {});
        fault(&window, None);
        let told: Vec<&str> = heard.iter().flatten().map(String::as_str).collect();
        assert!(
            told.iter().any(|text| text.contains(words)
                && text.contains("(try 2 of ")
                && text.ends_with(" s left")),
            "{command} under {spec}: {heard:#?}"
        );
        let after = invoke(
            &window,
            "operation_waiting",
            json!({"operationId": args["operationId"]}),
        )
        .expect("operation_waiting");
        assert_eq!(after, Value::Null, "{command}: nothing once it returned");
    }
}

/// A wait that is over is not told (invariant: the line says what the command waits for now):
/// once the script lets go of the data folder, the lock's "Waiting for another scim-setup"
/// stops at once, although the command goes on (its Graph call hangs until cancelled).
#[test]
fn the_lock_wait_is_no_longer_told_once_the_lock_is_taken() {
    let window = window();
    set_up_and_start(&window);
    fault(&window, Some("hang@*/synchronization/jobs/*/pause"));
    let held = std::sync::Mutex::new(Some(script_holding(&data_folder(&window))));
    let app = window.webview.app_handle().clone();
    let started = Instant::now();
    let (answer, heard) = run_watched(
        &window,
        "pause_provisioning",
        json!({"operationId": "t1"}),
        move |now| {
            let operations = &app.state::<AppState>().operations;
            match now {
                // The lock's wait was told: the script lets go.
                Some(text) if text.starts_with("Waiting for another scim-setup") => {
                    held.lock().expect("held").take();
                }
                // Taken, and nothing told: the hanging call is cancelled, ending the command.
                None if held.lock().expect("held").is_none() => {
                    operations.cancel("t1");
                }
                _ if started.elapsed() > Duration::from_secs(60) => {
                    operations.cancel("t1");
                }
                _ => {}
            }
        },
    );
    fault(&window, None);
    let problem = answer.expect_err("cancelled");
    assert_eq!(problem["kind"], "cancelled", "{problem}");
    let lock_told = heard.iter().position(|now| {
        now.as_deref()
            .is_some_and(|text| text.starts_with("Waiting for another scim-setup"))
    });
    let lock_told = lock_told.unwrap_or_else(|| panic!("the lock's wait was told: {heard:#?}"));
    assert_eq!(
        heard.get(lock_told + 1),
        Some(&None),
        "the lock's wait ends when the lock is taken, not with the command: {heard:#?}"
    );
}
