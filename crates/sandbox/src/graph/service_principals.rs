//! Service principals (list, filter, search, get), application templates (instantiate the
//! non-gallery template) and `appRoleAssignedTo` (paged GET, POST, DELETE), per Graph's v1.0 pages
//! (<https://learn.microsoft.com/graph/api/serviceprincipal-list>,
//! <https://learn.microsoft.com/graph/api/applicationtemplate-instantiate>,
//! <https://learn.microsoft.com/graph/api/serviceprincipal-post-approleassignedto>).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use super::odata;
use super::{
    bad_request, context, eventual, from_skiptoken, next_link, non_gallery_roles, not_found,
    require, top, ServicePrincipal, NON_GALLERY_TEMPLATE,
};
use crate::http::json_response;
use crate::ids;
use crate::state::SharedApp;

type Q = HashMap<String, String>;

pub(super) const APP_READ: [&str; 4] = [
    "Application.Read.All",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const APP_WRITE: [&str; 2] = ["Application.ReadWrite.All", "Directory.ReadWrite.All"];

pub(super) fn routes() -> Router<SharedApp> {
    Router::new()
        .route("/v1.0/servicePrincipals", get(list))
        .route("/v1.0/servicePrincipals/{id}", get(get_one))
        .route("/v1.0/applicationTemplates", get(templates))
        .route("/v1.0/applicationTemplates/{id}", get(template))
        .route(
            "/v1.0/applicationTemplates/{id}/instantiate",
            post(instantiate),
        )
}

/// Filters, searches and pages an in-memory collection (the skiptoken is an offset).
pub(crate) fn page(
    app: &SharedApp,
    path: &str,
    q: &Q,
    headers: &HeaderMap,
    items: Vec<Value>,
    what: &str,
    case_sensitive: bool,
) -> Response {
    let filter = match q.get("$filter").map(|f| odata::parse_filter(f)) {
        Some(Ok(f)) => Some(f),
        Some(Err(e)) => {
            return bad_request(
                "Request_UnsupportedQuery",
                &format!("Invalid filter clause: {e}"),
            )
        }
        None => None,
    };
    let search = match q.get("$search") {
        Some(_) if !eventual(headers) => return bad_request("Request_UnsupportedQuery", "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'"),
        Some(s) => match odata::parse_search(s) {
            Ok(g) => Some(g),
            Err(e) => return bad_request("Request_UnsupportedQuery", &format!("Invalid $search: {e}")),
        },
        None => None,
    };
    let page_size = match top(q, 100, 999) {
        Ok(t) => t as usize,
        Err(r) => return r,
    };
    let offset = q
        .get("$skiptoken")
        .and_then(|t| from_skiptoken(t))
        .unwrap_or(0) as usize;
    let matched: Vec<Value> = items
        .into_iter()
        .filter(|v| {
            filter
                .as_ref()
                .is_none_or(|f| odata::eval(f, v, case_sensitive))
                && search.as_ref().is_none_or(|s| odata::search_matches(s, v))
        })
        .collect();
    let total = matched.len();
    let select = q.get("$select").map(String::as_str);
    let value: Vec<Value> = matched
        .into_iter()
        .skip(offset)
        .take(page_size)
        .map(|v| odata::select(v, select))
        .collect();
    let mut body = json!({"@odata.context": context(app, what)});
    if q.get("$count").is_some_and(|c| c == "true") {
        body["@odata.count"] = json!(total);
    }
    body["value"] = Value::Array(value);
    if offset + page_size < total {
        body["@odata.nextLink"] = json!(next_link(app, path, q, (offset + page_size) as u64));
    }
    json_response(StatusCode::OK, body)
}

async fn list(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    Query(q): Query<Q>,
) -> Response {
    if let Err(r) = require(&app, &headers, &APP_READ, false) {
        return r;
    }
    let items = app
        .graph()
        .service_principals
        .iter()
        .map(ServicePrincipal::to_json)
        .collect();
    page(
        &app,
        uri.path(),
        &q,
        &headers,
        items,
        "servicePrincipals",
        false,
    )
}

async fn get_one(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Q>,
) -> Response {
    if let Err(r) = require(&app, &headers, &APP_READ, false) {
        return r;
    }
    let now = app.clock.now();
    let found = app
        .graph()
        .sp(&id)
        .filter(|s| !s.replicating(now))
        .map(ServicePrincipal::to_json);
    match found {
        Some(mut v) => {
            v = odata::select(v, q.get("$select").map(String::as_str));
            v["@odata.context"] = json!(context(&app, "servicePrincipals/$entity"));
            json_response(StatusCode::OK, v)
        }
        None => not_found("servicePrincipal", &id),
    }
}

fn all_templates() -> Vec<Value> {
    let t = |id: &str, name: &str, publisher: &str, sso: Value, prov: Value| {
        json!({"id": id, "displayName": name, "homePageUrl": null,
        "supportedSingleSignOnModes": sso, "supportedProvisioningTypes": prov, "logoUrl": null, "categories": [], "publisher": publisher,
        "description": null, "endpoints": [], "isEntraIntegrated": false, "deprecationDate": null, "riskScore": null, "riskFactors": null})
    };
    // UNCONFIRMED whether a "Unity" gallery template exists (Unity's guide sets up a non-gallery
    // app: https://docs.unity.com/en-us/cloud/organizations/sso/set-up-scim-with-entra): the
    // sandbox has none, so the app must take the non-gallery road, and a namesake is there to trip
    // over.
    vec![
        t(
            NON_GALLERY_TEMPLATE,
            "Custom",
            "Microsoft Corporation",
            json!(["saml", "password", "notSupported"]),
            json!(["sync"]),
        ),
        t(
            "d3ad3a31-5a4d-4b0c-9d1e-00000000c15c",
            "Cisco Unity Connection",
            "Cisco",
            json!(["saml"]),
            json!([]),
        ),
        t(
            "8b1025e4-1dd2-430b-a150-2ef79cd700f5",
            "AWS Single-Account Access",
            "Amazon",
            json!(["saml"]),
            json!(["sync"]),
        ),
    ]
}

async fn templates(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    Query(q): Query<Q>,
) -> Response {
    if let Err(r) = require(&app, &headers, &APP_READ, false) {
        return r;
    }
    page(
        &app,
        uri.path(),
        &q,
        &headers,
        all_templates(),
        "applicationTemplates",
        false,
    )
}

async fn template(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = require(&app, &headers, &APP_READ, false) {
        return r;
    }
    match all_templates().into_iter().find(|t| t["id"] == json!(id)) {
        Some(t) => json_response(StatusCode::OK, t),
        None => not_found("applicationTemplate", &id),
    }
}

async fn instantiate(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = require(&app, &headers, &APP_WRITE, true) {
        return r;
    }
    let Some(template) = all_templates().into_iter().find(|t| t["id"] == json!(id)) else {
        return not_found("applicationTemplate", &id);
    };
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let Some(name) = body
        .get("displayName")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty())
    else {
        return bad_request(
            "Request_BadRequest",
            "The parameter 'displayName' is required.",
        );
    };
    // Entra allows several apps with one name; idempotency is the caller's job (look first).
    let sp = ServicePrincipal {
        id: ids::new_guid(),
        app_id: ids::new_guid(),
        application_object_id: ids::new_guid(),
        display_name: name.to_string(),
        template_id: Some(id.clone()),
        sso_mode: None,
        tags: vec![
            "WindowsAzureActiveDirectoryIntegratedApp",
            "WindowsAzureActiveDirectoryCustomSingleSignOnApplication",
        ],
        app_roles: non_gallery_roles(),
        created: app.clock.now(),
    };
    let application = json!({"id": sp.application_object_id, "appId": sp.app_id, "displayName": name, "applicationTemplateId": id,
        "signInAudience": "AzureADMyOrg", "appRoles": sp.app_roles, "publisherDomain": crate::seed::DOMAIN, "tags": sp.tags, "web": {"redirectUris": []}});
    let reply = json!({"@odata.context": context(&app, "microsoft.graph.applicationServicePrincipal"), "application": application, "servicePrincipal": sp.to_json()});
    let _ = template;
    app.graph().service_principals.push(sp);
    json_response(StatusCode::CREATED, reply)
}

/// The alternate key `servicePrincipals(appId='…')`
/// (<https://learn.microsoft.com/graph/api/serviceprincipal-get>). The router cannot match inside a
/// segment, so this serves Graph's catch-all and answers unknown paths otherwise.
pub(super) async fn by_app_id(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path(rest): Path<String>,
    Query(q): Query<Q>,
    uri: axum::http::Uri,
) -> Response {
    let Some(app_id) = rest
        .strip_prefix("servicePrincipals(appId='")
        .and_then(|r| r.strip_suffix("')"))
        .filter(|a| !a.contains('/'))
    else {
        return crate::http::graph_fallback(uri).await;
    };
    let id = app
        .graph()
        .service_principals
        .iter()
        .find(|s| s.app_id.eq_ignore_ascii_case(app_id))
        .map(|s| s.id.clone());
    match id {
        Some(id) => get_one(State(app), headers, Path(id), Query(q)).await,
        None => {
            if let Err(r) = require(&app, &headers, &APP_READ, false) {
                return r;
            }
            not_found("servicePrincipal", app_id)
        }
    }
}
