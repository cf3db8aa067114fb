//! The opt-in checks with side effects, in the order Entra provisions a user: match, create
//! (Entra's exact body), duplicate, read back, match in another case and on externalId, PATCH
//! in both dialects, disable, enable, no-op PATCHes, a second user without an email (work
//! email upsert, manager), groups, delete. Whatever was created is deleted at the end, after a
//! failure or a cancel too; if the whole future is dropped, a guard spawns the deletes.

use std::sync::{Arc, Mutex};

use reqwest::Method;
use serde_json::{json, Value};

use super::diagnose::Runner;
use super::explain::FailureKind;
use super::probe::{common_failure, refusal, status_and_words, Auth, Exchange, Probe};
use super::report::{Check, CheckResult};
use super::write_cleanup::{delete_all, CleanupGuard, Created};
use super::write_entra_updates::{
    check_filter_external_id, check_manager, check_no_op_patches, check_work_email_upsert,
    create_second_user, CREATE_SECOND_USER, FILTER_EXTERNAL_ID, MANAGER, PATCH_NO_OP,
    WORK_EMAIL_UPSERT,
};
use super::write_groups::{run_group_checks, GROUP_CHECKS};
use super::write_patch::{run_patch_pairs, PATCH_CHECKS};

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
pub const CLEANUP: Check = Check {
    id: "write-cleanup",
    title: "Nothing the checks created is left behind",
};

/// Every write check, in order: the plan the UI shows.
pub(crate) fn write_check_plan() -> Vec<Check> {
    let mut plan = vec![
        CREATE_USER,
        DUPLICATE_USER,
        GET_USER,
        FILTER_OTHER_CASE,
        FILTER_EXTERNAL_ID,
    ];
    plan.extend(PATCH_CHECKS);
    plan.extend([PATCH_NO_OP, CREATE_SECOND_USER, WORK_EMAIL_UPSERT, MANAGER]);
    plan.extend(GROUP_CHECKS);
    plan.extend([DELETE_USER, GET_DELETED, CLEANUP]);
    plan
}

/// Shared state of one write run.
pub(crate) struct WriteRun<'a> {
    pub probe: &'a Probe,
    pub runner: &'a Runner<'a>,
    pub created: Arc<Mutex<Created>>,
    pub user_name: String,
    /// The second test user's userName (created without an email).
    pub second_user_name: String,
    /// Entra's Tenant URL has `?aadOptscim062020`: it speaks the compliant dialect.
    pub compliance_flag: bool,
    pub groups_offered: bool,
}

impl WriteRun<'_> {
    pub(crate) fn track_user(&self, id: &str) {
        if let Ok(mut created) = self.created.lock() {
            created.users.push(id.to_string());
        }
    }

    pub(crate) fn track_group(&self, id: &str) {
        if let Ok(mut created) = self.created.lock() {
            created.groups.push(id.to_string());
        }
    }

    pub(crate) fn forget(&self, id: &str) {
        if let Ok(mut created) = self.created.lock() {
            created.users.retain(|u| u != id);
            created.groups.retain(|g| g != id);
        }
    }

    pub(crate) async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Exchange {
        self.probe
            .send(method, self.probe.url(path, &[]), Auth::Token, body)
            .await
    }

    /// Skips the remaining checks of `plan` from `from` on, with one reason.
    pub(crate) fn skip_rest(&self, plan: &[Check], reason: &str) {
        for check in plan {
            self.runner.skip(*check, reason);
        }
    }
}

/// Entra's create body (unity-scim.md B6), with our test user's names.
pub(crate) fn entra_create_body(user_name: &str, external_id: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "externalId": external_id,
        "userName": user_name,
        "active": true,
        "emails": [{"primary": true, "type": "work", "value": user_name}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "Scim Check", "familyName": "Check", "givenName": "Scim"},
        "roles": []
    })
}

pub(crate) fn id_of(exchange: &Exchange) -> Option<String> {
    exchange
        .json
        .as_ref()?
        .get("id")?
        .as_str()
        .map(str::to_string)
}

pub(crate) fn is_success(exchange: &Exchange) -> bool {
    exchange.status.is_some_and(|s| (200..300).contains(&s))
}

