//! A saved sign-in survives trouble: a timeout, a refused or reset connection, 429, 5xx or a
//! proxy's web page on the token endpoint end with a Problem naming the network or service
//! and keep the refresh token; only the provider's word (`invalid_grant`,
//! `interaction_required`) removes it. Device-code polling gives up after a bounded number of
//! failed polls.

use std::time::{Duration, Instant};

use crate::engine_support;
use crate::engine_support::{fast_http, Env};
use axum::routing::post;
use scim_core::auth::oauth::{sign_in_with_device_code, OAuthEndpoints, TokenSet};
use scim_core::auth::providers::microsoft_endpoints;
use scim_core::auth::{
    AccessTokenSource, FollowRedirectsLauncher, MicrosoftSignIn, OAuthSession, SignInMethod,
};
use scim_core::http::{Http, HttpConfig};
use scim_core::secrets::keys;
use scim_core::{Problem, Secret, SecretStore};

const TOKEN_ROUTE: &str = "*/oauth2/v2.0/token";

fn key(env: &Env) -> String {
    keys::microsoft_refresh(
        &env.profile.microsoft.authority,
        &env.profile.microsoft.client_id,
    )
}

/// The engine's Microsoft sign-in as a step starts it: resume, else the browser (the
/// sandbox consents by itself).
async fn sign_in(env: &Env) -> Result<MicrosoftSignIn, Problem> {
    let launcher = FollowRedirectsLauncher::new()?;
    scim_core::auth::sign_in_microsoft(
        &env.ctx.http,
        &env.profile,
        &scim_core::auth::MicrosoftTenant::Organizations,
        env.secrets.clone(),
        SignInMethod::Browser(&launcher),
        &env.cancel,
    )
    .await
}

/// Signs in once and returns the saved refresh token.
async fn signed_in(env: &Env) -> Secret {
    sign_in(env).await.expect("first sign-in");
    env.secrets
        .get(&key(env))
        .expect("store")
        .expect("a refresh token is saved")
}

async fn resume_with(env: &Env, http: Http, endpoints: OAuthEndpoints) -> Result<bool, Problem> {
    OAuthSession::resume(http, endpoints, env.secrets.clone(), key(env), &env.cancel)
        .await
        .map(|resumed| resumed.is_some())
}

