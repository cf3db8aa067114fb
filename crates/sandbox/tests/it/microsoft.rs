//! Microsoft identity platform v2 contract: authorize, token (PKCE, errors), refresh, device code.

use crate::common::*;
use base64::Engine;
use serde_json::Value;

fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("JWT-shaped");
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .expect("base64url"),
    )
    .expect("JSON claims")
}

#[tokio::test]
async fn auth_code_with_pkce_issues_tokens_with_claims_and_rotating_refresh() {
    let (sb, profile) = sandbox().await;
    let reply = ms_sign_in(&profile, ALL_SCOPES, "").await;
    assert_eq!(reply["token_type"], "Bearer");
    assert!(reply["expires_in"].as_u64().is_some_and(|e| e > 3000));
    assert!(reply["id_token"].is_string() && reply["refresh_token"].is_string());
    let c = claims(&s(&reply, "/access_token"));
    assert_eq!(c["tid"], profile["sandbox"]["tenantId"]);
    assert_eq!(c["upn"], "admin@contoso.com");
    assert!(c["oid"].is_string());
    assert!(s(&c, "/scp").contains("Synchronization.ReadWrite.All"));
    assert!(s(&reply, "/scope").contains("https://graph.microsoft.com/Application.ReadWrite.All"));

    let authority = s(&profile, "/microsoft/authority");
    let refreshed = client()
        .post(format!("{authority}/organizations/oauth2/v2.0/token"))
        .form(&[
            ("client_id", s(&profile, "/microsoft/clientId").as_str()),
            ("grant_type", "refresh_token"),
            ("refresh_token", s(&reply, "/refresh_token").as_str()),
            (
                "scope",
                "https://graph.microsoft.com/User.ReadBasic.All offline_access",
            ),
        ])
        .send()
        .await
        .expect("answers");
    assert_eq!(refreshed.status(), 200);
    let refreshed = json(refreshed).await;
    assert_ne!(
        refreshed["refresh_token"], reply["refresh_token"],
        "a new refresh token with every reply"
    );
    assert_eq!(
        claims(&s(&refreshed, "/access_token"))["scp"],
        "User.ReadBasic.All"
    );
    sb.shutdown().await;
}

