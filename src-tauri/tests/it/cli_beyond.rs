//! The built binary's setup, preview, provision and rotate-token commands against a sandbox,
//! headless, sharing one private keychain: `setup` with the deletion safeguards, `preview --json`
//! (the contract shape, exit 0), `provision --json` with the per-user "verification",
//! `rotate-token --json`; and `provision` exiting 1 when Entra reports a user provisioned that
//! never reached the server.

use std::process::Output;
use std::time::Duration;

use crate::cli_support::Desktop;
use crate::shared::stub_servers;
use serde_json::Value;

/// A sandbox of `users` users, and the first sample user's UPN.
async fn sandbox_with(users: usize) -> (scim_sandbox::Sandbox, Value, String) {
    let sandbox = scim_sandbox::start(scim_sandbox::SandboxConfig {
        users,
        sync_interval: Duration::from_secs(1),
        ..Default::default()
    })
    .await
    .expect("sandbox");
    let profile = sandbox.profile();
    let upn = profile["sandbox"]["sampleUserUpns"][0]
        .as_str()
        .expect("user")
        .to_string();
    (sandbox, profile, upn)
}

/// The exit code and the one JSON document the command printed.
fn document(name: &str, output: &Output) -> (Option<i32>, Value) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let value = serde_json::from_str(&stdout).unwrap_or_else(|_| {
        panic!(
            "{name} printed one JSON document: {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code(), value)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preview_provision_and_rotate_token_from_the_command_line() {
    let (sandbox, profile, upn) = sandbox_with(40).await;
    let desktop = Desktop::new(&profile);

    let (name, output) = (
        "setup",
        desktop
            .run(&[
                "setup",
                "--provision",
                &upn,
                "--delete-threshold",
                "7",
                "--notify",
                "ops@contoso.com",
                "--json",
            ])
            .await,
    );
    let (code, setup) = document(name, &output);
    assert_eq!(code, Some(0), "{setup}");
    let saved = setup["steps"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["id"] == "saveCredentials"))
        .expect("saved")
        .clone();
    assert_eq!(saved["evidence"]["deleteThreshold"], "7", "{saved}");
    assert_eq!(saved["evidence"]["notify"], "ops@contoso.com");

    let (name, output) = ("preview", desktop.run(&["preview", "--json"]).await);
    let (code, preview) = document(name, &output);
    assert_eq!(code, Some(0), "{preview}");
    for key in ["create", "update", "inSync", "conflict", "skip", "remove"] {
        assert!(
            preview["summary"][key].is_number(),
            "summary.{key}: {preview}"
        );
    }
    let users = preview["users"].as_array().expect("users");
    for user in users {
        for key in ["userPrincipalName", "action", "reason", "changes"] {
            assert!(user.get(key).is_some(), "users[].{key}: {user}");
        }
    }
    assert!(
        users
            .iter()
            .any(|u| u["userPrincipalName"] == upn.as_str() && u["action"] == "inSync"),
        "{preview}"
    );

    let (name, output) = (
        "provision",
        desktop
            .run(&["provision", "--app", "Unity", "--user", &upn, "--json"])
            .await,
    );
    let (code, provision) = document(name, &output);
    assert_eq!(code, Some(0), "{provision}");
    let verification = &provision["provisioned"][0]["verification"];
    assert_eq!(verification["found"], true, "{provision}");
    assert_eq!(verification["differences"], serde_json::json!([]));

    let (name, output) = (
        "rotate-token",
        desktop.run(&["rotate-token", "--json"]).await,
    );
    let (code, rotate) = document(name, &output);
    assert_eq!(code, Some(0), "{rotate}");
    assert_eq!(rotate["ok"], true, "{rotate}");
    assert_eq!(rotate["rotation"]["oldTokenRevoked"], true);
    assert!(rotate["token"]["lastFour"].is_string());
    let printed = String::from_utf8_lossy(&output.stdout).to_string();
    let seeded = profile["sandbox"]["scimBearerToken"]
        .as_str()
        .unwrap_or("-");
    assert!(!printed.contains(seeded), "no token printed");

    let (_, human) = ("preview (human)", desktop.run(&["preview"]).await);
    assert_eq!(human.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&human.stdout).contains("create "));
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provision_exits_1_when_a_user_never_arrives() {
    let (url, server) = stub_servers::black_hole_scim().await;
    let (sandbox, profile, upn) = sandbox_with(20).await;
    let desktop = Desktop::new(&profile);
    let token = [("HOLE_TOKEN", "black-hole-token")];
    let setup = desktop
        .run_with_env(
            &token,
            &[
                "setup",
                "--scim-url",
                &url,
                "--token-env",
                "HOLE_TOKEN",
                "--json",
            ],
        )
        .await;
    let (code, document_setup) = document("setup", &setup);
    assert_eq!(code, Some(0), "{document_setup}");
    let provision = desktop
        .run(&["provision", "--app", "Unity", "--user", &upn, "--json"])
        .await;
    let (code, provision) = document("provision", &provision);
    assert_eq!(code, Some(1), "{provision}");
    assert_eq!(
        provision["provisioned"][0]["verification"]["found"], false,
        "{provision}"
    );
    sandbox.shutdown().await;
    server.abort();
}
