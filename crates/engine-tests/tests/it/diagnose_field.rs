//! Diagnose against SCIM servers that are not ours, each made to misbehave the way servers in
//! public bug reports did (docs/diagnose.md) and otherwise working: a proxy that blocks
//! requests without a User-Agent, IIS WebDAV eating PATCH/PUT/DELETE, no externalId filter,
//! 406 unless Accept names JSON, legacy member removal emptying the group, no-op PATCHes
//! refused, manager kept as a bare string. Each test asserts the failed check and the cause
//! named; one more runs them all and scans every text for Rust debug output.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use scim_core::diagnose::{
    diagnose, CheckResult, DiagnoseReport, DiagnoseRequest, FailureKind, Outcome,
};
use scim_core::progress::NoProgress;
use scim_core::Secret;
use serde_json::{json, Map, Value};
use tokio_util::sync::CancellationToken;

const TOKEN: &str = "field-token-Hq72-secret-part-Lm04";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// One way to misbehave, as a real server in a public bug report did.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Misbehaviour {
    None,
    /// A WAF in front: no User-Agent ⇒ 403 text/html.
    BlocksWithoutUserAgent,
    /// IIS with WebDAV: PATCH, PUT, DELETE ⇒ 405 text/html.
    WebDavEatsVerbs,
    /// `externalId eq` ⇒ 400 invalidFilter, while `userName eq` works.
    NoExternalIdFilter,
    /// 406 with an empty body unless Accept contains "json".
    NeedsJsonAccept,
    /// Legacy `Remove` on members with a value list empties the group (and answers 204).
    LegacyRemoveEmptiesGroup,
    /// A PATCH that changes nothing ⇒ 400 {"detail":"No valid fields to update"}.
    RefusesNoOpPatch,
    /// manager stored and returned as the bare string Entra wrote.
    ManagerAsString,
}

#[derive(Default)]
struct Store {
    users: BTreeMap<String, Value>,
    groups: BTreeMap<String, Value>,
    next: u64,
}

struct Server {
    misbehaviour: Misbehaviour,
    store: Mutex<Store>,
    /// Every request's method, in order: proves the read-only checks only read.
    methods: Mutex<Vec<Method>>,
}

type Shared = Arc<Server>;

fn scim(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [("content-type", "application/scim+json")],
        body.to_string(),
    )
        .into_response()
}

fn error(status: StatusCode, scim_type: Option<&str>, detail: &str) -> Response {
    let mut body =
        json!({"schemas": [ERROR], "status": status.as_u16().to_string(), "detail": detail});
    if let Some(t) = scim_type {
        body["scimType"] = json!(t);
    }
    scim(status, &body)
}

fn html(status: StatusCode, page: &'static str) -> Response {
    (status, [("content-type", "text/html")], page).into_response()
}

const WAF_PAGE: &str = "<html><body><h1>403 Forbidden</h1>Request blocked.</body></html>";
const IIS_405: &str = "<!DOCTYPE html><html><head><title>405 - HTTP verb used to access this page is not allowed.</title></head><body><h2>405 - HTTP verb used to access this page is not allowed.</h2><h3>The page you are looking for cannot be displayed because an invalid method (HTTP verb) was used to attempt access.</h3></body></html>";

/// `attr eq "value"` with the value unescaped (`\"` and `\\`): attribute in lower case.
fn parse_eq(filter: &str) -> Option<(String, String)> {
    let (attr, rest) = filter.split_once(" eq ")?;
    let quoted = rest.trim().strip_prefix('"')?.strip_suffix('"')?;
    let mut value = String::new();
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            value.extend(chars.next());
        } else {
            value.push(c);
        }
    }
    Some((attr.trim().to_ascii_lowercase(), value))
}

fn get_ci<'a>(resource: &'a Value, attr: &str) -> Option<&'a Value> {
    resource
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(attr))
        .map(|(_, v)| v)
}

fn boolean(value: &Value) -> Value {
    match value.as_str() {
        Some(s) if s.eq_ignore_ascii_case("true") => json!(true),
        Some(s) if s.eq_ignore_ascii_case("false") => json!(false),
        _ => value.clone(),
    }
}

