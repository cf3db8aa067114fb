//! The CLI killed at every crash point of the engine's table (`scim_core::wizard::CRASH_POINTS`:
//! before and after every create, every keychain write of the SCIM token and every write of
//! Entra's secrets), one run per point, then a clean run: whatever was killed when, the sandbox
//! then holds one service account, exactly one live bearer token for it, one provisioning job,
//! and the token Entra's secrets carry is that token, the one the keychain holds (invariant: no
//! orphaned credential). `setup` and `rotate-token` are each killed at every point they pass.

use serde_json::Value;

use crate::cli_support::Desktop;
use crate::shared::sandbox_state::{count, sandbox_with_fast_cycles};
use scim_core::wizard::{CrashCommand, ABORT_AFTER_CREATE_ENV, CRASH_POINTS};

/// A new app of our own, so the enterprise app and the assignment are created too.
// One word: `Desktop::run` hands the arguments to a shell line unquoted.
const APP: &str = "UnityScimCrashTest";
/// The service account `setup` makes by default.
const SERVICE_ACCOUNT: &str = "Entra ID provisioning (scim-setup)";

struct Run {
    sandbox: scim_sandbox::Sandbox,
    desktop: Desktop,
    control: String,
    upn: String,
}

impl Run {
    async fn new() -> Self {
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
        let desktop = Desktop::new(&profile);
        Self {
            sandbox,
            desktop,
            control,
            upn,
        }
    }

    async fn state(&self) -> Value {
        reqwest::get(format!("{}/state", self.control))
            .await
            .expect("state")
            .json::<Value>()
            .await
            .expect("state json")
    }

    fn setup_args(&self) -> Vec<&str> {
        vec![
            "setup",
            "--app",
            APP,
            "--create-app",
            "--provision",
            &self.upn,
            "--json",
        ]
    }

    /// Runs `args` with the switch set to `point`; the run must end there.
    async fn killed_at(&self, point: &str, args: &[&str]) -> String {
        let run = self
            .desktop
            .run_with_env(&[(ABORT_AFTER_CREATE_ENV, point)], args)
            .await;
        let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
        assert!(
            stderr.contains(&format!("{ABORT_AFTER_CREATE_ENV}={point}")) && !run.status.success(),
            "{point}: `{}` was not ended at the point: {stderr}",
            args[0]
        );
        stderr
    }

    /// Runs `args` to success; stdout and stderr together.
    async fn clean(&self, args: &[&str], what: &str) -> String {
        let run = self.desktop.run(args).await;
        let text = format!(
            "{}\n{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
        assert_eq!(run.status.code(), Some(0), "{what}: {text}");
        text
    }
}

/// The service account this app made, from the state document.
fn our_account(state: &Value) -> &Value {
    state["serviceAccounts"]
        .as_array()
        .and_then(|all| all.iter().find(|sa| sa["name"] == SERVICE_ACCOUNT))
        .expect("the service account exists")
}

/// Checks the invariant after a clean run and returns the one live token's last four.
fn assert_one_of_each(before: &Value, after: &Value, what: &str) -> String {
    assert_eq!(
        count(after, "serviceAccounts"),
        count(before, "serviceAccounts") + 1,
        "{what}: one service account"
    );
    let live: Vec<&Value> = our_account(after)["bearerTokens"]
        .as_array()
        .expect("bearerTokens")
        .iter()
        .filter(|t| t["revoked"] == false)
        .collect();
    assert_eq!(
        live.len(),
        1,
        "{what}: exactly one live token: {:?}",
        our_account(after)["bearerTokens"]
    );
    assert_eq!(count(after, "syncJobs"), 1, "{what}: one provisioning job");
    assert_eq!(
        count(after, "servicePrincipals"),
        count(before, "servicePrincipals") + 1,
        "{what}: one enterprise app made"
    );
    let live_last_four = live[0]["lastFour"].as_str().expect("lastFour").to_string();
    assert_eq!(
        after["syncJobs"][0]["secretTokenLastFour"].as_str(),
        Some(live_last_four.as_str()),
        "{what}: Entra's secrets carry the live token"
    );
    live_last_four
}

/// A further clean `setup` reuses the keychain's token, and it is the one Entra held: so the
/// keychain's token is Entra's (read from the keychain by the run itself, not the journal).
async fn assert_keychain_holds(run: &Run, entra_last_four: &str, what: &str) {
    let text = run.clean(&run.setup_args(), what).await;
    let doc: Value = text
        .lines()
        .find_map(|line| serde_json::from_str::<Value>(line).ok())
        .expect("the JSON document");
    let step = doc["steps"]
        .as_array()
        .and_then(|steps| steps.iter().find(|s| s["id"] == "unityCredentials"))
        .expect("the unityCredentials step");
    assert_eq!(
        step["evidence"]["tokenCreated"], "false",
        "{what}: the keychain's token is reused"
    );
    assert_eq!(
        step["evidence"]["tokenLastFour"].as_str(),
        Some(entra_last_four),
        "{what}: the keychain holds the token Entra holds"
    );
}

fn points_of(command: CrashCommand) -> Vec<&'static str> {
    CRASH_POINTS
        .iter()
        .filter(|row| row.commands.contains(&command))
        .map(|row| row.name)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_killed_at_every_crash_point_leaves_one_token_that_entra_and_the_keychain_share() {
    let points = points_of(CrashCommand::Setup);
    assert!(points.len() >= 12, "{points:?}");
    // Where the kill leaves a minted token that neither the keychain nor Entra holds.
    let orphaned = ["afterBearerToken", "beforeKeychainWrite"];
    for point in points {
        let run = Run::new().await;
        let before = run.state().await;
        run.killed_at(point, &run.setup_args()).await;
        let text = run.clean(&run.setup_args(), point).await;
        assert_eq!(
            text.contains("Revoked bearer token …")
                && text.contains("made by an interrupted run, held by neither the keychain nor Entra"),
            orphaned.contains(&point),
            "{point}: the orphan is revoked, with a line saying so, exactly when there is one: {text}"
        );
        let after = run.state().await;
        let live = assert_one_of_each(&before, &after, point);
        assert_keychain_holds(&run, &live, point).await;
        assert_one_of_each(&before, &run.state().await, point);
        run.sandbox.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotate_token_killed_at_every_crash_point_leaves_one_token_that_entra_and_the_keychain_share(
) {
    let points = points_of(CrashCommand::RotateToken);
    assert!(points.len() >= 6, "{points:?}");
    let rotate = ["rotate-token", "--app", APP, "--json"];
    for point in points {
        let run = Run::new().await;
        let before = run.state().await;
        run.clean(&run.setup_args(), "the first setup").await;
        let set_up = assert_one_of_each(&before, &run.state().await, "the first setup");
        run.killed_at(point, &rotate).await;
        // Retrying the rotation finishes what the killed one left.
        let text = run.clean(&rotate, point).await;
        assert_eq!(
            text.contains("made by an interrupted run, held by neither the keychain nor Entra"),
            point != "beforeBearerToken",
            "{point}: what the killed rotation left is revoked, with a line saying so: {text}"
        );
        let live = assert_one_of_each(&before, &run.state().await, point);
        assert_ne!(live, set_up, "{point}: the token was rotated");
        assert_keychain_holds(&run, &live, point).await;
        run.sandbox.shutdown().await;
    }
}
