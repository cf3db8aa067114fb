//! The cloud profile's shape (the contract in docs/architecture.md) and a large deterministic seed.

use crate::common::*;
use serde_json::Value;

#[tokio::test]
async fn profile_has_the_contract_shape() {
    let (sb, p) = sandbox().await;
    assert_eq!(p["name"], "sandbox");
    let m = s(&p, "/microsoft/authority");
    let u = s(&p, "/unity/auth");
    assert!(m.starts_with("http://127.0.0.1:") && u.starts_with("http://127.0.0.1:"));
    assert_eq!(s(&p, "/microsoft/graph"), format!("{m}/v1.0"));
    assert_eq!(s(&p, "/unity/api"), u);
    assert_eq!(s(&p, "/unity/scim"), format!("{u}/scim/v2"));
    for key in [
        "/microsoft/clientId",
        "/unity/clientId",
        "/sandbox/tenantId",
        "/sandbox/unityOrgId",
        "/sandbox/scimBearerToken",
        "/sandbox/scimTokenWithoutRole",
        "/sandbox/unityAdminEmail",
        "/sandbox/adminWithoutRoleUpn",
    ] {
        assert!(!s(&p, key).is_empty(), "{key}");
    }
    assert_eq!(s(&p, "/sandbox/adminUpn"), "admin@contoso.com");
    assert_eq!(s(&p, "/sandbox/validatedDomain"), "contoso.com");
    assert_eq!(s(&p, "/sandbox/enterpriseAppName"), "Unity");
    assert_eq!(
        s(&p, "/sandbox/scimBaseUrl"),
        format!("{u}/scim/v2/tenants/{}", s(&p, "/sandbox/unityOrgId"))
    );
    assert_eq!(s(&p, "/sandbox/control"), format!("{m}/_sandbox"));
    assert!(s(&p, "/sandbox/scimTlsBaseUrl").starts_with("https://127.0.0.1:"));
    assert_eq!(
        p["sandbox"]["sampleUserUpns"].as_array().map(Vec::len),
        Some(2)
    );
    let out_of_scope = s(&p, "/sandbox/outOfScopeUserUpn");
    assert!(
        out_of_scope.ends_with("@contoso.com")
            && !p["sandbox"]["sampleUserUpns"]
                .as_array()
                .is_some_and(|samples| samples.contains(&serde_json::json!(out_of_scope))),
        "{out_of_scope}"
    );
    // Every listener answers the control endpoint.
    let via_unity = json(
        client()
            .get(format!("{u}/_sandbox/state"))
            .send()
            .await
            .expect("answers"),
    )
    .await;
    assert_eq!(via_unity["scimUsers"], 0);
    // Secrets are random per run; the directory is not.
    let (sb2, p2) = sandbox().await;
    assert_ne!(
        p["sandbox"]["scimBearerToken"],
        p2["sandbox"]["scimBearerToken"]
    );
    assert_eq!(
        p["sandbox"]["sampleUserUpns"],
        p2["sandbox"]["sampleUserUpns"]
    );
    sb2.shutdown().await;
    sb.shutdown().await;
    assert!(
        client()
            .get(format!("{m}/_sandbox/state"))
            .send()
            .await
            .is_err(),
        "shut down"
    );
}

#[tokio::test]
async fn fixed_ports_are_n_n1_n2() {
    // Find three free consecutive ports by binding and releasing.
    for base in (41000u16..42000).step_by(7) {
        let free = (0..3).all(|i| std::net::TcpListener::bind(("127.0.0.1", base + i)).is_ok());
        if !free {
            continue;
        }
        let Ok(sb) = scim_sandbox::start(scim_sandbox::SandboxConfig {
            port: base,
            users: 3,
            ..Default::default()
        })
        .await
        else {
            continue;
        };
        let p: Value = sb.profile();
        assert_eq!(
            s(&p, "/microsoft/authority"),
            format!("http://127.0.0.1:{base}")
        );
        assert_eq!(
            s(&p, "/unity/auth"),
            format!("http://127.0.0.1:{}", base + 1)
        );
        assert!(s(&p, "/sandbox/scimTlsBaseUrl")
            .starts_with(&format!("https://127.0.0.1:{}/", base + 2)));
        sb.shutdown().await;
        return;
    }
    panic!("no free port range found");
}

#[tokio::test]
async fn a_hundred_thousand_users_start_and_page_deterministically() {
    // How fast they start is a figure of the bench (`sandbox start`), not a threshold here.
    let (sb, p) = sandbox_with(scim_sandbox::SandboxConfig {
        users: 100_000,
        ..Default::default()
    })
    .await;
    let token = admin_token(&p).await;
    let last = json(client().get(format!("{}/users?$filter=startswith(userPrincipalName,'zoe.ito')&$select=userPrincipalName&$top=5", graph(&p))).bearer_auth(&token).send().await.expect("answers")).await;
    assert!(
        last["value"].as_array().is_some_and(|v| !v.is_empty()),
        "{last}"
    );
    let page = json(
        client()
            .get(format!("{}/users?$top=999", graph(&p)))
            .bearer_auth(&token)
            .send()
            .await
            .expect("answers"),
    )
    .await;
    assert_eq!(page["value"].as_array().map(Vec::len), Some(999));
    sb.shutdown().await;
}

#[tokio::test]
async fn the_handle_counts_requests_per_service_and_not_control_ones() {
    let (sb, p) = sandbox().await;
    let before = sb.requests();
    let http = client();
    // Refused or not, a request that reached the service counts.
    let graph = http
        .get(format!("{}/me", s(&p, "/microsoft/graph")))
        .send()
        .await
        .expect("Graph answers");
    assert_eq!(graph.status(), 401);
    for start in [1, 101] {
        let page = http
            .get(format!(
                "{}/Users?startIndex={start}",
                s(&p, "/sandbox/scimBaseUrl")
            ))
            .bearer_auth(s(&p, "/sandbox/scimBearerToken"))
            .send()
            .await
            .expect("SCIM answers");
        assert_eq!(page.status(), 200);
    }
    http.get(format!("{}/state", s(&p, "/sandbox/control")))
        .send()
        .await
        .expect("control answers");
    let made = sb.requests().since(before);
    assert_eq!(
        (
            made.graph,
            made.microsoft_sign_in,
            made.unity_scim,
            made.unity_api
        ),
        (1, 0, 2, 0)
    );
    sb.shutdown().await;
}