fn member_ids(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|m| m.get("value").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

impl Server {
    /// Sets one attribute as Entra addresses it: dotted sub-attributes, the enterprise URN,
    /// `emails[type eq "work"].value` (an upsert), `active` as a string or a boolean.
    fn set(&self, resource: &mut Value, path: &str, value: &Value) {
        let Some(object) = resource.as_object_mut() else {
            return;
        };
        if let Some(attr) = path.strip_prefix(&format!("{ENTERPRISE}:")) {
            let value = match (attr, self.misbehaviour) {
                ("manager", Misbehaviour::ManagerAsString) => value.clone(),
                ("manager", _) => match value {
                    Value::String(id) => json!({"value": id}),
                    Value::Array(items) => items.first().cloned().unwrap_or(Value::Null),
                    other => other.clone(),
                },
                _ => value.clone(),
            };
            let extension = object
                .entry(ENTERPRISE.to_string())
                .or_insert_with(|| json!({}));
            extension[attr] = value;
            return;
        }
        if path.eq_ignore_ascii_case("emails[type eq \"work\"].value") {
            let emails = object
                .entry("emails".to_string())
                .or_insert_with(|| json!([]));
            if let Some(list) = emails.as_array_mut() {
                match list.iter_mut().find(|e| e["type"] == "work") {
                    Some(work) => work["value"] = value.clone(),
                    None => list.push(json!({"type": "work", "value": value, "primary": true})),
                }
            }
            return;
        }
        match path.split_once('.') {
            Some((outer, inner)) => {
                let slot = object.entry(outer.to_string()).or_insert_with(|| json!({}));
                slot[inner] = value.clone();
            }
            None if path.eq_ignore_ascii_case("active") => {
                object.insert("active".into(), boolean(value));
            }
            None => {
                object.insert(path.to_string(), value.clone());
            }
        }
    }

    /// Applies a PatchOp; `Err` names what it could not read (answered 400 invalidSyntax).
    fn apply(&self, resource: &mut Value, patch: &Value) -> Result<(), &'static str> {
        let Some(operations) = get_ci(patch, "Operations").and_then(Value::as_array) else {
            return Err("no Operations");
        };
        for operation in operations {
            let op = operation["op"]
                .as_str()
                .unwrap_or_default()
                .to_ascii_lowercase();
            let value = operation.get("value").cloned().unwrap_or(Value::Null);
            match (op.as_str(), operation["path"].as_str()) {
                ("add" | "replace", Some(path)) if path.eq_ignore_ascii_case("members") => {
                    let members = resource["members"].as_array().cloned().unwrap_or_default();
                    let mut ids = member_ids(&Value::Array(members));
                    for id in member_ids(&value) {
                        if !ids.contains(&id) {
                            ids.push(id);
                        }
                    }
                    resource["members"] = ids.iter().map(|id| json!({"value": id})).collect();
                }
                ("remove", Some(path)) if path.eq_ignore_ascii_case("members") => {
                    let gone = member_ids(&value);
                    if self.misbehaviour == Misbehaviour::LegacyRemoveEmptiesGroup
                        || gone.is_empty()
                    {
                        resource["members"] = json!([]);
                    } else {
                        let kept: Vec<Value> = member_ids(&resource["members"])
                            .into_iter()
                            .filter(|id| !gone.contains(id))
                            .map(|id| json!({"value": id}))
                            .collect();
                        resource["members"] = Value::Array(kept);
                    }
                }
                ("remove", Some(path)) if path.to_ascii_lowercase().starts_with("members[") => {
                    let id = parse_eq(path.trim_start_matches("members[").trim_end_matches(']'))
                        .map(|(_, id)| id)
                        .unwrap_or_default();
                    let kept: Vec<Value> = member_ids(&resource["members"])
                        .into_iter()
                        .filter(|m| *m != id)
                        .map(|m| json!({"value": m}))
                        .collect();
                    resource["members"] = Value::Array(kept);
                }
                ("add" | "replace", Some(path)) => self.set(resource, path, &value),
                ("add" | "replace", None) => {
                    for (path, inner) in value.as_object().cloned().unwrap_or_default() {
                        self.set(resource, &path, &inner);
                    }
                }
                _ => return Err("unsupported op"),
            }
        }
        Ok(())
    }

    fn refused(&self, method: &Method, headers: &HeaderMap) -> Option<Response> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        match self.misbehaviour {
            Misbehaviour::BlocksWithoutUserAgent if header("user-agent").is_none() => {
                return Some(html(StatusCode::FORBIDDEN, WAF_PAGE))
            }
            Misbehaviour::WebDavEatsVerbs
                if matches!(*method, Method::PATCH | Method::PUT | Method::DELETE) =>
            {
                return Some(html(StatusCode::METHOD_NOT_ALLOWED, IIS_405))
            }
            Misbehaviour::NeedsJsonAccept
                if !header("accept").is_some_and(|a| a.to_ascii_lowercase().contains("json")) =>
            {
                return Some(StatusCode::NOT_ACCEPTABLE.into_response())
            }
            _ => {}
        }
        if header("authorization") != Some(&format!("Bearer {TOKEN}")) {
            return Some(error(
                StatusCode::UNAUTHORIZED,
                None,
                "The bearer token is not valid.",
            ));
        }
        None
    }
}

