//! Faults across the four steps, each survived: with a sandbox fault on one step's route,
//! `run_setup` either retries and succeeds, or stops with a cause and a fix; a second run
//! with the fault gone then finishes. Either way nothing is created twice: one service
//! account, one bearer token, the existing enterprise app, one job, at most one new
//! assignment (checked through `/_sandbox/state`).

mod engine_support;

use engine_support::Env;
use scim_core::auth::FollowRedirectsLauncher;
use scim_core::wizard::{run_setup, MicrosoftSignInChoice, SetupOptions, UnityOptions, UnityRoad};
use serde_json::Value;

fn count(state: &Value, key: &str) -> usize {
    match &state[key] {
        Value::Array(items) => items.len(),
        Value::Number(n) => n.as_u64().unwrap_or(0) as usize,
        other => panic!("state.{key} is {other}"),
    }
}

fn tokens(state: &Value) -> u64 {
    state["serviceAccounts"]
        .as_array()
        .map(|a| a.iter().map(|sa| sa["tokens"].as_u64().unwrap_or(0)).sum())
        .unwrap_or(0)
}

async fn setup(env: &Env, upn: &str) -> scim_core::wizard::SetupReport {
    let launcher = FollowRedirectsLauncher::new().expect("launcher");
    let options = SetupOptions {
        road: UnityRoad::Api(UnityOptions::default()),
        microsoft: MicrosoftSignInChoice::DeviceCode,
        app_name: "Unity".into(),
        create_app: false,
        provision: vec![upn.to_string()],
        protection: Default::default(),
    };
    run_setup(&env.ctx, options, &launcher, &env.progress, &env.cancel).await
}

/// Runs setup with `spec` switched on, then (if it stopped) again without; checks the
/// stop named a cause and a fix, and that nothing was created twice.
async fn survives(spec: &str) {
    let env = engine_support::start().await;
    let upn = env.sample_upns().into_iter().next().expect("a sample user");
    let before = env.state().await;
    env.fault(spec).await;
    let first = setup(&env, &upn).await;
    env.clear_faults().await;
    if !first.ok {
        let failed = first
            .steps
            .iter()
            .find_map(|step| step.problem.as_ref())
            .unwrap_or_else(|| panic!("{spec}: a failed run names its problem: {first:#?}"));
        let info = failed.info();
        assert!(
            !info.cause.is_empty() && !info.fix.is_empty(),
            "{spec}: cause and fix: {failed}"
        );
        assert_ne!(failed.kind_name(), "cancelled", "{spec}");
        let again = setup(&env, &upn).await;
        assert!(
            again.ok,
            "{spec}: the second run resumes and finishes: {again:#?}"
        );
    }
    let after = env.state().await;
    assert_eq!(
        count(&after, "serviceAccounts"),
        count(&before, "serviceAccounts") + 1,
        "{spec}: one service account"
    );
    assert_eq!(
        tokens(&after),
        tokens(&before) + 1,
        "{spec}: one bearer token"
    );
    assert_eq!(
        count(&after, "servicePrincipals"),
        count(&before, "servicePrincipals"),
        "{spec}: the existing enterprise app reused"
    );
    assert_eq!(count(&after, "syncJobs"), 1, "{spec}: one provisioning job");
    assert!(
        count(&after, "appRoleAssignments") <= count(&before, "appRoleAssignments") + 1,
        "{spec}: at most one assignment added"
    );
    env.shutdown().await;
}

// Step 1: Unity's admin API.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step1_a_429_storm_with_retry_after() {
    survives("status:429:1@/api/*#2").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step1_503s() {
    survives("status:503@/api/*#2").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step1_a_reset_connection() {
    survives("reset@/api/*#1").await;
}

// Step 2: the SCIM endpoint the connector URL names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step2_503s() {
    survives("status:503@/scim/v2/*#2").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step2_a_reset_connection() {
    survives("reset@/scim/v2/*#1").await;
}

// Step 3: Graph (app, job, Test Connection, secrets, start).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step3_a_429_storm_with_retry_after() {
    survives("status:429:1@/v1.0/*#2").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step3_503s_on_the_job() {
    survives("status:503@/v1.0/servicePrincipals/*/synchronization/*#2").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step3_a_reset_connection() {
    survives("reset@/v1.0/*#1").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step3_a_throttled_test_connection() {
    survives("status:429:1@*/validateCredentials#2").await;
}

// Step 4: provision on demand.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step4_a_429_storm_with_retry_after() {
    survives("status:429:1@*/provisionOnDemand#2").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step4_503s() {
    survives("status:503@*/provisionOnDemand#1").await;
}
