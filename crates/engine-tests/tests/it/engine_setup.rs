//! The whole of `run_setup` against the sandbox: from nothing to a user provisioned on
//! demand, then again from the journal and keychain, creating nothing twice.

use crate::engine_support;
use crate::shared::sandbox_state::count;
use scim_core::auth::FollowRedirectsLauncher;
use scim_core::entra::on_demand::OnDemandVerdict;
use scim_core::wizard::{
    run_setup, MicrosoftSignInChoice, SetupOptions, StepId, StepOutcome, UnityOptions, UnityRoad,
    WizardContext, WizardProgress,
};
use serde_json::Value;

fn options(upn: &str) -> SetupOptions {
    SetupOptions {
        road: UnityRoad::Api(UnityOptions::default()),
        microsoft: MicrosoftSignInChoice::DeviceCode,
        app_name: "Unity".into(),
        create_app: false,
        provision: vec![upn.to_string()],
        protection: Default::default(),
    }
}

fn outcome_of(report: &scim_core::wizard::SetupReport, id: StepId) -> StepOutcome {
    report
        .steps
        .iter()
        .find(|s| s.id == id)
        .map(|s| s.outcome)
        .unwrap_or_else(|| panic!("step {id:?} ran: {:#?}", report.steps))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_runs_end_to_end_and_a_second_run_creates_nothing() {
    let env = engine_support::start().await;
    let upn = env.sample_upns().into_iter().next().expect("a sample user");
    let launcher = FollowRedirectsLauncher::new().expect("launcher");
    let before = env.state().await;

    let first = run_setup(
        &env.ctx,
        options(&upn),
        &launcher,
        &env.progress,
        &env.cancel,
    )
    .await;
    assert!(first.ok, "first run: {:#?}", first.steps);
    assert_eq!(
        outcome_of(&first, StepId::UnityCredentials),
        StepOutcome::Created
    );
    assert_eq!(
        outcome_of(&first, StepId::ProvisioningJob),
        StepOutcome::Created
    );
    assert_eq!(
        outcome_of(&first, StepId::TestConnection),
        StepOutcome::Passed
    );
    let provisioned = first.provisioned.first().expect("one outcome");
    assert!(
        matches!(
            provisioned.verdict,
            OnDemandVerdict::Success | OnDemandVerdict::AlreadyInSync
        ),
        "{provisioned:#?}"
    );
    // The portal's order, whatever order Graph's reply lists them in: import, scope, match,
    // action, then our read-back from Unity.
    let types: Vec<&str> = provisioned
        .steps
        .iter()
        .map(|s| s.step_type.as_str())
        .collect();
    assert_eq!(
        types[..4],
        ["Import", "Scoping", "Matching", "Export"],
        "{provisioned:#?}"
    );
    let events = env.progress.events();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, WizardProgress::DeviceCode { .. })),
        "the device code was shown"
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, WizardProgress::UserProvisioned { .. })),
        "the outcome was streamed"
    );
    let journal = first.journal.clone();
    assert!(journal.unity.token_last_four.is_some() && journal.entra.job_id.is_some());
    let journal_text = std::fs::read_to_string(env.ctx.journal.path()).expect("journal written");
    let token = env.secrets.keys();
    assert!(
        token.iter().any(|k| k.starts_with("unity-scim-token:")),
        "token in the store: {token:?}"
    );
    assert!(!journal_text.contains("Bearer"), "no secret in the journal");

    let after_first = env.state().await;
    assert_eq!(
        count(&after_first, "serviceAccounts"),
        count(&before, "serviceAccounts") + 1
    );

    // A restart: a new context on the same data folder and keychain.
    let again = WizardContext::with_config(
        env.profile.clone(),
        env.dir.path(),
        env.secrets.clone(),
        engine_support::fast_http(),
        engine_support::fast_tuning(),
    )
    .expect("context");
    let second = run_setup(&again, options(&upn), &launcher, &env.progress, &env.cancel).await;
    assert!(second.ok, "second run: {:#?}", second.steps);
    for id in [
        StepId::UnityCredentials,
        StepId::EnterpriseApp,
        StepId::ProvisioningJob,
        StepId::Assignment,
    ] {
        assert_eq!(
            outcome_of(&second, id),
            StepOutcome::Reused,
            "{id:?} reused"
        );
    }
    assert_eq!(
        second.provisioned.first().map(|o| o.verdict),
        Some(OnDemandVerdict::AlreadyInSync),
        "{:#?}",
        second.provisioned
    );
    let after_second = env.state().await;
    // scimUsers grows on its own: the started job provisions the assigned users in cycles.
    for key in [
        "serviceAccounts",
        "servicePrincipals",
        "syncJobs",
        "appRoleAssignments",
    ] {
        assert_eq!(
            count(&after_second, key),
            count(&after_first, key),
            "{key} unchanged by the second run"
        );
    }
    let tokens = |state: &Value| -> usize {
        state["serviceAccounts"]
            .as_array()
            .map(|a| a.iter().map(|sa| count(sa, "tokens")).sum())
            .unwrap_or(0)
    };
    assert_eq!(
        tokens(&after_second),
        tokens(&after_first),
        "no new bearer token"
    );
    env.shutdown().await;
}