async fn handle(
    State(server): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    server.methods.lock().expect("lock").push(method.clone());
    if let Some(refused) = server.refused(&method, &headers) {
        return refused;
    }
    let path = uri.path().trim_start_matches("/scim/").to_string();
    let mut parts = path.splitn(2, '/');
    let (collection, id) = (parts.next().unwrap_or_default(), parts.next());
    let users = match collection {
        "Users" => true,
        "Groups" => false,
        _ => return error(StatusCode::NOT_FOUND, None, "No such endpoint."),
    };
    let mut store = server.store.lock().expect("lock");
    let parsed: Option<Value> = serde_json::from_slice(&body).ok();
    match (method, id) {
        (Method::GET, None) => {
            let filter = query.get("filter").map(String::as_str).unwrap_or_default();
            let wanted = if filter.is_empty() {
                None
            } else {
                parse_eq(filter)
            };
            if filter.to_ascii_lowercase().starts_with("externalid")
                && server.misbehaviour == Misbehaviour::NoExternalIdFilter
            {
                return error(
                    StatusCode::BAD_REQUEST,
                    Some("invalidFilter"),
                    "The filter is not supported.",
                );
            }
            if !filter.is_empty() && wanted.is_none() {
                return error(
                    StatusCode::BAD_REQUEST,
                    Some("invalidFilter"),
                    "The filter could not be read.",
                );
            }
            let table = if users { &store.users } else { &store.groups };
            let exclude_members = query
                .get("excludedAttributes")
                .is_some_and(|a| a.eq_ignore_ascii_case("members"));
            let found: Vec<Value> = table
                .values()
                .filter(|r| match &wanted {
                    Some((attr, value)) => get_ci(r, attr)
                        .and_then(Value::as_str)
                        .is_some_and(|v| v.eq_ignore_ascii_case(value)),
                    None => true,
                })
                .map(|r| {
                    let mut r = r.clone();
                    if exclude_members {
                        if let Some(o) = r.as_object_mut() {
                            o.remove("members");
                        }
                    }
                    r
                })
                .collect();
            let count: usize = query
                .get("count")
                .and_then(|c| c.parse().ok())
                .unwrap_or(100);
            let page: Vec<Value> = found.iter().take(count).cloned().collect();
            scim(
                StatusCode::OK,
                &json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                        "totalResults": found.len(), "startIndex": 1, "itemsPerPage": page.len(), "Resources": page}),
            )
        }
        (Method::POST, None) => {
            let Some(mut resource) = parsed.filter(Value::is_object) else {
                return error(StatusCode::BAD_REQUEST, Some("invalidSyntax"), "Not JSON.");
            };
            let key = if users { "userName" } else { "displayName" };
            let name = resource[key].as_str().unwrap_or_default().to_string();
            let table = if users { &store.users } else { &store.groups };
            if table.values().any(|r| {
                r[key]
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case(&name))
            }) {
                return error(StatusCode::CONFLICT, Some("uniqueness"), "Already exists.");
            }
            store.next += 1;
            let id = format!("f-{}", store.next);
            resource["id"] = json!(id);
            if let Some(o) = resource.as_object_mut() {
                o.remove("meta");
            }
            if users {
                resource["active"] = boolean(&resource["active"]);
                store.users.insert(id, resource.clone());
            } else {
                store.groups.insert(id, resource.clone());
            }
            scim(StatusCode::CREATED, &resource)
        }
        (method, Some(id)) => {
            let table = if users {
                &mut store.users
            } else {
                &mut store.groups
            };
            let Some(current) = table.get(id).cloned() else {
                return error(StatusCode::NOT_FOUND, None, "No such resource.");
            };
            match method {
                Method::GET => scim(StatusCode::OK, &current),
                Method::DELETE => {
                    table.remove(id);
                    StatusCode::NO_CONTENT.into_response()
                }
                Method::PATCH => {
                    let Some(patch) = parsed else {
                        return error(StatusCode::BAD_REQUEST, Some("invalidSyntax"), "Not JSON.");
                    };
                    let mut next = current.clone();
                    if let Err(what) = server.apply(&mut next, &patch) {
                        return error(StatusCode::BAD_REQUEST, Some("invalidSyntax"), what);
                    }
                    if next == current && server.misbehaviour == Misbehaviour::RefusesNoOpPatch {
                        return (
                            StatusCode::BAD_REQUEST,
                            [("content-type", "application/json")],
                            json!({"detail": "No valid fields to update"}).to_string(),
                        )
                            .into_response();
                    }
                    table.insert(id.to_string(), next.clone());
                    if users {
                        scim(StatusCode::OK, &next)
                    } else {
                        StatusCode::NO_CONTENT.into_response()
                    }
                }
                _ => error(StatusCode::METHOD_NOT_ALLOWED, None, "Not supported."),
            }
        }
        _ => error(StatusCode::METHOD_NOT_ALLOWED, None, "Not supported."),
    }
}

