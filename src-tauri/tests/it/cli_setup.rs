//! The built `scim-setup setup`, headless, against a sandbox: from an empty data folder to a
//! user provisioned on demand, then again, showing through `/_sandbox/state` that nothing
//! was created twice. Both runs share a real Secret Service (gnome-keyring in a private
//! D-Bus session, HOME and XDG_* in a temp folder), so the second run must find the bearer
//! token and the refresh tokens in the keychain, as it would on an admin's desktop.

use std::path::Path;
use std::process::Command;

use crate::cli_support;
use serde_json::Value;

use crate::cli_support::scim_setup_binary;
use crate::shared::files::files_under;
use crate::shared::sandbox_state::sandbox_with_fast_cycles;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_twice_from_an_empty_folder_creates_nothing_twice() {
    let binary = scim_setup_binary();
    let sandbox = sandbox_with_fast_cycles().await;
    let profile = sandbox.profile();
    let control = profile["sandbox"]["control"]
        .as_str()
        .expect("control")
        .to_string();
    let upn = profile["sandbox"]["sampleUserUpns"][1]
        .as_str()
        .expect("a sample user")
        .to_string();
    let temp = tempfile::tempdir().expect("tempdir");
    let home = temp.path().join("home");
    let data = temp.path().join("data");
    let runtime = home.join("run");
    std::fs::create_dir_all(&runtime).expect("runtime dir");
    let profile_path = temp.path().join("profile.json");
    std::fs::write(&profile_path, profile.to_string()).expect("profile written");
    let state = || async {
        reqwest::get(format!("{control}/state"))
            .await
            .expect("state")
            .json::<Value>()
            .await
            .expect("state json")
    };
    let before = state().await;

    let run = format!(
        "{bin} --profile {profile} --data-dir {data} setup --provision {upn} --json",
        bin = binary.display(),
        profile = profile_path.display(),
        data = data.display(),
    );
    let provision = format!(
        "{bin} --profile {profile} --data-dir {data} provision --app Unity --user {upn} --json",
        bin = binary.display(),
        profile = profile_path.display(),
        data = data.display(),
    );
    // One D-Bus session for all runs, so the keychain outlives each process.
    let script = format!(
        "echo | gnome-keyring-daemon --unlock --components=secrets -d >/dev/null || exit 90
         {run} > {out1}; echo $? > {rc1}
         {run} > {out2}; echo $? > {rc2}
         {provision} > {out3}; echo $? > {rc3}",
        out1 = temp.path().join("run1.json").display(),
        out2 = temp.path().join("run2.json").display(),
        out3 = temp.path().join("run3.json").display(),
        rc1 = temp.path().join("rc1").display(),
        rc2 = temp.path().join("rc2").display(),
        rc3 = temp.path().join("rc3").display(),
    );
    let binary_dir = binary.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut command = Command::new("dbus-run-session");
    command
        .args(["--", "bash", "-c", &script])
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("XDG_RUNTIME_DIR", &runtime)
        .env_remove("SCIM_SETUP_SECRET_STORE")
        .env_remove("SCIM_SETUP_DATA_DIR")
        .env_remove("DISPLAY")
        // The most talkative log, so the check below sees every header line too.
        .env("SCIM_SETUP_LOG", "trace")
        .current_dir(&binary_dir);
    // Blocking on purpose, off the runtime: the sandbox keeps serving meanwhile.
    let child = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("join")
        .expect("dbus-run-session runs (packages dbus and gnome-keyring)");
    let stderr = String::from_utf8_lossy(&child.stderr);
    assert_ne!(
        child.status.code(),
        Some(90),
        "gnome-keyring could not start: {stderr}"
    );
    let read = |name: &str| std::fs::read_to_string(temp.path().join(name)).unwrap_or_default();
    assert_eq!(
        read("rc1").trim(),
        "0",
        "first run exit code; stderr: {stderr}\n{}",
        read("run1.json")
    );
    assert_eq!(
        read("rc2").trim(),
        "0",
        "second run exit code; stderr: {stderr}\n{}",
        read("run2.json")
    );
    let first: Value =
        serde_json::from_str(&read("run1.json")).expect("first run printed one JSON document");
    let second: Value =
        serde_json::from_str(&read("run2.json")).expect("second run printed one JSON document");
    assert_eq!(first["command"], "setup");
    for doc in [&first, &second] {
        assert_eq!(doc["ok"], true);
        for step in doc["steps"].as_array().expect("steps") {
            for key in ["id", "outcome", "evidence"] {
                assert!(step.get(key).is_some(), "every step has {key}: {step}");
            }
        }
        let verdict = doc["provisioned"][0]["verdict"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(
            verdict == "success" || verdict == "alreadyInSync",
            "{verdict}"
        );
    }
    let outcome = |doc: &Value, id: &str| -> String {
        doc["steps"]
            .as_array()
            .and_then(|steps| steps.iter().find(|s| s["id"] == id))
            .and_then(|s| s["outcome"].as_str())
            .unwrap_or("missing")
            .to_string()
    };
    assert_eq!(outcome(&first, "unityCredentials"), "created");
    assert_eq!(outcome(&first, "provisioningJob"), "created");
    for id in [
        "signInUnity",
        "unityCredentials",
        "signInMicrosoft",
        "enterpriseApp",
        "provisioningJob",
        "assignment",
    ] {
        assert_eq!(outcome(&second, id), "reused", "second run reuses {id}");
    }
    assert_eq!(second["provisioned"][0]["verdict"], "alreadyInSync");
    // `provision` reuses the same keychain sign-in and the job setup made.
    assert_eq!(
        read("rc3").trim(),
        "0",
        "provision exit code; {}",
        read("run3.json")
    );
    let third: Value =
        serde_json::from_str(&read("run3.json")).expect("provision printed one JSON document");
    assert_eq!(third["command"], "provision");
    assert_eq!(third["provisioned"][0]["verdict"], "alreadyInSync");
    // The device code appeared once: the second run signed in from the keychain.
    assert_eq!(stderr.matches("enter the code").count(), 1, "{stderr}");

    crate::shared::sandbox_state::assert_made_once(&before, &state().await, "setup run twice");

    // Secrets stayed in the keychain: nothing secret in the data folder or the JSON.
    let profile_json = profile.clone();
    let profile = scim_core::CloudProfile::from_json(&profile.to_string()).expect("profile");
    let journal =
        std::fs::read_to_string(scim_core::wizard::JournalStore::path_for(&data, &profile))
            .expect("journal");
    let token_key = first["journal"]["unity"]["tokenLastFour"]
        .as_str()
        .expect("last four")
        .to_string();
    assert_eq!(token_key.len(), 4);
    for text in [&journal, &read("run1.json"), &read("run2.json")] {
        assert!(
            !text.contains("refresh_token") && !text.contains("Bearer "),
            "no token leaked"
        );
    }
    // The log saw every call, and no secret: the bearer token, tokens, codes, verifiers.
    let lines = cli_support::log_lines(&data);
    assert!(
        lines
            .iter()
            .any(|l| l.contains(" http ") && l.contains("status=200")),
        "every HTTP call is logged: {} lines",
        lines.len()
    );
    assert!(lines
        .iter()
        .any(|l| l.contains("retrying") || l.contains("journal written")));
    let bearer = profile_json["sandbox"]["scimBearerToken"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let leaks = cli_support::secret_lines(&lines, &[&bearer]);
    assert!(leaks.is_empty(), "secrets in the log: {leaks:#?}");
    assert!(
        home.join(".local/share/keyrings").exists(),
        "the keychain lives in the test HOME"
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_usage_exits_2_and_a_missing_keychain_names_the_fix() {
    let binary = scim_setup_binary();
    let temp = tempfile::tempdir().expect("tempdir");
    let missing = Command::new(&binary)
        .args(["--profile", "/nonexistent/profile.json", "setup", "--json"])
        .env("SCIM_SETUP_DATA_DIR", temp.path())
        .output()
        .expect("runs");
    assert_eq!(
        missing.status.code(),
        Some(2),
        "a profile that cannot be read is bad usage"
    );
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/profile.json"));

    let sandbox = scim_sandbox::start(scim_sandbox::SandboxConfig {
        users: 20,
        ..Default::default()
    })
    .await
    .expect("sandbox");
    let profile_path = temp.path().join("profile.json");
    std::fs::write(&profile_path, sandbox.profile().to_string()).expect("profile");
    let home = temp.path().join("home");
    std::fs::create_dir_all(&home).expect("home");
    let mut command = Command::new(&binary);
    command
        .args(["--profile"])
        .arg(&profile_path)
        .args(["--data-dir"])
        .arg(temp.path().join("data"))
        .args(["setup", "--json"])
        // No D-Bus session at all: the keychain is unavailable and nothing may fall back to a file.
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("SCIM_SETUP_SECRET_STORE")
        .env_remove("DISPLAY")
        .env("HOME", &home)
        .env("XDG_RUNTIME_DIR", &home);
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("join")
        .expect("runs");
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let document: Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
    let failed = document["steps"]
        .as_array()
        .and_then(|s| s.last())
        .expect("a failed step")
        .clone();
    assert_eq!(failed["outcome"], "failed");
    assert_eq!(failed["problem"]["kind"], "secretStore", "{failed}");
    assert!(
        failed["fix"]
            .as_str()
            .unwrap_or_default()
            .contains("gnome-keyring"),
        "{failed}"
    );
    let leftovers: Vec<_> = files_under(&home);
    assert!(
        leftovers.is_empty(),
        "nothing written in HOME: {leftovers:?}"
    );
    sandbox.shutdown().await;
}

#[test]
fn a_corrupt_journal_is_set_aside_and_named_with_exit_2() {
    let binary = scim_setup_binary();
    let temp = tempfile::tempdir().expect("tempdir");
    let journal =
        scim_core::wizard::JournalStore::path_for(temp.path(), &scim_core::CloudProfile::global());
    std::fs::create_dir_all(journal.parent().expect("folder")).expect("folder");
    std::fs::write(&journal, "{\"version\": 1, \"entra\": {").expect("torn journal");
    let run = || {
        Command::new(&binary)
            .args(["-v", "--data-dir"])
            .arg(temp.path())
            .args([
                "provision",
                "--app",
                "Unity",
                "--user",
                "a@contoso.com",
                "--json",
            ])
            .env("SCIM_SETUP_SECRET_STORE", "memory")
            .env_remove("SCIM_SETUP_DATA_DIR")
            .output()
            .expect("runs")
    };
    let first = run();
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert_eq!(first.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("could not be read") && stderr.contains("journal.corrupt-"),
        "{stderr}"
    );
    // -v mirrors the log to stderr, and the log names the recovery too.
    assert!(stderr.contains("log started"), "{stderr}");
    let lines = cli_support::log_lines(temp.path());
    assert!(
        lines.iter().any(|l| l.contains("set aside")),
        "the log records the recovery: {lines:#?}"
    );
    let copies = std::fs::read_dir(journal.parent().expect("folder"))
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("journal.corrupt-")
        })
        .count();
    assert_eq!(copies, 1, "the corrupt journal was kept aside");
    // Told once: the next run starts from a new journal.
    assert!(
        !journal.exists(),
        "the corrupt file is no longer in the way"
    );
}
