//! The test user's own checks, as Entra provisions a user: create it after the match query
//! (Entra's exact body), create it again (409 uniqueness), read it back, find it by userName
//! in another case; at the end delete it and see it gone.

use reqwest::Method;
use serde_json::Value;

use super::kit::{id_of, is_success, WriteRun};
use crate::diagnose::calls::exchange::{
    common_failure, refusal, status_and_words, with_scim_detail, Auth, Exchange,
};
use crate::diagnose::calls::probe::Probe;
use crate::diagnose::output::explain::FailureKind;
use crate::diagnose::output::report::{Check, CheckResult};

pub const CREATE_USER: Check = Check {
    id: "write-create-user",
    title: "Create a test user with Entra's exact body (201)",
};
pub const DUPLICATE_USER: Check = Check {
    id: "write-duplicate-user",
    title: "Creating it again answers 409 uniqueness",
};
pub const GET_USER: Check = Check {
    id: "write-get-user",
    title: "Get the test user by id",
};
pub const FILTER_OTHER_CASE: Check = Check {
    id: "write-filter-other-case",
    title: "Filter by userName in another case finds it",
};
pub const DELETE_USER: Check = Check {
    id: "write-delete-user",
    title: "Delete the test user (204)",
};
pub const GET_DELETED: Check = Check {
    id: "write-get-deleted-user",
    title: "The deleted user answers 404",
};

/// Creates the test user with `body`, after Entra's match query (which must find nobody).
/// Returns its id; it is tracked for cleanup.
pub(crate) async fn create_user(run: &WriteRun<'_>, body: &Value) -> Option<String> {
    let create = run
        .runner
        .run(CREATE_USER, async {
            let filter = format!("userName eq \"{}\"", run.user_name);
            let matched = run
                .probe
                .get("Users", &[("filter", &filter)], Auth::Token)
                .await;
            let exchange = run.call(Method::POST, "Users", Some(body)).await;
            let result = CheckResult::new(CREATE_USER)
                .with_evidence(matched.evidence)
                .with_exchange(&exchange)
                .fact("userName", &run.user_name);
            let id = id_of(&exchange).filter(|_| is_success(&exchange));
            if let Some(id) = &id {
                run.track_user(id);
            }
            judge_create(result, &exchange, id.is_some(), run.probe)
        })
        .await;
    create
        .facts
        .iter()
        .find(|f| f.label == "id")
        .map(|f| f.value.clone())
}

fn judge_create(
    result: CheckResult,
    exchange: &Exchange,
    has_id: bool,
    probe: &Probe,
) -> CheckResult {
    let body = exchange.evidence.body_excerpt.clone().unwrap_or_default();
    match exchange.status {
        Some(201) if has_id => result.fact("id", id_of(exchange).unwrap_or_default()),
        Some(200) if has_id => result.fact("id", id_of(exchange).unwrap_or_default()).warn(
            FailureKind::UnexpectedStatus,
            "(HTTP 200; RFC 7644 says 201 Created)",
        ),
        Some(s) if (200..300).contains(&s) => {
            result.fail(FailureKind::NotScimResponse, "(the created user has no id)")
        }
        Some(409) => result.fail(
            FailureKind::ConflictOnCreate,
            with_scim_detail("(HTTP 409 after a query that found nobody)", exchange),
        ),
        Some(400) if body.to_ascii_lowercase().contains("domain") => {
            result.fail(FailureKind::DomainNotValidated, status_and_words(exchange))
        }
        Some(400) => result.fail(FailureKind::CreateRejected, status_and_words(exchange)),
        _ => match common_failure(exchange, probe.timeout) {
            Some((kind, detail)) => result.fail(kind, with_scim_detail(&detail, exchange)),
            None => match exchange.status {
                Some(_) => {
                    let (kind, detail) = refusal(exchange, probe.timeout);
                    result.fail(kind, detail)
                }
                None => CheckResult::skipped(CREATE_USER, "cancelled"),
            },
        },
    }
}

/// Posts the same body again: the endpoint must answer 409 with scimType uniqueness.
pub(crate) async fn check_duplicate(run: &WriteRun<'_>, body: &Value, user_id: &str) {
    run.runner
        .run(DUPLICATE_USER, async {
            let exchange = run.call(Method::POST, "Users", Some(body)).await;
            let result = CheckResult::new(DUPLICATE_USER).with_exchange(&exchange);
            if let (true, Some(id)) = (is_success(&exchange), id_of(&exchange)) {
                if id != user_id {
                    run.track_user(&id);
                }
                return result.fail(
                    FailureKind::DuplicateAccepted,
                    format!("(HTTP {})", exchange.status.unwrap_or_default()),
                );
            }
            match exchange.status {
                Some(409) => {
                    let scim_type = exchange
                        .json
                        .as_ref()
                        .and_then(|j| j.get("scimType"))
                        .and_then(Value::as_str);
                    if scim_type == Some("uniqueness") {
                        result
                    } else {
                        result.warn(
                            FailureKind::ErrorShape,
                            format!(
                                "(409 with scimType {}, not uniqueness)",
                                scim_type.unwrap_or("missing")
                            ),
                        )
                    }
                }
                _ => match common_failure(&exchange, run.probe.timeout) {
                    Some((kind, detail)) => result.fail(kind, detail),
                    None => result.warn(
                        FailureKind::UnexpectedStatus,
                        format!("{} instead of 409.", status_and_words(&exchange)),
                    ),
                },
            }
        })
        .await;
}