struct Foreign {
    url: String,
    server: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl Foreign {
    async fn start(misbehaviour: Misbehaviour) -> Self {
        let server = Arc::new(Server {
            misbehaviour,
            store: Mutex::new(Store::default()),
            methods: Mutex::new(Vec::new()),
        });
        let router = Router::new().fallback(handle).with_state(server.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/scim", listener.local_addr().expect("addr"));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { url, server, task }
    }

    async fn diagnose(&self) -> DiagnoseReport {
        self.diagnose_with(true).await
    }

    async fn diagnose_with(&self, write_checks: bool) -> DiagnoseReport {
        let mut request = DiagnoseRequest::new(&self.url, Secret::new(TOKEN));
        request.timeout = Duration::from_secs(2);
        request.write_checks = write_checks;
        request.test_domain = Some("fabrikam.example".into());
        let report = diagnose(request, &NoProgress, CancellationToken::new()).await;
        let json = serde_json::to_string(&report).expect("serializes");
        assert!(!json.contains("secret-part"), "the token leaked");
        report
    }

    fn left(&self) -> usize {
        let store = self.server.store.lock().expect("lock");
        store.users.len() + store.groups.len()
    }

    fn stop(self) {
        self.task.abort();
    }
}

fn check<'a>(report: &'a DiagnoseReport, id: &str) -> &'a CheckResult {
    report
        .check(id)
        .unwrap_or_else(|| panic!("{id} in:\n{}", report.to_text()))
}

/// The check failed with `kind`, and its cause holds every one of `words`.
fn assert_failed(report: &DiagnoseReport, id: &str, kind: FailureKind, words: &[&str]) {
    let result = check(report, id);
    assert_eq!(result.outcome, Outcome::Fail, "{id}:\n{}", report.to_text());
    assert_eq!(result.failure, Some(kind), "{id}:\n{}", report.to_text());
    let cause = result.cause.as_deref().unwrap_or_default();
    for word in words {
        assert!(cause.contains(word), "{id}: {word} not in {cause}");
    }
    assert!(!result.fix.as_deref().unwrap_or_default().is_empty());
}

#[tokio::test]
async fn the_foreign_server_without_a_misbehaviour_passes_every_entra_request() {
    let foreign = Foreign::start(Misbehaviour::None).await;
    let report = foreign.diagnose().await;
    for result in &report.checks {
        assert!(
            !result.is_fail(),
            "{} failed on a working server:\n{}",
            result.id,
            report.to_text()
        );
    }
    for id in [
        "write-group-remove-member",
        "write-patch-no-op",
        "write-manager",
        "match-external-id",
        "resource-shape",
    ] {
        assert_eq!(
            check(&report, id).outcome,
            Outcome::Pass,
            "{id}:\n{}",
            report.to_text()
        );
    }
    assert_eq!(foreign.left(), 0, "the checks left something behind");
    foreign.stop();
}

