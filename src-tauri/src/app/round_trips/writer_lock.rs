//! The window's writing commands take the data folder's writer lock per operation
//! (`scim_core::data_folder_lock`): one waits for a script holding it and says so on its step's
//! channel; past the bound each returns the `dataFolderBusy` Problem naming the holder; reads
//! go on meanwhile.

use std::path::{Path, PathBuf};
use std::time::Duration;

use scim_core::data_folder_lock::{self, DataFolderLock, LockHolder, HOLDER_FILE};
use serde_json::{json, Value};
use tauri::Manager;

use super::{events_on, invoke, window_with, Window};
use crate::app::state::AppState;

/// A scim-setup in another process (a script's `setup`) holding `folder`: the lock is taken
/// here, and its record names that other process, as the script's would.
pub(super) fn script_holding(folder: &Path) -> DataFolderLock {
    let lock = data_folder_lock::try_acquire(folder, "setup").expect("free");
    let script = LockHolder {
        pid: 4242,
        started_at: "2026-01-02T03:04:05Z".into(),
        command: "setup".into(),
        version: "0.1.0".into(),
    };
    std::fs::write(
        folder.join(HOLDER_FILE),
        serde_json::to_string(&script).expect("json"),
    )
    .expect("record");
    lock
}

pub(super) fn data_folder(window: &Window) -> PathBuf {
    window.webview.state::<AppState>().ctx.data_dir.clone()
}

#[test]
fn a_writing_step_waits_for_a_script_and_says_so_on_its_channel() {
    let window = window_with("main", |state| {
        state.ctx.writer_wait = Duration::from_secs(120);
    });
    invoke(&window, "unity_sign_in", json!({"operationId": "s1"})).expect("unity sign-in");
    let held = script_holding(&data_folder(&window));
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1_500));
        drop(held);
    });
    let credentials = invoke(
        &window,
        "unity_ensure_credentials",
        json!({"operationId": "w1", "orgId": null, "onProgress": "__CHANNEL__:31"}),
    )
    .expect("made once the script let go");
    release.join().expect("released");
    assert!(credentials["tokenLastFour"].is_string(), "{credentials}");
    let events = events_on(&window, 31);
    let first = &events[0];
    assert_eq!(first["type"], "waiting", "{events:#?}");
    assert_eq!(first["step"], "unityCredentials", "{first}");
    let reason = first["reason"].as_str().unwrap_or_default();
    assert!(
        reason.starts_with("Waiting for another scim-setup (process 4242, `setup`, started at ")
            && reason.contains("to finish with this data folder, "),
        "{reason}"
    );
    assert!(
        first["seconds"].as_u64().is_some_and(|s| s <= 120),
        "{first}"
    );
    assert!(
        events.iter().any(|e| e["type"] == "note"),
        "then the step's own notes: {events:#?}"
    );
}

#[test]
fn past_the_bound_each_writing_command_returns_the_busy_problem_while_reads_go_on() {
    let window = window_with("main", |state| {
        state.ctx.writer_wait = Duration::from_millis(300);
    });
    let _held = script_holding(&data_folder(&window));
    // Waiting and synchronous commands, with and without a channel: the same Problem.
    let writers = [
        ("pause_provisioning", json!({"operationId": "b1"})),
        (
            "set_provisioning_scope",
            json!({"operationId": "b2", "scope": "allUsers"}),
        ),
        (
            "rotate_scim_token",
            json!({"operationId": "b3", "pastedToken": "a-pasted-token-0000"}),
        ),
        (
            "assign_principals",
            json!({"operationId": "b4", "principals": []}),
        ),
        (
            "entra_use_app",
            json!({"operationId": "b5", "name": "Unity", "create": true, "onProgress": "__CHANNEL__:32"}),
        ),
        ("sign_out", json!({"scope": "everything"})),
    ];
    for (command, args) in writers {
        let problem: Value = invoke(&window, command, args).expect_err("busy");
        assert_eq!(problem["kind"], "dataFolderBusy", "{command}: {problem}");
        let cause = problem["cause"].as_str().unwrap_or_default();
        assert!(
            cause.starts_with("Another scim-setup (process 4242, `setup`, started at "),
            "{command}: {cause}"
        );
        assert!(cause.contains("is working on this data folder"), "{cause}");
        assert!(
            problem["fix"]
                .as_str()
                .is_some_and(|fix| fix.starts_with("Let it finish")),
            "{problem}"
        );
    }
    // Reads take no lock.
    invoke(&window, "journal_state", json!({})).expect("journal view");
    invoke(&window, "entra_tenant", json!({})).expect("tenant");
    invoke(&window, "scim_token_facts", json!({})).expect("token facts");
    invoke(&window, "unity_account", json!({"operationId": "r1"})).expect("unity account");
}

