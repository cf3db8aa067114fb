//! Shared helpers for the contract tests: a small sandbox, a client, PKCE.
#![allow(dead_code)]

pub mod entra;

use std::time::Duration;

use base64::Engine;
use scim_sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;
use sha2::Digest;

/// Entra's own sync interval, 40 minutes, which no test outlives: started jobs cycle only when
/// the test runs a cycle (`Sandbox::run_cycles_now`) or moves the sandbox's clock on by it.
pub const CYCLES_WHEN_ASKED: Duration = Duration::from_secs(40 * 60);

/// A sandbox of 50 users whose jobs cycle only when the test asks.
pub async fn sandbox() -> (Sandbox, Value) {
    sandbox_with(SandboxConfig {
        users: 50,
        sync_interval: CYCLES_WHEN_ASKED,
        ..SandboxConfig::default()
    })
    .await
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
        .no_proxy()
        .timeout(Duration::from_secs(15))
        .build()
        .expect("client builds")
}

pub fn s(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{pointer} missing in {v}"))
        .to_string()
}

pub fn pkce() -> (String, String) {
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk0123456789".to_string();
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

pub fn query_param(location: &str, name: &str) -> Option<String> {
    url::Url::parse(location)
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("a Location header")
        .to_string()
}

pub async fn json(response: reqwest::Response) -> Value {
    response.json::<Value>().await.expect("a JSON body")
}

pub async fn add_fault(profile: &Value, spec: &str) -> String {
    let r = client()
        .post(format!("{}/faults", s(profile, "/sandbox/control")))
        .json(&serde_json::json!({"spec": spec}))
        .send()
        .await
        .expect("control answers");
    assert_eq!(r.status(), 201, "fault {spec} accepted");
    s(&json(r).await, "/id")
}

pub async fn clear_faults(profile: &Value) {
    let r = client()
        .delete(format!("{}/faults", s(profile, "/sandbox/control")))
        .send()
        .await
        .expect("control answers");
    assert_eq!(r.status(), 204);
}

pub async fn state(profile: &Value) -> Value {
    json(
        client()
            .get(format!("{}/state", s(profile, "/sandbox/control")))
            .send()
            .await
            .expect("control answers"),
    )
    .await
}

pub const ALL_SCOPES: &str = "openid profile offline_access https://graph.microsoft.com/Application.ReadWrite.All https://graph.microsoft.com/Synchronization.ReadWrite.All https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All https://graph.microsoft.com/User.ReadBasic.All https://graph.microsoft.com/GroupMember.Read.All https://graph.microsoft.com/AuditLog.Read.All";

/// Signs in to Microsoft by auth code + PKCE (auto-consent) and returns the token reply.
pub async fn ms_sign_in(profile: &Value, scopes: &str, login_hint: &str) -> Value {
    let authority = s(profile, "/microsoft/authority");
    let client_id = s(profile, "/microsoft/clientId");
    let (verifier, challenge) = pkce();
    let redirect = "http://127.0.0.1:53117/";
    let http = client();
    let r = http
        .get(format!("{authority}/organizations/oauth2/v2.0/authorize"))
        .query(&[
            ("client_id", client_id.as_str()),
            ("response_type", "code"),
            ("redirect_uri", redirect),
            ("response_mode", "query"),
            ("scope", scopes),
            ("state", "xyz"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
            ("login_hint", login_hint),
        ])
        .send()
        .await
        .expect("authorize answers");
    assert_eq!(
        r.status(),
        302,
        "authorize redirects at once in auto-consent mode"
    );
    let code = query_param(&location(&r), "code").expect("a code");
    let r = http
        .post(format!(
            "{authority}/{}/oauth2/v2.0/token",
            s(profile, "/sandbox/tenantId")
        ))
        .form(&[
            ("client_id", client_id.as_str()),
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", redirect),
            ("code_verifier", verifier.as_str()),
        ])
        .send()
        .await
        .expect("token answers");
    assert_eq!(r.status(), 200);
    json(r).await
}

pub async fn admin_token(profile: &Value) -> String {
    s(
        &ms_sign_in(profile, ALL_SCOPES, "admin@contoso.com").await,
        "/access_token",
    )
}

pub fn graph(profile: &Value) -> String {
    s(profile, "/microsoft/graph")
}