#[tokio::test]
async fn a_proxy_that_blocks_requests_without_a_user_agent_is_named_not_the_role() {
    let foreign = Foreign::start(Misbehaviour::BlocksWithoutUserAgent).await;
    let report = foreign.diagnose().await;
    assert_failed(
        &report,
        "auth-token-accepted",
        FailureKind::UserAgentRequired,
        &[
            "User-Agent",
            "403 Forbidden Request blocked.",
            "answered HTTP 200",
        ],
    );
    let accepted = check(&report, "auth-token-accepted");
    assert!(!accepted
        .cause
        .as_deref()
        .unwrap_or_default()
        .contains("SCIM Authenticator"));
    assert_eq!(accepted.evidence.len(), 2, "the request and its comparison");
    assert!(accepted.evidence[1].request.contains("(with User-Agent:"));
    foreign.stop();
}

#[tokio::test]
async fn verbs_blocked_by_the_web_server_are_named_not_a_sign_in_page() {
    let foreign = Foreign::start(Misbehaviour::WebDavEatsVerbs).await;
    let report = foreign.diagnose().await;
    for id in [
        "write-patch-legacy",
        "write-patch-compliant",
        "write-delete-user",
    ] {
        assert_failed(
            &report,
            id,
            FailureKind::MethodBlocked,
            &[
                "WebDAV",
                "HTTP verb used to access this page is not allowed",
            ],
        );
    }
    assert!(
        report
            .checks
            .iter()
            .all(|c| c.failure != Some(FailureKind::LoginPage)),
        "{}",
        report.to_text()
    );
    foreign.stop();
}

#[tokio::test]
async fn an_unsupported_external_id_filter_is_detected() {
    let foreign = Foreign::start(Misbehaviour::NoExternalIdFilter).await;
    let report = foreign.diagnose().await;
    assert_eq!(
        check(&report, "test-connection-users").outcome,
        Outcome::Pass
    );
    assert_failed(
        &report,
        "match-external-id",
        FailureKind::ExternalIdFilterRejected,
        &[
            "externalId",
            "invalidFilter",
            "The filter is not supported.",
        ],
    );
    assert_failed(
        &report,
        "write-filter-external-id",
        FailureKind::ExternalIdFilterRejected,
        &["The filter is not supported."],
    );
    assert_eq!(foreign.left(), 0);
    foreign.stop();
}

#[tokio::test]
async fn a_406_without_a_json_accept_is_content_negotiation() {
    let foreign = Foreign::start(Misbehaviour::NeedsJsonAccept).await;
    let report = foreign.diagnose().await;
    assert_failed(
        &report,
        "auth-token-accepted",
        FailureKind::NotAcceptable,
        &["406", "Accept", "application/scim+json answered HTTP 200"],
    );
    let fix = check(&report, "auth-token-accepted")
        .fix
        .clone()
        .unwrap_or_default();
    assert!(fix.contains("whatever the Accept header says"), "{fix}");
    foreign.stop();
}

#[tokio::test]
async fn a_legacy_remove_that_empties_the_group_is_caught_with_a_group_of_two() {
    let foreign = Foreign::start(Misbehaviour::LegacyRemoveEmptiesGroup).await;
    let report = foreign.diagnose().await;
    assert_failed(
        &report,
        "write-group-remove-member",
        FailureKind::RemoveEmptiedGroup,
        &["emptied the whole group", "0 members"],
    );
    assert_eq!(foreign.left(), 0);
    foreign.stop();
}

#[tokio::test]
async fn a_refused_no_op_patch_is_detected_and_its_error_body_judged() {
    let foreign = Foreign::start(Misbehaviour::RefusesNoOpPatch).await;
    let report = foreign.diagnose().await;
    assert_failed(
        &report,
        "write-patch-no-op",
        FailureKind::NoOpPatchRejected,
        &[
            "No valid fields to update",
            "legacy dialect",
            "aadOptscim062020 dialect",
        ],
    );
    let shape = check(&report, "error-shape");
    assert_eq!(shape.failure, Some(FailureKind::ErrorShape));
    let facts: Vec<&str> = shape.facts.iter().map(|f| f.value.as_str()).collect();
    assert!(
        facts
            .iter()
            .any(|f| f.contains("schemas must be present") && f.contains("status must be present")),
        "{facts:?}"
    );
    foreign.stop();
}

