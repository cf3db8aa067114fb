//! Every Entra-side failure an admin meets (Microsoft's
//! <https://learn.microsoft.com/entra/identity/app-provisioning/known-issues> and quarantine pages)
//! brought about in the sandbox, checking that the engine names the right cause and fix: consent
//! missing, wrong role, app not found, job quarantined, credentials rejected, throttling and token
//! expiry.

use std::time::Duration;

use crate::engine_support;
use crate::engine_support::Env;
use scim_core::auth::oauth::{refresh, sign_in_with_browser};
use scim_core::auth::providers::{microsoft_endpoints, microsoft_scopes};
use scim_core::auth::FollowRedirectsLauncher;
use scim_core::entra::{GraphClient, JobStatus};
use scim_core::wizard::entra_provisioning::start::quarantine_problem;
use scim_core::wizard::{
    accept_pasted_credentials, ensure_enterprise_app, ensure_provisioning_job, provision_on_demand,
    read_job_status, reporting_retry_waits, save_credentials, start_provisioning, test_connection,
    OnDemandSubject, PrincipalKind, StepId, WizardProgress,
};
use scim_core::{Problem, SecretStore};
use scim_sandbox::SandboxConfig;

/// The guided road with the sandbox's own URL and token, then the app and its job.
async fn prepared(env: &Env, graph: &GraphClient) {
    accept_pasted_credentials(
        &env.ctx,
        &env.fact("scimBaseUrl"),
        &env.fact("scimBearerToken"),
        &env.cancel,
    )
    .await
    .expect("the sandbox's SCIM credentials pass the immediate check");
    ensure_enterprise_app(&env.ctx, graph, "Unity", false, &env.progress, &env.cancel)
        .await
        .expect("app");
    ensure_provisioning_job(&env.ctx, graph, &env.progress, &env.cancel)
        .await
        .expect("job");
}

/// The engine's sandbox, with cycles only when the test runs one.
fn cycles_when_asked() -> SandboxConfig {
    SandboxConfig {
        sync_interval: engine_support::CYCLES_WHEN_ASKED,
        ..engine_support::config()
    }
}

/// Runs the started job's cycles, reading its status after each, until it is quarantined
/// (Entra quarantines after two failing cycles for 401/403/404, four for the rest) or four
/// cycles have run; the last status read.
async fn cycle_until_quarantined(env: &Env, graph: &GraphClient) -> JobStatus {
    let mut status = read_job_status(&env.ctx, graph, &env.cancel)
        .await
        .expect("status");
    for _ in 0..4 {
        if status.is_quarantined() {
            break;
        }
        assert_eq!(env.run_cycles_now().await, 1, "the started job cycled");
        status = read_job_status(&env.ctx, graph, &env.cancel)
            .await
            .expect("status");
    }
    status
}