/// `GET /Users/{id}` reads back the same id and userName.
pub(crate) async fn check_get_user(run: &WriteRun<'_>, user_id: &str) {
    run.runner
        .run(GET_USER, async {
            let exchange = run
                .call(Method::GET, &format!("Users/{user_id}"), None)
                .await;
            let result = CheckResult::new(GET_USER).with_exchange(&exchange);
            if let Some((kind, detail)) = common_failure(&exchange, run.probe.timeout) {
                return result.fail(kind, detail);
            }
            let name = exchange
                .json
                .as_ref()
                .and_then(|j| j.get("userName"))
                .and_then(Value::as_str);
            match exchange.status {
                Some(200)
                    if id_of(&exchange).as_deref() == Some(user_id)
                        && name.is_some_and(|n| n.eq_ignore_ascii_case(&run.user_name)) =>
                {
                    result
                }
                Some(200) => result.fail(
                    FailureKind::WriteMismatch,
                    "(the id or userName read back differs)",
                ),
                _ => {
                    let (kind, detail) = refusal(&exchange, run.probe.timeout);
                    result.fail(kind, detail)
                }
            }
        })
        .await;
}

/// Entra's userName match in upper case finds the test user exactly once.
pub(crate) async fn check_filter_other_case(run: &WriteRun<'_>) {
    run.runner
        .run(FILTER_OTHER_CASE, async {
            let filter = format!("userName eq \"{}\"", run.user_name.to_uppercase());
            let exchange = run
                .probe
                .get("Users", &[("filter", &filter)], Auth::Token)
                .await;
            let result = CheckResult::new(FILTER_OTHER_CASE).with_exchange(&exchange);
            if let Some((kind, detail)) = common_failure(&exchange, run.probe.timeout) {
                return result.fail(kind, detail);
            }
            let total = exchange
                .json
                .as_ref()
                .and_then(|j| j.get("totalResults"))
                .and_then(Value::as_u64);
            match (exchange.status, total) {
                (Some(200), Some(1)) => result,
                (Some(200), Some(0)) => result.warn(
                    FailureKind::FilterCaseSensitive,
                    "(the upper-cased userName found nobody)",
                ),
                (Some(200), total) => result.warn(
                    FailureKind::FilterCaseSensitive,
                    format!(
                        "(totalResults {} for one user)",
                        total.map_or_else(|| "missing".to_string(), |t| t.to_string())
                    ),
                ),
                _ => {
                    let (kind, detail) = refusal(&exchange, run.probe.timeout);
                    result.warn(kind, detail)
                }
            }
        })
        .await;
}

/// Deletes the test user (204) and, once it is gone, checks that it answers 404.
pub(crate) async fn delete_user(run: &WriteRun<'_>, user_id: &str) {
    let deleted = run
        .runner
        .run(DELETE_USER, async {
            let exchange = run
                .call(Method::DELETE, &format!("Users/{user_id}"), None)
                .await;
            let result = CheckResult::new(DELETE_USER).with_exchange(&exchange);
            match exchange.status {
                Some(204) => {
                    run.forget(user_id);
                    result
                }
                Some(200) => {
                    run.forget(user_id);
                    result.fact("status", "200 (RFC 7644 says 204)")
                }
                _ => match common_failure(&exchange, run.probe.timeout) {
                    Some((kind, detail)) => result.fail(kind, detail),
                    None => result.fail(FailureKind::DeleteFailed, status_and_words(&exchange)),
                },
            }
        })
        .await;
    if !deleted.is_pass() {
        run.runner
            .skip(GET_DELETED, "the test user was not deleted");
        return;
    }
    check_get_deleted(run, user_id).await;
}

/// `GET /Users/{id}` after the delete answers 404.
async fn check_get_deleted(run: &WriteRun<'_>, user_id: &str) {
    run.runner
        .run(GET_DELETED, async {
            let exchange = run
                .call(Method::GET, &format!("Users/{user_id}"), None)
                .await;
            let result = CheckResult::new(GET_DELETED).with_exchange(&exchange);
            match exchange.status {
                Some(404) => result,
                Some(status) if (200..300).contains(&status) => result.fail(
                    FailureKind::DeleteFailed,
                    format!("(HTTP {status} after DELETE)"),
                ),
                Some(_) => result.warn(
                    FailureKind::UnknownUserNot404,
                    format!("{} instead of 404.", status_and_words(&exchange)),
                ),
                None => match common_failure(&exchange, run.probe.timeout) {
                    Some((kind, detail)) => result.fail(kind, detail),
                    None => CheckResult::skipped(GET_DELETED, "cancelled"),
                },
            }
        })
        .await;
}
