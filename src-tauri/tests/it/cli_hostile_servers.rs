//! The CLI against hostile SCIM servers (crates/engine-tests/tests/it/shared/hostile_scim.rs):
//! one that quotes the token in every header we keep and in its error body, in several
//! encodings, among terminal escapes, bidi controls and markup; one that streams gigabytes.
//! Every face a person or a script reads (plain and `--json` output, stderr, the data folder's
//! files and logs, the HTML and JSON reports) is checked: no form of the token, no control
//! or bidi character, markup escaped in HTML; the big answer ends in the size finding while
//! the process stays under 300 MB.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use crate::cli_support::scim_setup_binary;
use crate::shared::echo_scim::{assert_clean, assert_folder_clean, TOKEN};
use crate::shared::hostile_scim::{
    assert_no_controls, start_hostile_server, start_huge_server, MARKUP,
};
use crate::shared::sandbox_state::sandbox_with_fast_cycles;

/// The most a command may hold in memory whatever a server sends (issue's bound, 300 MB).
const RSS_BOUND_KB: u64 = 300 * 1024;

/// `scim-setup --profile P --data-dir D ARGS…` with the token in `HOSTILE_TOKEN`, the
/// in-memory secret store and a private HOME; returns its output and its peak RSS in KB
/// (`VmHWM` of /proc/PID/status, sampled until it exits: the high-water mark only grows).
fn run(dir: &Path, args: &[&str]) -> (Output, u64) {
    let mut child = Command::new(scim_setup_binary())
        .arg("--profile")
        .arg(dir.join("profile.json"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(args)
        .env("HOSTILE_TOKEN", TOKEN)
        .env("SCIM_SETUP_SECRET_STORE", "memory")
        .env("HOME", dir.join("home"))
        .env_remove("SCIM_SETUP_DATA_DIR")
        .env_remove("DISPLAY")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let status_file = format!("/proc/{}/status", child.id());
    // Drain the pipes while sampling, so a chatty child never blocks on a full pipe.
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    let read_all = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let out = read_all(Box::new(stdout));
    let err = read_all(Box::new(stderr));
    let mut peak_kb = 0;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            let hwm = text
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|rest| {
                    rest.trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                });
            peak_kb = peak_kb.max(hwm.unwrap_or(0));
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let output = Output {
        status,
        stdout: out.join().expect("stdout read"),
        stderr: err.join().expect("stderr read"),
    };
    (output, peak_kb)
}

/// Runs `args` off the runtime (the servers in this process keep serving).
async fn run_async(dir: &Path, args: Vec<String>) -> (Output, u64) {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&dir, &args)
    })
    .await
    .expect("joins")
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|a| a.to_string()).collect()
}

/// No form of the token and no control or bidi character in either stream.
fn assert_faces_clean(what: &str, output: &Output) {
    for (name, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        let label = format!("{what} {name}");
        assert_clean(&label, &String::from_utf8_lossy(bytes));
        assert_no_controls(&label, bytes);
    }
}