fn assert_kept(env: &Env, saved: &Secret, problem: &Problem, kind: &str, cause_has: &str) {
    assert_eq!(problem.kind_name(), kind, "{problem}");
    let cause = &problem.info().cause;
    assert!(cause.contains(cause_has), "{cause_has:?} in: {problem}");
    assert!(cause.contains("sign-in is kept"), "{problem}");
    assert!(!cause.contains(saved.expose()), "no token in the words");
    assert_eq!(
        env.secrets.get(&key(env)).expect("store").as_ref(),
        Some(saved),
        "the saved sign-in is kept after {kind}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn network_and_service_trouble_keep_the_saved_sign_in() {
    let env = engine_support::start().await;
    let saved = signed_in(&env).await;
    let organizations = microsoft_endpoints(&env.profile, "organizations");
    for (fault, kind, cause_has) in [
        (
            "reset",
            "unreachable",
            "connection to the Microsoft sign-in service failed",
        ),
        ("status:503", "server", "(HTTP 503)"),
        ("status:429:1", "throttled", "slow down (HTTP 429)"),
        ("html", "server", "web page"),
    ] {
        env.fault(&format!("{fault}@{TOKEN_ROUTE}")).await;
        // The whole sign-in, as a step starts it: it must not fall through to a new one.
        let problem = match sign_in(&env).await {
            Ok(_) => panic!("{fault}: the sign-in went on through a fault on the token endpoint"),
            Err(problem) => problem,
        };
        assert_kept(&env, &saved, &problem, kind, cause_has);
        env.clear_faults().await;
    }

    // A service that never answers: the request times out.
    let impatient = Http::new(HttpConfig {
        total_timeout: Duration::from_millis(700),
        ..fast_http()
    })
    .expect("client");
    env.fault(&format!("hang@{TOKEN_ROUTE}")).await;
    let problem = resume_with(&env, impatient, organizations.clone())
        .await
        .expect_err("a hang ends in a timeout");
    assert_kept(&env, &saved, &problem, "timeout", "did not answer");
    env.clear_faults().await;

    // Nobody listens: the connection is refused.
    let mut nowhere = organizations.clone();
    nowhere.token_url = "http://127.0.0.1:9/organizations/oauth2/v2.0/token".into();
    let problem = resume_with(&env, env.ctx.http.clone(), nowhere)
        .await
        .expect_err("refused");
    assert_kept(&env, &saved, &problem, "unreachable", "Could not reach");

    // With the network back, the kept sign-in works without anyone signing in.
    assert!(resume_with(&env, env.ctx.http.clone(), organizations)
        .await
        .expect("resumes"));
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_during_a_step_keeps_the_sign_in_through_trouble() {
    let env = engine_support::start().await;
    let saved = signed_in(&env).await;
    let (session, _) = OAuthSession::resume(
        env.ctx.http.clone(),
        microsoft_endpoints(&env.profile, "organizations"),
        env.secrets.clone(),
        key(&env),
        &env.cancel,
    )
    .await
    .expect("resume")
    .expect("a session");
    // The token is due for renewal, and the token endpoint resets the connection.
    session.invalidate().await;
    env.fault(&format!("reset@{TOKEN_ROUTE}")).await;
    let problem = session
        .access_token(&env.cancel)
        .await
        .expect_err("the renewal fails");
    let rotated = env.secrets.get(&key(&env)).expect("store").expect("kept");
    assert_kept(&env, &rotated, &problem, "unreachable", "Microsoft sign-in");
    assert!(!saved.is_empty());
    env.clear_faults().await;
    session
        .access_token(&env.cancel)
        .await
        .expect("renews once the network is back");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ended_grant_is_removed_and_a_new_sign_in_follows() {
    let env = engine_support::start().await;
    signed_in(&env).await;
    // invalid_grant (AADSTS70008: expired or revoked): the provider's word.
    env.secrets
        .set(
            &key(&env),
            &Secret::new("a-refresh-token-the-provider-revoked"),
        )
        .expect("store");
    let resumed = resume_with(
        &env,
        env.ctx.http.clone(),
        microsoft_endpoints(&env.profile, "organizations"),
    )
    .await
    .expect("an ended grant is not an error");
    assert!(!resumed, "no session from an ended grant");
    assert_eq!(
        env.secrets.get(&key(&env)).expect("store"),
        None,
        "invalid_grant removes it"
    );

    // interaction_required (MFA now needed), from a token endpoint that says just that.
    let app = axum::Router::new().route(
        "/token",
        post(|| async {
            (
                axum::http::StatusCode::BAD_REQUEST,
                [("content-type", "application/json")],
                r#"{"error":"interaction_required","error_description":"AADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication."}"#,
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    env.secrets
        .set(
            &key(&env),
            &Secret::new("a-refresh-token-that-now-needs-mfa"),
        )
        .expect("store");
    let mut endpoints = microsoft_endpoints(&env.profile, "organizations");
    endpoints.token_url = format!("http://{address}/token");
    let resumed = resume_with(&env, env.ctx.http.clone(), endpoints)
        .await
        .expect("an ended grant is not an error");
    assert!(!resumed);
    assert_eq!(
        env.secrets.get(&key(&env)).expect("store"),
        None,
        "interaction_required removes it"
    );

    // A step's session renewing mid-step: the provider's invalid_grant removes it too.
    let session = OAuthSession::start(
        env.ctx.http.clone(),
        microsoft_endpoints(&env.profile, "organizations"),
        env.secrets.clone(),
        key(&env),
        TokenSet {
            access_token: Secret::new("an-access-token-about-to-expire"),
            refresh_token: Some(Secret::new("a-refresh-token-revoked-meanwhile")),
            expires_at: Instant::now(),
            id_claims: None,
        },
    )
    .expect("session");
    let problem = session
        .access_token(&env.cancel)
        .await
        .expect_err("revoked");
    assert_eq!(problem.kind_name(), "signInRequired", "{problem}");
    assert!(!problem.info().cause.contains("kept"), "{problem}");
    assert_eq!(
        env.secrets.get(&key(&env)).expect("store"),
        None,
        "a revoked grant is removed mid-step"
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_code_polling_gives_up_after_a_few_failed_polls() {
    let env = engine_support::start().await;
    env.fault(&format!("reset@{TOKEN_ROUTE}")).await;
    let endpoints = microsoft_endpoints(&env.profile, "organizations");
    let prompts = std::sync::Mutex::new(0);
    let problem = sign_in_with_device_code(
        &env.ctx.http,
        &endpoints,
        &|_| {
            if let Ok(mut shown) = prompts.lock() {
                *shown += 1;
            }
        },
        &env.cancel,
    )
    .await
    .expect_err("gives up");
    assert_eq!(problem.kind_name(), "unreachable", "{problem}");
    assert!(
        problem.info().cause.contains(&format!(
            "gave up after {} failed attempts",
            fast_http().max_attempts
        )),
        "{problem}"
    );
    assert_eq!(
        *prompts.lock().expect("prompts"),
        1,
        "the code was shown once"
    );
    env.shutdown().await;
}
