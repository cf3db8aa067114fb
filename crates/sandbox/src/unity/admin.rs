//! The Unity admin contract (`docs/unity-admin-contract.md`): organizations, SSO/SCIM settings,
//! service accounts, organization roles and bearer tokens (shown once, listed by last four,
//! revocable). Errors are `application/problem+json`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::Router;
use serde_json::{json, Value};

use super::auth::authenticate;
use super::{BearerToken, ServiceAccount, KNOWN_ROLES};
use crate::http::{json_response, problem};
use crate::ids;
use crate::seed::UNITY_ORG_ID;
use crate::state::SharedApp;

const ORG_NAME: &str = "Contoso Games";
const SA_BASE: &str = "/api/access/v1/organizations/{org_id}/service-accounts";

pub(super) fn routes() -> Router<SharedApp> {
    Router::new()
        .route(
            "/api/{*rest}",
            axum::routing::any(crate::http::problem_fallback),
        )
        .route(
            "/api/unity/legacy/v1/users/{user_id}/organizations",
            get(organizations),
        )
        .route("/api/access/v1/organizations/{org_id}/sso", get(sso))
        .route(SA_BASE, get(list_accounts).post(create_account))
        .route(&format!("{SA_BASE}/{{sa_id}}"), get(get_account))
        .route(
            &format!("{SA_BASE}/{{sa_id}}/organization-roles"),
            get(get_roles).put(put_roles),
        )
        .route(
            &format!("{SA_BASE}/{{sa_id}}/bearer-tokens"),
            get(list_tokens).post(create_token),
        )
        .route(
            &format!("{SA_BASE}/{{sa_id}}/bearer-tokens/{{token_id}}"),
            delete(revoke_token),
        )
}

/// Caller must be signed in, the org must exist, and the caller must be its owner or manager.
fn authorize_org(app: &SharedApp, headers: &HeaderMap, org_id: &str) -> Result<(), Response> {
    let person = authenticate(app, headers)?;
    if org_id != UNITY_ORG_ID {
        return Err(problem(
            StatusCode::NOT_FOUND,
            "organization_not_found",
            &format!("Organization {org_id} was not found."),
        ));
    }
    let role = app
        .unity()
        .people
        .get(person)
        .map(|p| p.role)
        .unwrap_or("guest");
    if role != "owner" && role != "manager" {
        return Err(problem(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Only an organization owner or manager can manage service accounts and SSO.",
        ));
    }
    Ok(())
}

fn body_json(body: &Bytes) -> Result<Value, Response> {
    serde_json::from_slice::<Value>(body)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| {
            problem(
                StatusCode::BAD_REQUEST,
                "invalid_body",
                "The body must be a JSON object.",
            )
        })
}

fn account_json(a: &ServiceAccount) -> Value {
    json!({"id": a.id, "name": a.name, "description": a.description, "createdAt": a.created_at})
}

