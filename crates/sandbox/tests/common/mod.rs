//! Shared helpers for the contract tests: a small sandbox, a client, PKCE.
#![allow(dead_code)]

use std::time::Duration;

use base64::Engine;
use scim_sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;
use sha2::Digest;

pub async fn sandbox() -> (Sandbox, Value) {
    sandbox_with(SandboxConfig { users: 50, sync_interval: Duration::from_millis(300), ..SandboxConfig::default() }).await
}

pub async fn sandbox_with(config: SandboxConfig) -> (Sandbox, Value) {
    let sandbox = scim_sandbox::start(config).await.expect("sandbox starts");
    let profile = sandbox.profile();
    (sandbox, profile)
}

/// A client that does not follow redirects (sign-in tests read the Location).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(15))
        .build()
        .expect("client builds")
}

pub fn s(v: &Value, pointer: &str) -> String {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or_else(|| panic!("{pointer} missing in {v}")).to_string()
}

pub fn pkce() -> (String, String) {
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk0123456789".to_string();
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

pub fn query_param(location: &str, name: &str) -> Option<String> {
    url::Url::parse(location).ok()?.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

pub fn location(response: &reqwest::Response) -> String {
    response.headers().get("location").and_then(|v| v.to_str().ok()).expect("a Location header").to_string()
}

pub async fn json(response: reqwest::Response) -> Value {
    response.json::<Value>().await.expect("a JSON body")
}

pub async fn add_fault(profile: &Value, spec: &str) -> String {
    let r = client().post(format!("{}/faults", s(profile, "/sandbox/control"))).json(&serde_json::json!({"spec": spec})).send().await.expect("control answers");
    assert_eq!(r.status(), 201, "fault {spec} accepted");
    s(&json(r).await, "/id")
}

pub async fn clear_faults(profile: &Value) {
    let r = client().delete(format!("{}/faults", s(profile, "/sandbox/control"))).send().await.expect("control answers");
    assert_eq!(r.status(), 204);
}

pub async fn state(profile: &Value) -> Value {
    json(client().get(format!("{}/state", s(profile, "/sandbox/control"))).send().await.expect("control answers")).await
}
