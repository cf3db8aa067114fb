//! Discovery endpoints (RFC 7644 §4). UNCONFIRMED whether Unity requires a token here; the
//! gateway in front of Unity's SCIM service most plausibly authenticates every route, so we do.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{guard, ENTERPRISE_SCHEMA, GROUP_SCHEMA, LIST_RESPONSE, MAX_RESULTS, USER_SCHEMA};
use crate::http::{scim_error, scim_json};
use crate::state::SharedApp;

pub(super) fn routes(base: &str) -> Router<SharedApp> {
    Router::new()
        .route(
            &format!("{base}/ServiceProviderConfig"),
            get(service_provider_config),
        )
        .route(&format!("{base}/ResourceTypes"), get(resource_types))
        .route(
            &format!("{base}/ResourceTypes/{{name}}"),
            get(resource_type),
        )
        .route(&format!("{base}/Schemas"), get(schemas))
        .route(&format!("{base}/Schemas/{{urn}}"), get(schema))
}

fn meta(app: &SharedApp, resource_type: &str, path: &str) -> Value {
    json!({"resourceType": resource_type, "location": format!("{}/{path}", app.scim_base_url())})
}

fn list(items: Vec<Value>) -> Value {
    json!({"schemas": [LIST_RESPONSE], "totalResults": items.len(), "startIndex": 1, "itemsPerPage": items.len(), "Resources": items})
}

async fn service_provider_config(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path(org): Path<String>,
) -> Response {
    if let Err(r) = guard(&app, &headers, &org) {
        return r;
    }
    scim_json(
        StatusCode::OK,
        &json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "documentationUri": "https://docs.unity.com/en-us/cloud/organizations/sso/scim",
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": false},
        "sort": {"supported": true},
        "etag": {"supported": true},
        "authenticationSchemes": [{"type": "oauthbearertoken", "name": "OAuth Bearer Token",
            "description": "A long-lived bearer token of a service account holding the SCIM Authenticator role.", "primary": true}],
        "meta": meta(&app, "ServiceProviderConfig", "ServiceProviderConfig")}),
    )
}

fn resource_type_json(app: &SharedApp, name: &str) -> Option<Value> {
    match name {
        "User" => Some(
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"], "id": "User", "name": "User",
            "endpoint": "/Users", "description": "User Account", "schema": USER_SCHEMA,
            "schemaExtensions": [{"schema": ENTERPRISE_SCHEMA, "required": false}], "meta": meta(app, "ResourceType", "ResourceTypes/User")}),
        ),
        "Group" => Some(
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"], "id": "Group", "name": "Group",
            "endpoint": "/Groups", "description": "Group", "schema": GROUP_SCHEMA, "schemaExtensions": [],
            "meta": meta(app, "ResourceType", "ResourceTypes/Group")}),
        ),
        _ => None,
    }
}

async fn resource_types(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path(org): Path<String>,
) -> Response {
    if let Err(r) = guard(&app, &headers, &org) {
        return r;
    }
    let items = ["User", "Group"]
        .iter()
        .filter_map(|n| resource_type_json(&app, n))
        .collect();
    scim_json(StatusCode::OK, &list(items))
}

async fn resource_type(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path((org, name)): Path<(String, String)>,
) -> Response {
    if let Err(r) = guard(&app, &headers, &org) {
        return r;
    }
    match resource_type_json(&app, &name) {
        Some(v) => scim_json(StatusCode::OK, &v),
        None => scim_error(
            StatusCode::NOT_FOUND,
            None,
            &format!("Resource type {name} not found."),
        ),
    }
}

fn attr(
    name: &str,
    kind: &str,
    required: bool,
    unique: &str,
    multi: bool,
    sub: Option<Vec<Value>>,
) -> Value {
    let mut a = json!({"name": name, "type": kind, "multiValued": multi, "description": name, "required": required,
        "caseExact": false, "mutability": "readWrite", "returned": "default", "uniqueness": unique});
    if let Some(s) = sub {
        a["subAttributes"] = Value::Array(s);
    }
    a
}

fn schema_json(app: &SharedApp, urn: &str) -> Option<Value> {
    let s = |n: &str| attr(n, "string", false, "none", false, None);
    let (name, attributes) = match urn {
        USER_SCHEMA => (
            "User",
            vec![
                attr("userName", "string", true, "server", false, None),
                attr(
                    "name",
                    "complex",
                    false,
                    "none",
                    false,
                    Some(vec![s("formatted"), s("familyName"), s("givenName")]),
                ),
                s("displayName"),
                s("nickName"),
                s("title"),
                s("preferredLanguage"),
                s("locale"),
                s("timezone"),
                attr("active", "boolean", false, "none", false, None),
                attr(
                    "emails",
                    "complex",
                    false,
                    "none",
                    true,
                    Some(vec![
                        s("value"),
                        s("type"),
                        attr("primary", "boolean", false, "none", false, None),
                    ]),
                ),
                attr(
                    "phoneNumbers",
                    "complex",
                    false,
                    "none",
                    true,
                    Some(vec![s("value"), s("type")]),
                ),
                attr(
                    "addresses",
                    "complex",
                    false,
                    "none",
                    true,
                    Some(vec![
                        s("formatted"),
                        s("streetAddress"),
                        s("locality"),
                        s("region"),
                        s("postalCode"),
                        s("country"),
                        s("type"),
                    ]),
                ),
                attr("externalId", "string", false, "none", false, None),
            ],
        ),
        GROUP_SCHEMA => (
            "Group",
            vec![
                attr("displayName", "string", true, "server", false, None),
                attr(
                    "members",
                    "complex",
                    false,
                    "none",
                    true,
                    Some(vec![
                        s("value"),
                        s("display"),
                        s("type"),
                        attr("$ref", "reference", false, "none", false, None),
                    ]),
                ),
                attr("externalId", "string", false, "none", false, None),
            ],
        ),
        ENTERPRISE_SCHEMA => (
            "EnterpriseUser",
            vec![
                s("employeeNumber"),
                s("department"),
                s("costCenter"),
                s("organization"),
                s("division"),
                attr(
                    "manager",
                    "complex",
                    false,
                    "none",
                    false,
                    Some(vec![
                        s("value"),
                        attr("$ref", "reference", false, "none", false, None),
                        s("displayName"),
                    ]),
                ),
            ],
        ),
        _ => return None,
    };
    Some(
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"], "id": urn, "name": name,
        "description": name, "attributes": attributes, "meta": meta(app, "Schema", &format!("Schemas/{urn}"))}),
    )
}

async fn schemas(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path(org): Path<String>,
    Query(_q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = guard(&app, &headers, &org) {
        return r;
    }
    let items = [USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_SCHEMA]
        .iter()
        .filter_map(|u| schema_json(&app, u))
        .collect();
    scim_json(StatusCode::OK, &list(items))
}

async fn schema(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path((org, urn)): Path<(String, String)>,
) -> Response {
    if let Err(r) = guard(&app, &headers, &org) {
        return r;
    }
    match schema_json(&app, &urn) {
        Some(v) => scim_json(StatusCode::OK, &v),
        None => scim_error(
            StatusCode::NOT_FOUND,
            None,
            &format!("Schema {urn} not found."),
        ),
    }
}
