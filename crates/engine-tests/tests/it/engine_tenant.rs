//! Choosing the Microsoft tenant and the account, engine side: a sign-in
//! at a verified domain or tenant ID lands in that tenant and says its name and domain; an
//! unknown tenant is refused the way Entra refuses it (AADSTS90002); a saved sign-in is
//! resumed only at the tenant it was made at; and signing out of Microsoft, out of Unity and
//! forgetting the SCIM token are three separate actions, each naming what it removes.

use std::sync::Arc;

use crate::engine_support;
use crate::engine_support::Env;
use scim_core::auth::{FollowRedirectsLauncher, MicrosoftTenant, SignInMethod};
use scim_core::secrets::keys;
use scim_core::wizard::{
    plan_sign_out, run_setup, sign_out, EntraAccount, MicrosoftSignInChoice, SetupOptions,
    SignOutScope, StepId, UnityOptions, UnityRoad, WizardContext,
};
use scim_core::{Problem, SecretStore};

async fn sign_in(ctx: &WizardContext, env: &Env) -> Result<EntraAccount, Problem> {
    let launcher = FollowRedirectsLauncher::new().expect("launcher");
    ctx.sign_in_microsoft(SignInMethod::Browser(&launcher), &env.cancel)
        .await
}

/// A context on the same data folder and keychain: the app started again.
fn restart(env: &Env) -> WizardContext {
    WizardContext::with_config(
        env.profile.clone(),
        env.dir.path(),
        env.keychain.clone(),
        engine_support::fast_http(),
        engine_support::fast_tuning(),
    )
    .expect("context")
}