async fn organizations(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path(user_id): Path<String>,
) -> Response {
    let person = match authenticate(&app, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let unity = app.unity();
    let Some(p) = unity.people.get(person) else {
        return problem(StatusCode::UNAUTHORIZED, "invalid_token", "Unknown user.");
    };
    if p.id != user_id {
        return problem(
            StatusCode::FORBIDDEN,
            "forbidden",
            "You can only list your own organizations.",
        );
    }
    json_response(
        StatusCode::OK,
        json!({"results": [{"id": UNITY_ORG_ID, "genesisId": UNITY_ORG_ID, "name": ORG_NAME, "role": p.role}]}),
    )
}

async fn sso(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path(org_id): Path<String>,
) -> Response {
    if let Err(r) = authorize_org(&app, &headers, &org_id) {
        return r;
    }
    let domains: Vec<Value> = app
        .unity()
        .domains
        .iter()
        .map(|(d, s)| json!({"domain": d, "status": s}))
        .collect();
    json_response(
        StatusCode::OK,
        json!({"ssoEnabled": true, "domains": domains,
        "scim": {"enabled": true, "baseConnectorUrl": app.scim_base_url()}}),
    )
}

async fn list_accounts(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path(org_id): Path<String>,
) -> Response {
    if let Err(r) = authorize_org(&app, &headers, &org_id) {
        return r;
    }
    let results: Vec<Value> = app
        .unity()
        .service_accounts
        .iter()
        .map(account_json)
        .collect();
    json_response(StatusCode::OK, json!({"results": results, "next": null}))
}

async fn create_account(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path(org_id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = authorize_org(&app, &headers, &org_id) {
        return r;
    }
    let body = match body_json(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    if name.is_empty() {
        return problem(StatusCode::BAD_REQUEST, "invalid_name", "name is required.");
    }
    let mut unity = app.unity();
    if unity
        .service_accounts
        .iter()
        .any(|a| a.name.eq_ignore_ascii_case(&name))
    {
        return problem(
            StatusCode::CONFLICT,
            "name_taken",
            &format!("A service account named {name:?} already exists."),
        );
    }
    let account = ServiceAccount {
        id: ids::new_guid(),
        name,
        description: body
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        created_at: ids::now_iso(),
        roles: Vec::new(),
    };
    let reply = account_json(&account);
    unity.service_accounts.push(account);
    json_response(StatusCode::CREATED, reply)
}

/// Looks up an account of the org (after `authorize_org`), or the 404 problem.
fn find_account<'a>(
    accounts: &'a mut [ServiceAccount],
    sa_id: &str,
) -> Result<&'a mut ServiceAccount, Response> {
    accounts.iter_mut().find(|a| a.id == sa_id).ok_or_else(|| {
        problem(
            StatusCode::NOT_FOUND,
            "service_account_not_found",
            &format!("Service account {sa_id} was not found."),
        )
    })
}

async fn get_account(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path((org_id, sa_id)): Path<(String, String)>,
) -> Response {
    if let Err(r) = authorize_org(&app, &headers, &org_id) {
        return r;
    }
    let mut unity = app.unity();
    match find_account(&mut unity.service_accounts, &sa_id) {
        Ok(a) => json_response(StatusCode::OK, account_json(a)),
        Err(r) => r,
    }
}

async fn get_roles(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path((org_id, sa_id)): Path<(String, String)>,
) -> Response {
    if let Err(r) = authorize_org(&app, &headers, &org_id) {
        return r;
    }
    let drop_role = app.drop_role_active();
    let mut unity = app.unity();
    let account = match find_account(&mut unity.service_accounts, &sa_id) {
        Ok(a) => a.clone(),
        Err(r) => return r,
    };
    json_response(
        StatusCode::OK,
        json!({"roles": unity.effective_roles(&account, drop_role)}),
    )
}

async fn put_roles(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path((org_id, sa_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    if let Err(r) = authorize_org(&app, &headers, &org_id) {
        return r;
    }
    let body = match body_json(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(roles) = body.get("roles").and_then(Value::as_array) else {
        return problem(
            StatusCode::BAD_REQUEST,
            "invalid_roles",
            "roles must be an array of role ids.",
        );
    };
    let mut wanted = Vec::new();
    for role in roles {
        match role.as_str() {
            Some(r) if KNOWN_ROLES.contains(&r) => {
                if !wanted.iter().any(|w: &String| w == r) {
                    wanted.push(r.to_string());
                }
            }
            _ => {
                return problem(
                    StatusCode::BAD_REQUEST,
                    "invalid_role",
                    &format!(
                        "Unknown organization role {role}; known: {}.",
                        KNOWN_ROLES.join(", ")
                    ),
                )
            }
        }
    }
    let mut unity = app.unity();
    match find_account(&mut unity.service_accounts, &sa_id) {
        Ok(a) => {
            a.roles = wanted.clone();
            json_response(StatusCode::OK, json!({"roles": wanted}))
        }
        Err(r) => r,
    }
}

pub(crate) fn last_four(token: &str) -> String {
    token
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect()
}

async fn list_tokens(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path((org_id, sa_id)): Path<(String, String)>,
) -> Response {
    if let Err(r) = authorize_org(&app, &headers, &org_id) {
        return r;
    }
    let mut unity = app.unity();
    if let Err(r) = find_account(&mut unity.service_accounts, &sa_id) {
        return r;
    }
    let results: Vec<Value> = unity
        .bearer_tokens
        .iter()
        .filter(|t| t.service_account_id == sa_id && !t.revoked)
        .map(|t| json!({"id": t.id, "description": t.description, "createdAt": t.created_at, "expiresAt": null, "lastFour": last_four(&t.token)}))
        .collect();
    json_response(StatusCode::OK, json!({"results": results}))
}

async fn create_token(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path((org_id, sa_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    if let Err(r) = authorize_org(&app, &headers, &org_id) {
        return r;
    }
    // The contract's body is {"description"}; an empty body is accepted as no description.
    let description = if body.is_empty() {
        String::new()
    } else {
        match body_json(&body) {
            Ok(b) => b
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            Err(r) => return r,
        }
    };
    let mut unity = app.unity();
    if let Err(r) = find_account(&mut unity.service_accounts, &sa_id) {
        return r;
    }
    let token = BearerToken {
        id: ids::new_guid(),
        service_account_id: sa_id,
        token: ids::secret(32),
        description,
        created_at: ids::now_iso(),
        revoked: false,
    };
    let reply = json!({"id": token.id, "token": token.token, "createdAt": token.created_at, "expiresAt": null});
    unity.bearer_tokens.push(token);
    json_response(StatusCode::CREATED, reply)
}

async fn revoke_token(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path((org_id, sa_id, token_id)): Path<(String, String, String)>,
) -> Response {
    if let Err(r) = authorize_org(&app, &headers, &org_id) {
        return r;
    }
    let mut unity = app.unity();
    match unity
        .bearer_tokens
        .iter_mut()
        .find(|t| t.id == token_id && t.service_account_id == sa_id && !t.revoked)
    {
        Some(t) => {
            t.revoked = true;
            StatusCode::NO_CONTENT.into_response()
        }
        None => problem(
            StatusCode::NOT_FOUND,
            "token_not_found",
            &format!("Bearer token {token_id} was not found."),
        ),
    }
}
