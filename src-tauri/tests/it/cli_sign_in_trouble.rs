//! The built CLI keeps a saved Microsoft sign-in through network and service trouble: after
//! `setup`, `provision` against a token endpoint that resets, fails 503, throttles or answers
//! with a proxy's page stops with that cause and no device-code prompt, and the next run
//! needs no sign-in. When the identity provider no longer knows the grant (a new sandbox on
//! the same address: `invalid_grant`), the saved token is removed and a new sign-in follows.

use std::time::Duration;

use crate::cli_support::Desktop;
use serde_json::{json, Value};

/// A port P with P+1 and P+2 free too (the sandbox's Microsoft, Unity and TLS listeners), so
/// a second sandbox can come back at the same address.
fn three_free_ports() -> u16 {
    for _ in 0..50 {
        let first = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = first.local_addr().expect("address").port();
        if port > 65_000 {
            continue;
        }
        let others: Vec<_> = (1..=2)
            .filter_map(|n| std::net::TcpListener::bind(("127.0.0.1", port + n)).ok())
            .collect();
        if others.len() == 2 {
            return port;
        }
    }
    panic!("no three free ports in a row");
}

async fn sandbox_at(port: u16) -> scim_sandbox::Sandbox {
    scim_sandbox::start(scim_sandbox::SandboxConfig {
        port,
        users: 40,
        sync_interval: Duration::from_secs(1),
        ..Default::default()
    })
    .await
    .expect("sandbox")
}

async fn fault(control: &str, spec: &str) {
    let response = reqwest::Client::new()
        .post(format!("{control}/faults"))
        .json(&json!({ "spec": spec }))
        .send()
        .await
        .expect("control answers");
    assert!(response.status().is_success(), "{spec} accepted");
}

async fn clear_faults(control: &str) {
    reqwest::Client::new()
        .delete(format!("{control}/faults"))
        .send()
        .await
        .expect("control answers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provision_keeps_the_sign_in_through_trouble_and_drops_an_ended_one() {
    let port = three_free_ports();
    let sandbox = sandbox_at(port).await;
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
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();

    let setup = desktop.run(&["setup", "--provision", &upn, "--json"]).await;
    assert_eq!(setup.status.code(), Some(0), "{}", text(&setup.stdout));
    assert!(text(&setup.stderr).contains("enter the code"));

    let provision = ["provision", "--app", "Unity", "--user", &upn, "--json"];
    for (spec, says) in [
        (
            "reset",
            "connection to the Microsoft sign-in service failed",
        ),
        ("status:503", "HTTP 503"),
        ("status:429:1", "HTTP 429"),
        ("html", "web page"),
    ] {
        fault(&control, &format!("{spec}@*/oauth2/v2.0/token")).await;
        let run = desktop.run(&provision).await;
        clear_faults(&control).await;
        let (stdout, stderr) = (text(&run.stdout), text(&run.stderr));
        assert_eq!(run.status.code(), Some(1), "{spec}: {stdout}\n{stderr}");
        let document: Value = serde_json::from_str(&stdout).expect("one JSON document");
        assert_eq!(document["ok"], false);
        assert!(
            stdout.contains(says) && stdout.contains("sign-in is kept"),
            "{spec}: {stdout}"
        );
        assert!(
            !stderr.contains("enter the code"),
            "{spec}: no new sign-in was started: {stderr}"
        );
    }

    // The network is back: the kept sign-in is used, nobody signs in.
    let run = desktop.run(&provision).await;
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stdout));
    assert!(!text(&run.stderr).contains("enter the code"));

    // A provider that no longer knows the grant (invalid_grant): it is removed and the
    // person signs in again, once.
    sandbox.shutdown().await;
    let reborn = sandbox_at(port).await;
    let run = desktop.run(&provision).await;
    assert_eq!(
        text(&run.stderr).matches("enter the code").count(),
        1,
        "a new sign-in follows an ended grant: {}",
        text(&run.stderr)
    );
    let run = desktop.run(&provision).await;
    assert!(
        !text(&run.stderr).contains("enter the code"),
        "the new sign-in was saved"
    );
    reborn.shutdown().await;
}
