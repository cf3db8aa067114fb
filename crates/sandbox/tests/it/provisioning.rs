//! Entra's whole SCIM sequence, run by the simulated provisioning service against the sandbox's
//! own Unity SCIM server: Test Connection, secrets, on demand, sync cycles in both PATCH
//! dialects, disable, logs, quarantine and throttling.

use std::time::Duration;

use crate::common::entra::{verdict, Entra};
use crate::common::*;
use serde_json::json;

#[tokio::test]
async fn test_connection_reports_in_entras_words() {
    let (sb, profile) = sandbox().await;
    let entra = Entra::new(&profile).await;
    let job = entra.create_job().await;
    let base = s(&profile, "/sandbox/scimBaseUrl");
    let token = s(&profile, "/sandbox/scimBearerToken");
    assert_eq!(entra.validate(&job, &base, &token).await.0, 204);
    assert!(
        state(&profile).await["scimRequests"]
            .as_u64()
            .is_some_and(|n| n >= 1),
        "the Test Connection query really reached SCIM"
    );
    let (status, text) = entra
        .validate(&job, &base, &s(&profile, "/sandbox/scimTokenWithoutRole"))
        .await;
    assert_eq!(status, 400);
    assert!(
        text.contains("CredentialValidationFailure") && text.contains("Forbidden"),
        "{text}"
    );
    let (_, text) = entra
        .validate(
            &job,
            &format!("{}/scim/v2/tenants/404", s(&profile, "/unity/api")),
            &token,
        )
        .await;
    assert!(
        text.contains("HTTP/404") && text.contains("InvalidCredentials"),
        "{text}"
    );
    let (_, text) = entra
        .validate(&job, &s(&profile, "/sandbox/scimTlsBaseUrl"), &token)
        .await;
    assert!(
        text.contains("CredentialValidationUnavailable"),
        "untrusted certificate: {text}"
    );
    let (_, text) = entra
        .validate(&job, &base, &format!("Bearer {token}"))
        .await;
    assert!(
        text.contains("Unauthorized"),
        "a pasted 'Bearer ' prefix fails: {text}"
    );
    add_fault(&profile, "html@/scim/v2/*#1").await;
    let (_, text) = entra.validate(&job, &base, &token).await;
    assert!(
        text.contains("ServiceIncompatible"),
        "a login page instead of SCIM: {text}"
    );
    let r = entra.post("/jobs/validateCredentials", json!({"credentials": [{"key": "BaseAddress", "value": base}, {"key": "SecretToken", "value": token}], "templateId": "scim"})).await;
    assert_eq!(r.status(), 204, "collection-bound form");
    sb.shutdown().await;
}

