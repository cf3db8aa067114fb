//! A SCIM server that is not ours quotes the `Authorization` header it received in its 401
//! body, but only to Entra (the sandbox's simulated Entra really calls the Tenant URL it is
//! given). Run through `scim-setup setup --json`, the token must appear in no output and no
//! file, while the redaction marker shows Entra's message did arrive. The same server run
//! through the engine is engine-tests' `redact_echoed_token`.

use std::process::Command;

use crate::cli_support::scim_setup_binary;
use crate::shared::echo_scim::{assert_clean, assert_folder_clean, start_echo_server, TOKEN};
use crate::shared::sandbox_state::sandbox_with_fast_cycles;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_echoed_token_reaches_no_output_or_file_through_the_cli() {
    let binary = scim_setup_binary();
    let (base, server) = start_echo_server().await;
    let url = format!("{base}/entra/scim/v2");
    let sandbox = sandbox_with_fast_cycles().await;
    let temp = tempfile::tempdir().expect("tempdir");
    let data = temp.path().join("data");
    let profile = temp.path().join("profile.json");
    std::fs::write(&profile, sandbox.profile().to_string()).expect("profile written");
    let mut command = Command::new(&binary);
    command
        .arg("--profile")
        .arg(&profile)
        .arg("--data-dir")
        .arg(&data)
        .args([
            "setup",
            "--scim-url",
            &url,
            "--token-env",
            "ECHO_SCIM_TOKEN",
            "--json",
        ])
        .env("ECHO_SCIM_TOKEN", TOKEN)
        .env("SCIM_SETUP_SECRET_STORE", "memory")
        .env("HOME", temp.path().join("home"))
        .env_remove("DISPLAY");
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("joins")
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert_clean("stdout", &stdout);
    assert_clean("stderr", &stderr);
    assert!(
        stdout.contains("[redacted]") || stdout.contains(scim_core::redact::WITHHELD),
        "Entra's message reaches the output, redacted: {stdout}"
    );
    let _: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    assert_folder_clean(temp.path());
    sandbox.shutdown().await;
    server.abort();
}
