//! One writer per data folder (`scim_core::data_folder_lock`): two `setup` runs racing on one
//! data folder leave one live token, one job, and the keychain holding the token Entra uses;
//! a waiter past its bound exits 2 naming the holder; a killed holder's lock is taken over;
//! read-only commands run while a writer holds the lock.

use std::hash::{Hash, Hasher};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::cli_support::{log_lines, scim_setup_binary, Desktop};
use crate::shared::sandbox_state::{count, sandbox_with_fast_cycles, state_of};
use scim_core::data_folder_lock::{self, LockHolder, HOLDER_FILE, WAIT_ENV};
use serde_json::Value;

/// A fingerprint of a token, so the test compares tokens without printing one.
fn fingerprint(token: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    token.hash(&mut hasher);
    hasher.finish()
}

/// Not a test of its own: the racing test runs this binary again inside its D-Bus session to
/// read the keychain the CLI wrote (`SCIM_TEST_PROBE_DATA_DIR` names the data folder whose
/// journal says which keychain entry holds the SCIM token) and print its fingerprint.
#[test]
#[ignore = "run by two_setups_racing_on_one_data_folder_make_everything_once"]
fn keychain_probe() {
    use scim_core::secrets::{KeyringStore, SecretStore};
    let Ok(data) = std::env::var("SCIM_TEST_PROBE_DATA_DIR") else {
        return;
    };
    let journals = std::fs::read_dir(Path::new(&data).join("journals")).expect("journals");
    // Each profile's folder holds its journal (beside it sits the journal's lock file).
    for journal in journals.flatten().filter(|entry| entry.path().is_dir()) {
        let text = std::fs::read_to_string(journal.path().join("journal.json")).expect("journal");
        let journal: Value = serde_json::from_str(&text).expect("journal JSON");
        if let Some(key) = journal["unity"]["tokenKey"].as_str() {
            let token = KeyringStore::new().get(key).expect("keychain read");
            let token = token.expect("a token in the keychain");
            println!("keychain-token={}", fingerprint(token.expose()));
        }
    }
}

/// The service accounts made since `before`, each with its bearer tokens.
fn new_accounts<'a>(before: &Value, after: &'a Value) -> Vec<&'a Value> {
    let old: Vec<&Value> = before["serviceAccounts"]
        .as_array()
        .map(|a| a.iter().map(|sa| &sa["id"]).collect())
        .unwrap_or_default();
    after["serviceAccounts"]
        .as_array()
        .expect("service accounts")
        .iter()
        .filter(|sa| !old.contains(&&sa["id"]))
        .collect()
}

struct Race {
    codes: [Option<i32>; 2],
    stdout: [String; 2],
    stderr: [String; 2],
    keychain: String,
}