/// Runs the write checks; `domain` is one the organization accepts.
pub(crate) async fn run_write_checks(
    probe: Arc<Probe>,
    runner: &Runner<'_>,
    domain: &str,
    compliance_flag: bool,
    groups_offered: bool,
) {
    let created = Arc::new(Mutex::new(Created::default()));
    let guard = CleanupGuard {
        probe: probe.clone(),
        created: created.clone(),
    };
    let suffix = &uuid::Uuid::new_v4().simple().to_string()[..10];
    let run = WriteRun {
        probe: &probe,
        runner,
        created: created.clone(),
        user_name: format!("scim-setup-check-{suffix}@{domain}"),
        second_user_name: format!("scim-setup-check-{suffix}-2@{domain}"),
        compliance_flag,
        groups_offered,
    };
    run_user_lifecycle(&run).await;
    // Cleanup runs whatever happened above, and ignores the cancellation.
    let started = std::time::Instant::now();
    runner.start(CLEANUP);
    let leftovers = match created.lock() {
        Ok(mut created) => std::mem::take(&mut *created),
        Err(_) => Created::default(),
    };
    let had = leftovers.users.len() + leftovers.groups.len();
    let left = delete_all(&probe, &leftovers).await;
    let mut result = CheckResult::new(CLEANUP).fact("removed at the end", had.to_string());
    if !left.is_empty() {
        result = result.fail(
            FailureKind::CleanupIncomplete,
            format!("(left: {})", left.join(", ")),
        );
    }
    runner.finish(result, started);
    drop(guard);
}

async fn run_user_lifecycle(run: &WriteRun<'_>) {
    let plan = write_check_plan();
    let rest = |after: Check| -> Vec<Check> {
        let at = plan
            .iter()
            .position(|c| *c == after)
            .map_or(plan.len(), |i| i + 1);
        plan[at..]
            .iter()
            .copied()
            .filter(|c| *c != CLEANUP)
            .collect()
    };
    let external_id = uuid::Uuid::new_v4().to_string();
    let body = entra_create_body(&run.user_name, &external_id);

    // Create, after Entra's match query (which must find nobody).
    let create = run
        .runner
        .run(CREATE_USER, async {
            let filter = format!("userName eq \"{}\"", run.user_name);
            let matched = run
                .probe
                .get("Users", &[("filter", &filter)], Auth::Token)
                .await;
            let exchange = run.call(Method::POST, "Users", Some(&body)).await;
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
    let Some(user_id) = create
        .facts
        .iter()
        .find(|f| f.label == "id")
        .map(|f| f.value.clone())
    else {
        run.skip_rest(&rest(CREATE_USER), "the test user could not be created");
        return;
    };

    run.runner
        .run(DUPLICATE_USER, async {
            let exchange = run.call(Method::POST, "Users", Some(&body)).await;
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
                    if id_of(&exchange).as_deref() == Some(&user_id)
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

    check_filter_external_id(run, &external_id, &user_id).await;

    if run.probe.cancel.is_cancelled() {
        run.skip_rest(&rest(FILTER_EXTERNAL_ID), "cancelled");
        return;
    }
    let works = run_patch_pairs(run, &user_id).await;
    check_no_op_patches(run, &user_id, &works).await;
    if run.probe.cancel.is_cancelled() {
        run.skip_rest(&rest(PATCH_NO_OP), "cancelled");
        return;
    }
    let second = create_second_user(run, &run.second_user_name).await;
    match &second {
        Some(second) => {
            check_work_email_upsert(run, second, &run.second_user_name, &works).await;
            check_manager(run, &user_id, second, &works).await;
        }
        None => run.skip_rest(
            &[WORK_EMAIL_UPSERT, MANAGER],
            "the second test user could not be created",
        ),
    }
    if run.probe.cancel.is_cancelled() {
        run.skip_rest(&rest(MANAGER), "cancelled");
        return;
    }
    run_group_checks(run, &user_id, second.as_deref()).await;

    let deleted = run
        .runner
        .run(DELETE_USER, async {
            let exchange = run
                .call(Method::DELETE, &format!("Users/{user_id}"), None)
                .await;
            let result = CheckResult::new(DELETE_USER).with_exchange(&exchange);
            match exchange.status {
                Some(204) => {
                    run.forget(&user_id);
                    result
                }
                Some(200) => {
                    run.forget(&user_id);
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
            super::auth_checks::with_scim_detail(
                "(HTTP 409 after a query that found nobody)",
                exchange,
            ),
        ),
        Some(400) if body.to_ascii_lowercase().contains("domain") => {
            result.fail(FailureKind::DomainNotValidated, status_and_words(exchange))
        }
        Some(400) => result.fail(FailureKind::CreateRejected, status_and_words(exchange)),
        _ => match common_failure(exchange, probe.timeout) {
            Some((kind, detail)) => result.fail(
                kind,
                super::auth_checks::with_scim_detail(&detail, exchange),
            ),
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