#[tokio::test]
async fn on_demand_then_sync_cycles_provision_disable_and_log() {
    let (sb, profile) = sandbox().await;
    let entra = Entra::new(&profile).await;
    let job = entra.create_job().await;
    let token = s(&profile, "/sandbox/scimBearerToken");
    entra
        .save_secrets(&s(&profile, "/sandbox/scimBaseUrl"), &token)
        .await;
    // The control state says which token Entra holds (its last four), never more of it.
    assert_eq!(
        state(&profile).await["syncJobs"][0]["secretTokenLastFour"],
        json!(&token[token.len() - 4..])
    );

    let sample = entra
        .user_id(&s(&profile, "/sandbox/sampleUserUpns/0"))
        .await;
    let r = entra.on_demand(&job, &sample).await;
    assert_eq!(r.status(), 200);
    let (key, value) = verdict(&json(r).await);
    assert_eq!(key["result"], "Success", "{key} {value}");
    assert_eq!(value["action"], "Create");
    let steps: Vec<&str> = value["provisioningSteps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(|st| st["name"].as_str())
        .collect();
    assert_eq!(
        steps,
        [
            "EntryImport",
            "EntryImport",
            "EntrySynchronizationScoping",
            "EntryExportAdd"
        ]
    );
    let (key, _) = verdict(&json(entra.on_demand(&job, &sample).await).await);
    assert_eq!(
        (key["result"].as_str(), key["details"]["errorCode"].as_str()),
        (Some("Skipped"), Some("RedundantExport"))
    );
    assert_eq!(state(&profile).await["scimUsers"], 1);

    let r = entra.post(&format!("/jobs/{job}/start"), json!({})).await;
    assert_eq!(r.status(), 204);
    // A period passes on the sandbox's clock: the schedule runs the due cycle by itself.
    sb.advance_clock(CYCLES_WHEN_ASKED);
    let active = entra
        .wait_for(&job, |j| {
            j["status"]["code"] == "Active" && j["status"]["lastSuccessfulExecution"].is_object()
        })
        .await;
    // The sandbox's own cycle period (Entra's 40 minutes in these tests; 2 s by default), so
    // the job card tells the truth about how often cycles run.
    assert_eq!(active["schedule"]["interval"], "PT40M");
    let st = state(&profile).await;
    assert_eq!(
        st["scimUsers"], 5,
        "two sample users and the Unity Pilot group's five members, once each: {st}"
    );
    assert_eq!(st["scimGroups"], 1, "the assigned group is pushed too");
    let base = s(&profile, "/sandbox/scimBaseUrl");
    let groups = json(
        client()
            .get(format!(
                "{base}/Groups?filter=displayName+eq+%22Unity+Pilot%22"
            ))
            .bearer_auth(&token)
            .send()
            .await
            .expect("answers"),
    )
    .await;
    assert_eq!(
        groups["Resources"][0]["members"].as_array().map(Vec::len),
        Some(5)
    );
    assert_eq!(
        active["status"]["synchronizedEntryCountByType"],
        json!([{"key": "user", "value": 5}, {"key": "group", "value": 1}])
    );

    let logs = json(
        entra
            .http
            .get(format!(
                "{}/auditLogs/provisioning?$filter=servicePrincipal/id eq '{}'&$top=50",
                entra.g, entra.sp
            ))
            .bearer_auth(&entra.token)
            .send()
            .await
            .expect("answers"),
    )
    .await;
    let entries = logs["value"].as_array().expect("value");
    assert!(entries.len() >= 5, "{logs}");
    assert!(entries.iter().any(|e| e["provisioningAction"] == "create"
        && e["provisioningStatusInfo"]["status"] == "success"));
    assert!(
        entries[0]["jobId"].is_string()
            && entries[0]["changeId"].is_string()
            && entries[0]["cycleId"].is_string()
    );

    // Unassign the sample user: the next cycle disables it with the legacy "False".
    let assignments = json(
        entra
            .http
            .get(format!(
                "{}/servicePrincipals/{}/appRoleAssignedTo",
                entra.g, entra.sp
            ))
            .bearer_auth(&entra.token)
            .send()
            .await
            .expect("answers"),
    )
    .await;
    let direct = assignments["value"]
        .as_array()
        .expect("value")
        .iter()
        .find(|a| a["principalType"] == "User" && a["principalId"] != json!(sample))
        .expect("a direct user assignment")
        .clone();
    let other = s(&direct, "/principalId");
    let pilot_member = entra
        .user_id(&s(&profile, "/sandbox/sampleUserUpns/1"))
        .await;
    assert_eq!(other, pilot_member);
    let r = entra
        .http
        .delete(format!(
            "{}/servicePrincipals/{}/appRoleAssignedTo/{}",
            entra.g,
            entra.sp,
            s(&direct, "/id")
        ))
        .bearer_auth(&entra.token)
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), 204);
    sb.run_cycles_now().await;
    sb.run_cycles_now().await;
    // Still in the Unity Pilot group, so still in scope: nothing is disabled (the one legacy
    // PATCH is the group's member add).
    assert_eq!(state(&profile).await["scimPatches"]["legacy"], 1);
    sb.shutdown().await;
}

