//! Unity sign-in (auth code + PKCE) and the admin contract of docs/unity-admin-contract.md.

use crate::common::*;
use serde_json::{json, Value};

async fn unity_sign_in(profile: &Value) -> Value {
    let auth = s(profile, "/unity/auth");
    let client_id = s(profile, "/unity/clientId");
    let (verifier, challenge) = pkce();
    let redirect = "http://127.0.0.1:8765/callback";
    let r = client()
        .get(format!("{auth}/v1/oauth2/authorize"))
        .query(&[
            ("client_id", client_id.as_str()),
            ("response_type", "code"),
            ("redirect_uri", redirect),
            ("state", "u1"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .expect("answers");
    let loc = location(&r);
    assert_eq!(query_param(&loc, "state").as_deref(), Some("u1"));
    let code = query_param(&loc, "code").expect("code");
    let bad = client()
        .post(format!("{auth}/v1/oauth2/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("code_verifier", "not-the-verifier"),
            ("redirect_uri", redirect),
            ("client_id", client_id.as_str()),
        ])
        .send()
        .await
        .expect("answers");
    assert_eq!(bad.status(), 400);
    assert_eq!(json(bad).await["error"], "invalid_grant");
    let r = client()
        .post(format!("{auth}/v1/oauth2/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("code_verifier", verifier.as_str()),
            ("redirect_uri", redirect),
            ("client_id", client_id.as_str()),
        ])
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), 200);
    json(r).await
}

#[tokio::test]
async fn sign_in_refresh_and_who_am_i() {
    let (sb, profile) = sandbox().await;
    let reply = unity_sign_in(&profile).await;
    assert_eq!(reply["token_type"], "Bearer");
    let auth = s(&profile, "/unity/auth");
    let me = json(
        client()
            .get(format!("{auth}/v1/users/current/openid"))
            .bearer_auth(s(&reply, "/access_token"))
            .send()
            .await
            .expect("answers"),
    )
    .await;
    assert_eq!(me["email"], profile["sandbox"]["unityAdminEmail"]);
    assert!(me["sub"].is_string() && me["name"].is_string());
    let form = [
        ("grant_type", "refresh_token"),
        (
            "refresh_token",
            reply["refresh_token"].as_str().unwrap_or_default(),
        ),
        ("client_id", "scim-setup-sandbox"),
    ];
    let r = client()
        .post(format!("{auth}/v1/oauth2/token"))
        .form(&form)
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), 200);
    let again = client()
        .post(format!("{auth}/v1/oauth2/token"))
        .form(&form)
        .send()
        .await
        .expect("answers");
    assert_eq!(
        again.status(),
        400,
        "Unity refresh tokens are single-use (rotation)"
    );
    let missing_pkce = client()
        .get(format!("{auth}/v1/oauth2/authorize"))
        .query(&[
            ("client_id", "scim-setup-sandbox"),
            ("response_type", "code"),
            ("redirect_uri", "http://127.0.0.1:1/callback"),
            ("state", "z"),
        ])
        .send()
        .await
        .expect("answers");
    assert_eq!(
        query_param(&location(&missing_pkce), "error").as_deref(),
        Some("invalid_request")
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn service_account_token_and_role_round_trip() {
    let (sb, profile) = sandbox().await;
    let token = s(&unity_sign_in(&profile).await, "/access_token");
    let api = s(&profile, "/unity/api");
    let org = s(&profile, "/sandbox/unityOrgId");
    let http = client();
    let me = json(
        http.get(format!("{api}/v1/users/current/openid"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("answers"),
    )
    .await;
    let orgs = json(
        http.get(format!(
            "{api}/api/unity/legacy/v1/users/{}/organizations",
            s(&me, "/sub")
        ))
        .bearer_auth(&token)
        .send()
        .await
        .expect("answers"),
    )
    .await;
    assert_eq!(orgs["results"][0]["id"], json!(org));
    let sso = json(
        http.get(format!("{api}/api/access/v1/organizations/{org}/sso"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("answers"),
    )
    .await;
    assert_eq!(sso["ssoEnabled"], true);
    assert_eq!(
        sso["domains"],
        json!([{"domain": "contoso.com", "status": "VALIDATED"}, {"domain": "fabrikam.com", "status": "PENDING"}])
    );
    assert_eq!(
        sso["scim"]["baseConnectorUrl"],
        profile["sandbox"]["scimBaseUrl"]
    );

    let base = format!("{api}/api/access/v1/organizations/{org}/service-accounts");
    let list = json(
        http.get(&base)
            .bearer_auth(&token)
            .send()
            .await
            .expect("answers"),
    )
    .await;
    assert_eq!(list["results"].as_array().map(Vec::len), Some(2));
    assert!(list["next"].is_null());
    let r = http
        .post(&base)
        .bearer_auth(&token)
        .json(&json!({"name": "Entra SCIM", "description": "from the app"}))
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), 201);
    let sa = s(&json(r).await, "/id");
    let dup = http
        .post(&base)
        .bearer_auth(&token)
        .json(&json!({"name": "entra scim"}))
        .send()
        .await
        .expect("answers");
    assert_eq!(dup.status(), 409);
    assert_eq!(dup.headers()["content-type"], "application/problem+json");
    let problem = json(dup).await;
    assert_eq!(problem["status"], 409);
    assert!(
        problem["type"].is_string() && problem["title"].is_string() && problem["code"].is_string()
    );

    let r = http
        .post(format!("{base}/{sa}/bearer-tokens"))
        .bearer_auth(&token)
        .json(&json!({"description": "Entra"}))
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), 201);
    let minted = json(r).await;
    let secret = s(&minted, "/token");
    assert!(minted["expiresAt"].is_null());
    let scim = format!("{}/Users", s(&profile, "/sandbox/scimBaseUrl"));
    assert_eq!(
        http.get(&scim)
            .bearer_auth(&secret)
            .send()
            .await
            .expect("answers")
            .status(),
        403,
        "no SCIM Authenticator yet"
    );
    let r = http
        .put(format!("{base}/{sa}/organization-roles"))
        .bearer_auth(&token)
        .json(&json!({"roles": ["scim-authenticator"]}))
        .send()
        .await
        .expect("answers");
    assert_eq!(json(r).await["roles"], json!(["scim-authenticator"]));
    assert_eq!(
        http.get(&scim)
            .bearer_auth(&secret)
            .send()
            .await
            .expect("answers")
            .status(),
        200
    );
    let tokens = json(
        http.get(format!("{base}/{sa}/bearer-tokens"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("answers"),
    )
    .await;
    assert_eq!(
        tokens["results"][0]["lastFour"],
        json!(&secret[secret.len() - 4..])
    );
    assert!(
        tokens["results"][0].get("token").is_none(),
        "the token is never listed"
    );
    let del = http
        .delete(format!("{base}/{sa}/bearer-tokens/{}", s(&minted, "/id")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("answers");
    assert_eq!(del.status(), 204);
    assert_eq!(
        http.get(&scim)
            .bearer_auth(&secret)
            .send()
            .await
            .expect("answers")
            .status(),
        401,
        "revoked"
    );

    assert_eq!(http.get(&base).send().await.expect("answers").status(), 401);
    assert_eq!(
        http.get(format!(
            "{api}/api/access/v1/organizations/1/service-accounts"
        ))
        .bearer_auth(&token)
        .send()
        .await
        .expect("answers")
        .status(),
        404
    );
    let st = state(&profile).await;
    assert_eq!(st["serviceAccounts"].as_array().map(Vec::len), Some(3));
    // The control state lists the account's tokens, revoked ones too, so a test can try one.
    let listed = st["serviceAccounts"]
        .as_array()
        .and_then(|accounts| accounts.iter().find(|a| a["id"] == json!(sa)))
        .expect("the new account in the state");
    assert_eq!(listed["tokens"], json!(0));
    assert_eq!(
        listed["bearerTokens"],
        json!([{"id": s(&minted, "/id"), "description": "Entra", "createdAt": minted["createdAt"],
            "lastFour": &secret[secret.len() - 4..], "revoked": true, "token": secret}])
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn consent_page_when_auto_consent_is_off() {
    let (sb, profile) = sandbox_with(scim_sandbox::SandboxConfig {
        users: 5,
        auto_consent: false,
        ..Default::default()
    })
    .await;
    let auth = s(&profile, "/unity/auth");
    let (_, challenge) = pkce();
    let params = [
        ("client_id", "scim-setup-sandbox"),
        ("response_type", "code"),
        ("redirect_uri", "http://127.0.0.1:9/callback"),
        ("state", "st"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let page = client()
        .get(format!("{auth}/v1/oauth2/authorize"))
        .query(&params)
        .send()
        .await
        .expect("answers");
    assert!(page.text().await.expect("html").contains("Accept"));
    let mut cancel: Vec<(&str, &str)> = params.to_vec();
    cancel.push(("decision", "cancel"));
    let r = client()
        .post(format!("{auth}/v1/oauth2/authorize"))
        .form(&cancel)
        .send()
        .await
        .expect("answers");
    assert_eq!(
        query_param(&location(&r), "error").as_deref(),
        Some("access_denied")
    );
    let mut accept: Vec<(&str, &str)> = params.to_vec();
    accept.extend([("decision", "accept"), ("person", "1")]);
    let r = client()
        .post(format!("{auth}/v1/oauth2/authorize"))
        .form(&accept)
        .send()
        .await
        .expect("answers");
    assert!(query_param(&location(&r), "code").is_some());
    let unknown_client = client()
        .get(format!("{auth}/v1/oauth2/authorize"))
        .query(&[("client_id", "other")])
        .send()
        .await
        .expect("answers");
    assert_eq!(
        unknown_client.status(),
        400,
        "never redirect for an unknown client"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn only_owners_and_managers_use_the_admin_api_and_expired_tokens_fail() {
    let (sb, profile) = sandbox().await;
    let auth = s(&profile, "/unity/auth");
    let (verifier, challenge) = pkce();
    let redirect = "http://127.0.0.1:8766/callback";
    let r = client()
        .get(format!("{auth}/v1/oauth2/authorize"))
        .query(&[
            ("client_id", "scim-setup-sandbox"),
            ("response_type", "code"),
            ("redirect_uri", redirect),
            ("state", "a"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
            ("login_hint", "artist@contoso.com"),
        ])
        .send()
        .await
        .expect("answers");
    let code = query_param(&location(&r), "code").expect("code");
    let tokens = json(
        client()
            .post(format!("{auth}/v1/oauth2/token"))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("code_verifier", verifier.as_str()),
                ("redirect_uri", redirect),
                ("client_id", "scim-setup-sandbox"),
            ])
            .send()
            .await
            .expect("answers"),
    )
    .await;
    let artist = s(&tokens, "/access_token");
    let base = format!(
        "{}/api/access/v1/organizations/{}/service-accounts",
        s(&profile, "/unity/api"),
        s(&profile, "/sandbox/unityOrgId")
    );
    let r = client()
        .get(&base)
        .bearer_auth(&artist)
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), 403);
    assert_eq!(json(r).await["status"], 403);
    add_fault(&profile, "expire-tokens").await;
    let r = client()
        .get(format!("{auth}/v1/users/current/openid"))
        .bearer_auth(&artist)
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), 401);
    assert_eq!(json(r).await["code"], "token_expired");
    let unknown = client()
        .get(format!("{}/api/nothing/here", s(&profile, "/unity/api")))
        .send()
        .await
        .expect("answers");
    assert_eq!(
        (
            unknown.status().as_u16(),
            unknown.headers()["content-type"].to_str().ok()
        ),
        (404, Some("application/problem+json"))
    );
    sb.shutdown().await;
}
