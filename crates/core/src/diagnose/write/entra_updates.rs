//! Entra's requests after a user exists, each replayed and read back: the externalId match,
//! the PATCHes that change nothing (Entra re-sends unchanged values every full cycle), a user
//! created without an email whose work email is later set through `emails[type eq "work"]`
//! (Entra expects an upsert), and `manager` written as a bare id that must read back as
//! `{"value": id}`.

use reqwest::Method;
use serde_json::{json, Value};

use super::kit::{entra_create_body, id_of, is_success, patch_body, DialectsWork, WriteRun};
use crate::diagnose::calls::exchange::{own_refusal, refusal, Auth, Exchange};
use crate::diagnose::output::explain::{quoted, FailureKind};
use crate::diagnose::output::report::{Check, CheckResult};

pub const FILTER_EXTERNAL_ID: Check = Check {
    id: "write-filter-external-id",
    title: "Entra's externalId match finds the test user",
};
pub const PATCH_NO_OP: Check = Check {
    id: "write-patch-no-op",
    title: "PATCHes that change nothing (both dialects) are accepted",
};
pub const CREATE_SECOND_USER: Check = Check {
    id: "write-create-second-user",
    title: "Create a second test user without an email",
};
pub const WORK_EMAIL_UPSERT: Check = Check {
    id: "write-work-email-upsert",
    title: "Setting emails[type eq \"work\"].value on a user without one adds it",
};
pub const MANAGER: Check = Check {
    id: "write-manager",
    title: "manager written as a bare id reads back as {\"value\": id}",
};

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/// `GET /Users?filter=externalId eq "<the test user's externalId>"` finds exactly it.
pub(crate) async fn check_filter_external_id(run: &WriteRun<'_>, external_id: &str, user_id: &str) {
    run.runner
        .run(FILTER_EXTERNAL_ID, async {
            let filter = format!("externalId eq \"{external_id}\"");
            let exchange = run
                .probe
                .get("Users", &[("filter", &filter)], Auth::Token)
                .await;
            let result = CheckResult::new(FILTER_EXTERNAL_ID).with_exchange(&exchange);
            if !is_success(&exchange) {
                return result.refused(
                    FailureKind::ExternalIdFilterRejected,
                    &exchange,
                    run.probe.timeout,
                );
            }
            let ids: Vec<&str> = exchange
                .json
                .as_ref()
                .and_then(|j| j.get("Resources"))
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|u| u.get("id").and_then(Value::as_str))
                        .collect()
                })
                .unwrap_or_default();
            if ids == [user_id] {
                result
            } else {
                result.fail(
                    FailureKind::ExternalIdFilterRejected,
                    format!(
                        "(the query found {} users instead of the test user)",
                        ids.len()
                    ),
                )
            }
        })
        .await;
}

/// The no-op PATCHes on the (active) test user, in each dialect that changed `active` for
/// real: a dialect refused altogether is the dialect checks' finding, not this one's.
pub(crate) async fn check_no_op_patches(run: &WriteRun<'_>, user_id: &str, works: &DialectsWork) {
    if !works.legacy && !works.compliant {
        run.runner.skip(
            PATCH_NO_OP,
            "neither PATCH dialect changes active (see the two \u{201c}Disable with active\u{201d} checks)",
        );
        return;
    }
    run.runner
        .run(PATCH_NO_OP, async {
            let path = format!("Users/{user_id}");
            let mut result = CheckResult::new(PATCH_NO_OP);
            let mut refused = Vec::new();
            let dialects = [
                (
                    works.legacy,
                    "legacy",
                    json!([{"op": "Replace", "path": "active", "value": "True"}]),
                ),
                (
                    works.compliant,
                    "aadOptscim062020",
                    json!([{"op": "replace", "path": "active", "value": true}]),
                ),
            ];
            for (_, dialect, operations) in dialects.into_iter().filter(|(works, _, _)| *works) {
                let exchange = run
                    .call(Method::PATCH, &path, Some(&patch_body(operations)))
                    .await;
                result = result.with_exchange(&exchange);
                if !is_success(&exchange) {
                    match own_refusal(&exchange, run.probe.timeout) {
                        Ok(detail) => refused.push(format!("{dialect} dialect: {detail}")),
                        Err((kind, detail)) => return result.fail(kind, detail),
                    }
                }
            }
            if refused.is_empty() {
                result
            } else {
                result.fail(FailureKind::NoOpPatchRejected, refused.join(" "))
            }
        })
        .await;
}

