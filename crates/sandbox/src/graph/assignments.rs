//! `appRoleAssignedTo`
//! (<https://learn.microsoft.com/graph/api/serviceprincipal-post-approleassignedto>): paged GET,
//! POST (one assignment per principal and role), DELETE.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::Router;
use serde_json::{json, Value};

use super::service_principals::{page, APP_READ};
use super::{bad_request, context, not_found, require, Assignment};
use crate::http::json_response;
use crate::ids;
use crate::state::SharedApp;

type Q = HashMap<String, String>;

const ASSIGN_WRITE: [&str; 1] = ["AppRoleAssignment.ReadWrite.All"];

pub(super) fn routes() -> Router<SharedApp> {
    Router::new()
        .route(
            "/v1.0/servicePrincipals/{id}/appRoleAssignedTo",
            get(list_assignments).post(assign),
        )
        .route(
            "/v1.0/servicePrincipals/{id}/appRoleAssignedTo/{assignment}",
            delete(unassign),
        )
}

async fn list_assignments(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    Query(q): Query<Q>,
) -> Response {
    if let Err(r) = require(
        &app,
        &headers,
        &[
            "Application.Read.All",
            "Application.ReadWrite.All",
            "Directory.Read.All",
            "AppRoleAssignment.ReadWrite.All",
        ],
        false,
    ) {
        return r;
    }
    let items: Option<Vec<Value>> = {
        let graph = app.graph();
        graph.sp(&id).map(|_| {
            graph
                .assignments
                .iter()
                .filter(|a| a.resource_id.eq_ignore_ascii_case(&id))
                .map(Assignment::to_json)
                .collect()
        })
    };
    match items {
        Some(items) => page(
            &app,
            uri.path(),
            &q,
            &headers,
            items,
            &format!("servicePrincipals('{id}')/appRoleAssignedTo"),
            false,
        ),
        None => not_found("servicePrincipal", &id),
    }
}

async fn assign(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let caller = match require(&app, &headers, &ASSIGN_WRITE, true) {
        Ok(c) => c,
        Err(r) => return r,
    };
    // The permission table asks for an Application/Directory read scope too.
    if !caller.has_any(&APP_READ) {
        return super::denied();
    }
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let field = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let (principal_id, resource_id, app_role_id) = (
        field("principalId"),
        field("resourceId"),
        field("appRoleId"),
    );
    if principal_id.is_empty() || app_role_id.is_empty() {
        return bad_request(
            "Request_BadRequest",
            "principalId, resourceId and appRoleId are required.",
        );
    }
    let principal = match (
        app.dir.user_by_id(&principal_id),
        app.dir.group_index(&principal_id),
    ) {
        (Some(u), _) => ("User", u.display_name),
        (None, Some(g)) => ("Group", crate::seed::GROUPS[g].to_string()),
        _ => return not_found("principal", &principal_id),
    };
    let mut graph = app.graph();
    let Some(sp) = graph.sp(&id).cloned() else {
        return not_found("servicePrincipal", &id);
    };
    if !resource_id.eq_ignore_ascii_case(&sp.id) {
        return bad_request(
            "Request_BadRequest",
            "resourceId must be the id of the service principal in the URL.",
        );
    }
    let default_access =
        app_role_id == "00000000-0000-0000-0000-000000000000" && sp.app_roles.is_empty();
    if !default_access && !sp.app_roles.iter().any(|r| r["id"] == json!(app_role_id)) {
        return bad_request(
            "Request_BadRequest",
            "Permission being assigned was not found on application",
        );
    }
    // UNCONFIRMED (Graph's page does not say): the duplicate's exact code; this is the commonly seen one.
    if graph.assignments.iter().any(|a| {
        a.resource_id == sp.id
            && a.principal_id.eq_ignore_ascii_case(&principal_id)
            && a.app_role_id == app_role_id
    }) {
        return bad_request(
            "Request_BadRequest",
            "Permission being assigned already exists on the object",
        );
    }
    let assignment = Assignment {
        id: ids::secret(32),
        principal_id,
        principal_type: principal.0,
        principal_display_name: principal.1,
        app_role_id,
        resource_id: sp.id.clone(),
        resource_display_name: sp.display_name.clone(),
        created: ids::now_iso(),
    };
    let mut reply = assignment.to_json();
    reply["@odata.context"] = json!(context(
        &app,
        &format!("servicePrincipals('{}')/appRoleAssignedTo/$entity", sp.id)
    ));
    graph.assignments.push(assignment);
    json_response(StatusCode::CREATED, reply)
}

async fn unassign(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path((id, assignment)): Path<(String, String)>,
) -> Response {
    if let Err(r) = require(&app, &headers, &ASSIGN_WRITE, true) {
        return r;
    }
    let mut graph = app.graph();
    let before = graph.assignments.len();
    graph
        .assignments
        .retain(|a| !(a.id == assignment && a.resource_id.eq_ignore_ascii_case(&id)));
    if graph.assignments.len() == before {
        return not_found("appRoleAssignment", &assignment);
    }
    StatusCode::NO_CONTENT.into_response()
}
