//! Bounded time, never silent, on the command line: `setup --scim-url` and `diagnose` against
//! endpoints that never answer, drip a byte at a time, or answer 503 every time. Each run ends
//! within its deadline plus slack, prints a line on stderr at least every 5 s while it waits
//! (lines recorded with the moment they arrive), keeps stdout for its output (one JSON
//! document with `--json`), and ends naming the host, the tries and the deadline. Short
//! bounds come from `SCIM_SETUP_SCIM_BOUNDS`, which can only tighten Entra's 60 s.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::cli_support::scim_setup_binary;
use crate::shared::sandbox_state::sandbox_with_fast_cycles;
use crate::shared::slow_servers::{start_slow_server, SlowServer, Slowness};

/// Per call 2 s, 3 tries, 6 s in all.
const BOUNDS: &str = "2,3,6";
/// Diagnose replays each call once: per call 3 s, so a heartbeat (every 2 s) comes before it ends.
const DIAGNOSE_BOUNDS: &str = "3,3,6";
const DEADLINE: Duration = Duration::from_secs(6);
/// What a loaded machine (and the process starting) may add to a deadline we set.
const SLACK: Duration = Duration::from_secs(8);
/// The longest a person may see nothing new while the command waits.
const SILENCE: Duration = Duration::from_secs(5);
const TOKEN: &str = "bounded-cli-token-7Q2a";

/// A finished run: stdout, stderr lines with the moment each arrived, exit code, time taken.
struct TimedRun {
    stdout: String,
    lines: Vec<(Duration, String)>,
    code: Option<i32>,
    took: Duration,
}

impl TimedRun {
    /// The longest stretch without a stderr line, from the start to the exit.
    fn longest_silence(&self) -> Duration {
        let mut moments = vec![Duration::ZERO];
        moments.extend(self.lines.iter().map(|(at, _)| *at));
        moments.push(self.took);
        moments
            .windows(2)
            .map(|pair| pair[1].saturating_sub(pair[0]))
            .max()
            .unwrap_or_default()
    }

    fn stderr(&self) -> String {
        self.lines
            .iter()
            .map(|(at, line)| format!("{:>6.1} s  {line}\n", at.as_secs_f64()))
            .collect()
    }
}

/// Runs the built CLI with `args` in a temp HOME and data folder, recording stderr's lines as
/// they arrive.
fn run_timed(home: &Path, bounds: &str, args: &[String]) -> TimedRun {
    let mut command = Command::new(scim_setup_binary());
    command
        .args(args)
        .env("SCIM_SETUP_SCIM_BOUNDS", bounds)
        .env("SCIM_BOUNDED_TOKEN", TOKEN)
        .env("SCIM_SETUP_SECRET_STORE", "memory")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env_remove("DISPLAY")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().expect("the binary runs");
    let stderr = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .map(|line| (started.elapsed(), line))
            .collect::<Vec<_>>()
    });
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut stdout)
        .expect("stdout read");
    let status = child.wait().expect("exit");
    let took = started.elapsed();
    let lines = reader.join().expect("stderr reader");
    TimedRun {
        stdout,
        lines,
        code: status.code(),
        took,
    }
}

fn assert_bounded_and_never_silent(what: &str, run: &TimedRun, host: &str) {
    let stderr = run.stderr();
    assert!(
        run.took <= DEADLINE + SLACK,
        "{what}: took {:?}\n{stderr}",
        run.took
    );
    let silence = run.longest_silence();
    assert!(
        silence <= SILENCE,
        "{what}: silent for {silence:?}\n{stderr}"
    );
    assert!(
        !run.stdout.contains(TOKEN) && !stderr.contains(TOKEN),
        "{what}: the token leaked"
    );
    let waiting: Vec<&String> = run
        .lines
        .iter()
        .map(|(_, line)| line)
        .filter(|line| line.contains(" s left"))
        .collect();
    assert!(!waiting.is_empty(), "{what}: no countdown\n{stderr}");
    for line in waiting {
        assert!(
            line.to_lowercase()
                .contains(&format!("the scim endpoint ({host})")),
            "{what}: {line}"
        );
    }
}

