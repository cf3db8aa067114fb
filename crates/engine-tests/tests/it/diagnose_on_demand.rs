//! On-demand failures read in Unity's terms, against the sandbox: provisioning a user whose
//! domain Unity has not validated (`ann.vance17@fabrikam.com`) names the domain and
//! the organization's validated domains, keeps Entra's raw message apart for a disclosure, and
//! no longer sends the admin to Diagnose (which passes: the endpoint works).

use crate::engine_support;
use scim_core::auth::FollowRedirectsLauncher;
use scim_core::entra::on_demand::OnDemandVerdict;
use scim_core::entra::unity_causes::UnityCase;
use scim_core::wizard::{run_setup, MicrosoftSignInChoice, SetupOptions, UnityOptions, UnityRoad};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_of_an_unvalidated_domain_is_explained_in_unitys_terms() {
    let env = engine_support::start().await;
    let upn = "ann.vance17@fabrikam.com";
    let launcher = FollowRedirectsLauncher::new().expect("launcher");
    let options = SetupOptions {
        road: UnityRoad::Api(UnityOptions::default()),
        microsoft: MicrosoftSignInChoice::DeviceCode,
        app_name: "Unity".into(),
        create_app: false,
        provision: vec![upn.to_string()],
        protection: Default::default(),
    };
    let report = run_setup(&env.ctx, options, &launcher, &env.progress, &env.cancel).await;
    assert_eq!(
        report.journal.unity.validated_domains,
        vec![env.fact("validatedDomain")],
        "step 2 keeps the validated domains"
    );
    let outcome = report.provisioned.first().expect("one outcome");
    assert_eq!(outcome.verdict, OnDemandVerdict::Failure, "{outcome:#?}");
    assert_eq!(
        outcome.unity_case,
        Some(UnityCase::DomainNotValidated),
        "{outcome:#?}"
    );
    assert!(
        outcome
            .cause
            .contains("fabrikam.com is not a validated domain"),
        "{}",
        outcome.cause
    );
    assert!(
        outcome.cause.contains(&env.fact("validatedDomain")),
        "{}",
        outcome.cause
    );
    for raw in ["schemas", "urn:ietf", "The response was"] {
        assert!(
            !outcome.cause.contains(raw),
            "raw text in the cause: {}",
            outcome.cause
        );
    }
    let fix = outcome.fix.clone().unwrap_or_default();
    assert!(fix.contains("Validate fabrikam.com"), "{fix}");
    assert!(
        !fix.contains("run Diagnose") && !fix.contains("Run Diagnose"),
        "{fix}"
    );
    let raw = outcome.error_message.clone().unwrap_or_default();
    assert!(
        raw.contains("urn:ietf:params:scim:api:messages:2.0:Error"),
        "the raw message stays for the disclosure: {raw}"
    );
    assert_eq!(
        outcome.scim_error.as_ref().and_then(|e| e.status),
        Some(400)
    );
    env.shutdown().await;
}