#[tokio::test]
async fn rfc_dialect_when_the_tenant_url_asks_for_it() {
    let (sb, profile) = sandbox().await;
    let entra = Entra::new(&profile).await;
    let job = entra.create_job().await;
    let base = s(&profile, "/sandbox/scimBaseUrl");
    let token = s(&profile, "/sandbox/scimBearerToken");
    // A user who already exists in Unity with stale attributes: the cycle updates it.
    let scim = client();
    let upn = s(&profile, "/sandbox/sampleUserUpns/0");
    let stale = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": upn, "active": false, "displayName": "Old Name",
        "emails": [{"type": "work", "value": upn, "primary": true}]});
    let r = scim
        .post(format!("{base}/Users"))
        .bearer_auth(&token)
        .json(&stale)
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), 201);
    entra
        .save_secrets(&format!("{base}?aadOptscim062020"), &token)
        .await;
    assert_eq!(
        entra
            .post(&format!("/jobs/{job}/start"), json!({}))
            .await
            .status(),
        204
    );
    entra
        .cycle_until(&sb, &job, |j| j["status"]["code"] == "Active")
        .await;
    let st = state(&profile).await;
    assert!(
        st["scimPatches"]["rfc"].as_u64().is_some_and(|n| n >= 1)
            && st["scimPatches"]["legacy"] == 0,
        "{st}"
    );
    let found = json(
        scim.get(format!("{base}/Users?filter=userName+eq+%22{upn}%22"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("answers"),
    )
    .await;
    assert_eq!(found["Resources"][0]["active"], true);
    assert_ne!(found["Resources"][0]["displayName"], "Old Name");
    sb.shutdown().await;
}

#[tokio::test]
async fn legacy_dialect_disables_users_that_leave_scope() {
    let (sb, profile) = sandbox().await;
    let entra = Entra::new(&profile).await;
    let job = entra.create_job().await;
    let base = s(&profile, "/sandbox/scimBaseUrl");
    let token = s(&profile, "/sandbox/scimBearerToken");
    entra.save_secrets(&base, &token).await;
    // Assign one extra user directly, provision by cycle, then unassign: the cycle disables.
    let g = &entra.g;
    let users = json(
        entra
            .http
            .get(format!(
                "{g}/users?$filter=startswith(displayName,'Zoe')&$top=1"
            ))
            .bearer_auth(&entra.token)
            .send()
            .await
            .expect("answers"),
    )
    .await;
    let zoe = s(&users, "/value/0/id");
    let zoe_upn = s(&users, "/value/0/userPrincipalName");
    let a = json(entra.http.post(format!("{g}/servicePrincipals/{}/appRoleAssignedTo", entra.sp)).bearer_auth(&entra.token)
        .json(&json!({"principalId": zoe, "resourceId": entra.sp, "appRoleId": "18d14569-c3bd-439b-9a66-3a2aee01d14f"})).send().await.expect("answers")).await;
    assert_eq!(
        entra
            .post(&format!("/jobs/{job}/start"), json!({}))
            .await
            .status(),
        204
    );
    entra
        .cycle_until(&sb, &job, |j| j["status"]["code"] == "Active")
        .await;
    assert_eq!(state(&profile).await["scimUsers"], 6);
    let r = entra
        .http
        .delete(format!(
            "{g}/servicePrincipals/{}/appRoleAssignedTo/{}",
            entra.sp,
            s(&a, "/id")
        ))
        .bearer_auth(&entra.token)
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), 204);
    sb.run_cycles_now().await;
    let found = json(
        client()
            .get(format!("{base}/Users?filter=userName+eq+%22{zoe_upn}%22"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("answers"),
    )
    .await;
    assert_eq!(
        found["Resources"][0]["active"], false,
        "the next cycle disables the unassigned user"
    );
    assert!(state(&profile).await["scimPatches"]["legacy"]
        .as_u64()
        .is_some_and(|n| n >= 1));
    sb.shutdown().await;
}

#[tokio::test]
async fn persistent_401_quarantines_and_restart_clears() {
    let (sb, profile) = sandbox().await;
    let entra = Entra::new(&profile).await;
    let job = entra.create_job().await;
    entra
        .save_secrets(&s(&profile, "/sandbox/scimBaseUrl"), "revoked-or-wrong")
        .await;
    assert_eq!(
        entra
            .post(&format!("/jobs/{job}/start"), json!({}))
            .await
            .status(),
        204
    );
    let j = entra
        .cycle_until(&sb, &job, |j| j["status"]["code"] == "Quarantine")
        .await;
    assert_eq!(
        j["status"]["quarantine"]["reason"],
        "EncounteredQuarantineException"
    );
    assert_eq!(j["status"]["lastExecution"]["state"], "Failed");
    assert!(s(&j, "/status/quarantine/error/code")
        .starts_with("SystemForCrossDomainIdentityManagement"));
    entra
        .save_secrets(
            &s(&profile, "/sandbox/scimBaseUrl"),
            &s(&profile, "/sandbox/scimBearerToken"),
        )
        .await;
    let r = entra
        .post(
            &format!("/jobs/{job}/restart"),
            json!({"criteria": {"resetScope": "Watermark, Escrows, QuarantineState"}}),
        )
        .await;
    assert_eq!(r.status(), 204);
    let j = entra
        .cycle_until(&sb, &job, |j| j["status"]["code"] == "Active")
        .await;
    assert!(j["status"]["quarantine"].is_null());
    sb.shutdown().await;
}

#[tokio::test]
async fn provision_on_demand_is_throttled_with_retry_after() {
    let (sb, profile) = sandbox_with(scim_sandbox::SandboxConfig {
        users: 20,
        rate_limit: (2, Duration::from_secs(10)),
        ..Default::default()
    })
    .await;
    let entra = Entra::new(&profile).await;
    let job = entra.create_job().await;
    entra
        .save_secrets(
            &s(&profile, "/sandbox/scimBaseUrl"),
            &s(&profile, "/sandbox/scimBearerToken"),
        )
        .await;
    let user = entra
        .user_id(&s(&profile, "/sandbox/sampleUserUpns/0"))
        .await;
    assert_eq!(entra.on_demand(&job, &user).await.status(), 200);
    assert_eq!(entra.on_demand(&job, &user).await.status(), 200);
    let r = entra.on_demand(&job, &user).await;
    assert_eq!(r.status(), 429);
    assert!(r.headers()["retry-after"]
        .to_str()
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|s| (1..=10).contains(&s)));
    assert_eq!(json(r).await["error"]["code"], "TooManyRequests");
    sb.shutdown().await;
}

