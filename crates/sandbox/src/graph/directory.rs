//! Directory reads for the pickers (<https://learn.microsoft.com/graph/aad-advanced-queries>):
//! `/me`, `/organization`, `/users`,
//! `/users/{id}/memberOf` (a user's direct groups), `/groups`, `/groups/{id}/members`, with
//! `$filter`, `$search` (only with
//! `ConsistencyLevel: eventual`), `$select`, `$top`, `$count` and `@odata.nextLink` paging.
//! Users are computed from their index, so paging is a scan position.

use std::collections::HashMap;

use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::odata::{self, Expr};
use super::{bad_request, context, eventual, from_skiptoken, next_link, not_found, require, top};
use crate::http::json_response;
use crate::seed;
use crate::state::SharedApp;

type Q = HashMap<String, String>;

const USER_READ: [&str; 5] = [
    "User.ReadBasic.All",
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const GROUP_READ: [&str; 5] = [
    "GroupMember.Read.All",
    "Group.Read.All",
    "Group.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const DEFAULT_USER_PROPS: &str = "businessPhones,displayName,givenName,jobTitle,mail,mobilePhone,officeLocation,preferredLanguage,surname,userPrincipalName,id";
const BASIC_USER_PROPS: [&str; 6] = [
    "id",
    "displayName",
    "givenName",
    "surname",
    "mail",
    "userPrincipalName",
];

pub(super) fn routes() -> Router<SharedApp> {
    Router::new()
        .route("/v1.0/me", get(me))
        .route("/v1.0/organization", get(organization))
        .route("/v1.0/users", get(users))
        .route("/v1.0/users/{id}", get(user))
        .route("/v1.0/users/{id}/memberOf", get(member_of))
        .route(
            "/v1.0/users/{id}/memberOf/microsoft.graph.group",
            get(member_of),
        )
        .route("/v1.0/groups", get(groups))
        .route("/v1.0/groups/{id}", get(group))
        .route("/v1.0/groups/{id}/members", get(members))
        .route(
            "/v1.0/groups/{id}/members/microsoft.graph.user",
            get(members),
        )
}

/// Parsed `$filter`/`$search`/`$count`, with Graph's rules about ConsistencyLevel.
struct Query_ {
    filter: Option<Expr>,
    search: Option<Vec<Vec<(String, String)>>>,
    count: bool,
}

fn parse_query(q: &Q, headers: &HeaderMap) -> Result<Query_, Response> {
    let filter = match q.get("$filter") {
        Some(f) => Some(odata::parse_filter(f).map_err(|e| {
            bad_request(
                "Request_UnsupportedQuery",
                &format!("Invalid filter clause: {e}"),
            )
        })?),
        None => None,
    };
    let search = match q.get("$search") {
        Some(s) => {
            if !eventual(headers) {
                return Err(bad_request("Request_UnsupportedQuery", "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'"));
            }
            Some(odata::parse_search(s.trim_matches(' ')).map_err(|e| {
                bad_request("Request_UnsupportedQuery", &format!("Invalid $search: {e}"))
            })?)
        }
        None => None,
    };
    let count = q
        .get("$count")
        .is_some_and(|c| c.eq_ignore_ascii_case("true"));
    if count && !eventual(headers) {
        return Err(bad_request(
            "Request_BadRequest",
            "$count is not currently supported without the header 'ConsistencyLevel: eventual'.",
        ));
    }
    Ok(Query_ {
        filter,
        search,
        count,
    })
}

impl Query_ {
    fn accepts(&self, v: &Value) -> bool {
        self.filter
            .as_ref()
            .is_none_or(|f| odata::eval(f, v, false))
            && self
                .search
                .as_ref()
                .is_none_or(|s| odata::search_matches(s, v))
    }
}

/// Pages over `0..total` computed items: the skiptoken is the scan position.
#[allow(clippy::too_many_arguments)]
fn scan_page(
    app: &SharedApp,
    path: &str,
    q: &Q,
    headers: &HeaderMap,
    total: u64,
    what: &str,
    fetch: impl Fn(u64) -> Option<Value>,
    project: impl Fn(Value) -> Value,
) -> Response {
    let parsed = match parse_query(q, headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let page_size = match top(q, 100, 999) {
        Ok(t) => t,
        Err(r) => return r,
    };
    let mut position = match q.get("$skiptoken") {
        Some(t) => match from_skiptoken(t) {
            Some(p) => p,
            None => return bad_request("Request_BadRequest", "The $skiptoken is not valid."),
        },
        None => 0,
    };
    let mut value = Vec::new();
    while position < total && (value.len() as u64) < page_size {
        if let Some(item) = fetch(position) {
            if parsed.accepts(&item) {
                value.push(project(item));
            }
        }
        position += 1;
    }
    let mut body = json!({"@odata.context": context(app, what)});
    if parsed.count {
        let n = (0..total)
            .filter_map(&fetch)
            .filter(|v| parsed.accepts(v))
            .count();
        body["@odata.count"] = json!(n);
    }
    body["value"] = Value::Array(value);
    if position < total {
        body["@odata.nextLink"] = json!(next_link(app, path, q, position));
    }
    json_response(StatusCode::OK, body)
}

fn project_user(v: Value, q: &Q, basic_only: bool) -> Value {
    let select = q
        .get("$select")
        .map(String::as_str)
        .unwrap_or(DEFAULT_USER_PROPS);
    let mut out = odata::select(v, Some(select));
    if basic_only {
        if let Value::Object(o) = &mut out {
            o.retain(|k, _| {
                k.starts_with("@odata")
                    || BASIC_USER_PROPS.iter().any(|b| b.eq_ignore_ascii_case(k))
            });
        }
    }
    out
}

fn basic_only(scopes: &[String]) -> bool {
    !scopes
        .iter()
        .any(|s| USER_READ[1..].iter().any(|w| w.eq_ignore_ascii_case(s)))
}

async fn me(State(app): State<SharedApp>, headers: HeaderMap, Query(q): Query<Q>) -> Response {
    let caller = match require(
        &app,
        &headers,
        &[
            "User.Read",
            "User.ReadBasic.All",
            "User.Read.All",
            "Directory.Read.All",
        ],
        false,
    ) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut body = project_user(caller.user.to_graph(), &q, false);
    body["@odata.context"] = json!(context(&app, "users/$entity"));
    json_response(StatusCode::OK, body)
}

async fn organization(State(app): State<SharedApp>, headers: HeaderMap) -> Response {
    if let Err(r) = require(
        &app,
        &headers,
        &[
            "User.Read",
            "Organization.Read.All",
            "Directory.Read.All",
            "User.ReadBasic.All",
        ],
        false,
    ) {
        return r;
    }
    json_response(
        StatusCode::OK,
        json!({"@odata.context": context(&app, "organization"), "value": [{
        "id": seed::TENANT_ID, "displayName": seed::TENANT_NAME, "tenantType": "AAD", "countryLetterCode": "US",
        "verifiedDomains": [{"name": seed::DOMAIN, "isDefault": true, "isInitial": false, "type": "Managed", "capabilities": "Email, OfficeCommunicationsOnline"},
            {"name": seed::OTHER_DOMAIN, "isDefault": false, "isInitial": false, "type": "Managed", "capabilities": "Email"},
            {"name": seed::INITIAL_DOMAIN, "isDefault": false, "isInitial": true, "type": "Managed", "capabilities": "Email"}]}]}),
    )
}

async fn users(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    Query(q): Query<Q>,
) -> Response {
    let caller = match require(&app, &headers, &USER_READ, false) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let basic = basic_only(&caller.scopes);
    let dir = &app.dir;
    if let Some(upn) = exact_upn_lookup(&q) {
        // Graph answers a lookup by UPN from its index; so does the sandbox, instead of
        // scanning every user (a preview's removal check makes one per Unity account).
        let value: Vec<Value> = live_user(&app, &upn)
            .filter(|u| u.upn.eq_ignore_ascii_case(&upn))
            .map(|u| project_user(u.to_graph(), &q, basic))
            .into_iter()
            .collect();
        return json_response(
            StatusCode::OK,
            json!({"@odata.context": context(&app, "users"), "value": value}),
        );
    }
    let purged = app.graph().purged.clone();
    scan_page(
        &app,
        uri.path(),
        &q,
        &headers,
        dir.total(),
        "users",
        |i| {
            dir.user(i)
                .filter(|_| !purged.contains(&i))
                .map(|u| u.to_graph())
        },
        |v| project_user(v, &q, basic),
    )
}

async fn user(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Q>,
) -> Response {
    let caller = match require(&app, &headers, &USER_READ, false) {
        Ok(c) => c,
        Err(r) => return r,
    };
    match live_user(&app, &id) {
        Some(u) => {
            let mut body = project_user(u.to_graph(), &q, basic_only(&caller.scopes));
            body["@odata.context"] = json!(context(&app, "users/$entity"));
            json_response(StatusCode::OK, body)
        }
        None => not_found("user", &id),
    }
}

/// The user Graph's `/users/{id}` addresses, by object id or UPN, unless it was purged
/// (permanently deleted): what `GET /users/{id}` and `memberOf` both answer 404 for.
/// The UPN of a query that is only `$filter=userPrincipalName eq '<upn>'` (OData doubles a
/// quote inside a string), with no `$search`, `$count` or paging: the one query the sandbox
/// answers by lookup. `None` for anything else, which goes through the scan.
fn exact_upn_lookup(q: &Q) -> Option<String> {
    if q.keys()
        .any(|k| matches!(k.as_str(), "$search" | "$count" | "$skiptoken"))
    {
        return None;
    }
    let filter = q.get("$filter")?.trim();
    let (field, rest) = filter.split_once(' ')?;
    let literal = rest.trim_start().strip_prefix("eq")?.trim_start();
    let inner = literal.strip_prefix('\'')?.strip_suffix('\'')?;
    if !field.eq_ignore_ascii_case("userPrincipalName") || inner.replace("''", "").contains('\'') {
        return None;
    }
    Some(inner.replace("''", "'"))
}

fn live_user(app: &SharedApp, id: &str) -> Option<crate::seed::DirUser> {
    let user = app.dir.user_by_id(id).or_else(|| app.dir.user_by_upn(id))?;
    (!app.graph().purged.contains(&user.index)).then_some(user)
}

async fn groups(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    Query(q): Query<Q>,
) -> Response {
    if let Err(r) = require(&app, &headers, &GROUP_READ, false) {
        return r;
    }
    let dir = &app.dir;
    let select = q.get("$select").cloned();
    scan_page(
        &app,
        uri.path(),
        &q,
        &headers,
        dir.group_count() as u64,
        "groups",
        |g| Some(dir.group_json(g as usize)),
        |v| odata::select(v, select.as_deref()),
    )
}

async fn group(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Q>,
) -> Response {
    if let Err(r) = require(&app, &headers, &GROUP_READ, false) {
        return r;
    }
    match app.dir.group_index(&id) {
        Some(g) => json_response(
            StatusCode::OK,
            odata::select(app.dir.group_json(g), q.get("$select").map(String::as_str)),
        ),
        None => not_found("group", &id),
    }
}

async fn members(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    Query(q): Query<Q>,
) -> Response {
    if let Err(r) = require(&app, &headers, &GROUP_READ, false) {
        return r;
    }
    let Some(g) = app.dir.group_index(&id) else {
        return not_found("group", &id);
    };
    let dir = &app.dir;
    let (_, total) = dir.group_members(g, 0, 0);
    let select = q.get("$select").cloned();
    scan_page(
        &app,
        uri.path(),
        &q,
        &headers,
        total,
        "directoryObjects",
        |m| {
            let (ids, _) = dir.group_members(g, m, 1);
            let user = dir.user(*ids.first()?)?;
            let mut v = user.to_graph();
            v["@odata.type"] = json!("#microsoft.graph.user");
            Some(v)
        },
        |v| odata::select(v, select.as_deref()),
    )
}

/// The groups a user is a direct member of (Graph's `memberOf` is not transitive; the seed
/// has no directory roles or administrative units, so groups are all it lists). Paged like
/// every directoryObject collection; `$select` applies.
async fn member_of(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    Query(q): Query<Q>,
) -> Response {
    if let Err(r) = require(&app, &headers, &GROUP_READ, false) {
        return r;
    }
    let Some(user) = live_user(&app, &id) else {
        return not_found("user", &id);
    };
    let dir = &app.dir;
    let select = q.get("$select").cloned();
    scan_page(
        &app,
        uri.path(),
        &q,
        &headers,
        dir.group_count() as u64,
        "directoryObjects",
        |g| {
            let g = g as usize;
            dir.is_member(g, user.index).then(|| {
                let mut v = dir.group_json(g);
                v["@odata.type"] = json!("#microsoft.graph.group");
                v
            })
        },
        |v| odata::select(v, select.as_deref()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> Q {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn only_a_bare_upn_equality_is_a_lookup() {
        let upn = |filter: &str| exact_upn_lookup(&query(&[("$filter", filter)]));
        assert_eq!(
            upn("userPrincipalName eq 'adele.vance4@contoso.com'").as_deref(),
            Some("adele.vance4@contoso.com")
        );
        assert_eq!(
            upn("userprincipalname  eq  'o''neil@contoso.com'").as_deref(),
            Some("o'neil@contoso.com")
        );
        assert_eq!(upn("mail eq 'a@contoso.com'"), None);
        assert_eq!(
            upn("userPrincipalName eq 'a@contoso.com' or mail eq 'b'"),
            None
        );
        assert_eq!(upn("startswith(userPrincipalName,'a')"), None);
        assert_eq!(
            exact_upn_lookup(&query(&[
                ("$filter", "userPrincipalName eq 'a@contoso.com'"),
                ("$count", "true")
            ])),
            None
        );
    }
}
