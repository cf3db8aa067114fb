//! Setup against a SCIM server that is not ours, with the sandbox playing Entra: the guided
//! road (URL + token brought by the admin), Test Connection, secrets, start and a user
//! provisioned on demand land on a small in-test SCIM server.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::engine_support;
use crate::shared::stub_servers;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use scim_core::auth::FollowRedirectsLauncher;
use scim_core::wizard::{run_setup, MicrosoftSignInChoice, SetupOptions, UnityRoad};
use scim_core::Secret;
use serde_json::{json, Value};

const TOKEN: &str = "foreign-scim-token-9Kq2";

#[derive(Default)]
struct Foreign {
    users: Mutex<HashMap<String, Value>>,
    requests: Mutex<Vec<String>>,
}

type Shared = Arc<Foreign>;

fn scim(status: StatusCode, body: Value) -> Response {
    (
        status,
        [("content-type", "application/scim+json")],
        body.to_string(),
    )
        .into_response()
}

fn authorized(headers: &HeaderMap) -> bool {
    headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {TOKEN}"))
}

fn unauthorized() -> Response {
    scim(
        StatusCode::UNAUTHORIZED,
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "401", "detail": "bad token"}),
    )
}

fn log(server: &Shared, line: String) {
    if let Ok(mut requests) = server.requests.lock() {
        requests.push(line);
    }
}

async fn list(
    State(server): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if !authorized(&headers) {
        return unauthorized();
    }
    let filter = q.get("filter").cloned().unwrap_or_default();
    log(&server, format!("GET /Users?filter={filter}"));
    // Only `userName eq "…"` (what Entra sends); anything else lists nothing.
    let wanted = filter
        .strip_prefix("userName eq \"")
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or("")
        .to_ascii_lowercase();
    let found: Vec<Value> = server
        .users
        .lock()
        .map(|users| {
            users
                .values()
                .filter(|u| {
                    u["userName"].as_str().map(str::to_ascii_lowercase) == Some(wanted.clone())
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    scim(
        StatusCode::OK,
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": found.len(),
               "startIndex": 1, "itemsPerPage": found.len(), "Resources": found}),
    )
}

async fn create(
    State(server): State<Shared>,
    headers: HeaderMap,
    Json(mut user): Json<Value>,
) -> Response {
    if !authorized(&headers) {
        return unauthorized();
    }
    log(&server, format!("POST /Users {}", user["userName"]));
    let id = format!(
        "f-{}",
        server.users.lock().map(|u| u.len()).unwrap_or(0) + 1
    );
    user["id"] = json!(id);
    user["meta"] = json!({"resourceType": "User"});
    if let Ok(mut users) = server.users.lock() {
        users.insert(id, user.clone());
    }
    scim(StatusCode::CREATED, user)
}

async fn one(State(server): State<Shared>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if !authorized(&headers) {
        return unauthorized();
    }
    log(&server, format!("GET /Users/{id}"));
    match server
        .users
        .lock()
        .ok()
        .and_then(|users| users.get(&id).cloned())
    {
        Some(user) => scim(StatusCode::OK, user),
        None => scim(
            StatusCode::NOT_FOUND,
            json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "404"}),
        ),
    }
}

async fn patch(
    State(server): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if !authorized(&headers) {
        return unauthorized();
    }
    log(&server, format!("PATCH /Users/{id}"));
    match server
        .users
        .lock()
        .ok()
        .and_then(|users| users.get(&id).cloned())
    {
        Some(user) => scim(StatusCode::OK, user),
        None => scim(StatusCode::NOT_FOUND, json!({"status": "404"})),
    }
}

async fn groups(headers: HeaderMap) -> Response {
    if !authorized(&headers) {
        return unauthorized();
    }
    scim(
        StatusCode::OK,
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": 0, "Resources": []}),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_provisions_into_a_scim_server_that_is_not_ours() {
    let foreign: Shared = Arc::default();
    let router = Router::new()
        .route("/scim/v2/Users", get(list).post(create))
        .route("/scim/v2/Users/{id}", get(one).patch(patch).put(patch))
        .route("/scim/v2/Groups", get(groups))
        .with_state(foreign.clone());
    let (address, server) = stub_servers::serve(router).await;

    let env = engine_support::start().await;
    let upn = env.sample_upns().into_iter().last().expect("a user");
    let launcher = FollowRedirectsLauncher::new().expect("launcher");
    let options = SetupOptions {
        road: UnityRoad::Guided {
            scim_url: format!("http://{address}/scim/v2/"),
            token: Secret::new(format!("Bearer {TOKEN}")),
        },
        microsoft: MicrosoftSignInChoice::DeviceCode,
        app_name: "Unity".into(),
        create_app: false,
        provision: vec![upn.clone()],
        protection: Default::default(),
    };
    let report = run_setup(&env.ctx, options, &launcher, &env.progress, &env.cancel).await;
    assert!(report.ok, "{:#?}", report.steps);
    assert_eq!(
        report.journal.unity.scim_url.as_deref(),
        Some(format!("http://{address}/scim/v2").as_str()),
        "trailing slash trimmed"
    );
    let requests = foreign
        .requests
        .lock()
        .map(|r| r.clone())
        .unwrap_or_default();
    assert!(
        requests.iter().any(|r| r.starts_with("POST /Users")
            && r.to_ascii_lowercase().contains(&upn.to_ascii_lowercase())),
        "the user was created on the foreign server: {requests:#?}"
    );
    assert!(
        requests
            .iter()
            .filter(|r| r.starts_with("GET /Users?filter=userName eq"))
            .count()
            >= 2,
        "our check and Entra's Test Connection both queried it: {requests:#?}"
    );
    env.shutdown().await;
    server.abort();
}