#[tokio::test]
async fn user_outside_validated_domains_fails_on_demand_with_the_reason() {
    let (sb, profile) = sandbox().await;
    let entra = Entra::new(&profile).await;
    let job = entra.create_job().await;
    entra
        .save_secrets(
            &s(&profile, "/sandbox/scimBaseUrl"),
            &s(&profile, "/sandbox/scimBearerToken"),
        )
        .await;
    let users = json(
        entra
            .http
            .get(format!(
                "{}/users?$filter=endswith(userPrincipalName,'@fabrikam.com')&$top=1",
                entra.g
            ))
            .bearer_auth(&entra.token)
            .send()
            .await
            .expect("answers"),
    )
    .await;
    let outsider = s(&users, "/value/0/id");
    let a = entra.http.post(format!("{}/servicePrincipals/{}/appRoleAssignedTo", entra.g, entra.sp)).bearer_auth(&entra.token)
        .json(&json!({"principalId": outsider, "resourceId": entra.sp, "appRoleId": "18d14569-c3bd-439b-9a66-3a2aee01d14f"})).send().await.expect("answers");
    assert_eq!(a.status(), 201);
    let (key, value) = verdict(&json(entra.on_demand(&job, &outsider).await).await);
    assert_eq!(key["result"], "Failure");
    assert!(
        s(&key, "/details/errorMessage").contains("not a validated domain"),
        "{key}"
    );
    assert_eq!(
        value["statusInfo"]["errorCode"],
        "SystemForCrossDomainIdentityManagementBadRequest"
    );
    let unassigned = entra
        .user_id(&s(&profile, "/sandbox/adminWithoutRoleUpn"))
        .await;
    let (key, _) = verdict(&json(entra.on_demand(&job, &unassigned).await).await);
    assert_eq!(key["result"], "Skipped");
    sb.shutdown().await;
}

