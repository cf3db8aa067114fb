//! Diagnosis against SCIM servers that are not ours: small in-test servers with one quirk each
//! (legacy PATCH refused, errors in a non-SCIM shape, no /Users, 409 on every create, the token
//! echoed back). Proves the checks read the wire, not our sandbox's habits.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use scim_core::diagnose::{diagnose, DiagnoseReport, DiagnoseRequest, FailureKind, Outcome};
use scim_core::progress::NoProgress;
use scim_core::Secret;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

const TOKEN: &str = "foreign-token-Zx81-secret-part-Q7p2";

#[derive(Clone, Copy, Default)]
struct Quirks {
    reject_legacy_patch: bool,
    plain_errors: bool,
    conflict_on_create: bool,
    echo_token: bool,
    no_users: bool,
    basic_only: bool,
}

struct Server {
    quirks: Quirks,
    users: Mutex<HashMap<String, Value>>,
}

type Shared = Arc<Server>;

fn scim(status: StatusCode, body: Value) -> Response {
    (
        status,
        [("content-type", "application/scim+json")],
        body.to_string(),
    )
        .into_response()
}

impl Server {
    fn error(
        &self,
        status: StatusCode,
        scim_type: Option<&str>,
        detail: &str,
        headers: &HeaderMap,
    ) -> Response {
        let mut body = if self.quirks.plain_errors {
            json!({"error": detail, "status": status.as_u16()})
        } else {
            json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                   "status": status.as_u16().to_string(), "detail": detail})
        };
        if let Some(t) = scim_type {
            body["scimType"] = json!(t);
        }
        self.echo(&mut body, headers);
        let content_type = if self.quirks.plain_errors {
            "application/json"
        } else {
            "application/scim+json"
        };
        (status, [("content-type", content_type)], body.to_string()).into_response()
    }

    fn echo(&self, body: &mut Value, headers: &HeaderMap) {
        if self.quirks.echo_token {
            let seen = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            body["seenAuthorization"] = json!(seen);
        }
    }

    fn refusal(&self, headers: &HeaderMap) -> Option<Response> {
        let expected = format!("Bearer {TOKEN}");
        match headers.get("authorization").and_then(|v| v.to_str().ok()) {
            Some(value) if value == expected => None,
            _ if self.quirks.basic_only => {
                let mut refused =
                    self.error(StatusCode::UNAUTHORIZED, None, "bad credentials", headers);
                refused.headers_mut().insert(
                    "www-authenticate",
                    axum::http::HeaderValue::from_static("Basic realm=\"scim\""),
                );
                Some(refused)
            }
            _ => Some(self.error(StatusCode::UNAUTHORIZED, None, "bad token", headers)),
        }
    }
}

/// `attr eq "value"`: the attribute (lower case) and the value.
fn filter_value(filter: &str) -> Option<(String, String)> {
    let (attr, rest) = filter.split_once(" eq ")?;
    Some((
        attr.trim().to_ascii_lowercase(),
        rest.trim().trim_matches('"').to_string(),
    ))
}

async fn list_users(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Some(refused) = s.refusal(&headers) {
        return refused;
    }
    let users = s.users.lock().expect("lock").clone();
    let mut found: Vec<Value> = match q.get("filter").and_then(|f| filter_value(f)) {
        Some((attr, wanted)) => users
            .values()
            .filter(|u| {
                let key = if attr == "externalid" {
                    "externalId"
                } else {
                    "userName"
                };
                u[key]
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case(&wanted))
            })
            .cloned()
            .collect(),
        None => users.values().cloned().collect(),
    };
    let total = found.len();
    let count: usize = q.get("count").and_then(|c| c.parse().ok()).unwrap_or(100);
    found.truncate(count);
    let mut body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                          "totalResults": total, "startIndex": 1, "itemsPerPage": found.len(), "Resources": found});
    s.echo(&mut body, &headers);
    scim(StatusCode::OK, body)
}

