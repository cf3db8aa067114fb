//! Faults across the four steps, each survived: with a sandbox fault on one step's route
//! (a 429 storm, 503s, a reset, a hang), an access token expiring in the middle of a step, or
//! the keychain refusing, `run_setup` either retries and succeeds, or stops with a cause and
//! a fix; a second run with the fault gone then finishes. Either way nothing is created
//! twice: one service account, one bearer token, the existing enterprise app, one job, at
//! most one new assignment (checked through `/_sandbox/state`). Nothing here measures time:
//! a hang is shown bounded by counting the attempts that reached the server.

use crate::engine_support;
use crate::shared::sandbox_state::count;

use std::time::Duration;

use crate::shared::files::files_under;

use crate::engine_support::Env;
use scim_core::auth::FollowRedirectsLauncher;
use scim_core::http::HttpConfig;
use scim_core::wizard::{
    ensure_connector_url, ensure_unity_credentials, run_provision, run_setup, test_connection,
    MicrosoftSignInChoice, SetupOptions, SetupReport, UnityOptions, UnityRoad, WizardContext,
};
use scim_core::{CloudProfile, Problem, Secret, SecretStore};
use serde_json::Value;

async fn setup(env: &Env, upn: &str) -> SetupReport {
    setup_on(env, UnityRoad::Api(UnityOptions::default()), upn).await
}

async fn setup_on(env: &Env, road: UnityRoad, upn: &str) -> SetupReport {
    let launcher = FollowRedirectsLauncher::new().expect("launcher");
    let options = SetupOptions {
        road,
        microsoft: MicrosoftSignInChoice::DeviceCode,
        app_name: "Unity".into(),
        create_app: false,
        provision: vec![upn.to_string()],
        protection: Default::default(),
    };
    run_setup(&env.ctx, options, &launcher, &env.progress, &env.cancel).await
}

/// The Problem a stopped run ends with: its failed step's, or a user's on-demand one.
fn stop_problem(report: &SetupReport) -> Option<&Problem> {
    report
        .steps
        .iter()
        .find_map(|step| step.problem.as_ref())
        .or_else(|| report.provisioned.iter().find_map(|o| o.problem.as_ref()))
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
    resumes_creating_nothing_twice(&env, &before, &first, &upn, spec).await;
    env.shutdown().await;
}

