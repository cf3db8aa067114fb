//! A person provisioned on demand and then unassigned leaves scope, as in Entra: the next cycle
//! disables them in Unity, unless `SkipOutOfScopeDeletions` is True, and not past the
//! accidental-deletion threshold until a `ForceDeletes` restart releases the held-back ones.

use crate::common::entra::{verdict, Entra};
use crate::common::*;
use scim_sandbox::Sandbox;
use serde_json::{json, Value};

const NO_THRESHOLD: &str = r#"{"Enabled":false,"DeleteThresholdEnabled":false}"#;

/// Unity's record of `upn`, read with the sandbox's own SCIM token (null when absent).
async fn unity_user(profile: &Value, upn: &str) -> Value {
    let found = json(
        client()
            .get(format!(
                "{}/Users?filter=userName+eq+%22{upn}%22",
                s(profile, "/sandbox/scimBaseUrl")
            ))
            .bearer_auth(s(profile, "/sandbox/scimBearerToken"))
            .send()
            .await
            .expect("answers"),
    )
    .await;
    found["Resources"][0].clone()
}

/// The ids of the provisioning log entries of one action (`disable`, `create`, ...).
async fn logged(entra: &Entra, action: &str) -> Vec<String> {
    let logs = json(
        entra
            .http
            .get(format!(
                "{}/auditLogs/provisioning?$filter=provisioningAction eq '{action}'",
                entra.g
            ))
            .bearer_auth(&entra.token)
            .send()
            .await
            .expect("answers"),
    )
    .await;
    logs["value"]
        .as_array()
        .expect("value")
        .iter()
        .filter_map(|e| e["sourceIdentity"]["id"].as_str().map(str::to_string))
        .collect()
}

/// Assigns each person directly and provisions them on demand, starts the job, runs a cycle
/// (they are in scope: nothing changes), then unassigns them all.
async fn provision_start_unassign(
    sb: &Sandbox,
    profile: &Value,
    entra: &Entra,
    job: &str,
    upns: &[&str],
) {
    let mut assignments = Vec::new();
    for upn in upns {
        let id = entra.user_id(upn).await;
        assignments.push(entra.assign(&id).await);
        let (key, value) = verdict(&json(entra.on_demand(job, &id).await).await);
        assert_eq!(key["result"], "Success", "{key} {value}");
    }
    assert_eq!(
        entra
            .post(&format!("/jobs/{job}/start"), json!({}))
            .await
            .status(),
        204
    );
    assert_eq!(sb.run_cycles_now().await, 1, "the started job cycled");
    for upn in upns {
        assert_eq!(unity_user(profile, upn).await["active"], true, "{upn}");
    }
    for assignment in &assignments {
        entra.unassign(assignment).await;
    }
}

/// Checks that Unity holds `upn`, disabled.
async fn assert_disabled(profile: &Value, upn: &str) {
    let user = unity_user(profile, upn).await;
    assert_eq!(user["active"], false, "{upn} is disabled: {user}");
}

#[tokio::test]
async fn a_person_provisioned_on_demand_then_unassigned_is_disabled_by_the_next_cycle() {
    let (sb, profile) = sandbox().await;
    let entra = Entra::new(&profile).await;
    let job = entra.create_job().await;
    let base = s(&profile, "/sandbox/scimBaseUrl");
    entra
        .save_secrets(&base, &s(&profile, "/sandbox/scimBearerToken"))
        .await;
    let upn = s(&profile, "/sandbox/outOfScopeUserUpn");
    provision_start_unassign(&sb, &profile, &entra, &job, &[&upn]).await;

    sb.run_cycles_now().await;
    assert_disabled(&profile, &upn).await;
    let id = entra.user_id(&upn).await;
    assert_eq!(logged(&entra, "disable").await, vec![id]);
    // The disable is a PATCH (Entra's legacy "False" here), not a DELETE.
    assert!(!unity_user(&profile, &upn).await.is_null());
    sb.shutdown().await;
}

#[tokio::test]
async fn skip_out_of_scope_deletions_leaves_the_unassigned_person_active() {
    let (sb, profile) = sandbox().await;
    let entra = Entra::new(&profile).await;
    let job = entra.create_job().await;
    let base = s(&profile, "/sandbox/scimBaseUrl");
    entra
        .save_secrets_with(
            &base,
            &s(&profile, "/sandbox/scimBearerToken"),
            NO_THRESHOLD,
            &[("SkipOutOfScopeDeletions", "True")],
        )
        .await;
    let upn = s(&profile, "/sandbox/outOfScopeUserUpn");
    provision_start_unassign(&sb, &profile, &entra, &job, &[&upn]).await;

    for _ in 0..3 {
        sb.run_cycles_now().await;
    }
    assert_eq!(unity_user(&profile, &upn).await["active"], true);
    assert!(logged(&entra, "disable").await.is_empty());
    sb.shutdown().await;
}

#[tokio::test]
async fn disables_past_the_deletion_threshold_wait_for_force_deletes() {
    let (sb, profile) = sandbox().await;
    let entra = Entra::new(&profile).await;
    let job = entra.create_job().await;
    let base = s(&profile, "/sandbox/scimBaseUrl");
    entra
        .save_secrets_with(
            &base,
            &s(&profile, "/sandbox/scimBearerToken"),
            r#"{"Enabled":false,"DeleteThresholdEnabled":true,"DeleteThresholdValue":1}"#,
            &[],
        )
        .await;
    // Two people in no assigned group: the profile's, and a Zoe (in "Sales", not assigned).
    let first = s(&profile, "/sandbox/outOfScopeUserUpn");
    let zoes = json(
        entra
            .http
            .get(format!(
                "{}/users?$filter=startswith(displayName,'Zoe')&$top=1",
                entra.g
            ))
            .bearer_auth(&entra.token)
            .send()
            .await
            .expect("answers"),
    )
    .await;
    let second = s(&zoes, "/value/0/userPrincipalName");
    provision_start_unassign(&sb, &profile, &entra, &job, &[&first, &second]).await;

    // Two disables are more than the threshold of one: held back, and the job says why.
    let held = entra
        .cycle_until(&sb, &job, |j| j["status"]["code"] == "Quarantine")
        .await;
    assert_eq!(held["status"]["quarantine"]["reason"], "TooManyDeletes");
    for upn in [&first, &second] {
        assert_eq!(unity_user(&profile, upn).await["active"], true, "{upn}");
    }
    assert!(logged(&entra, "disable").await.is_empty());

    let r = entra
        .post(
            &format!("/jobs/{job}/restart"),
            json!({"criteria": {"resetScope": "ForceDeletes"}}),
        )
        .await;
    assert_eq!(r.status(), 204);
    sb.run_cycles_now().await;
    for upn in [&first, &second] {
        assert_disabled(&profile, upn).await;
    }
    sb.shutdown().await;
}