async fn create_user(State(s): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(refused) = s.refusal(&headers) {
        return refused;
    }
    let Ok(mut user) = serde_json::from_slice::<Value>(&body) else {
        return s.error(
            StatusCode::BAD_REQUEST,
            Some("invalidSyntax"),
            "not JSON",
            &headers,
        );
    };
    let name = user["userName"].as_str().unwrap_or_default().to_string();
    let mut users = s.users.lock().expect("lock");
    let taken = users.values().any(|u| {
        u["userName"]
            .as_str()
            .is_some_and(|n| n.eq_ignore_ascii_case(&name))
    });
    if s.quirks.conflict_on_create || taken {
        drop(users);
        return s.error(
            StatusCode::CONFLICT,
            Some("uniqueness"),
            "userName exists",
            &headers,
        );
    }
    let id = uuid_like(users.len());
    user["id"] = json!(id);
    users.insert(id, user.clone());
    scim(StatusCode::CREATED, user)
}

fn uuid_like(n: usize) -> String {
    format!("u-{n}-{}", std::process::id())
}

async fn get_user(State(s): State<Shared>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if let Some(refused) = s.refusal(&headers) {
        return refused;
    }
    let user = s.users.lock().expect("lock").get(&id).cloned();
    match user {
        Some(user) => scim(StatusCode::OK, user),
        None => s.error(StatusCode::NOT_FOUND, None, "no such user", &headers),
    }
}

async fn delete_user(
    State(s): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Some(refused) = s.refusal(&headers) {
        return refused;
    }
    let removed = s.users.lock().expect("lock").remove(&id);
    match removed {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => s.error(StatusCode::NOT_FOUND, None, "no such user", &headers),
    }
}

fn set_attribute(user: &mut Value, path: &str, value: &Value) {
    match path {
        "active" => user["active"] = value.clone(),
        "name.givenName" => user["name"]["givenName"] = value.clone(),
        "name.familyName" => user["name"]["familyName"] = value.clone(),
        "emails[type eq \"work\"].value" => {
            user["emails"] = json!([{"type": "work", "value": value, "primary": true}])
        }
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager" => {
            user["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] =
                json!({"manager": {"value": value}})
        }
        _ => {}
    }
}