/// After a first run under a fault: a stop names its cause and fix and the next run
/// finishes; then the clouds hold one of everything (API road).
async fn resumes_creating_nothing_twice(
    env: &Env,
    before: &Value,
    first: &SetupReport,
    upn: &str,
    what: &str,
) {
    if !first.ok {
        let failed = stop_problem(first)
            .unwrap_or_else(|| panic!("{what}: a failed run names its problem: {first:#?}"));
        let info = failed.info();
        assert!(
            !info.cause.is_empty() && !info.fix.is_empty(),
            "{what}: cause and fix: {failed}"
        );
        assert_ne!(failed.kind_name(), "cancelled", "{what}");
        let again = setup(env, upn).await;
        assert!(
            again.ok,
            "{what}: the second run resumes and finishes: {again:#?}"
        );
    }
    crate::shared::sandbox_state::assert_made_once(before, &env.state().await, what);
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

// A hang: the server accepts the request and never answers. The step ends with a timeout
// naming the host, after at most `HANG_ATTEMPTS` tries of `HANG_TIMEOUT` each, counted by
// the sandbox (its fault's remaining hits), never timed.

const HANG_TIMEOUT: Duration = Duration::from_secs(5);
const HANG_ATTEMPTS: u32 = 2;
/// More hits than the engine may spend, so a count above `HANG_ATTEMPTS` would show.
const HANG_BUDGET: u64 = 10;

fn unity_host(profile: &CloudProfile) -> String {
    scim_core::http::host_and_port(&profile.unity.api).expect("unity host")
}

fn graph_host(profile: &CloudProfile) -> String {
    scim_core::http::host_and_port(&profile.microsoft.graph).expect("graph host")
}

async fn a_hang_ends_in_a_timeout_naming_the_host(route: &str, host: fn(&CloudProfile) -> String) {
    let http = HttpConfig {
        total_timeout: HANG_TIMEOUT,
        max_attempts: HANG_ATTEMPTS,
        ..engine_support::fast_http()
    };
    let env = engine_support::start_with_http(engine_support::config(), http).await;
    let upn = env.sample_upns().into_iter().next().expect("a sample user");
    let before = env.state().await;
    let spec = format!("hang@{route}#{HANG_BUDGET}");
    env.fault(&spec).await;
    let first = setup(&env, &upn).await;
    let remaining = env.state().await["faults"]
        .as_array()
        .and_then(|faults| faults.iter().find(|f| f["kind"] == "Hang"))
        .and_then(|fault| fault["remaining"].as_u64())
        .unwrap_or(0);
    env.clear_faults().await;
    assert!(!first.ok, "{spec}: a hang stops the run: {first:#?}");
    let problem = stop_problem(&first).expect("the stop's problem");
    assert_eq!(problem.kind_name(), "timeout", "{spec}: {problem}");
    let cause = &problem.info().cause;
    assert!(
        cause.contains(&host(&env.profile)),
        "{spec}: the cause names the host: {cause}"
    );
    assert!(
        cause.contains(&format!("within {} s", HANG_TIMEOUT.as_secs())),
        "{spec}: bounded by the configured timeout: {cause}"
    );
    let tries = HANG_BUDGET - remaining;
    assert!(
        (1..=u64::from(HANG_ATTEMPTS)).contains(&tries),
        "{spec}: {tries} tries reached the hung server; at most {HANG_ATTEMPTS}"
    );
    resumes_creating_nothing_twice(&env, &before, &first, &upn, &spec).await;
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step1_a_hang() {
    a_hang_ends_in_a_timeout_naming_the_host("/api/*", unity_host).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step2_a_hang() {
    a_hang_ends_in_a_timeout_naming_the_host("/scim/v2/*", unity_host).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step3_a_hang() {
    a_hang_ends_in_a_timeout_naming_the_host("/v1.0/servicePrincipals*", graph_host).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step4_a_hang() {
    a_hang_ends_in_a_timeout_naming_the_host("*/provisionOnDemand", graph_host).await;
}

// An access token that expires in the middle of a step: after a full run, every access token
// issued so far is expired (`expire-tokens`); the step's next call gets a 401, the session
// is renewed once with its refresh token, and the step completes.

/// Refresh tokens redeemed so far: (Microsoft, Unity).
fn refreshes(state: &Value) -> (u64, u64) {
    let count = |who: &str| {
        state["tokenRefreshes"][who]
            .as_u64()
            .unwrap_or_else(|| panic!("state.tokenRefreshes.{who}: {state}"))
    };
    (count("microsoft"), count("unity"))
}

/// A finished setup whose access tokens have just expired; returns the refresh counts.
async fn expired_after_a_full_run() -> (Env, (u64, u64)) {
    let env = engine_support::start().await;
    let upn = env.sample_upns().into_iter().next().expect("a sample user");
    let done = setup(&env, &upn).await;
    assert!(done.ok, "the first run finishes: {done:#?}");
    let before = refreshes(&env.state().await);
    env.fault("expire-tokens").await;
    (env, before)
}

/// Exactly one renewal, of the provider the step talks to.
async fn renewed_once(env: &Env, before: (u64, u64), microsoft: bool) {
    let after = refreshes(&env.state().await);
    let expected = if microsoft {
        (before.0 + 1, before.1)
    } else {
        (before.0, before.1 + 1)
    };
    assert_eq!(
        after, expected,
        "refreshes (Microsoft, Unity) before {before:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step1_a_token_expiring_mid_step() {
    let (env, before) = expired_after_a_full_run().await;
    let unity = env.ctx.unity_admin(&env.cancel).await.expect("signed in");
    let creds = ensure_unity_credentials(
        &env.ctx,
        &unity,
        &UnityOptions::default(),
        &env.progress,
        &env.cancel,
    )
    .await
    .expect("step 1 completes with a renewed token");
    assert!(!creds.service_account_created && !creds.token_created);
    renewed_once(&env, before, false).await;
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step2_a_token_expiring_mid_step() {
    let (env, before) = expired_after_a_full_run().await;
    let unity = env.ctx.unity_admin(&env.cancel).await.expect("signed in");
    ensure_connector_url(&env.ctx, &unity, &env.progress, &env.cancel)
        .await
        .expect("step 2 completes with a renewed token");
    renewed_once(&env, before, false).await;
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step3_a_token_expiring_mid_step() {
    let (env, before) = expired_after_a_full_run().await;
    let graph = env.ctx.graph(&env.cancel).await.expect("signed in");
    test_connection(&env.ctx, &graph, &env.cancel)
        .await
        .expect("Test Connection completes with a renewed token");
    renewed_once(&env, before, true).await;
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step4_a_token_expiring_mid_step() {
    let (env, before) = expired_after_a_full_run().await;
    let upn = env.sample_upns().into_iter().nth(1).expect("a second user");
    let report = provision(&env, &env.ctx, &upn).await;
    assert!(report.ok, "provisioning completes: {report:#?}");
    renewed_once(&env, before, true).await;
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_in_flight_together_renew_an_expired_token_once() {
    let (env, before) = expired_after_a_full_run().await;
    let graph = env.ctx.graph(&env.cancel).await.expect("signed in");
    let (a, b, c, d) = tokio::join!(
        graph.organization(&env.cancel),
        graph.organization(&env.cancel),
        graph.organization(&env.cancel),
        graph.organization(&env.cancel),
    );
    for answer in [a, b, c, d] {
        assert!(answer.expect("each call completes").is_some());
    }
    renewed_once(&env, before, true).await;
    env.shutdown().await;
}

// The keychain unavailable (locked, or no Secret Service): the step that needs it stops with
// a `secretStore` Problem saying so, nothing secret lands in a file (the data folder holds
// only the journal, which holds no secret), and once the keychain works the next run
// finishes without duplicates.

/// The data folder holds journals and the journals' empty lock files only
/// (`scim_core::data_folder_lock`), and no file there holds a secret: none the store kept, not
/// `extra`, no JWT.
fn nothing_secret_in_files(env: &Env, extra: &[&str], what: &str) {
    let mut secrets: Vec<String> = env
        .secrets
        .keys()
        .iter()
        .filter_map(|key| env.secrets.get(key).ok().flatten())
        .map(|secret| secret.expose().to_string())
        .collect();
    secrets.extend(extra.iter().map(|s| s.to_string()));
    for file in files_under(env.dir.path()) {
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let text = std::fs::read_to_string(&file).expect("readable");
        assert!(
            name == "journal.json" || (name.ends_with(".lock") && text.is_empty()),
            "{what}: an unexpected file {}",
            file.display()
        );
        assert!(!text.contains("eyJ"), "{what}: a JWT in {}", file.display());
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "{what}: a secret in {}",
                file.display()
            );
        }
    }
}

fn refused_by_the_keychain(report: &SetupReport, what: &str) {
    assert!(!report.ok, "{what}: the run stops: {report:#?}");
    let problem = stop_problem(report).expect("the stop's problem");
    assert_eq!(problem.kind_name(), "secretStore", "{what}: {problem}");
    assert!(
        problem.info().cause.contains("keychain") && !problem.info().fix.is_empty(),
        "{what}: {problem}"
    );
}

async fn the_keychain_refuses(prefix: &str, what: &str) {
    let env = engine_support::start().await;
    let upn = env.sample_upns().into_iter().next().expect("a sample user");
    let before = env.state().await;
    env.keychain.refuse(Some(prefix));
    let first = setup(&env, &upn).await;
    env.keychain.refuse(None);
    refused_by_the_keychain(&first, what);
    nothing_secret_in_files(&env, &[], what);
    resumes_creating_nothing_twice(&env, &before, &first, &upn, what).await;
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step1_the_keychain_refuses_the_new_token() {
    // The token Unity just minted cannot be kept: it is revoked, and the next run makes the
    // only live one.
    the_keychain_refuses("unity-scim-token:", "step 1").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step2_the_keychain_refuses_a_pasted_token() {
    let env = engine_support::start().await;
    let upn = env.sample_upns().into_iter().next().expect("a sample user");
    let (url, token) = (env.fact("scimBaseUrl"), env.fact("scimBearerToken"));
    let guided = || UnityRoad::Guided {
        scim_url: url.clone(),
        token: Secret::new(token.clone()),
    };
    env.keychain.refuse(Some("scim-token:"));
    let first = setup_on(&env, guided(), &upn).await;
    env.keychain.refuse(None);
    refused_by_the_keychain(&first, "step 2");
    nothing_secret_in_files(&env, &[&token], "step 2");
    let again = setup_on(&env, guided(), &upn).await;
    assert!(again.ok, "step 2: the next run finishes: {again:#?}");
    assert_eq!(count(&env.state().await, "syncJobs"), 1, "one job");
    nothing_secret_in_files(&env, &[&token], "step 2, after");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step3_the_keychain_refuses_the_microsoft_sign_in() {
    the_keychain_refuses("microsoft-refresh:", "step 3").await;
}

/// `scim-setup provision` for one user, as the engine runs it.
async fn provision(env: &Env, ctx: &WizardContext, upn: &str) -> SetupReport {
    let launcher = FollowRedirectsLauncher::new().expect("launcher");
    run_provision(
        ctx,
        MicrosoftSignInChoice::DeviceCode,
        "Unity",
        &[upn.to_string()],
        &launcher,
        &env.progress,
        &env.cancel,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step4_the_keychain_is_locked_after_a_restart() {
    let env = engine_support::start().await;
    let mut users = env.sample_upns().into_iter();
    let (first_user, second_user) = (users.next().expect("a user"), users.next().expect("two"));
    let done = setup(&env, &first_user).await;
    assert!(done.ok, "the first run finishes: {done:#?}");
    // A restart: a new context on the same data folder, and the keychain locked.
    let restarted = WizardContext::with_config(
        env.profile.clone(),
        env.dir.path(),
        env.keychain.clone(),
        engine_support::fast_http(),
        engine_support::fast_tuning(),
    )
    .expect("context");
    env.keychain.refuse(Some(""));
    let locked = provision(&env, &restarted, &second_user).await;
    env.keychain.refuse(None);
    refused_by_the_keychain(&locked, "step 4");
    nothing_secret_in_files(&env, &[], "step 4");
    let before = env.state().await;
    let again = provision(&env, &restarted, &second_user).await;
    assert!(again.ok, "step 4: provisioning finishes: {again:#?}");
    let after = env.state().await;
    assert_eq!(count(&after, "syncJobs"), 1, "one job");
    assert!(count(&after, "appRoleAssignments") <= count(&before, "appRoleAssignments") + 1);
    env.shutdown().await;
}