/// Every file under `dir` (logs, journal, reports) free of the token and of controls.
fn assert_files_clean(dir: &Path) {
    assert_folder_clean(dir);
    for path in crate::shared::files::files_under(dir) {
        let bytes = std::fs::read(&path).unwrap_or_default();
        assert_no_controls(&path.display().to_string(), &bytes);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_quoting_the_token_with_escapes_and_markup_reaches_no_face() {
    let (base, server) = start_hostile_server().await;
    let quote = format!("{base}/quote/scim/v2");
    let sandbox = sandbox_with_fast_cycles().await;
    let temp = tempfile::tempdir().expect("tempdir");
    let dir = temp.path();
    std::fs::write(dir.join("profile.json"), sandbox.profile().to_string()).expect("profile");
    let html = dir.join("report.html");
    let json_report = dir.join("report.json");
    let html_arg = html.display().to_string();
    let json_arg = json_report.display().to_string();
    let setup = [
        "setup",
        "--scim-url",
        &quote,
        "--token-env",
        "HOSTILE_TOKEN",
    ];
    let diagnose = ["diagnose", "--url", &quote, "--token-env", "HOSTILE_TOKEN"];
    let runs = [
        ("setup plain", args(&setup)),
        ("setup --json", args(&[&setup[..], &["--json"]].concat())),
        (
            "diagnose plain",
            args(&[&diagnose[..], &["--report", &html_arg]].concat()),
        ),
        (
            "diagnose --json",
            args(&[&diagnose[..], &["--json", "--report", &json_arg]].concat()),
        ),
    ];
    for (what, list) in runs {
        let (output, _) = run_async(dir, list).await;
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(1), "{what}: {stdout}");
        assert_faces_clean(what, &output);
        if what.ends_with("--json") {
            let _: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
        }
        if what == "setup plain" {
            // The leak this test was written for: the request-id arrives, redacted.
            assert!(stdout.contains("requestId: req-[redacted]"), "{stdout}");
        }
    }
    let page = std::fs::read_to_string(&html).expect("the HTML report");
    assert!(
        !page.contains(MARKUP) && !page.contains("<script>alert"),
        "{page}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_report).expect("the JSON report"))
            .expect("JSON");
    assert!(report.is_object());
    assert_files_clean(dir);
    sandbox.shutdown().await;
    server.abort();
}

/// Entra's Test Connection quotes the server's answer in its message: the same server, seen
/// only by the sandbox's simulated Entra, through the setup's Graph path.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entra_quoting_a_hostile_server_reaches_no_face_of_setup() {
    let (base, server) = start_hostile_server().await;
    let entra = format!("{base}/entra/scim/v2");
    let sandbox = sandbox_with_fast_cycles().await;
    let temp = tempfile::tempdir().expect("tempdir");
    let dir = temp.path();
    std::fs::write(dir.join("profile.json"), sandbox.profile().to_string()).expect("profile");
    let (output, _) = run_async(
        dir,
        args(&[
            "setup",
            "--scim-url",
            &entra,
            "--token-env",
            "HOSTILE_TOKEN",
        ]),
    )
    .await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("[redacted]") || stdout.contains(scim_core::redact::WITHHELD),
        "Entra's message reaches the output, redacted: {stdout}"
    );
    assert_faces_clean("setup via Entra", &output);
    assert_files_clean(dir);
    sandbox.shutdown().await;
    server.abort();
}

/// A Tenant URL that streams 4 GiB: diagnose (plain and `--json`) and setup's check end with
/// the size finding, and no run holds more than 300 MB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_streaming_gigabytes_is_a_size_finding_and_memory_stays_bounded() {
    let (huge, server) = start_huge_server().await;
    let sandbox = sandbox_with_fast_cycles().await;
    let temp = tempfile::tempdir().expect("tempdir");
    let dir = temp.path();
    std::fs::write(dir.join("profile.json"), sandbox.profile().to_string()).expect("profile");
    let diagnose = ["diagnose", "--url", &huge, "--token-env", "HOSTILE_TOKEN"];
    let runs = [
        ("diagnose plain", args(&diagnose)),
        (
            "diagnose --json",
            args(&[&diagnose[..], &["--json"]].concat()),
        ),
        (
            "setup plain",
            args(&["setup", "--scim-url", &huge, "--token-env", "HOSTILE_TOKEN"]),
        ),
    ];
    for (what, list) in runs {
        let (output, peak_kb) = run_async(dir, list).await;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{what}: {stdout}\n{stderr}");
        assert!(
            stdout.contains("larger than") || stderr.contains("larger than"),
            "{what} names the size: {stdout}\n{stderr}"
        );
        assert!(
            peak_kb > 0 && peak_kb < RSS_BOUND_KB,
            "{what}: peak RSS {peak_kb} kB"
        );
        assert_faces_clean(what, &output);
    }
    sandbox.shutdown().await;
    server.abort();
}
