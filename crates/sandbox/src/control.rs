//! `/_sandbox`: the control surface tests and the CLI use to switch faults, to count what
//! exists ("nothing created twice") and to move time on (the clock, the next sync cycle). Not
//! part of any real cloud, hence the prefix; served on every listener and never faulted.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::http::json_response;
use crate::state::SharedApp;

pub(crate) fn routes() -> Router<SharedApp> {
    Router::new()
        .route(
            "/_sandbox/faults",
            post(add_fault).delete(clear_faults).get(list_faults),
        )
        .route("/_sandbox/faults/{id}", delete(remove_fault))
        .route("/_sandbox/state", get(state))
        .route("/_sandbox/profile", get(profile))
        .route("/_sandbox/scim", axum::routing::put(scim_rules))
        .route("/_sandbox/directory/users/{user}/purge", post(purge_user))
        .route("/_sandbox/clock", post(advance_clock))
        .route("/_sandbox/cycles", post(run_cycles))
}

/// `{"advanceMs": N}` moves the sandbox's clock N milliseconds on (`Sandbox::advance_clock`);
/// answers how far ahead of real time it now runs.
async fn advance_clock(State(app): State<SharedApp>, body: Bytes) -> Response {
    match serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("advanceMs").and_then(Value::as_u64))
    {
        Some(ms) => {
            let ahead = app.clock.advance(std::time::Duration::from_millis(ms));
            json_response(
                StatusCode::OK,
                json!({"aheadMs": u64::try_from(ahead.as_millis()).unwrap_or(u64::MAX)}),
            )
        }
        None => json_response(
            StatusCode::BAD_REQUEST,
            json!({"error": "body must be {\"advanceMs\": N}"}),
        ),
    }
}

/// Runs the next sync cycle of every started job now and answers once they have finished
/// (`Sandbox::run_cycles_now`): `{"ran": N}` jobs.
async fn run_cycles(State(app): State<SharedApp>) -> Response {
    let ran = crate::provisioning::run_cycles_now(&app).await;
    json_response(StatusCode::OK, json!({ "ran": ran }))
}

async fn add_fault(State(app): State<SharedApp>, body: Bytes) -> Response {
    let spec = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("spec").and_then(Value::as_str).map(str::to_string));
    let Some(spec) = spec else {
        return json_response(
            StatusCode::BAD_REQUEST,
            json!({"error": "body must be {\"spec\": \"KIND[:ARG]@ROUTE[#TIMES]\"}"}),
        );
    };
    match crate::parse_fault(&spec) {
        Ok(fault) => {
            let id = app.add_fault(fault);
            json_response(StatusCode::CREATED, json!({"id": id, "spec": spec}))
        }
        Err(e) => json_response(StatusCode::BAD_REQUEST, json!({"error": e.to_string()})),
    }
}

async fn remove_fault(State(app): State<SharedApp>, Path(id): Path<String>) -> Response {
    if app.remove_fault(&id) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        // Already gone (e.g. its #TIMES were used up): the caller's goal is met.
        StatusCode::NO_CONTENT.into_response()
    }
}

async fn clear_faults(State(app): State<SharedApp>) -> Response {
    app.clear_faults();
    StatusCode::NO_CONTENT.into_response()
}

async fn list_faults(State(app): State<SharedApp>) -> Response {
    json_response(StatusCode::OK, json!({"faults": app.active_faults_json()}))
}

async fn profile(State(app): State<SharedApp>) -> Response {
    json_response(StatusCode::OK, app.profile())
}

async fn state(State(app): State<SharedApp>) -> Response {
    let (scim_users, scim_groups, scim_requests, patches) = {
        let store = app.scim();
        (
            store.user_count(),
            store.group_count(),
            store.requests,
            json!({"legacy": store.patches_legacy, "rfc": store.patches_rfc}),
        )
    };
    let drop_role = app.drop_role_active();
    let service_accounts = app.unity().service_accounts_json(drop_role);
    let mut body = app.graph().state_json();
    body["scimUsers"] = json!(scim_users);
    body["scimGroups"] = json!(scim_groups);
    body["scimRequests"] = json!(scim_requests);
    body["scimPatches"] = patches;
    body["serviceAccounts"] = service_accounts;
    body["faults"] = app.active_faults_json();
    body["tokenRefreshes"] =
        json!({"microsoft": app.ms().refreshes, "unity": app.unity().refreshes});
    json_response(StatusCode::OK, body)
}

/// `{"unityRules": false}` turns Unity's domain and member rules off (RFC-only SCIM, for
/// third-party compliance tools that send random domains); `true` turns them back on.
async fn scim_rules(State(app): State<SharedApp>, body: Bytes) -> Response {
    match serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("unityRules").and_then(Value::as_bool))
    {
        Some(on) => {
            app.scim().rfc_only = !on;
            StatusCode::NO_CONTENT.into_response()
        }
        None => json_response(
            StatusCode::BAD_REQUEST,
            json!({"error": "body must be {\"unityRules\": true|false}"}),
        ),
    }
}

/// Permanently deletes a directory user (by id or UPN), as a hard delete in Entra would:
/// Graph stops showing it, its assignments go, and the next sync cycle deletes it in the target.
async fn purge_user(State(app): State<SharedApp>, Path(user): Path<String>) -> Response {
    let Some(found) = app
        .dir
        .user_by_id(&user)
        .or_else(|| app.dir.user_by_upn(&user))
    else {
        return json_response(
            StatusCode::NOT_FOUND,
            json!({"error": format!("no directory user {user}")}),
        );
    };
    let mut graph = app.graph();
    graph.purged.insert(found.index);
    graph
        .assignments
        .retain(|a| !a.principal_id.eq_ignore_ascii_case(&found.id));
    StatusCode::NO_CONTENT.into_response()
}