/// A second user, created the way Entra creates a user who has no mail: no `emails`.
/// Returns its id; it is tracked for cleanup.
pub(crate) async fn create_second_user(run: &WriteRun<'_>, user_name: &str) -> Option<String> {
    let result = run
        .runner
        .run(CREATE_SECOND_USER, async {
            let mut body = entra_create_body(user_name, &uuid::Uuid::new_v4().to_string());
            if let Some(object) = body.as_object_mut() {
                object.remove("emails");
            }
            let exchange = run.call(Method::POST, "Users", Some(&body)).await;
            let result = CheckResult::new(CREATE_SECOND_USER)
                .with_exchange(&exchange)
                .fact("userName", user_name);
            match id_of(&exchange).filter(|_| is_success(&exchange)) {
                Some(id) => {
                    run.track_user(&id);
                    result.fact("id", id)
                }
                None => {
                    let (kind, detail) = refusal(&exchange, run.probe.timeout);
                    result.fail(kind, detail)
                }
            }
        })
        .await;
    result
        .facts
        .iter()
        .find(|f| f.label == "id")
        .map(|f| f.value.clone())
}

fn work_email(user: &Value) -> Option<&str> {
    user.get("emails")?
        .as_array()?
        .iter()
        .find(|e| {
            e.get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case("work"))
        })?
        .get("value")?
        .as_str()
}

/// PATCHes then GETs; `Err` with the refused PATCH when it was refused.
async fn patch_then_read(
    run: &WriteRun<'_>,
    path: &str,
    operations: Value,
    result: CheckResult,
) -> Result<(CheckResult, Exchange), (CheckResult, Exchange)> {
    let patched = run
        .call(Method::PATCH, path, Some(&patch_body(operations)))
        .await;
    let result = result.with_exchange(&patched);
    if !is_success(&patched) {
        return Err((result, patched));
    }
    let read = run.call(Method::GET, path, None).await;
    Ok((result.with_exchange(&read), read))
}

/// `Replace emails[type eq "work"].value` on the second user, who has no email.
pub(crate) async fn check_work_email_upsert(
    run: &WriteRun<'_>,
    second_id: &str,
    address: &str,
    works: &DialectsWork,
) {
    run.runner
        .run(WORK_EMAIL_UPSERT, async {
            let op = works.op(run.compliance_flag, "replace");
            let operations =
                json!([{"op": op, "path": "emails[type eq \"work\"].value", "value": address}]);
            let path = format!("Users/{second_id}");
            match patch_then_read(run, &path, operations, CheckResult::new(WORK_EMAIL_UPSERT)).await
            {
                Err((result, patched)) => result.refused(
                    FailureKind::WorkEmailNotUpserted,
                    &patched,
                    run.probe.timeout,
                ),
                Ok((result, read)) => match read.json.as_ref().and_then(work_email) {
                    Some(value) if value.eq_ignore_ascii_case(address) => result,
                    Some(other) => result.fail(
                        FailureKind::WorkEmailNotUpserted,
                        format!("(the work email read back is {})", quoted(other)),
                    ),
                    None => result.fail(
                        FailureKind::WorkEmailNotUpserted,
                        "(the user read back has no work email)",
                    ),
                },
            }
        })
        .await;
}

/// `Add urn:…:enterprise:2.0:User:manager` with a bare id, read back as a complex attribute.
pub(crate) async fn check_manager(
    run: &WriteRun<'_>,
    user_id: &str,
    manager_id: &str,
    works: &DialectsWork,
) {
    run.runner
        .run(MANAGER, async {
            let operations = json!([{"op": works.op(run.compliance_flag, "add"), "path": format!("{ENTERPRISE}:manager"), "value": manager_id}]);
            let path = format!("Users/{user_id}");
            match patch_then_read(run, &path, operations, CheckResult::new(MANAGER)).await {
                Err((result, patched)) => {
                    let (kind, detail) = refusal(&patched, run.probe.timeout);
                    result.fail(kind, detail)
                }
                Ok((result, read)) => {
                    let manager = read
                        .json
                        .as_ref()
                        .and_then(|u| {
                            u.as_object()?
                                .iter()
                                .find(|(k, _)| k.eq_ignore_ascii_case(ENTERPRISE))
                                .map(|(_, v)| v)
                        })
                        .and_then(|ext| ext.get("manager"));
                    match manager {
                        Some(Value::Object(m))
                            if m.get("value").and_then(Value::as_str) == Some(manager_id) =>
                        {
                            result
                        }
                        Some(Value::String(_)) => result.fail(
                            FailureKind::ManagerNotComplex,
                            "(manager read back as a string)",
                        ),
                        Some(other) => result.fail(
                            FailureKind::ManagerNotComplex,
                            format!("(manager read back as {other})"),
                        ),
                        None => result.fail(
                            FailureKind::WriteMismatch,
                            "(the user read back has no manager)",
                        ),
                    }
                }
            }
        })
        .await;
}