/// Two `setup --json` runs `offset` apart on one data folder, in one desktop session (one
/// keyring daemon, as on an admin's machine), then the keychain probe.
fn race(desktop: &Desktop, offset: Duration) -> Race {
    let line = format!(
        "{} --profile {} --data-dir {} setup --json",
        desktop.binary.display(),
        desktop.profile_path.display(),
        desktop.data.display()
    );
    let out = desktop.temp.path();
    let probe = std::env::current_exe().expect("this test binary");
    let script = format!(
        "{line} >{o}/out0 2>{o}/err0 & first=$!
         sleep {secs}
         {line} >{o}/out1 2>{o}/err1; echo $? >{o}/rc1
         wait $first; echo $? >{o}/rc0
         SCIM_TEST_PROBE_DATA_DIR={data} {probe} cli_racing_writers::keychain_probe --exact --ignored --nocapture >{o}/probe 2>&1",
        o = out.display(),
        secs = offset.as_secs_f64(),
        data = desktop.data.display(),
        probe = probe.display(),
    );
    let status = desktop
        .session(&script)
        // Long enough for the first whole setup on a busy machine: this test is about what
        // the runs make, not about the bound.
        .env(WAIT_ENV, "600")
        .status()
        .expect("dbus-run-session runs (packages dbus and gnome-keyring)");
    assert_ne!(status.code(), Some(90), "gnome-keyring could not start");
    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap_or_default();
    let code = |name: &str| read(name).trim().parse::<i32>().ok();
    Race {
        codes: [code("rc0"), code("rc1")],
        stdout: [read("out0"), read("out1")],
        stderr: [read("err0"), read("err1")],
        keychain: read("probe"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_setups_racing_on_one_data_folder_make_everything_once() {
    // Several start offsets: together, one a moment into the other's sign-in, one well in.
    for offset_ms in [0u64, 400, 1_500] {
        let sandbox = sandbox_with_fast_cycles().await;
        let profile = sandbox.profile();
        let before = state_of(&profile).await;
        let desktop = Desktop::new(&profile);
        let desktop_ref = &desktop;
        let run =
            tokio::task::block_in_place(|| race(desktop_ref, Duration::from_millis(offset_ms)));
        let after = state_of(&profile).await;
        let what = format!("offset {offset_ms} ms");
        for i in 0..2 {
            assert_eq!(
                run.codes[i],
                Some(0),
                "{what}: run {i} succeeds (the later one after waiting): {}\n{}",
                run.stdout[i],
                run.stderr[i]
            );
        }
        // One service account, one live token, one job (RFC-free invariant: one writer at a
        // time means each run finds what the other made).
        let made = new_accounts(&before, &after);
        assert_eq!(made.len(), 1, "{what}: one service account: {after:#}");
        let live: Vec<&Value> = made[0]["bearerTokens"]
            .as_array()
            .expect("tokens")
            .iter()
            .filter(|t| t["revoked"] == false)
            .collect();
        assert_eq!(live.len(), 1, "{what}: one live token: {:#}", made[0]);
        assert_eq!(count(&after, "syncJobs"), 1, "{what}: one provisioning job");
        // Entra sends the live token, and the keychain holds that same token.
        let token = live[0]["token"].as_str().expect("token value");
        assert_eq!(
            after["syncJobs"][0]["secretTokenLastFour"], live[0]["lastFour"],
            "{what}: Entra's saved token is the live one"
        );
        assert!(
            run.keychain
                .contains(&format!("keychain-token={}", fingerprint(token))),
            "{what}: the keychain holds the token Entra uses: {}",
            run.keychain
        );
        sandbox.shutdown().await;
    }
}

/// Holds `data`'s lock in this test process, as another scim-setup would.
fn hold(data: &Path) -> data_folder_lock::DataFolderLock {
    data_folder_lock::try_acquire(data, "setup").expect("the lock is free")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiter_past_its_bound_exits_2_naming_the_holder_while_reads_go_on() {
    let sandbox = sandbox_with_fast_cycles().await;
    let profile = sandbox.profile();
    let desktop = Desktop::new(&profile);
    let held = hold(&desktop.data);
    let pid = std::process::id();
    let memory = ("SCIM_SETUP_SECRET_STORE", "memory");
    // Every writing subcommand, with and without --json.
    let writers: [&[&str]; 6] = [
        &["setup", "--json"],
        &["setup"],
        &[
            "provision",
            "--app",
            "Unity",
            "--user",
            "a@contoso.com",
            "--json",
        ],
        &["rotate-token"],
        &["sign-out", "--all", "--yes", "--json"],
        &["sign-out", "--scim-token", "--yes"],
    ];
    for args in writers {
        let run = desktop
            .run_without_keychain(&[memory, (WAIT_ENV, "1")], args)
            .await;
        let (stdout, stderr) = (
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr),
        );
        assert_eq!(run.status.code(), Some(2), "{args:?}: {stdout}\n{stderr}");
        let holder = format!("(process {pid}, `setup`, started at ");
        assert!(
            stderr.contains(&format!("Waiting for another scim-setup {holder}")),
            "{args:?}: the wait is said: {stderr}"
        );
        assert!(stderr.contains("s left"), "{args:?}: {stderr}");
        if args.contains(&"--json") {
            let document: Value = serde_json::from_str(stdout.trim()).expect("one JSON document");
            assert_eq!(document["ok"], false, "{document}");
            assert_eq!(document["problem"]["kind"], "dataFolderBusy", "{document}");
            let cause = document["problem"]["cause"].as_str().unwrap_or_default();
            assert!(
                cause.starts_with(&format!("Another scim-setup {holder}")),
                "{cause}"
            );
            assert!(cause.contains("is working on this data folder"), "{cause}");
            assert!(
                document["cliHint"]
                    .as_str()
                    .is_some_and(|hint| hint.contains(WAIT_ENV)),
                "{document}"
            );
        } else {
            assert!(
                stderr.contains(&format!(
                    "error: Waiting for the data folder: Another scim-setup {holder}"
                )),
                "{args:?}: {stderr}"
            );
            assert!(
                stderr.contains(&format!("on the command line: wait longer with {WAIT_ENV}")),
                "{stderr}"
            );
        }
    }
    // Reads take no lock: they run to their end and never wait, with a wait bound that
    // would outlast the test.
    let url = profile["sandbox"]["scimBaseUrl"].as_str().expect("url");
    let token = profile["sandbox"]["scimBearerToken"]
        .as_str()
        .expect("token");
    let readers: [(&[&str], Option<i32>); 2] = [
        (&["account", "--json"], Some(0)),
        (
            &[
                "diagnose",
                "--url",
                url,
                "--token-env",
                "SCIM_TOKEN",
                "--json",
            ],
            Some(0),
        ),
    ];
    for (args, expected) in readers {
        let run = desktop
            .run_without_keychain(&[memory, (WAIT_ENV, "600"), ("SCIM_TOKEN", token)], args)
            .await;
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(
            run.status.code(),
            expected,
            "{args:?}: {}\n{stderr}",
            String::from_utf8_lossy(&run.stdout)
        );
        assert!(
            !stderr.contains("Waiting for another"),
            "{args:?}: {stderr}"
        );
    }
    drop(held);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_setup_killed_while_holding_the_lock_is_taken_over_by_the_next_run() {
    let sandbox = sandbox_with_fast_cycles().await;
    let profile = sandbox.profile();
    let control = profile["sandbox"]["control"].as_str().expect("control");
    // Every cloud call hangs, so the first run sits inside its run holding the lock.
    let added = reqwest::Client::new()
        .post(format!("{control}/faults"))
        .json(&serde_json::json!({ "spec": "hang@*" }))
        .send()
        .await
        .expect("fault");
    assert!(added.status().is_success());
    let desktop = Desktop::new(&profile);
    let mut first = Command::new(scim_setup_binary())
        .arg("--profile")
        .arg(&desktop.profile_path)
        .arg("--data-dir")
        .arg(&desktop.data)
        .args(["setup", "--json"])
        .env("HOME", &desktop.home)
        .env("SCIM_SETUP_SECRET_STORE", "memory")
        .env_remove("SCIM_SETUP_DATA_DIR")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the binary runs");
    let pid = first.id();
    let record = desktop.data.join(HOLDER_FILE);
    let started = Instant::now();
    while LockHolder::read(&record).is_none_or(|holder| holder.pid != pid) {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the first run never took the lock"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    first.kill().expect("kill -9");
    first.wait().expect("reaped");
    reqwest::Client::new()
        .delete(format!("{control}/faults"))
        .send()
        .await
        .expect("faults cleared");
    // The next writer gets the lock at once and says whose it took over, on stderr and in
    // the log.
    let next = desktop
        .run_without_keychain(
            &[("SCIM_SETUP_SECRET_STORE", "memory"), (WAIT_ENV, "5")],
            &["sign-out", "--all", "--yes"],
        )
        .await;
    let stderr = String::from_utf8_lossy(&next.stderr);
    assert_eq!(next.status.code(), Some(0), "{stderr}");
    let said = format!("Took over the lock left by process {pid} (no longer running");
    assert!(stderr.contains(&said), "{stderr}");
    assert!(
        log_lines(&desktop.data)
            .iter()
            .any(|line| line.contains(&said)),
        "the log says so too"
    );
    assert!(
        LockHolder::read(&record).is_none(),
        "released at the end: no record left"
    );
    sandbox.shutdown().await;
}
