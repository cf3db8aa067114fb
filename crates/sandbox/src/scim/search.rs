//! `POST .search` (RFC 7644 §3.4.3) on Users, Groups and the base: the SearchRequest's members
//! become the query parameters of a list.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::Value;

use super::filter::get_ci;
use super::resources::{list, Params};
use super::validate::parse_body;
use super::{guard, Kind};
use crate::state::SharedApp;

/// RFC 7644 §3.4.3 `POST .search`: the SearchRequest's members become query parameters.
fn search(app: &SharedApp, kinds: &[Kind], body: &Bytes) -> Response {
    let request = match parse_body(body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let mut q = Params::new();
    for name in [
        "filter",
        "sortBy",
        "sortOrder",
        "startIndex",
        "count",
        "attributes",
        "excludedAttributes",
    ] {
        match get_ci(&request, name) {
            Some(Value::String(v)) => {
                q.insert(name.into(), v.clone());
            }
            Some(Value::Array(items)) => {
                let joined: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                q.insert(name.into(), joined.join(","));
            }
            Some(Value::Number(n)) => {
                q.insert(name.into(), n.to_string());
            }
            _ => {}
        }
    }
    list(app, kinds, &q)
}

pub(super) async fn search_users(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = guard(&app, &headers, &org) {
        return r;
    }
    search(&app, &[Kind::User], &body)
}

pub(super) async fn search_groups(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = guard(&app, &headers, &org) {
        return r;
    }
    search(&app, &[Kind::Group], &body)
}

pub(super) async fn search_all(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = guard(&app, &headers, &org) {
        return r;
    }
    search(&app, &[Kind::User, Kind::Group], &body)
}