async fn authorize_code(profile: &Value, redirect: &str, challenge: &str) -> String {
    let r = client()
        .get(format!(
            "{}/organizations/oauth2/v2.0/authorize",
            s(profile, "/microsoft/authority")
        ))
        .query(&[
            ("client_id", s(profile, "/microsoft/clientId").as_str()),
            ("response_type", "code"),
            ("redirect_uri", redirect),
            (
                "scope",
                "openid https://graph.microsoft.com/User.ReadBasic.All",
            ),
            ("state", "s1"),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .expect("answers");
    let loc = location(&r);
    assert_eq!(query_param(&loc, "state").as_deref(), Some("s1"));
    query_param(&loc, "code").expect("code")
}

async fn redeem(profile: &Value, tenant: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let r = client()
        .post(format!(
            "{}/{tenant}/oauth2/v2.0/token",
            s(profile, "/microsoft/authority")
        ))
        .form(form)
        .send()
        .await
        .expect("answers");
    (r.status().as_u16(), json(r).await)
}

fn aadsts(body: &Value) -> u64 {
    assert!(
        s(body, "/error_description").starts_with("AADSTS"),
        "{body}"
    );
    assert!(
        body["trace_id"].is_string()
            && body["correlation_id"].is_string()
            && body["timestamp"].is_string()
    );
    body["error_codes"][0].as_u64().expect("error_codes")
}

#[tokio::test]
async fn token_failures_carry_the_real_error_and_aadsts_code() {
    let (sb, profile) = sandbox().await;
    let client_id = s(&profile, "/microsoft/clientId");
    let (verifier, challenge) = pkce();
    let redirect = "http://localhost:4711";

    let code = authorize_code(&profile, redirect, &challenge).await;
    let (status, body) = redeem(
        &profile,
        "organizations",
        &[
            ("client_id", &client_id),
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", redirect),
            (
                "code_verifier",
                "wrong-verifier-wrong-verifier-wrong-verifier",
            ),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    assert_eq!(aadsts(&body), 501481);

    let (status, body) = redeem(
        &profile,
        "organizations",
        &[
            ("client_id", &client_id),
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://localhost:9999"),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(
        (status, aadsts(&body)),
        (400, 500112),
        "redirect_uri must match the authorize one"
    );

    let (status, _) = redeem(
        &profile,
        "organizations",
        &[
            ("client_id", &client_id),
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = redeem(
        &profile,
        "organizations",
        &[
            ("client_id", &client_id),
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(
        (status, aadsts(&body)),
        (400, 54005),
        "a code is redeemed once"
    );

    let (_, body) = redeem(
        &profile,
        "organizations",
        &[
            ("client_id", "00000000-1111-2222-3333-444444444444"),
            ("grant_type", "authorization_code"),
            ("code", "x"),
        ],
    )
    .await;
    assert_eq!(
        (body["error"].as_str(), aadsts(&body)),
        (Some("unauthorized_client"), 700016)
    );
    let (_, body) = redeem(
        &profile,
        "nosuchtenant.example",
        &[
            ("client_id", &client_id),
            ("grant_type", "authorization_code"),
            ("code", "x"),
        ],
    )
    .await;
    assert_eq!(aadsts(&body), 90002);
    let raw = client()
        .post(format!(
            "{}/organizations/oauth2/v2.0/token",
            s(&profile, "/microsoft/authority")
        ))
        .body("{}")
        .send()
        .await
        .expect("answers");
    assert_eq!(
        raw.status(),
        400,
        "no form content type is still answered in Entra's shape"
    );
    assert_eq!(aadsts(&json(raw).await), 900144);
    let (status, body) = redeem(
        &profile,
        "organizations",
        &[
            ("client_id", &client_id),
            ("grant_type", "authorization_code"),
            ("code", "x"),
            ("client_secret", "s"),
        ],
    )
    .await;
    assert_eq!((status, aadsts(&body)), (401, 700025));
    sb.shutdown().await;
}

#[tokio::test]
async fn authorize_rejects_unknown_clients_and_reply_urls_and_redirects_errors() {
    let (sb, profile) = sandbox().await;
    let authority = s(&profile, "/microsoft/authority");
    let client_id = s(&profile, "/microsoft/clientId");
    let http = client();
    let r = http
        .get(format!("{authority}/organizations/oauth2/v2.0/authorize"))
        .query(&[
            ("client_id", client_id.as_str()),
            ("response_type", "code"),
            ("redirect_uri", "http://127.0.0.1:5000/callback"),
            ("scope", "openid"),
        ])
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), 400);
    assert!(r.text().await.expect("html").contains("AADSTS50011"));
    let r = http
        .get(format!("{authority}/organizations/oauth2/v2.0/authorize"))
        .query(&[
            ("client_id", "nope"),
            ("response_type", "code"),
            ("redirect_uri", "http://localhost"),
            ("scope", "openid"),
        ])
        .send()
        .await
        .expect("answers");
    assert!(r.text().await.expect("html").contains("AADSTS700016"));
    let r = http
        .get(format!("{authority}/organizations/oauth2/v2.0/authorize"))
        .query(&[
            ("client_id", client_id.as_str()),
            ("response_type", "token"),
            ("redirect_uri", "http://localhost"),
            ("scope", "openid"),
            ("state", "q"),
        ])
        .send()
        .await
        .expect("answers");
    let loc = location(&r);
    assert_eq!(
        query_param(&loc, "error").as_deref(),
        Some("unsupported_response_type")
    );
    assert_eq!(query_param(&loc, "state").as_deref(), Some("q"));
    sb.shutdown().await;
}

#[tokio::test]
async fn consent_page_accepts_and_cancels_when_auto_consent_is_off() {
    let (sb, profile) = sandbox_with(scim_sandbox::SandboxConfig {
        users: 10,
        auto_consent: false,
        ..Default::default()
    })
    .await;
    let authority = s(&profile, "/microsoft/authority");
    let client_id = s(&profile, "/microsoft/clientId");
    let page = client()
        .get(format!("{authority}/organizations/oauth2/v2.0/authorize"))
        .query(&[
            ("client_id", client_id.as_str()),
            ("response_type", "code"),
            ("redirect_uri", "http://localhost"),
            (
                "scope",
                "openid https://graph.microsoft.com/User.ReadBasic.All",
            ),
            ("state", "st"),
        ])
        .send()
        .await
        .expect("answers");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("admin@contoso.com")
            && html.contains("User.ReadBasic.All")
            && html.contains("Cancel")
    );
    let base = [
        ("client_id", client_id.as_str()),
        ("redirect_uri", "http://localhost"),
        ("scope", "openid"),
        ("state", "st"),
    ];
    let mut cancel = base.to_vec();
    cancel.push(("decision", "cancel"));
    let r = client()
        .post(format!("{authority}/organizations/oauth2/v2.0/authorize"))
        .form(&cancel)
        .send()
        .await
        .expect("answers");
    assert_eq!(
        query_param(&location(&r), "error").as_deref(),
        Some("access_denied")
    );
    let mut accept = base.to_vec();
    accept.extend([("decision", "accept"), ("account", "1")]);
    let r = client()
        .post(format!("{authority}/organizations/oauth2/v2.0/authorize"))
        .form(&accept)
        .send()
        .await
        .expect("answers");
    assert!(query_param(&location(&r), "code").is_some());
    sb.shutdown().await;
}

#[tokio::test]
async fn device_code_polling_pending_then_tokens() {
    let (sb, profile) = sandbox().await;
    let authority = s(&profile, "/microsoft/authority");
    let client_id = s(&profile, "/microsoft/clientId");
    let dc = json(
        client()
            .post(format!("{authority}/organizations/oauth2/v2.0/devicecode"))
            .form(&[("client_id", client_id.as_str()), ("scope", ALL_SCOPES)])
            .send()
            .await
            .expect("answers"),
    )
    .await;
    for field in ["device_code", "user_code", "verification_uri", "message"] {
        assert!(dc[field].is_string(), "{field} in {dc}");
    }
    assert!(dc.get("verification_uri_complete").is_none());
    assert_eq!(dc["expires_in"], 900);
    let poll = || async {
        let r = client()
            .post(format!("{authority}/organizations/oauth2/v2.0/token"))
            .form(&[
                ("client_id", client_id.as_str()),
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("device_code", s(&dc, "/device_code").as_str()),
            ])
            .send()
            .await
            .expect("answers");
        (r.status().as_u16(), json(r).await)
    };
    let (status, body) = poll().await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("authorization_pending"))
    );
    let (_, body) = poll().await;
    assert_eq!(
        body["error"], "slow_down",
        "polling faster than the interval"
    );
    // The interval passes on the sandbox's clock.
    sb.advance_clock(std::time::Duration::from_millis(1100));
    let (status, body) = poll().await;
    assert_eq!(status, 200, "{body}");
    assert!(body["access_token"].is_string());
    let (_, body) = poll().await;
    assert_eq!(
        body["error"], "bad_verification_code",
        "a device code is used once"
    );
    sb.shutdown().await;
}

/// The window's embedded sandbox: a device code does not approve itself before the delay,
/// however often it is polled, so the code stays on screen; typed on the page, it goes at once.
#[tokio::test]
async fn an_approval_delay_keeps_a_device_code_pending_until_it_is_entered() {
    let (sb, profile) = sandbox_with(scim_sandbox::SandboxConfig {
        users: 10,
        device_code_approval_delay: std::time::Duration::from_secs(3600),
        ..Default::default()
    })
    .await;
    let authority = s(&profile, "/microsoft/authority");
    let client_id = s(&profile, "/microsoft/clientId");
    let dc = json(
        client()
            .post(format!("{authority}/organizations/oauth2/v2.0/devicecode"))
            .form(&[("client_id", client_id.as_str()), ("scope", ALL_SCOPES)])
            .send()
            .await
            .expect("answers"),
    )
    .await;
    let poll = || async {
        let r = client()
            .post(format!("{authority}/organizations/oauth2/v2.0/token"))
            .form(&[
                ("client_id", client_id.as_str()),
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("device_code", s(&dc, "/device_code").as_str()),
            ])
            .send()
            .await
            .expect("answers");
        (r.status().as_u16(), json(r).await)
    };
    // Polled at the interval it asked for, three times: still pending (without the delay the
    // second poll already gets tokens).
    for _ in 0..3 {
        let (status, body) = poll().await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("authorization_pending")),
            "{body}"
        );
        sb.advance_clock(std::time::Duration::from_millis(1100));
    }
    let entered = client()
        .post(s(&dc, "/verification_uri"))
        .form(&[
            ("user_code", s(&dc, "/user_code").as_str()),
            ("decision", "accept"),
            ("account", "0"),
        ])
        .send()
        .await
        .expect("answers");
    assert_eq!(entered.status(), 200);
    let (status, body) = poll().await;
    assert_eq!(status, 200, "{body}");
    assert!(body["access_token"].is_string());
    sb.shutdown().await;
}

#[tokio::test]
async fn device_code_entered_on_the_page_or_declined() {
    let (sb, profile) = sandbox_with(scim_sandbox::SandboxConfig {
        users: 10,
        auto_consent: false,
        ..Default::default()
    })
    .await;
    let authority = s(&profile, "/microsoft/authority");
    let client_id = s(&profile, "/microsoft/clientId");
    let start = || async {
        json(
            client()
                .post(format!("{authority}/organizations/oauth2/v2.0/devicecode"))
                .form(&[("client_id", client_id.as_str()), ("scope", ALL_SCOPES)])
                .send()
                .await
                .expect("answers"),
        )
        .await
    };
    let poll = |device_code: String| {
        let (authority, client_id) = (authority.clone(), client_id.clone());
        async move {
            let r = client()
                .post(format!("{authority}/organizations/oauth2/v2.0/token"))
                .form(&[
                    ("client_id", client_id.as_str()),
                    ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                    ("device_code", device_code.as_str()),
                ])
                .send()
                .await
                .expect("answers");
            (r.status().as_u16(), json(r).await)
        }
    };
    let approved = start().await;
    let page = client()
        .get(s(&approved, "/verification_uri"))
        .send()
        .await
        .expect("answers");
    assert!(page.text().await.expect("html").contains("user_code"));
    assert_eq!(
        poll(s(&approved, "/device_code")).await.1["error"],
        "authorization_pending"
    );
    let r = client()
        .post(s(&approved, "/verification_uri"))
        .form(&[
            ("user_code", s(&approved, "/user_code").as_str()),
            ("decision", "accept"),
            ("account", "0"),
        ])
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), 200);
    sb.advance_clock(std::time::Duration::from_millis(600));
    let (status, body) = poll(s(&approved, "/device_code")).await;
    assert_eq!(status, 200, "{body}");

    let declined = start().await;
    client()
        .post(s(&declined, "/verification_uri"))
        .form(&[
            ("user_code", s(&declined, "/user_code").as_str()),
            ("decision", "cancel"),
        ])
        .send()
        .await
        .expect("answers");
    assert_eq!(
        poll(s(&declined, "/device_code")).await.1["error"],
        "authorization_declined"
    );
    let wrong = client()
        .post(s(&declined, "/verification_uri"))
        .form(&[("user_code", "NOPE"), ("decision", "accept")])
        .send()
        .await
        .expect("answers");
    assert_eq!(wrong.status(), 400);
    sb.shutdown().await;
}

