//! Each fault switch, on and off again, through the control endpoint and `SandboxConfig::faults`.

use std::time::{Duration, Instant};

use crate::common::*;
use serde_json::json;

fn scim_users(profile: &serde_json::Value) -> String {
    format!("{}/Users", s(profile, "/sandbox/scimBaseUrl"))
}

#[tokio::test]
async fn status_faults_use_the_routes_envelope_and_retry_after() {
    let (sb, profile) = sandbox().await;
    let http = client();
    let token = s(&profile, "/sandbox/scimBearerToken");
    let id = add_fault(&profile, "status:503@/scim/v2/*#1").await;
    let r = http
        .get(scim_users(&profile))
        .bearer_auth(&token)
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "1");
    let body = json(r).await;
    assert_eq!(
        (body["status"].as_str(), body["schemas"][0].as_str()),
        (
            Some("503"),
            Some("urn:ietf:params:scim:api:messages:2.0:Error")
        )
    );
    assert_eq!(
        http.get(scim_users(&profile))
            .bearer_auth(&token)
            .send()
            .await
            .expect("answers")
            .status(),
        200,
        "#1: only once"
    );
    let del = http
        .delete(format!("{}/faults/{id}", s(&profile, "/sandbox/control")))
        .send()
        .await
        .expect("answers");
    assert_eq!(del.status(), 204);

    add_fault(&profile, "status:429:7@/v1.0/*").await;
    let r = http
        .get(format!("{}/me", graph(&profile)))
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "7");
    assert!(r.headers().contains_key("request-id"));
    assert_eq!(json(r).await["error"]["code"], "TooManyRequests");
    add_fault(&profile, "status:500@*/oauth2/v2.0/token").await;
    let r = http
        .post(format!(
            "{}/organizations/oauth2/v2.0/token",
            s(&profile, "/microsoft/authority")
        ))
        .form(&[("grant_type", "x")])
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), 500);
    assert!(s(&json(r).await, "/error_description").starts_with("AADSTS"));
    add_fault(&profile, "status:503@/api/*").await;
    let r = http
        .get(format!(
            "{}/api/access/v1/organizations/1/sso",
            s(&profile, "/unity/api")
        ))
        .send()
        .await
        .expect("answers");
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    clear_faults(&profile).await;
    assert_eq!(
        http.get(scim_users(&profile))
            .bearer_auth(&token)
            .send()
            .await
            .expect("answers")
            .status(),
        200
    );
    let bad = http
        .post(format!("{}/faults", s(&profile, "/sandbox/control")))
        .json(&json!({"spec": "explode@*"}))
        .send()
        .await
        .expect("answers");
    assert_eq!(bad.status(), 400);
    assert!(json(bad).await["error"]
        .as_str()
        .is_some_and(|e| e.contains("unknown KIND")));
    sb.shutdown().await;
}