fn microsoft_key(env: &Env) -> String {
    keys::microsoft_refresh(
        &env.profile.microsoft.authority,
        &env.profile.microsoft.client_id,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verified_domain_or_tenant_id_signs_in_there_and_names_the_tenant() {
    let env = engine_support::start().await;
    for given in ["Contoso.onmicrosoft.com", &env.fact("tenantId")] {
        let ctx = restart(&env);
        let tenant = MicrosoftTenant::parse(given).expect("a tenant");
        ctx.choose_microsoft_tenant(tenant.clone());
        let account = sign_in(&ctx, &env).await.expect("signed in");
        assert_eq!(account.tenant_choice, tenant, "{given}");
        assert_eq!(
            account.tenant_id.as_deref(),
            Some(env.fact("tenantId").as_str())
        );
        assert_eq!(account.tenant_name.as_deref(), Some("Contoso"), "{given}");
        assert_eq!(account.tenant_domain.as_deref(), Some("contoso.com"));
        assert_eq!(
            account.describe(),
            format!("{} in Contoso (contoso.com)", env.fact("adminUpn"))
        );
        let journal = ctx.journal.snapshot();
        assert_eq!(
            journal.entra.tenant_choice.as_deref(),
            Some(tenant.segment())
        );
        assert_eq!(journal.entra.tenant_name.as_deref(), Some("Contoso"));
    }
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_tenant_is_refused_as_entra_refuses_it_and_nothing_is_saved() {
    let env = engine_support::start().await;
    env.ctx
        .choose_microsoft_tenant(MicrosoftTenant::parse("nosuch.example").expect("a domain"));
    let problem = sign_in(&env.ctx, &env).await.expect_err("unknown tenant");
    assert_eq!(problem.kind_name(), "signInFailed", "{problem}");
    assert_eq!(
        problem.info().detail.provider_code.as_deref(),
        Some("AADSTS90002")
    );
    assert!(
        problem.info().cause.contains("nosuch.example"),
        "the cause quotes the tenant: {problem}"
    );
    assert!(env.secrets.keys().is_empty(), "nothing saved");
    assert!(!env.ctx.journal.snapshot().is_done(StepId::SignInMicrosoft));
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_sign_in_is_resumed_only_at_its_own_tenant() {
    let env = engine_support::start().await;
    let first = sign_in(&env.ctx, &env)
        .await
        .expect("signed in at organizations");
    assert!(first.tenant_choice.is_organizations());
    let saved = env.secrets.get(&microsoft_key(&env)).expect("store");

    // Another tenant chosen after a restart: the saved sign-in (organizations) is not used.
    let other = restart(&env);
    other.choose_microsoft_tenant(MicrosoftTenant::parse("fabrikam.com").expect("domain"));
    assert!(
        other
            .microsoft_account(&env.cancel)
            .await
            .expect("no error")
            .is_none(),
        "nobody is signed in at fabrikam.com yet"
    );
    let switched = sign_in(&other, &env).await.expect("signed in anew");
    assert!(!switched.resumed, "a new sign-in, not the saved one");
    assert_ne!(
        env.secrets.get(&microsoft_key(&env)).expect("store"),
        saved,
        "its refresh token replaces the saved one"
    );

    // The next start without a choice stays at fabrikam.com and resumes quietly.
    let again = restart(&env);
    assert_eq!(again.microsoft_tenant().segment(), "fabrikam.com");
    let resumed = again
        .microsoft_account(&env.cancel)
        .await
        .expect("no error")
        .expect("resumed");
    assert!(resumed.resumed);
    assert_eq!(resumed.tenant_choice.segment(), "fabrikam.com");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_of_microsoft_unity_and_the_scim_token_are_three_actions() {
    let env = engine_support::start().await;
    let upn = env.sample_upns().into_iter().next().expect("a user");
    let launcher = FollowRedirectsLauncher::new().expect("launcher");
    let options = SetupOptions {
        road: UnityRoad::Api(UnityOptions::default()),
        microsoft: MicrosoftSignInChoice::DeviceCode,
        app_name: "Unity".into(),
        create_app: false,
        provision: vec![upn],
        protection: Default::default(),
    };
    let done = run_setup(&env.ctx, options, &launcher, &env.progress, &env.cancel).await;
    assert!(done.ok, "{done:#?}");
    let kept = |prefix: &str| env.secrets.keys().iter().any(|key| key.starts_with(prefix));
    assert!(kept("microsoft-refresh:") && kept("unity-refresh:") && kept("unity-scim-token:"));
    let last_four = env
        .ctx
        .journal
        .snapshot()
        .unity
        .token_last_four
        .expect("a token");

    // Each plan says what it will remove, and removes nothing.
    let plan = plan_sign_out(&env.ctx, SignOutScope::Everything).expect("plan");
    assert_eq!(
        plan.removed,
        vec![
            format!("Microsoft sign-in ({})", env.fact("adminUpn")),
            "Unity sign-in".to_string(),
            format!("SCIM bearer token …{last_four}"),
        ]
    );
    assert_eq!(env.secrets.keys().len(), 3, "a plan removes nothing");

    let microsoft = sign_out(&env.ctx, SignOutScope::Microsoft).expect("sign out");
    assert_eq!(
        microsoft.removed,
        vec![format!("Microsoft sign-in ({})", env.fact("adminUpn"))]
    );
    assert_eq!(microsoft.forgotten_steps, vec![StepId::SignInMicrosoft]);
    assert!(!kept("microsoft-refresh:") && kept("unity-refresh:") && kept("unity-scim-token:"));
    assert!(env
        .ctx
        .microsoft_account(&env.cancel)
        .await
        .expect("no error")
        .is_none());

    let unity = sign_out(&env.ctx, SignOutScope::Unity).expect("sign out");
    assert_eq!(unity.removed, vec!["Unity sign-in".to_string()]);
    assert_eq!(unity.forgotten_steps, vec![StepId::SignInUnity]);
    assert!(!kept("unity-refresh:") && kept("unity-scim-token:"));
    let journal = env.ctx.journal.snapshot();
    assert!(
        journal.is_done(StepId::UnityCredentials),
        "the token step stays done"
    );

    let token = sign_out(&env.ctx, SignOutScope::ScimToken).expect("forget");
    assert_eq!(
        token.removed,
        vec![format!("SCIM bearer token …{last_four}")]
    );
    assert_eq!(
        token.forgotten_steps,
        vec![StepId::UnityCredentials, StepId::ConnectorUrl]
    );
    assert!(env.secrets.keys().is_empty());
    assert!(env.ctx.journal.snapshot().unity.token_key.is_none());
    let nothing: Arc<dyn SecretStore> = env.keychain.clone();
    assert_eq!(
        sign_out(&env.ctx, SignOutScope::Everything)
            .expect("again")
            .removed,
        Vec::<String>::new(),
        "nothing left in {}",
        nothing.describe()
    );
    env.shutdown().await;
}