#[tokio::test]
async fn openid_configuration_points_at_the_v2_endpoints() {
    let (sb, profile) = sandbox().await;
    let authority = s(&profile, "/microsoft/authority");
    let doc = json(
        client()
            .get(format!(
                "{authority}/organizations/v2.0/.well-known/openid-configuration"
            ))
            .send()
            .await
            .expect("answers"),
    )
    .await;
    assert_eq!(
        s(&doc, "/token_endpoint"),
        format!("{authority}/organizations/oauth2/v2.0/token")
    );
    assert_eq!(
        s(&doc, "/device_authorization_endpoint"),
        format!("{authority}/organizations/oauth2/v2.0/devicecode")
    );
    let unknown = client()
        .get(format!(
            "{authority}/nope.example/v2.0/.well-known/openid-configuration"
        ))
        .send()
        .await
        .expect("answers");
    assert_eq!(unknown.status(), 400);
    sb.shutdown().await;
}

/// The `{tenant}` segment
/// (<https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow>): the tenant ID
/// and every verified domain of the tenant are served like `organizations`; any other tenant is
/// Entra's AADSTS90002, on the device-code and token endpoints alike.
#[tokio::test]
async fn a_tenant_in_the_authority_path_is_honoured_or_refused_with_aadsts90002() {
    let (sb, profile) = sandbox().await;
    let authority = s(&profile, "/microsoft/authority");
    let client_id = s(&profile, "/microsoft/clientId");
    let devicecode = |tenant: String| {
        let (authority, client_id) = (authority.clone(), client_id.clone());
        async move {
            let r = client()
                .post(format!("{authority}/{tenant}/oauth2/v2.0/devicecode"))
                .form(&[("client_id", client_id.as_str()), ("scope", ALL_SCOPES)])
                .send()
                .await
                .expect("answers");
            (r.status().as_u16(), json(r).await)
        }
    };
    for tenant in [
        s(&profile, "/sandbox/tenantId"),
        "contoso.com".to_string(),
        "Contoso.onmicrosoft.com".to_string(),
        "fabrikam.com".to_string(),
    ] {
        let (status, body) = devicecode(tenant.clone()).await;
        assert_eq!(status, 200, "{tenant}: {body}");
        assert!(body["device_code"].is_string(), "{tenant}: {body}");
    }
    for tenant in ["nosuch.example", "consumers"] {
        let (status, body) = devicecode(tenant.to_string()).await;
        assert_eq!(
            (status, body["error"].as_str(), aadsts(&body)),
            (400, Some("invalid_request"), 90002),
            "{tenant}"
        );
        assert!(
            s(&body, "/error_description").contains(&format!("Tenant '{tenant}' not found")),
            "{body}"
        );
    }
    sb.shutdown().await;
}