/// Starts a `slowness` server, runs the CLI with `args_for(server, a fresh data folder)` (and
/// `--json` when asked), and checks it failed (exit 1) within the deadline, never silent.
/// Returns the server, the run and a label for messages.
async fn run_against(
    temp: &Path,
    slowness: Slowness,
    bounds: &'static str,
    json: bool,
    args_for: impl Fn(&SlowServer, &Path) -> Vec<String>,
) -> (SlowServer, TimedRun, String) {
    let what = format!("{slowness:?}{}", if json { " --json" } else { "" });
    let server = start_slow_server(slowness).await;
    let data = temp.join(format!("data-{}", server.host.replace(':', "-")));
    let mut args = args_for(&server, &data);
    if json {
        args.push("--json".into());
    }
    let home = temp.join("home");
    let run = tokio::task::spawn_blocking(move || run_timed(&home, bounds, &args))
        .await
        .expect("joins");
    assert_eq!(
        run.code,
        Some(1),
        "{what}: {}\n{}",
        run.stdout,
        run.stderr()
    );
    assert_bounded_and_never_silent(&what, &run, &server.host);
    (server, run, what)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_on_a_slow_scim_url_counts_down_on_stderr_and_stops_at_the_deadline() {
    let sandbox = sandbox_with_fast_cycles().await;
    let temp = tempfile::tempdir().expect("tempdir");
    let profile = temp.path().join("profile.json");
    std::fs::write(&profile, sandbox.profile().to_string()).expect("profile written");
    for slowness in Slowness::ALL {
        for json in [false, true] {
            let (server, run, what) =
                run_against(temp.path(), slowness, BOUNDS, json, |server, data| {
                    vec![
                        "--profile".into(),
                        profile.display().to_string(),
                        "--data-dir".into(),
                        data.display().to_string(),
                        "setup".into(),
                        "--scim-url".into(),
                        server.base_url.clone(),
                        "--token-env".into(),
                        "SCIM_BOUNDED_TOKEN".into(),
                    ]
                })
                .await;
            // The end names the host, the tries and the deadline: on stdout, or in the
            // JSON's failed step (stdout stays one document).
            let cause = if json {
                let document: serde_json::Value =
                    serde_json::from_str(&run.stdout).expect("stdout is one JSON document");
                document["steps"]
                    .as_array()
                    .and_then(|steps| steps.iter().find(|s| s["outcome"] == "failed"))
                    .and_then(|step| step["cause"].as_str())
                    .unwrap_or_default()
                    .to_string()
            } else {
                run.stdout.clone()
            };
            assert!(
                cause.contains(&server.host)
                    && cause.contains("deadline is 6 s")
                    && (cause.contains("Tried") || cause.contains("tries")),
                "{what}: {cause}"
            );
            assert!(server.requests() >= 1 && server.requests() <= 3, "{what}");
        }
    }
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnose_on_a_slow_endpoint_counts_down_once_and_skips_what_depends_on_it() {
    let temp = tempfile::tempdir().expect("tempdir");
    for slowness in [
        Slowness::Silent,
        Slowness::DripBody,
        Slowness::DripStatusLine,
    ] {
        for json in [false, true] {
            let (server, run, what) = run_against(
                temp.path(),
                slowness,
                DIAGNOSE_BOUNDS,
                json,
                |server, data| {
                    vec![
                        "--data-dir".into(),
                        data.display().to_string(),
                        "diagnose".into(),
                        "--url".into(),
                        server.base_url.clone(),
                        "--token-env".into(),
                        "SCIM_BOUNDED_TOKEN".into(),
                    ]
                },
            )
            .await;
            // One call's bound (3 s, Entra's 60 s tightened), once: the first calls wait
            // together and every check after them is skipped.
            let named = "within 3 s, one try as Entra makes it";
            assert!(run.stdout.contains(named), "{what}: {}", run.stdout);
            assert!(run.stdout.contains(&server.host), "{what}: {}", run.stdout);
            // Entra's three first calls go out together; nothing after them is called.
            assert!(
                server.requests() <= 3,
                "{what}: {} calls",
                server.requests()
            );
            if json {
                let report: serde_json::Value =
                    serde_json::from_str(&run.stdout).expect("stdout is one JSON document");
                let checks = report["checks"].as_array().expect("checks");
                let hung = checks.iter().filter(|c| c["failure"] == "hang").count();
                assert!((1..=3).contains(&hung), "{what}: {hung} hung");
                assert!(
                    checks
                        .iter()
                        .any(|c| c["id"] == "pagination-first-page" && c["outcome"] == "skipped"),
                    "{what}: later checks are skipped"
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnose_on_an_endpoint_that_is_always_unavailable_ends_at_once() {
    let temp = tempfile::tempdir().expect("tempdir");
    let server = start_slow_server(Slowness::Unavailable { retry_after: 1 }).await;
    let args: Vec<String> = vec![
        "--data-dir".into(),
        temp.path().join("data").display().to_string(),
        "diagnose".into(),
        "--url".into(),
        server.base_url.clone(),
        "--token-env".into(),
        "SCIM_BOUNDED_TOKEN".into(),
    ];
    let home = temp.path().join("home");
    let run = tokio::task::spawn_blocking(move || run_timed(&home, DIAGNOSE_BOUNDS, &args))
        .await
        .expect("joins");
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr());
    assert!(run.took <= DEADLINE + SLACK, "took {:?}", run.took);
    assert!(run.stdout.contains("503"), "{}", run.stdout);
}
