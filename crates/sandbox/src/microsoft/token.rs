//! The token endpoint: authorization code (PKCE S256 checked), refresh (a new refresh token
//! with every reply), device code polling; failures in Entra's error body with AADSTS codes.

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::{
    devicecode, known_client, known_tenant, role_template, unknown_tenant, AccessGrant,
    RefreshGrant, Scopes,
};
use crate::http::{aad_error, json_response};
use crate::ids;
use crate::seed;
use crate::state::SharedApp;

const ACCESS_TTL: Duration = Duration::from_secs(3599);

fn bad(error: &str, code: u32, text: &str) -> Response {
    aad_error(StatusCode::BAD_REQUEST, error, code, text)
}

pub(super) async fn token(
    State(app): State<SharedApp>,
    Path(tenant): Path<String>,
    crate::http::FormBody(form): crate::http::FormBody,
) -> Response {
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    if !known_tenant(&tenant) {
        return unknown_tenant(&tenant);
    }
    if get("client_id").is_empty() {
        return bad(
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'client_id'.",
        );
    }
    if !known_client(get("client_id")) {
        return bad("unauthorized_client", 700016, &format!("Application with identifier '{}' was not found in the directory 'Contoso'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.", get("client_id")));
    }
    if !get("client_secret").is_empty() || !get("client_assertion").is_empty() {
        return aad_error(StatusCode::UNAUTHORIZED, "invalid_client", 700025, "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.");
    }
    match get("grant_type") {
        "authorization_code" => redeem_code(&app, &form),
        "refresh_token" => refresh(&app, &form),
        "urn:ietf:params:oauth:grant-type:device_code" => devicecode::poll(&app, &form),
        "" => bad(
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'grant_type'.",
        ),
        other => bad(
            "unsupported_grant_type",
            70003,
            &format!("The app requested an unsupported grant type '{other}'."),
        ),
    }
}

fn redeem_code(app: &SharedApp, form: &HashMap<String, String>) -> Response {
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    if get("code").is_empty() {
        return bad(
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'code'.",
        );
    }
    let (user, scopes) = {
        let mut ms = app.ms();
        let Some(code) = ms.codes.get_mut(get("code")) else {
            return bad(
                "invalid_grant",
                9002313,
                "Invalid request. Request is malformed or invalid.",
            );
        };
        if code.redeemed {
            return bad("invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");
        }
        if code.expires < app.clock.now() {
            return bad("invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.");
        }
        if code.client_id != get("client_id") {
            return bad("invalid_grant", 70000, "The provided value for the 'code' parameter is not valid. The code was issued to a different client.");
        }
        // UNCONFIRMED (Microsoft's error-code list names none for this): AADSTS500112 is what Entra is
        // reported to answer when the token request's reply address differs from the authorize one.
        if code.redirect_uri != get("redirect_uri") {
            return bad("invalid_grant", 500112, &format!("The reply address '{}' does not match the reply address '{}' provided when requesting Authorization code.", get("redirect_uri"), code.redirect_uri));
        }
        if let Some((challenge, method)) = &code.challenge {
            let verifier = get("code_verifier");
            if verifier.is_empty() {
                return bad(
                    "invalid_request",
                    900144,
                    "The request body must contain the following parameter: 'code_verifier'.",
                );
            }
            let computed = if method == "S256" {
                ids::sha256_b64url(verifier.as_bytes())
            } else {
                verifier.to_string()
            };
            if &computed != challenge {
                return bad("invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
            }
        }
        code.redeemed = true;
        (code.user, code.scopes.clone())
    };
    issue(app, user, get("client_id"), scopes)
}

fn refresh(app: &SharedApp, form: &HashMap<String, String>) -> Response {
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    let grant = app.ms().refresh.get(get("refresh_token")).cloned();
    let Some(grant) = grant else {
        return bad(
            "invalid_grant",
            70008,
            "The provided authorization code or refresh token has expired due to inactivity.",
        );
    };
    if grant.client_id != get("client_id") {
        return bad(
            "invalid_grant",
            70000,
            "The refresh token was issued to a different client.",
        );
    }
    let mut scopes = grant.scopes.clone();
    if !get("scope").trim().is_empty() {
        let asked = Scopes::parse(get("scope"));
        if let Some(missing) = asked.graph.iter().find(|s| !grant.scopes.graph.contains(s)) {
            return bad("invalid_grant", 65001, &format!("The user or administrator has not consented to use the application with ID '{}'. Scope '{missing}' was not granted. Send an interactive authorization request for this user and resource.", get("client_id")));
        }
        scopes.graph = asked.graph;
    }
    // Entra hands out a new refresh token with every reply; the old one stays valid until it
    // expires (so a client that stores the new one, as it must, works either way).
    app.ms().refreshes += 1;
    issue(app, grant.user, get("client_id"), scopes)
}

/// Issues access (+ refresh, + id) tokens for `user` and records them.
pub(super) fn issue(app: &SharedApp, user: u64, client_id: &str, scopes: Scopes) -> Response {
    let Some(person) = app.dir.user(user) else {
        return bad(
            "invalid_grant",
            50034,
            "The user account does not exist in the directory.",
        );
    };
    let now = chrono::Utc::now().timestamp();
    let seq = app.next_token_seq();
    let wids: Vec<&str> = person.roles.iter().map(|r| role_template(r)).collect();
    let access_token = app.signer.sign(&json!({"aud": "https://graph.microsoft.com", "iss": format!("https://sts.windows.net/{}/", seed::TENANT_ID),
        "iat": now, "nbf": now, "exp": now + ACCESS_TTL.as_secs() as i64, "appid": client_id, "tid": seed::TENANT_ID,
        "oid": person.id, "upn": person.upn, "unique_name": person.upn, "name": person.display_name, "scp": scopes.graph.join(" "),
        "wids": wids, "ver": "1.0", "uti": ids::secret(16)}));
    let mut body = json!({"token_type": "Bearer", "scope": scopes.to_response_string(), "expires_in": ACCESS_TTL.as_secs(),
        "ext_expires_in": ACCESS_TTL.as_secs(), "access_token": access_token});
    if scopes.oidc.iter().any(|s| s == "openid") {
        body["id_token"] = json!(app.signer.sign(&json!({"aud": client_id, "iss": format!("{}/{}/v2.0", app.urls.microsoft, seed::TENANT_ID),
            "iat": now, "nbf": now, "exp": now + ACCESS_TTL.as_secs() as i64, "tid": seed::TENANT_ID, "oid": person.id,
            "preferred_username": person.upn, "name": person.display_name, "sub": ids::sha256_b64url(person.id.as_bytes()), "ver": "2.0"})));
    }
    let refresh_token = scopes
        .oidc
        .iter()
        .any(|s| s == "offline_access")
        .then(|| format!("1.{}", ids::secret(64)));
    if let Some(rt) = &refresh_token {
        body["refresh_token"] = json!(rt);
    }
    {
        let mut ms = app.ms();
        ms.access.insert(
            access_token,
            AccessGrant {
                user,
                scopes: scopes.graph.clone(),
                seq,
                expires: app.clock.now() + ACCESS_TTL,
            },
        );
        if let Some(rt) = refresh_token {
            ms.refresh.insert(
                rt,
                RefreshGrant {
                    user,
                    client_id: client_id.to_string(),
                    scopes,
                },
            );
        }
    }
    json_response(StatusCode::OK, body)
}