#[tokio::test]
async fn a_hard_deleted_user_is_deleted_in_the_target() {
    let (sb, profile) = sandbox().await;
    let entra = Entra::new(&profile).await;
    let job = entra.create_job().await;
    let base = s(&profile, "/sandbox/scimBaseUrl");
    let token = s(&profile, "/sandbox/scimBearerToken");
    entra.save_secrets(&base, &token).await;
    assert_eq!(
        entra
            .post(&format!("/jobs/{job}/start"), json!({}))
            .await
            .status(),
        204
    );
    entra
        .cycle_until(&sb, &job, |j| j["status"]["code"] == "Active")
        .await;
    assert_eq!(state(&profile).await["scimUsers"], 5);
    let upn = s(&profile, "/sandbox/sampleUserUpns/0");
    let r = client()
        .post(format!(
            "{}/directory/users/{upn}/purge",
            s(&profile, "/sandbox/control")
        ))
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), 204);
    let gone = client()
        .get(format!("{}/users/{upn}", entra.g))
        .bearer_auth(&entra.token)
        .send()
        .await
        .expect("answers");
    assert_eq!(gone.status(), 404, "Graph no longer shows a purged user");
    sb.run_cycles_now().await;
    assert_eq!(
        state(&profile).await["scimUsers"],
        4,
        "the next cycle deletes the purged user in the target"
    );
    let logs = json(
        entra
            .http
            .get(format!(
                "{}/auditLogs/provisioning?$filter=provisioningAction eq 'delete'",
                entra.g
            ))
            .bearer_auth(&entra.token)
            .send()
            .await
            .expect("answers"),
    )
    .await;
    assert_eq!(logs["value"].as_array().map(Vec::len), Some(1), "{logs}");
    sb.shutdown().await;
}

#[tokio::test]
async fn the_control_endpoint_runs_cycles_now_and_moves_the_clock() {
    let (sb, profile) = sandbox().await;
    let control = s(&profile, "/sandbox/control");
    let entra = Entra::new(&profile).await;
    let job = entra.create_job().await;
    entra
        .save_secrets(
            &s(&profile, "/sandbox/scimBaseUrl"),
            &s(&profile, "/sandbox/scimBearerToken"),
        )
        .await;
    let cycles = || async {
        let r = client()
            .post(format!("{control}/cycles"))
            .send()
            .await
            .expect("answers");
        assert_eq!(r.status(), 200);
        json(r).await
    };
    assert_eq!(cycles().await, json!({"ran": 0}), "no job is started yet");
    assert_eq!(
        entra
            .post(&format!("/jobs/{job}/start"), json!({}))
            .await
            .status(),
        204
    );
    assert!(entra.get(&format!("/jobs/{job}")).await["status"]["lastExecution"].is_null());
    assert_eq!(cycles().await, json!({"ran": 1}));
    let j = entra.get(&format!("/jobs/{job}")).await;
    assert_eq!(j["status"]["lastExecution"]["state"], "Succeeded", "{j}");

    let advance = |body: serde_json::Value| {
        let control = control.clone();
        async move {
            client()
                .post(format!("{control}/clock"))
                .json(&body)
                .send()
                .await
                .expect("answers")
        }
    };
    let r = advance(json!({"advanceMs": 1500})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(json(r).await, json!({"aheadMs": 1500}));
    assert_eq!(
        sb.advance_clock(Duration::from_millis(500)),
        Duration::from_secs(2),
        "the handle and the endpoint move the same clock"
    );
    assert_eq!(advance(json!({"advanceMs": "soon"})).await.status(), 400);
    sb.shutdown().await;
}
