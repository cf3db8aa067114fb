//! Each part of the engine against the sandbox: sign-in (errors explained, device code),
//! the Unity API road's token reuse, Graph paging and search, groups on demand, the assigned
//! groups that keep an assigned user in scope, retries, creates that are never retried
//! blindly, and cancellation.

use crate::engine_support;
use scim_core::auth::oauth::sign_in_with_device_code;
use scim_core::auth::providers::microsoft_endpoints;
use scim_core::auth::{sign_in_microsoft, FollowRedirectsLauncher, SignInMethod};
use scim_core::progress::{FnProgress, NoProgress, ProgressSink};
use scim_core::wizard::job_control::unassign;
use scim_core::wizard::{
    accept_pasted_credentials, ensure_assignment, ensure_enterprise_app, ensure_provisioning_job,
    ensure_unity_credentials, list_assigned_principals, provision_on_demand, run_setup,
    save_credentials, AssignedPrincipal, MicrosoftSignInChoice, OnDemandSubject, PrincipalKind,
    SetupOptions, StepId, StepOutcome, UnityOptions, UnityRoad, WizardContext, WizardProgress,
};
use scim_core::{MemoryStore, SecretStore};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_errors_are_explained_and_device_code_prompts() {
    let env = engine_support::start().await;
    let launcher = FollowRedirectsLauncher::new().expect("launcher");

    let mut unknown_app = env.profile.clone();
    unknown_app.microsoft.client_id = "00000000-1111-2222-3333-444444444444".into();
    let store = std::sync::Arc::new(MemoryStore::new());
    let problem = sign_in_microsoft(
        &env.ctx.http,
        &unknown_app,
        &scim_core::auth::MicrosoftTenant::Organizations,
        store.clone(),
        SignInMethod::Browser(&launcher),
        &env.cancel,
    )
    .await
    .err()
    .expect("unknown client");
    assert_eq!(
        problem.info().detail.provider_code.as_deref(),
        Some("AADSTS700016"),
        "{problem:#?}"
    );
    assert!(problem.info().fix.contains("client ID"), "{problem}");

    let wrong_tenant = microsoft_endpoints(&env.profile, "no-such-tenant.example");
    let problem = sign_in_with_device_code(&env.ctx.http, &wrong_tenant, &|_| {}, &env.cancel)
        .await
        .expect_err("90002");
    assert!(
        problem.info().cause.contains("tenant was not found"),
        "{problem}"
    );

    let shown = std::sync::Mutex::new(Vec::new());
    let organizations = microsoft_endpoints(&env.profile, "organizations");
    let tokens = sign_in_with_device_code(
        &env.ctx.http,
        &organizations,
        &|prompt| {
            if let Ok(mut shown) = shown.lock() {
                shown.push(prompt);
            }
        },
        &env.cancel,
    )
    .await
    .expect("device code approves itself");
    let prompts = shown.lock().map(|s| s.clone()).unwrap_or_default();
    assert_eq!(prompts.len(), 1);
    assert!(
        prompts[0].verification_uri.contains("/devicelogin") && !prompts[0].user_code.is_empty()
    );
    assert_eq!(
        tokens.claim("tid").as_deref(),
        Some(env.fact("tenantId").as_str()),
        "the tid is read from the id token"
    );

    // The browser flow files the refresh token; the next sign-in is quiet.
    let first = sign_in_microsoft(
        &env.ctx.http,
        &env.profile,
        &scim_core::auth::MicrosoftTenant::Organizations,
        env.secrets.clone(),
        SignInMethod::Browser(&launcher),
        &env.cancel,
    )
    .await
    .expect("browser sign-in");
    assert!(!first.resumed);
    let second = sign_in_microsoft(
        &env.ctx.http,
        &env.profile,
        &scim_core::auth::MicrosoftTenant::Organizations,
        env.secrets.clone(),
        SignInMethod::Browser(&launcher),
        &env.cancel,
    )
    .await
    .expect("quiet sign-in");
    assert!(second.resumed && second.tenant_id.is_some());
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_unity_api_road_reuses_a_listed_token_and_replaces_a_revoked_one() {
    let env = engine_support::start().await;
    let unity = env.unity().await;
    let options = UnityOptions::default();
    let first = ensure_unity_credentials(&env.ctx, &unity, &options, &env.progress, &env.cancel)
        .await
        .expect("first");
    assert!(first.service_account_created && first.role_added && first.token_created);
    let second = ensure_unity_credentials(&env.ctx, &unity, &options, &env.progress, &env.cancel)
        .await
        .expect("second");
    assert!(!second.service_account_created && !second.role_added && !second.token_created);
    assert_eq!(second.token_id, first.token_id);

    // Revoked in the Dashboard: the keychain's token is no longer listed, so a new one is made.
    unity
        .revoke_bearer_token(
            &first.org_id,
            &first.service_account_id,
            &first.token_id,
            &env.cancel,
        )
        .await
        .expect("revoke");
    let third = ensure_unity_credentials(&env.ctx, &unity, &options, &env.progress, &env.cancel)
        .await
        .expect("third");
    assert!(third.token_created && third.token_id != first.token_id);

    // Lost from the keychain (another computer): a new token too, never a blind reuse.
    let key = env.ctx.journal.snapshot().unity.token_key.expect("key");
    env.secrets.delete(&key).expect("delete");
    let fourth = ensure_unity_credentials(&env.ctx, &unity, &options, &env.progress, &env.cancel)
        .await
        .expect("fourth");
    assert!(fourth.token_created);
    assert!(env.secrets.get(&key).expect("get").is_some());

    let state = env.state().await;
    let ours: Vec<_> = state["serviceAccounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .filter(|sa| sa["name"] == "Entra ID provisioning (scim-setup)")
        .collect();
    assert_eq!(ours.len(), 1, "one service account however often it runs");

    // The connector URL comes from Unity's SSO settings and answers with the new token.
    let url = scim_core::wizard::ensure_connector_url(&env.ctx, &unity, &env.progress, &env.cancel)
        .await
        .expect("url");
    assert_eq!(url.url, env.fact("scimBaseUrl"));
    assert_eq!(url.source, "fetched");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graph_pages_searches_and_provisions_a_group_in_fives() {
    let env = engine_support::start().await;
    let graph = env.graph().await;
    let found = graph
        .search_users("adele", 5, &env.cancel)
        .await
        .expect("search needs ConsistencyLevel");
    assert!(!found.is_empty() && found.len() <= 5);
    // The biggest of a few groups, paged through @odata.nextLink.
    let mut groups = graph
        .search_groups("Unity", 10, &env.cancel)
        .await
        .expect("groups");
    groups.extend(
        graph
            .search_groups("Engineering", 10, &env.cancel)
            .await
            .expect("groups"),
    );
    let mut pilot = groups.first().expect("a group").clone();
    let mut members: Vec<String> = Vec::new();
    for group in &groups {
        let mut pager = graph.group_members(&group.id);
        let mut these = Vec::new();
        while let Some(page) = pager.next_page(&env.cancel).await.expect("page") {
            these.extend(page.into_iter().filter(|m| m.is_user()).map(|m| m.id));
        }
        if these.len() > members.len() {
            members = these;
            pilot = group.clone();
        }
    }
    assert!(
        members.len() > 5,
        "the biggest group has more than five members ({})",
        members.len()
    );
    // The picker's row for that group says as many members as paging through them found.
    let pilot_name = pilot.display_name.clone().unwrap_or_default();
    let rows = scim_core::wizard::search_directory(
        &graph,
        &pilot_name,
        Some(10),
        &NoProgress,
        &env.cancel,
    )
    .await
    .expect("picker search");
    let row = rows
        .iter()
        .find(|row| row.id == pilot.id)
        .expect("the group's row");
    assert_eq!(row.member_count, Some(members.len() as u32));

    accept_pasted_credentials(
        &env.ctx,
        &env.fact("scimBaseUrl"),
        &env.fact("scimBearerToken"),
        &env.cancel,
    )
    .await
    .expect("guided");
    ensure_enterprise_app(&env.ctx, &graph, "Unity", false, &env.progress, &env.cancel)
        .await
        .expect("app");
    ensure_provisioning_job(&env.ctx, &graph, &env.progress, &env.cancel)
        .await
        .expect("job");
    save_credentials(&env.ctx, &graph, &env.cancel)
        .await
        .expect("saved");
    let subject = OnDemandSubject {
        object_id: pilot.id.clone(),
        kind: PrincipalKind::Group,
        label: pilot.display_name.clone().unwrap_or_default(),
        members: members.clone(),
        member_of: None,
    };
    let before = env.state().await["provisionOnDemandCalls"]
        .as_u64()
        .unwrap_or(0);
    let outcomes = provision_on_demand(&env.ctx, &graph, &[subject], &env.progress, &env.cancel)
        .await
        .expect("group");
    // One result per member (each with its own steps), then one for the group, whose
    // memberships go five to a call.
    let shown = members
        .len()
        .min(scim_core::wizard::provision::on_demand::MAX_GROUP_MEMBERS);
    assert_eq!(
        outcomes.len(),
        shown + 1,
        "one result per member, then the group"
    );
    assert!(outcomes[..shown]
        .iter()
        .all(|o| o.subject.kind == PrincipalKind::User && o.subject.member_of.is_some()));
    assert_eq!(outcomes[shown].subject.kind, PrincipalKind::Group);
    let after = env.state().await["provisionOnDemandCalls"]
        .as_u64()
        .unwrap_or(0);
    assert_eq!(after - before, (shown + shown.div_ceil(5)) as u64);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_assigned_list_names_the_assigned_groups_that_keep_a_user_in_scope() {
    let env = engine_support::start().await;
    let graph = env.graph().await;
    ensure_enterprise_app(&env.ctx, &graph, "Unity", false, &env.progress, &env.cancel)
        .await
        .expect("app");
    let outsider = graph
        .find_user_by_upn(&env.fact("outOfScopeUserUpn"), &env.cancel)
        .await
        .expect("lookup")
        .expect("the out-of-scope user");
    ensure_assignment(&env.ctx, &graph, &outsider.id, &env.cancel)
        .await
        .expect("assigned");
    let groups_of = |list: &[AssignedPrincipal], upn: &str| {
        list.iter()
            .find(|p| p.user_principal_name.as_deref() == Some(upn))
            .unwrap_or_else(|| panic!("{upn} is listed: {list:#?}"))
            .in_assigned_groups
            .clone()
    };
    let list = list_assigned_principals(&env.ctx, &graph, &env.cancel)
        .await
        .expect("list");
    // The second sample user is in Unity Pilot (assigned) and Unity Artists (not assigned).
    let grouped = env.sample_upns()[1].clone();
    assert_eq!(
        groups_of(&list, &grouped),
        Some(vec!["Unity Pilot".to_string()])
    );
    assert_eq!(
        groups_of(
            &list,
            &outsider.user_principal_name.clone().unwrap_or_default()
        ),
        Some(vec![])
    );
    let pilot = list
        .iter()
        .find(|p| p.kind == PrincipalKind::Group)
        .expect("the Unity Pilot group is assigned");
    assert_eq!(pilot.in_assigned_groups, None, "only users have it");

    // With the group unassigned, nothing keeps the sample user in scope but their own row.
    unassign(&env.ctx, &graph, &pilot.assignment_id, &env.cancel)
        .await
        .expect("group unassigned");
    let list = list_assigned_principals(&env.ctx, &graph, &env.cancel)
        .await
        .expect("list");
    assert_eq!(groups_of(&list, &grouped), Some(vec![]));
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotent_reads_are_retried_and_creates_are_looked_up_first() {
    let env = engine_support::start().await;
    let graph = env.graph().await;
    // Two 503s on a read: retried with backoff, the caller never notices.
    env.fault("status:503@/v1.0/servicePrincipals#2").await;
    ensure_enterprise_app(&env.ctx, &graph, "Unity", false, &env.progress, &env.cancel)
        .await
        .expect("read retried");

    // A dropped connection on the create: not retried blindly. The step looks again, and a
    // second run creates exactly one app.
    env.fault("reset@/v1.0/applicationTemplates/*#1").await;
    let first = ensure_enterprise_app(
        &env.ctx,
        &graph,
        "Made Once",
        true,
        &env.progress,
        &env.cancel,
    )
    .await;
    let second = ensure_enterprise_app(
        &env.ctx,
        &graph,
        "Made Once",
        true,
        &env.progress,
        &env.cancel,
    )
    .await
    .expect("second");
    if let Ok(first) = first {
        assert_eq!(first.service_principal_id, second.service_principal_id);
    }
    let made = graph
        .find_service_principals_by_name("Made Once", &env.cancel)
        .await
        .expect("find");
    assert_eq!(
        made.len(),
        1,
        "exactly one app, however the first try ended"
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_run_stops_with_a_cancelled_step_and_resumes_later() {
    let env = engine_support::start().await;
    let launcher = FollowRedirectsLauncher::new().expect("launcher");
    env.fault("latency:3000@/v1.0/servicePrincipals").await;
    // Cancel the moment the enterprise-app step starts (its first call then hangs on the
    // fault), so the earlier steps finish however slow the machine is.
    let cancel = env.cancel.clone();
    let cancel_at_app_step = FnProgress(|event: WizardProgress| {
        if matches!(
            event,
            WizardProgress::StepStarted {
                step: StepId::EnterpriseApp
            }
        ) {
            cancel.cancel();
        }
        env.progress.report(event);
    });
    let options = || SetupOptions {
        road: UnityRoad::Api(UnityOptions::default()),
        microsoft: MicrosoftSignInChoice::Browser,
        app_name: "Unity".into(),
        create_app: false,
        provision: vec![],
        protection: Default::default(),
    };
    let report = run_setup(
        &env.ctx,
        options(),
        &launcher,
        &cancel_at_app_step,
        &env.cancel,
    )
    .await;
    assert!(!report.ok);
    let last = report.steps.last().expect("a step");
    assert_eq!(last.id, StepId::EnterpriseApp);
    assert_eq!(
        last.problem.as_ref().map(|p| p.kind_name()),
        Some("cancelled")
    );
    assert!(
        report.journal.steps_done.contains_key("connectorUrl"),
        "earlier steps are journaled"
    );

    env.clear_faults().await;
    let resumed = WizardContext::with_config(
        env.profile.clone(),
        env.dir.path(),
        env.secrets.clone(),
        engine_support::fast_http(),
        engine_support::fast_tuning(),
    )
    .expect("context");
    let fresh = tokio_util::sync::CancellationToken::new();
    let again = run_setup(&resumed, options(), &launcher, &env.progress, &fresh).await;
    assert!(again.ok, "{:#?}", again.steps);
    let unity_step = again
        .steps
        .iter()
        .find(|s| s.id == StepId::UnityCredentials)
        .expect("step");
    assert_eq!(unity_step.outcome, StepOutcome::Reused);
    env.shutdown().await;
}
