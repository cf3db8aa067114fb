//! Reading the sandbox's `/_sandbox/state` document in tests: how many of each object exist,
//! and the check every "run it again" test makes, that a finished setup created each object
//! once and reused the enterprise app it found.

use std::time::Duration;

use serde_json::Value;

/// The number of objects under `key` in the state document: the length of an array, or the
/// value of a counter. Panics when `key` is neither, so a renamed key fails loudly.
pub fn count(state: &Value, key: &str) -> usize {
    match &state[key] {
        Value::Array(items) => items.len(),
        Value::Number(n) => n.as_u64().unwrap_or(0) as usize,
        other => panic!("state.{key} is {other}"),
    }
}

/// The sandbox's `/_sandbox/state` document, read through the control endpoint its
/// `profile` names.
pub async fn state_of(profile: &Value) -> Value {
    let control = profile["sandbox"]["control"].as_str().expect("control");
    reqwest::get(format!("{control}/state"))
        .await
        .expect("state")
        .json::<Value>()
        .await
        .expect("state json")
}

/// Bearer tokens over every service account in Unity.
pub fn bearer_tokens(state: &Value) -> u64 {
    state["serviceAccounts"]
        .as_array()
        .map(|a| a.iter().map(|sa| sa["tokens"].as_u64().unwrap_or(0)).sum())
        .unwrap_or(0)
}

/// What one finished setup leaves between `before` and `after`, however many runs it took:
/// one service account and one bearer token more, the existing enterprise app reused, one
/// provisioning job, at most one app role assignment more. `what` names the case in messages.
pub fn assert_made_once(before: &Value, after: &Value, what: &str) {
    assert_eq!(
        count(after, "serviceAccounts"),
        count(before, "serviceAccounts") + 1,
        "{what}: one service account"
    );
    assert_eq!(
        bearer_tokens(after),
        bearer_tokens(before) + 1,
        "{what}: one bearer token"
    );
    assert_eq!(
        count(after, "servicePrincipals"),
        count(before, "servicePrincipals"),
        "{what}: the existing enterprise app reused"
    );
    assert_eq!(count(after, "syncJobs"), 1, "{what}: one provisioning job");
    assert!(
        count(after, "appRoleAssignments") <= count(before, "appRoleAssignments") + 1,
        "{what}: at most one assignment added"
    );
}

/// A sandbox with 40 users whose provisioning cycles come every second, for the tests that
/// run the CLI from an empty folder to a provisioned user.
pub async fn sandbox_with_fast_cycles() -> scim_sandbox::Sandbox {
    scim_sandbox::start(scim_sandbox::SandboxConfig {
        users: 40,
        sync_interval: Duration::from_secs(1),
        ..Default::default()
    })
    .await
    .expect("sandbox")
}