async fn patch_user(
    State(s): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(refused) = s.refusal(&headers) {
        return refused;
    }
    let Ok(patch) = serde_json::from_slice::<Value>(&body) else {
        return s.error(
            StatusCode::BAD_REQUEST,
            Some("invalidSyntax"),
            "not JSON",
            &headers,
        );
    };
    let operations = patch["Operations"].as_array().cloned().unwrap_or_default();
    // The strict reading of RFC 7644 that refuses Entra's default dialect.
    if s.quirks.reject_legacy_patch {
        let legacy = operations.iter().any(|op| {
            op["op"].as_str().is_some_and(|o| o != o.to_lowercase())
                || op["value"].is_string() && op["path"] == "active"
        });
        if legacy {
            return s.error(
                StatusCode::BAD_REQUEST,
                Some("invalidValue"),
                "op must be add, remove or replace; active must be a boolean",
                &headers,
            );
        }
    }
    let mut users = s.users.lock().expect("lock");
    let Some(user) = users.get_mut(&id) else {
        drop(users);
        return s.error(StatusCode::NOT_FOUND, None, "no such user", &headers);
    };
    for op in operations {
        let value = match (&op["path"], &op["value"]) {
            (_, Value::String(text)) if text.eq_ignore_ascii_case("false") => json!(false),
            (_, Value::String(text)) if text.eq_ignore_ascii_case("true") => json!(true),
            (_, other) => other.clone(),
        };
        match op["path"].as_str() {
            Some(path) => set_attribute(user, path, &value),
            None => {
                for (path, inner) in value.as_object().cloned().unwrap_or_default() {
                    set_attribute(user, &path, &inner);
                }
            }
        }
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn not_found(State(s): State<Shared>, headers: HeaderMap) -> Response {
    if s.quirks.no_users {
        return (
            StatusCode::NOT_FOUND,
            [("content-type", "text/plain")],
            "Not Found",
        )
            .into_response();
    }
    s.error(StatusCode::NOT_FOUND, None, "no such endpoint", &headers)
}

struct Foreign {
    url: String,
    server: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl Foreign {
    async fn start(quirks: Quirks) -> Self {
        let server = Arc::new(Server {
            quirks,
            users: Mutex::new(HashMap::new()),
        });
        let mut router = Router::new();
        if !quirks.no_users {
            router = router
                .route("/scim/Users", get(list_users).post(create_user))
                .route(
                    "/scim/Users/{id}",
                    get(get_user).patch(patch_user).delete(delete_user),
                );
        }
        let router = router.fallback(not_found).with_state(server.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/scim", listener.local_addr().expect("addr"));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { url, server, task }
    }

    fn request(&self, write_checks: bool) -> DiagnoseRequest {
        let mut request = DiagnoseRequest::new(&self.url, Secret::new(TOKEN));
        request.timeout = Duration::from_secs(2);
        request.write_checks = write_checks;
        request.test_domain = Some("example.org".into());
        request
    }

    fn users_left(&self) -> usize {
        self.server.users.lock().expect("lock").len()
    }

    fn stop(self) {
        self.task.abort();
    }
}

async fn run(request: DiagnoseRequest) -> DiagnoseReport {
    let report = diagnose(request, &NoProgress, CancellationToken::new()).await;
    let json = serde_json::to_string(&report).expect("serializes");
    assert!(
        !json.contains("secret-part"),
        "the token leaked into the JSON report"
    );
    assert!(
        !report.to_text().contains("secret-part"),
        "the token leaked into the text report"
    );
    report
}

fn check<'a>(report: &'a DiagnoseReport, id: &str) -> &'a scim_core::diagnose::CheckResult {
    report
        .check(id)
        .unwrap_or_else(|| panic!("{id} in:\n{}", report.to_text()))
}

#[tokio::test]
async fn a_minimal_foreign_server_has_no_failures() {
    let foreign = Foreign::start(Quirks::default()).await;
    let report = run(foreign.request(true)).await;
    assert!(report.passed(), "{}", report.to_text());
    assert_eq!(
        check(&report, "test-connection-users").outcome,
        Outcome::Pass
    );
    assert_eq!(check(&report, "write-patch-legacy").outcome, Outcome::Pass);
    // It has no /Groups: a warning that says what to do, and the group checks are skipped.
    assert_eq!(
        check(&report, "test-connection-groups").failure,
        Some(FailureKind::GroupsNotOffered)
    );
    assert!(matches!(
        check(&report, "write-create-group").outcome,
        Outcome::Skipped { .. }
    ));
    assert_eq!(foreign.users_left(), 0);
    foreign.stop();
}

#[tokio::test]
async fn legacy_patch_rejected_recommends_the_compliance_flag() {
    let foreign = Foreign::start(Quirks {
        reject_legacy_patch: true,
        ..Quirks::default()
    })
    .await;
    let report = run(foreign.request(true)).await;
    for id in ["write-patch-legacy", "write-disable-legacy"] {
        let legacy = check(&report, id);
        assert_eq!(legacy.outcome, Outcome::Fail, "{id}:\n{}", report.to_text());
        assert_eq!(legacy.failure, Some(FailureKind::LegacyPatchRejected));
        assert!(legacy
            .fix
            .as_deref()
            .unwrap_or_default()
            .contains("?aadOptscim062020"));
    }
    assert_eq!(
        check(&report, "write-patch-compliant").outcome,
        Outcome::Pass
    );
    assert_eq!(
        check(&report, "write-disable-compliant").outcome,
        Outcome::Pass
    );
    assert_eq!(foreign.users_left(), 0, "the test user was left behind");

    // With the flag on the Tenant URL, Entra speaks the dialect this server accepts.
    let mut flagged = foreign.request(true);
    flagged.url = format!("{}?aadOptscim062020", foreign.url);
    let report = run(flagged).await;
    assert!(report.passed(), "{}", report.to_text());
    assert_eq!(check(&report, "write-patch-legacy").outcome, Outcome::Warn);
    assert_eq!(foreign.users_left(), 0);
    foreign.stop();
}

#[tokio::test]
async fn errors_in_a_non_scim_shape_are_flagged() {
    let foreign = Foreign::start(Quirks {
        plain_errors: true,
        ..Quirks::default()
    })
    .await;
    let report = run(foreign.request(false)).await;
    let audit = check(&report, "error-shape");
    assert_eq!(audit.outcome, Outcome::Warn, "{}", report.to_text());
    assert_eq!(audit.failure, Some(FailureKind::ErrorShape));
    assert!(
        audit
            .facts
            .iter()
            .any(|f| f.value.contains("status must be a string")),
        "{:?}",
        audit.facts
    );
    assert!(audit
        .fix
        .as_deref()
        .unwrap_or_default()
        .contains("status as a string"));
    foreign.stop();
}

#[tokio::test]
async fn a_server_without_users_is_a_wrong_base_url() {
    let foreign = Foreign::start(Quirks {
        no_users: true,
        ..Quirks::default()
    })
    .await;
    let report = run(foreign.request(false)).await;
    let users = check(&report, "test-connection-users");
    assert_eq!(users.outcome, Outcome::Fail);
    assert_eq!(users.failure, Some(FailureKind::WrongBaseUrl));
    assert!(users.cause.as_deref().unwrap_or_default().contains("404"));
    foreign.stop();
}

#[tokio::test]
async fn a_conflict_on_create_is_named() {
    let foreign = Foreign::start(Quirks {
        conflict_on_create: true,
        ..Quirks::default()
    })
    .await;
    let report = run(foreign.request(true)).await;
    let create = check(&report, "write-create-user");
    assert_eq!(create.outcome, Outcome::Fail, "{}", report.to_text());
    assert_eq!(create.failure, Some(FailureKind::ConflictOnCreate));
    assert!(create
        .fix
        .as_deref()
        .unwrap_or_default()
        .contains("matching attribute"));
    assert_eq!(check(&report, "write-cleanup").outcome, Outcome::Pass);
    foreign.stop();
}

#[tokio::test]
async fn a_token_echoed_back_never_reaches_the_report() {
    let foreign = Foreign::start(Quirks {
        echo_token: true,
        ..Quirks::default()
    })
    .await;
    let mut request = foreign.request(false);
    request.token = Secret::new(format!("Bearer {TOKEN}"));
    // Progress events carry check results too: they must be as clean as the report.
    let sink =
        scim_core::progress::CollectProgress::<scim_core::diagnose::DiagnoseProgress>::default();
    let _ = diagnose(request.clone(), &sink, CancellationToken::new()).await;
    let events = serde_json::to_string(&sink.events()).expect("events serialize");
    assert!(
        events.contains("seenAuthorization"),
        "the server echoed the header"
    );
    assert!(
        !events.contains("secret-part"),
        "the token leaked into a progress event"
    );
    // `run` asserts the token is absent from the JSON and the text.
    let report = run(request).await;
    let excerpts: Vec<&str> = report
        .checks
        .iter()
        .flat_map(|c| c.evidence.iter())
        .filter_map(|e| e.body_excerpt.as_deref())
        // The call made without a token has nothing to echo.
        .filter(|b| b.contains("seenAuthorization") && !b.contains(r#""seenAuthorization":"""#))
        .collect();
    assert!(!excerpts.is_empty(), "the server echoed the header");
    assert!(
        excerpts.iter().all(|b| b.contains("[redacted]")),
        "{excerpts:?}"
    );
    foreign.stop();
}

#[tokio::test]
async fn an_endpoint_that_wants_basic_auth_is_named() {
    let foreign = Foreign::start(Quirks {
        basic_only: true,
        ..Quirks::default()
    })
    .await;
    let mut request = foreign.request(false);
    request.token = Secret::new("a-key-id-and-secret-pair-secret-part");
    let report = run(request).await;
    let accepted = check(&report, "auth-token-accepted");
    assert_eq!(accepted.outcome, Outcome::Fail, "{}", report.to_text());
    assert_eq!(accepted.failure, Some(FailureKind::BasicAuthOnly));
    assert!(accepted
        .fix
        .as_deref()
        .unwrap_or_default()
        .contains("bearer token"));
    assert_eq!(
        accepted.evidence[0].www_authenticate.as_deref(),
        Some("Basic realm=\"scim\"")
    );
    foreign.stop();
}