#[tokio::test]
async fn a_manager_kept_as_a_string_is_detected() {
    let foreign = Foreign::start(Misbehaviour::ManagerAsString).await;
    let report = foreign.diagnose().await;
    assert_failed(
        &report,
        "write-manager",
        FailureKind::ManagerNotComplex,
        &[
            "SystemForCrossDomainIdentityManagementServiceIncompatible",
            "as a string",
        ],
    );
    let shape = check(&report, "resource-shape");
    assert_eq!(
        shape.failure,
        Some(FailureKind::ResourceNotReadable),
        "{}",
        report.to_text()
    );
    assert!(shape.facts.iter().any(|f| f.value.contains("manager")));
    foreign.stop();
}

/// What Rust's debug formatting leaves behind; none of it may reach a person.
const DEBUG_TEXT: &[&str] = &["Some(", "None", "Ok(", "Err(", "\\\"", "{:?}"];

#[tokio::test]
async fn the_read_only_checks_only_read_even_when_they_repeat_a_request() {
    // The misbehaviours that make Diagnose repeat a request (with a User-Agent, with a JSON
    // Accept) or meet an error body, as well as a working server.
    for misbehaviour in [
        Misbehaviour::None,
        Misbehaviour::BlocksWithoutUserAgent,
        Misbehaviour::NeedsJsonAccept,
        Misbehaviour::WebDavEatsVerbs,
        Misbehaviour::NoExternalIdFilter,
    ] {
        let foreign = Foreign::start(misbehaviour).await;
        let report = foreign.diagnose_with(false).await;
        assert!(
            report.checks.iter().all(|c| !c.id.starts_with("write-")),
            "{misbehaviour:?}: a write check ran"
        );
        let methods = foreign.server.methods.lock().expect("lock").clone();
        assert!(
            !methods.is_empty(),
            "{misbehaviour:?}: no request reached the server"
        );
        assert!(
            methods.iter().all(|m| *m == Method::GET),
            "{misbehaviour:?}: the read-only run sent {methods:?}"
        );
        foreign.stop();
    }
}

#[tokio::test]
async fn no_message_of_any_misbehaviour_holds_debug_text() {
    let mut seen = std::collections::BTreeSet::new();
    for misbehaviour in [
        Misbehaviour::BlocksWithoutUserAgent,
        Misbehaviour::WebDavEatsVerbs,
        Misbehaviour::NoExternalIdFilter,
        Misbehaviour::NeedsJsonAccept,
        Misbehaviour::LegacyRemoveEmptiesGroup,
        Misbehaviour::RefusesNoOpPatch,
        Misbehaviour::ManagerAsString,
    ] {
        let foreign = Foreign::start(misbehaviour).await;
        let report = foreign.diagnose().await;
        for result in &report.checks {
            let mut texts: Vec<String> = vec![
                result.cause.clone().unwrap_or_default(),
                result.fix.clone().unwrap_or_default(),
            ];
            if let Outcome::Skipped { reason } = &result.outcome {
                texts.push(reason.clone());
            }
            texts.extend(
                result
                    .facts
                    .iter()
                    .map(|f| format!("{}: {}", f.label, f.value)),
            );
            for text in texts {
                for debug in DEBUG_TEXT {
                    assert!(
                        !text.contains(debug),
                        "{misbehaviour:?}, {}: {debug} in {text}",
                        result.id
                    );
                }
            }
            if let Some(kind) = result.failure {
                seen.insert(format!("{kind:?}"));
            }
        }
        foreign.stop();
    }
    for kind in [
        "UserAgentRequired",
        "MethodBlocked",
        "ExternalIdFilterRejected",
        "NotAcceptable",
        "RemoveEmptiedGroup",
        "NoOpPatchRejected",
        "ManagerNotComplex",
        "ErrorShape",
        "ResourceNotReadable",
    ] {
        assert!(seen.contains(kind), "{kind} was never produced: {seen:?}");
    }
}

#[test]
fn the_filter_reader_unescapes_quotes() {
    assert_eq!(
        parse_eq(r#"displayName eq "a \"b\" c""#),
        Some(("displayname".into(), "a \"b\" c".into()))
    );
    let _ = Map::<String, Value>::new();
}