/// Commands without a progress channel of their own are not silent either: while one waits for
/// the lock, `operation_waiting` under its operation id says whom it waits for (at once: the
/// lock reports its first wait before sleeping), and says nothing once the command returned.
#[test]
fn a_command_without_a_channel_tells_its_wait_through_operation_waiting() {
    let window = window_with("main", |state| {
        state.ctx.writer_wait = Duration::from_secs(120);
    });
    let commands = [
        ("pause_provisioning", json!({"operationId": "q1"})),
        ("restart_provisioning", json!({"operationId": "q2"})),
        (
            "set_provisioning_scope",
            json!({"operationId": "q3", "scope": "allUsers"}),
        ),
        (
            "assign_principals",
            json!({"operationId": "q4", "principals": []}),
        ),
        (
            "unassign_principal",
            json!({"operationId": "q5", "assignmentId": "a-1"}),
        ),
        (
            "rotate_scim_token",
            json!({"operationId": "q6", "pastedToken": "a-pasted-token-0000"}),
        ),
    ];
    for (command, args) in commands {
        let id = args["operationId"].clone();
        let held = script_holding(&data_folder(&window));
        let app = window.webview.app_handle().clone();
        let operation = id.as_str().unwrap_or_default().to_string();
        // The window's poll, from another thread, while the command below blocks on the lock;
        // the script lets go once the wait was told.
        let watcher = std::thread::spawn(move || {
            let asked_from = std::time::Instant::now();
            loop {
                if let Some(text) = app.state::<AppState>().operations.waiting(&operation) {
                    drop(held);
                    return Some(text);
                }
                if asked_from.elapsed() > Duration::from_secs(30) {
                    drop(held);
                    return None;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        let _ = invoke(&window, command, args.clone());
        let said = watcher
            .join()
            .expect("watcher")
            .unwrap_or_else(|| panic!("{command}: no wait was told while the lock was held"));
        assert!(
            said.starts_with("Waiting for another scim-setup (process 4242, `setup`, started at ")
                && said.contains("s left"),
            "{command}: {said}"
        );
        let after = invoke(&window, "operation_waiting", json!({"operationId": id}))
            .expect("operation_waiting");
        assert_eq!(after, Value::Null, "{command}: nothing once it returned");
    }
}

/// No step is silent for more than 5 s (`data_folder_lock::acquire` reports at once, then every
/// 5 s): while a command without a channel waits for a lock held past its bound, what
/// `operation_waiting` says is there within 5 s of the start, changes again at least every
/// 5 s (plus slack for a busy machine, on the bound we set), counts down by the lock's own
/// clock, and ends with the `dataFolderBusy` Problem.
#[test]
fn a_command_waiting_on_the_lock_tells_its_wait_at_once_and_again_every_five_seconds() {
    const EVERY: Duration = Duration::from_secs(5);
    const SLACK: Duration = Duration::from_secs(2);
    let window = window_with("main", |state| {
        state.ctx.writer_wait = Duration::from_secs(11);
    });
    let _held = script_holding(&data_folder(&window));
    let app = window.webview.app_handle().clone();
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let started = std::time::Instant::now();
    let watcher = std::thread::spawn(move || {
        let mut heard: Vec<(Duration, String)> = Vec::new();
        while finished.try_recv().is_err() {
            let now = app.state::<AppState>().operations.waiting("k1");
            if let Some(text) = now.filter(|text| heard.last().is_none_or(|(_, last)| last != text))
            {
                heard.push((started.elapsed(), text));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        heard
    });
    let problem = invoke(&window, "pause_provisioning", json!({"operationId": "k1"}))
        .expect_err("busy past the bound");
    let ended = started.elapsed();
    done.send(()).expect("watcher alive");
    let heard = watcher.join().expect("watcher");
    assert_eq!(problem["kind"], "dataFolderBusy", "{problem}");
    assert!(heard.len() >= 3, "at 0, 5 and 10 s: {heard:#?}");
    let first = heard.first().map_or(Duration::MAX, |(at, _)| *at);
    assert!(first <= EVERY, "first told after {first:?}: {heard:#?}");
    let mut told_at: Vec<Duration> = heard.iter().map(|(at, _)| *at).collect();
    told_at.push(ended);
    for pair in told_at.windows(2) {
        assert!(
            pair[1] - pair[0] <= EVERY + SLACK,
            "silent {pair:?}: {heard:#?}"
        );
    }
    let left: Vec<u64> = heard
        .iter()
        .map(|(_, text)| {
            let (before, _) = text.rsplit_once(" s left").expect("a countdown");
            let (_, seconds) = before.rsplit_once(", ").expect("the seconds");
            seconds.parse().expect("whole seconds")
        })
        .collect();
    for pair in left.windows(2) {
        assert!(
            pair[1] < pair[0] && pair[0] - pair[1] <= 5,
            "counts down: {left:?}"
        );
    }
}
