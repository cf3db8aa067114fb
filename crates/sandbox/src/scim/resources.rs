//! Users and Groups: list (filter, sort, paginate, attribute selection), create, get, replace,
//! patch, delete. Unity's rules on top of RFC 7644: a user's domain must be one of the org's
//! validated domains, and group members must be users of the org.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::filter::{self, get_ci};
use super::validate::{clean, parse_body, validate};
use super::{etag, guard, patch, render, Kind, Stored, LIST_RESPONSE, MAX_RESULTS};
use crate::http::{scim_error, scim_json};
use crate::state::SharedApp;

pub(super) type Params = HashMap<String, String>;

fn param<'a>(q: &'a Params, name: &str) -> Option<&'a str> {
    q.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn with_etag(mut response: Response, stored: &Stored) -> Response {
    if let Ok(v) = HeaderValue::from_str(&etag(stored)) {
        response.headers_mut().insert("etag", v);
    }
    response
}

/// `attributes` / `excludedAttributes` on top-level names; `id`, `schemas`, `meta` always stay.
fn select(mut resource: Value, q: &Params) -> Value {
    let list = |name: &str| -> Vec<String> {
        param(q, name)
            .map(|s| {
                s.split(',')
                    .map(|a| a.trim().to_ascii_lowercase())
                    .filter(|a| !a.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    let keep = list("attributes");
    let drop = list("excludedAttributes");
    if let Some(o) = resource.as_object_mut() {
        o.retain(|k, _| {
            let k = k.to_ascii_lowercase();
            if matches!(k.as_str(), "id" | "schemas" | "meta") {
                return true;
            }
            let top = |a: &String| a == &k || a.split('.').next() == Some(k.as_str());
            (keep.is_empty() || keep.iter().any(top)) && !drop.iter().any(|a| a == &k)
        });
    }
    resource
}

pub(super) fn list(app: &SharedApp, kinds: &[Kind], q: &Params) -> Response {
    let parsed = match param(q, "filter").filter(|f| !f.trim().is_empty()) {
        Some(f) => match filter::parse(f) {
            Ok(parsed) => Some(parsed),
            Err(e) => {
                return scim_error(
                    StatusCode::BAD_REQUEST,
                    Some("invalidFilter"),
                    &format!("The filter {f:?} is invalid: {e}."),
                )
            }
        },
        None => None,
    };
    let start: usize = param(q, "startIndex")
        .and_then(|s| s.parse::<i64>().ok())
        .map(|s| s.max(1) as usize)
        .unwrap_or(1);
    let count: usize = param(q, "count")
        .and_then(|s| s.parse::<i64>().ok())
        .map(|c| c.max(0) as usize)
        .unwrap_or(MAX_RESULTS)
        .min(MAX_RESULTS);
    let base = app.scim_base_url();
    let mut matched: Vec<Value> = {
        let store = app.scim();
        store
            .all(kinds[0])
            .map(|s| render(kinds[0], s, &base))
            .chain(
                kinds[1..]
                    .iter()
                    .flat_map(|k| store.all(*k).map(|s| render(*k, s, &base))),
            )
            .filter(|r| parsed.as_ref().is_none_or(|f| filter::matches(f, r)))
            .collect()
    };
    if let Some(sort_by) = param(q, "sortBy") {
        let key = |r: &Value| {
            filter::resolve(r, sort_by).first().map(|v| {
                v.as_str()
                    .map(str::to_lowercase)
                    .unwrap_or_else(|| v.to_string())
            })
        };
        matched.sort_by_key(key);
        if param(q, "sortOrder").is_some_and(|o| o.eq_ignore_ascii_case("descending")) {
            matched.reverse();
        }
    }
    let total = matched.len();
    let page: Vec<Value> = matched
        .into_iter()
        .skip(start - 1)
        .take(count)
        .map(|r| select(r, q))
        .collect();
    scim_json(
        StatusCode::OK,
        &json!({"schemas": [LIST_RESPONSE], "totalResults": total, "startIndex": start,
        "itemsPerPage": page.len(), "Resources": page}),
    )
}

fn create(app: &SharedApp, kind: Kind, body: &Bytes) -> Response {
    let mut body = match parse_body(body).and_then(|b| clean(kind, b)) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let base = app.scim_base_url();
    let mut store = app.scim();
    if let Err(r) = validate(app, kind, &store, &mut body, None) {
        return r;
    }
    let stored = store.insert(kind, body);
    let rendered = render(kind, &stored, &base);
    let mut response = with_etag(scim_json(StatusCode::CREATED, &rendered), &stored);
    if let Some(loc) = rendered["meta"]["location"]
        .as_str()
        .and_then(|l| HeaderValue::from_str(l).ok())
    {
        response.headers_mut().insert("location", loc);
    }
    response
}

fn not_found(kind: Kind, id: &str) -> Response {
    scim_error(
        StatusCode::NOT_FOUND,
        None,
        &format!("{} {id} not found.", kind.name()),
    )
}

fn precondition(headers: &HeaderMap, stored: &Stored) -> Result<(), Response> {
    match headers.get("if-match").and_then(|v| v.to_str().ok()) {
        Some(want) if want.trim() != "*" && !want.split(',').any(|w| w.trim() == etag(stored)) => {
            Err(scim_error(
                StatusCode::PRECONDITION_FAILED,
                None,
                &format!(
                    "The resource changed: its version is {}, If-Match asked for {want}.",
                    etag(stored)
                ),
            ))
        }
        _ => Ok(()),
    }
}

fn get_one(app: &SharedApp, kind: Kind, id: &str, headers: &HeaderMap, q: &Params) -> Response {
    let base = app.scim_base_url();
    let store = app.scim();
    let Some(stored) = store.get(kind, id) else {
        return not_found(kind, id);
    };
    if headers
        .get("if-none-match")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|w| w.trim() == etag(stored)))
    {
        return with_etag(StatusCode::NOT_MODIFIED.into_response(), stored);
    }
    with_etag(
        scim_json(StatusCode::OK, &select(render(kind, stored, &base), q)),
        stored,
    )
}

/// Applies `change` to a copy, validates, then stores it with a bumped version.
fn update(
    app: &SharedApp,
    kind: Kind,
    id: &str,
    headers: &HeaderMap,
    change: impl FnOnce(&Stored) -> Result<Value, Response>,
    no_content: bool,
) -> Response {
    let base = app.scim_base_url();
    let mut store = app.scim();
    let Some(current) = store.get(kind, id).cloned() else {
        return not_found(kind, id);
    };
    if let Err(r) = precondition(headers, &current) {
        return r;
    }
    let mut next = match change(&current) {
        Ok(v) => v,
        Err(r) => return r,
    };
    if let Err(r) = validate(app, kind, &store, &mut next, Some(id)) {
        return r;
    }
    let Some(slot) = store.get_mut(kind, id) else {
        return not_found(kind, id);
    };
    if slot.body != next {
        slot.body = next;
        slot.version += 1;
        slot.modified = crate::ids::now_iso();
    }
    let stored = slot.clone();
    if no_content {
        return with_etag(StatusCode::NO_CONTENT.into_response(), &stored);
    }
    with_etag(
        scim_json(StatusCode::OK, &render(kind, &stored, &base)),
        &stored,
    )
}

fn delete(app: &SharedApp, kind: Kind, id: &str) -> Response {
    let mut store = app.scim();
    if !store.remove(kind, id) {
        return not_found(kind, id);
    }
    if kind == Kind::User {
        // A deleted user leaves every group it was in.
        let group_ids: Vec<String> = store.all(Kind::Group).map(|g| g.id.clone()).collect();
        for gid in group_ids {
            if let Some(g) = store.get_mut(Kind::Group, &gid) {
                if let Some(Value::Array(members)) = g.body.get_mut("members") {
                    let before = members.len();
                    members.retain(|m| get_ci(m, "value").and_then(Value::as_str) != Some(id));
                    if members.len() != before {
                        g.version += 1;
                    }
                }
            }
        }
    }
    StatusCode::NO_CONTENT.into_response()
}

/// Counts PATCH bodies by dialect, so tests can see which one a client spoke.
fn count_dialect(app: &SharedApp, ops: &Value) {
    let legacy = get_ci(ops, "Operations")
        .and_then(Value::as_array)
        .is_some_and(|list| {
            list.iter().any(|o| {
                get_ci(o, "op")
                    .and_then(Value::as_str)
                    .is_some_and(|op| op.starts_with(|c: char| c.is_ascii_uppercase()))
            })
        });
    let mut store = app.scim();
    if legacy {
        store.patches_legacy += 1;
    } else {
        store.patches_rfc += 1;
    }
}

macro_rules! handlers {
    ($kind:expr, $list:ident, $create:ident, $get:ident, $replace:ident, $patch:ident, $delete:ident, $patch_no_content:expr) => {
        pub(super) async fn $list(
            State(app): State<SharedApp>,
            headers: HeaderMap,
            Path(org): Path<String>,
            Query(q): Query<Params>,
        ) -> Response {
            if let Err(r) = guard(&app, &headers, &org) {
                return r;
            }
            list(&app, &[$kind], &q)
        }
        pub(super) async fn $create(
            State(app): State<SharedApp>,
            headers: HeaderMap,
            Path(org): Path<String>,
            body: Bytes,
        ) -> Response {
            if let Err(r) = guard(&app, &headers, &org) {
                return r;
            }
            create(&app, $kind, &body)
        }
        pub(super) async fn $get(
            State(app): State<SharedApp>,
            headers: HeaderMap,
            Path((org, id)): Path<(String, String)>,
            Query(q): Query<Params>,
        ) -> Response {
            if let Err(r) = guard(&app, &headers, &org) {
                return r;
            }
            get_one(&app, $kind, &id, &headers, &q)
        }
        pub(super) async fn $replace(
            State(app): State<SharedApp>,
            headers: HeaderMap,
            Path((org, id)): Path<(String, String)>,
            body: Bytes,
        ) -> Response {
            if let Err(r) = guard(&app, &headers, &org) {
                return r;
            }
            let next = match parse_body(&body).and_then(|b| clean($kind, b)) {
                Ok(b) => b,
                Err(r) => return r,
            };
            update(&app, $kind, &id, &headers, move |_| Ok(next), false)
        }
        pub(super) async fn $patch(
            State(app): State<SharedApp>,
            headers: HeaderMap,
            Path((org, id)): Path<(String, String)>,
            body: Bytes,
        ) -> Response {
            if let Err(r) = guard(&app, &headers, &org) {
                return r;
            }
            let ops = match parse_body(&body) {
                Ok(b) => b,
                Err(r) => return r,
            };
            count_dialect(&app, &ops);
            update(
                &app,
                $kind,
                &id,
                &headers,
                move |current| {
                    let mut copy = current.body.clone();
                    patch::apply(&mut copy, &ops).map_err(|e| {
                        scim_error(StatusCode::BAD_REQUEST, Some(e.scim_type), &e.detail)
                    })?;
                    Ok(copy)
                },
                $patch_no_content,
            )
        }
        pub(super) async fn $delete(
            State(app): State<SharedApp>,
            headers: HeaderMap,
            Path((org, id)): Path<(String, String)>,
        ) -> Response {
            if let Err(r) = guard(&app, &headers, &org) {
                return r;
            }
            delete(&app, $kind, &id)
        }
    };
}

// Users answer PATCH with 200 and the resource; groups with 204, as Entra expects
// (https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups).
handlers!(
    Kind::User,
    list_users,
    create_user,
    get_user,
    replace_user,
    patch_user,
    delete_user,
    false
);
handlers!(
    Kind::Group,
    list_groups,
    create_group,
    get_group,
    replace_group,
    patch_group,
    delete_group,
    true
);