#[tokio::test]
async fn latency_reset_hang_and_html() {
    let (sb, profile) = sandbox().await;
    let token = s(&profile, "/sandbox/scimBearerToken");
    add_fault(&profile, "latency:300@/scim/v2/*#1").await;
    let t = Instant::now();
    assert_eq!(
        client()
            .get(scim_users(&profile))
            .bearer_auth(&token)
            .send()
            .await
            .expect("answers")
            .status(),
        200
    );
    assert!(t.elapsed() >= Duration::from_millis(300));

    add_fault(&profile, "reset@/scim/v2/*#1").await;
    let err = client()
        .get(scim_users(&profile))
        .bearer_auth(&token)
        .send()
        .await;
    assert!(err.is_err(), "the connection is dropped without a response");

    add_fault(&profile, "hang@/scim/v2/*#1").await;
    let short = reqwest::Client::builder()
        .timeout(Duration::from_millis(400))
        .build()
        .expect("client");
    let err = short
        .get(scim_users(&profile))
        .bearer_auth(&token)
        .send()
        .await
        .expect_err("never answers");
    assert!(err.is_timeout());

    add_fault(&profile, "html@/scim/v2/*#1").await;
    let r = client()
        .get(scim_users(&profile))
        .bearer_auth(&token)
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .is_ok_and(|c| c.starts_with("text/html")));
    assert_eq!(
        client()
            .get(scim_users(&profile))
            .bearer_auth(&token)
            .send()
            .await
            .expect("answers")
            .status(),
        200,
        "all used up"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn expire_tokens_and_drop_role_and_quarantine() {
    let (sb, profile) = sandbox().await;
    let token = admin_token(&profile).await;
    let me = format!("{}/me", graph(&profile));
    assert_eq!(
        client()
            .get(&me)
            .bearer_auth(&token)
            .send()
            .await
            .expect("answers")
            .status(),
        200
    );
    let id = add_fault(&profile, "expire-tokens").await;
    let r = client()
        .get(&me)
        .bearer_auth(&token)
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), 401);
    assert!(s(&json(r).await, "/error/message").contains("expired"));
    let fresh = admin_token(&profile).await;
    assert_eq!(
        client()
            .get(&me)
            .bearer_auth(&fresh)
            .send()
            .await
            .expect("answers")
            .status(),
        200,
        "new sign-ins work"
    );
    client()
        .delete(format!("{}/faults/{id}", s(&profile, "/sandbox/control")))
        .send()
        .await
        .expect("answers");
    assert_eq!(
        client()
            .get(&me)
            .bearer_auth(&token)
            .send()
            .await
            .expect("answers")
            .status(),
        200,
        "off again"
    );

    let scim_token = s(&profile, "/sandbox/scimBearerToken");
    add_fault(&profile, "drop-role").await;
    assert_eq!(
        client()
            .get(scim_users(&profile))
            .bearer_auth(&scim_token)
            .send()
            .await
            .expect("answers")
            .status(),
        403
    );
    let st = state(&profile).await;
    assert!(st["serviceAccounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .all(|a| a["roles"].as_array().is_some_and(|r| r.is_empty())));
    clear_faults(&profile).await;
    assert_eq!(
        client()
            .get(scim_users(&profile))
            .bearer_auth(&scim_token)
            .send()
            .await
            .expect("answers")
            .status(),
        200
    );

    // quarantine: a started job goes to quarantine on its next cycle.
    let g = graph(&profile);
    let http = client();
    let sp = s(
        &json(
            http.get(format!(
                "{g}/servicePrincipals?$filter=displayName eq 'Unity'"
            ))
            .bearer_auth(&fresh)
            .send()
            .await
            .expect("answers"),
        )
        .await,
        "/value/0/id",
    );
    let job = s(
        &json(
            http.post(format!("{g}/servicePrincipals/{sp}/synchronization/jobs"))
                .bearer_auth(&fresh)
                .json(&json!({"templateId": "scim"}))
                .send()
                .await
                .expect("answers"),
        )
        .await,
        "/id",
    );
    http.put(format!("{g}/servicePrincipals/{sp}/synchronization/secrets")).bearer_auth(&fresh)
        .json(&json!({"value": [{"key": "BaseAddress", "value": s(&profile, "/sandbox/scimBaseUrl")}, {"key": "SecretToken", "value": scim_token}]})).send().await.expect("answers");
    add_fault(&profile, "quarantine").await;
    http.post(format!(
        "{g}/servicePrincipals/{sp}/synchronization/jobs/{job}/start"
    ))
    .bearer_auth(&fresh)
    .send()
    .await
    .expect("answers");
    assert_eq!(sb.run_cycles_now().await, 1, "the started job cycled");
    let j = json(
        http.get(format!(
            "{g}/servicePrincipals/{sp}/synchronization/jobs/{job}"
        ))
        .bearer_auth(&fresh)
        .send()
        .await
        .expect("answers"),
    )
    .await;
    assert_eq!(j["status"]["code"], "Quarantine", "on its next cycle: {j}");
    assert_eq!(j["status"]["quarantine"]["reason"], "QuarantinedOnDemand");
    sb.shutdown().await;
}

#[tokio::test]
async fn faults_from_the_config_and_bad_specs_rejected_at_start() {
    let config = scim_sandbox::SandboxConfig {
        users: 5,
        faults: vec!["status:502@/scim/v2/*".into()],
        ..Default::default()
    };
    let (sb, profile) = sandbox_with(config).await;
    let r = client()
        .get(scim_users(&profile))
        .bearer_auth(s(&profile, "/sandbox/scimBearerToken"))
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), 502);
    sb.shutdown().await;
    let bad = scim_sandbox::start(scim_sandbox::SandboxConfig {
        faults: vec!["nope".into()],
        ..Default::default()
    })
    .await;
    assert!(matches!(
        bad,
        Err(scim_sandbox::SandboxError::InvalidFault { .. })
    ));
    assert!(scim_sandbox::parse_fault("status:503@/scim/v2/*#2").is_ok());
    assert!(scim_sandbox::FAULT_SYNTAX_HELP.contains("KIND[:ARG]@ROUTE[#TIMES]"));
}