fn assert_problem(problem: &Problem, kind: &str, cause_has: &str, fix_has: &str) {
    assert_eq!(problem.kind_name(), kind, "{problem:#?}");
    assert!(
        problem.info().cause.contains(cause_has),
        "cause should mention {cause_has:?}: {problem}"
    );
    assert!(
        problem.info().fix.contains(fix_has),
        "fix should mention {fix_has:?}: {problem}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_missing_is_named_at_sign_in_and_at_graph() {
    let env = engine_support::start().await;
    // Consent covering only reading users: a refresh asking for the whole set is refused
    // with AADSTS65001, and Graph refuses the synchronization API with 403.
    let few: Vec<String> = microsoft_scopes(&env.profile)
        .into_iter()
        .filter(|s| !s.contains("Synchronization") && !s.contains("Application.ReadWrite"))
        .collect();
    let mut narrow = microsoft_endpoints(&env.profile, "organizations");
    narrow.scopes = few.clone();
    let launcher = FollowRedirectsLauncher::new().expect("launcher");
    let tokens = sign_in_with_browser(
        &env.ctx.http,
        &narrow,
        &launcher,
        &[],
        Duration::from_secs(10),
        &env.cancel,
    )
    .await
    .expect("narrow sign-in");
    let full = microsoft_endpoints(&env.profile, "organizations");
    let refresh_token = tokens.refresh_token.clone().expect("refresh token");
    let failure = refresh(&env.ctx.http, &full, &refresh_token, &env.cancel)
        .await
        .expect_err("65001");
    assert!(failure.grant_ended(), "invalid_grant ends the grant");
    let problem = failure.into_problem(full.provider);
    assert_problem(
        &problem,
        "consentRequired",
        "consented",
        "Global Administrator",
    );
    assert_eq!(
        problem.info().detail.provider_code.as_deref(),
        Some("AADSTS65001")
    );

    let graph = env
        .graph_as(None, Some(few))
        .await
        .expect("graph on narrow token");
    accept_pasted_credentials(
        &env.ctx,
        &env.fact("scimBaseUrl"),
        &env.fact("scimBearerToken"),
        &env.cancel,
    )
    .await
    .expect("guided");
    let found =
        ensure_enterprise_app(&env.ctx, &graph, "Unity", false, &env.progress, &env.cancel).await;
    let problem = match found {
        Ok(_) => ensure_provisioning_job(&env.ctx, &graph, &env.progress, &env.cancel)
            .await
            .expect_err("403"),
        Err(problem) => problem,
    };
    assert_problem(
        &problem,
        "forbidden",
        "not allowed",
        "Synchronization.ReadWrite.All",
    );
    assert_eq!(
        problem.info().detail.graph_code.as_deref(),
        Some("Authorization_RequestDenied")
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_without_a_directory_role_is_told_which_role() {
    let env = engine_support::start().await;
    let helpdesk = env.fact("adminWithoutRoleUpn");
    let graph = env
        .graph_as(Some(&helpdesk), None)
        .await
        .expect("helpdesk signs in");
    accept_pasted_credentials(
        &env.ctx,
        &env.fact("scimBaseUrl"),
        &env.fact("scimBearerToken"),
        &env.cancel,
    )
    .await
    .expect("guided");
    let problem =
        match ensure_enterprise_app(&env.ctx, &graph, "Unity", false, &env.progress, &env.cancel)
            .await
        {
            Ok(_) => ensure_provisioning_job(&env.ctx, &graph, &env.progress, &env.cancel)
                .await
                .expect_err("role missing"),
            Err(problem) => problem,
        };
    assert_problem(
        &problem,
        "forbidden",
        "directory role",
        "Application Administrator",
    );
    assert!(problem.info().fix.contains("PIM"), "{problem}");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_app_and_an_app_registration_are_explained() {
    let env = engine_support::start().await;
    let graph = env.graph().await;
    let problem = ensure_enterprise_app(
        &env.ctx,
        &graph,
        "No Such App",
        false,
        &env.progress,
        &env.cancel,
    )
    .await
    .expect_err("not found");
    assert_problem(&problem, "notFound", "No Such App", "let the app create");
    assert!(
        !problem.info().fix.contains("--"),
        "no CLI flag in a fix the window shows"
    );

    // An app registration's service principal has no provisioning templates
    // (https://learn.microsoft.com/entra/identity/app-provisioning/known-issues).
    ensure_enterprise_app(
        &env.ctx,
        &graph,
        "Unity Editor Plugin",
        false,
        &env.progress,
        &env.cancel,
    )
    .await
    .expect("the registration exists");
    let problem = ensure_provisioning_job(&env.ctx, &graph, &env.progress, &env.cancel)
        .await
        .expect_err("cannot provision");
    assert_problem(&problem, "notFound", "App registrations", "non-gallery");

    // Asked to create: a non-gallery app appears once, and a second call finds it.
    let created = ensure_enterprise_app(
        &env.ctx,
        &graph,
        "Unity SCIM (test)",
        true,
        &env.progress,
        &env.cancel,
    )
    .await
    .expect("created");
    assert!(created.created && created.from_template);
    let again = ensure_enterprise_app(
        &env.ctx,
        &graph,
        "Unity SCIM (test)",
        true,
        &env.progress,
        &env.cancel,
    )
    .await
    .expect("found");
    assert!(!again.created);
    assert_eq!(again.service_principal_id, created.service_principal_id);
    let job = ensure_provisioning_job(&env.ctx, &graph, &env.progress, &env.cancel)
        .await
        .expect("job on the new app");
    assert!(job.created);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_test_connection_reports_each_wait_then_passes() {
    let env = engine_support::start().await;
    let graph = env.graph().await;
    prepared(&env, &graph).await;
    // Two 429s with Retry-After: 2, then Entra's verdict.
    env.fault("status:429:2@*/validateCredentials#2").await;
    let tested = reporting_retry_waits(
        StepId::TestConnection,
        &env.progress,
        test_connection(&env.ctx, &graph, &env.cancel),
    )
    .await
    .expect("retried after the waits");
    assert_eq!(tested.url, env.fact("scimBaseUrl"));
    let waits: Vec<(StepId, String, u64, Option<u64>)> = env
        .progress
        .events()
        .into_iter()
        .filter_map(|e| match e {
            WizardProgress::Waiting {
                step,
                reason,
                seconds,
                left_seconds,
            } => Some((step, reason, seconds, left_seconds)),
            _ => None,
        })
        .collect();
    // Each retry wait as it starts; a heartbeat during a wait repeats its sentence with less
    // time left, and every one names the seconds left before the call's deadline.
    let mut starts: Vec<(StepId, String, u64)> = Vec::new();
    for (step, reason, seconds, left) in waits {
        let left = left.expect("a retry wait names the time left");
        let sentence = reason
            .strip_suffix(&format!(", {left} s left"))
            .unwrap_or_else(|| panic!("ends with the time left: {reason}"))
            .to_string();
        if starts.last().map(|(_, said, _)| said) != Some(&sentence) {
            starts.push((step, sentence, seconds));
        }
    }
    // The sandbox's Graph listens on loopback.
    let tries = env.ctx.http.config().max_attempts;
    let host = scim_core::http::host_and_port(&env.profile.microsoft.graph).expect("graph host");
    let said = |attempt: u32| {
        format!("{host} is throttling requests (429 Too Many Requests); trying again after a 2 s wait (try {attempt} of {tries})")
    };
    assert_eq!(
        starts,
        vec![
            (StepId::TestConnection, said(2), 2),
            (StepId::TestConnection, said(3), 2)
        ]
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejected_credentials_name_the_token_the_role_or_the_url() {
    let env = engine_support::start().await;
    let graph = env.graph().await;
    prepared(&env, &graph).await;
    test_connection(&env.ctx, &graph, &env.cancel)
        .await
        .expect("the good pair passes");

    // A token whose service account lacks SCIM Authenticator: the guided check and
    // Entra's Test Connection both say so.
    let roleless = env.fact("scimTokenWithoutRole");
    let problem =
        accept_pasted_credentials(&env.ctx, &env.fact("scimBaseUrl"), &roleless, &env.cancel)
            .await
            .expect_err("403");
    assert_problem(
        &problem,
        "credentialsRejected",
        "SCIM Authenticator",
        "SCIM Authenticator",
    );

    env.secrets
        .set(
            &env.ctx.journal.snapshot().unity.token_key.expect("key"),
            &scim_core::Secret::new(roleless.clone()),
        )
        .expect("swap the stored token");
    let problem = test_connection(&env.ctx, &graph, &env.cancel)
        .await
        .expect_err("Entra's test fails");
    assert_eq!(problem.kind_name(), "credentialsRejected", "{problem}");
    assert!(
        problem
            .info()
            .detail
            .graph_code
            .as_deref()
            .is_some_and(|c| c.starts_with("SystemForCrossDomainIdentityManagement")),
        "{problem:#?}"
    );
    assert!(
        problem.info().fix.contains("SCIM Authenticator"),
        "{problem}"
    );

    // An unknown token: 401.
    env.secrets
        .set(
            &env.ctx.journal.snapshot().unity.token_key.expect("key"),
            &scim_core::Secret::new("not-a-real-token-1234"),
        )
        .expect("swap");
    let problem = test_connection(&env.ctx, &graph, &env.cancel)
        .await
        .expect_err("401");
    assert!(
        problem.info().cause.contains("401")
            && problem.info().fix.contains("new long-lived bearer token"),
        "{problem}"
    );

    // A Tenant URL with /Users on the end never reaches Entra: the shape check stops it.
    let problem = accept_pasted_credentials(
        &env.ctx,
        &format!("{}/Users", env.fact("scimBaseUrl")),
        &env.fact("scimBearerToken"),
        &env.cancel,
    )
    .await
    .expect_err("shape");
    assert_problem(&problem, "badInput", "/users", "appends /Users");

    // An untrusted certificate: Entra cannot reach it (it needs a public CA,
    // https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups).
    let tls = env.raw["sandbox"]["scimTlsBaseUrl"]
        .as_str()
        .expect("tls url")
        .to_string();
    env.ctx
        .journal
        .update(|j| j.unity.scim_url = Some(tls.clone()))
        .expect("journal");
    env.secrets
        .set(
            &env.ctx.journal.snapshot().unity.token_key.expect("key"),
            &scim_core::Secret::new(env.fact("scimBearerToken")),
        )
        .expect("swap back");
    let problem = test_connection(&env.ctx, &graph, &env.cancel)
        .await
        .expect_err("untrusted TLS");
    assert_problem(&problem, "unreachable", "could not reach", "certificate");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quarantined_job_is_explained_and_restarted() {
    let env = engine_support::start_with(cycles_when_asked()).await;
    let graph = env.graph().await;
    prepared(&env, &graph).await;
    save_credentials(&env.ctx, &graph, &env.cancel)
        .await
        .expect("saved");
    start_provisioning(&env.ctx, &graph, &env.progress, &env.cancel)
        .await
        .expect("started");

    // The service account loses its role: the next cycles fail with 403 and Entra
    // quarantines the job (EncounteredQuarantineException).
    env.fault("drop-role").await;
    let status = cycle_until_quarantined(&env, &graph).await;
    let quarantine = status
        .quarantine
        .clone()
        .expect("quarantined within four cycles");
    assert_eq!(quarantine.reason, "EncounteredQuarantineException");
    assert!(
        quarantine.cause.contains("refused Entra's credentials"),
        "{}",
        quarantine.cause
    );
    assert!(
        quarantine.fix.contains("new bearer token"),
        "{}",
        quarantine.fix
    );
    let problem = quarantine_problem(&status).expect("a problem");
    assert_eq!(problem.kind_name(), "quarantined");

    // Fixed: start restarts it with QuarantineState.
    env.clear_faults().await;
    let (after, started) = start_provisioning(&env.ctx, &graph, &env.progress, &env.cancel)
        .await
        .expect("restart");
    assert!(started);
    assert!(!after.is_quarantined(), "{after:#?}");
    assert!(env.progress.events().iter().any(
        |e| matches!(e, WizardProgress::Note { message, .. } if message.contains("QuarantineState"))
    ));
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quarantine_by_microsoft_says_to_contact_support() {
    let env = engine_support::start_with(cycles_when_asked()).await;
    let graph = env.graph().await;
    prepared(&env, &graph).await;
    save_credentials(&env.ctx, &graph, &env.cancel)
        .await
        .expect("saved");
    start_provisioning(&env.ctx, &graph, &env.progress, &env.cancel)
        .await
        .expect("started");
    env.fault("quarantine").await;
    let status = cycle_until_quarantined(&env, &graph).await;
    let quarantine = status.quarantine.expect("quarantined");
    assert!(
        quarantine.reason.starts_with("Quarantine"),
        "{}",
        quarantine.reason
    );
    assert!(
        quarantine.fix.contains("Microsoft support"),
        "{}",
        quarantine.fix
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_is_waited_out_then_named() {
    let env = engine_support::start().await;
    let graph = env.graph().await;
    prepared(&env, &graph).await;
    save_credentials(&env.ctx, &graph, &env.cancel)
        .await
        .expect("saved");

    // On demand: two 429s with Retry-After: 1 are retried after the wait, then succeed.
    env.fault("status:429@*/provisionOnDemand#2").await;
    let upn = env.sample_upns().into_iter().next().expect("user");
    let user = graph
        .find_user_by_upn(&upn, &env.cancel)
        .await
        .expect("lookup")
        .expect("exists");
    scim_core::wizard::ensure_assignment(&env.ctx, &graph, &user.id, &env.cancel)
        .await
        .expect("assigned");
    let subject = OnDemandSubject {
        object_id: user.id,
        kind: PrincipalKind::User,
        label: upn,
        members: vec![],
        member_of: None,
    };
    let outcomes = provision_on_demand(&env.ctx, &graph, &[subject], &env.progress, &env.cancel)
        .await
        .expect("provisioned");
    assert_eq!(outcomes.len(), 1);
    assert!(outcomes[0].is_good(), "{:#?}", outcomes[0]);
    assert!(
        env.progress
            .events()
            .iter()
            .any(|e| matches!(e, WizardProgress::Waiting { .. })),
        "the wait was reported"
    );

    // Graph keeps answering 429: after the retries the engine says throttled, with the wait.
    env.fault("status:429@/v1.0/servicePrincipals/*/synchronization/jobs/*")
        .await;
    let problem = read_job_status(&env.ctx, &graph, &env.cancel)
        .await
        .expect_err("throttled");
    assert_problem(&problem, "throttled", "throttling", "Wait");
    assert_eq!(problem.info().detail.status, Some(429));
    assert!(
        problem.info().detail.request_id.is_some(),
        "request-id kept: {problem:#?}"
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_access_tokens_are_refreshed_without_the_admin() {
    let env = engine_support::start().await;
    let graph = env.graph().await;
    prepared(&env, &graph).await;
    let unity = env.unity().await;
    env.fault("expire-tokens").await;
    // Both sessions get a 401, refresh with the stored refresh token, and carry on.
    read_job_status(&env.ctx, &graph, &env.cancel)
        .await
        .expect("Graph after expiry");
    let me = unity
        .current_user(&env.cancel)
        .await
        .expect("Unity after expiry");
    assert!(!me.sub.is_empty());
    // The rotated refresh tokens went back to the store.
    assert!(env
        .secrets
        .keys()
        .iter()
        .any(|k| k.starts_with("microsoft-refresh:")));
    assert!(env
        .secrets
        .keys()
        .iter()
        .any(|k| k.starts_with("unity-refresh:")));
    env.shutdown().await;
}
