//! Groups, when the endpoint offers them: Entra's create body (empty members), add the test
//! user as a member, remove it (legacy `Remove` with a value array, then the path-filter form
//! if that is refused), delete.

use reqwest::Method;
use serde_json::{json, Value};

use super::explain::FailureKind;
use super::probe::{common_failure, Exchange, PATCH_OP};
use super::report::{Check, CheckResult};
use super::write_checks::{id_of, is_success, WriteRun};

pub const CREATE_GROUP: Check = Check {
    id: "write-create-group",
    title: "Create a test group with Entra's body (201)",
};
pub const GROUP_ADD_MEMBER: Check = Check {
    id: "write-group-add-member",
    title: "Add the test user to it (legacy \"Add\")",
};
pub const GROUP_REMOVE_MEMBER: Check = Check {
    id: "write-group-remove-member",
    title: "Remove the member (legacy \"Remove\" with a value)",
};
pub const DELETE_GROUP: Check = Check {
    id: "write-delete-group",
    title: "Delete the test group (204)",
};

pub(crate) const GROUP_CHECKS: [Check; 4] = [
    CREATE_GROUP,
    GROUP_ADD_MEMBER,
    GROUP_REMOVE_MEMBER,
    DELETE_GROUP,
];

fn members(group: Option<&Value>) -> Vec<String> {
    group
        .and_then(|g| g.get("members"))
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|m| m.get("value").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn failed(result: CheckResult, exchange: &Exchange, run: &WriteRun<'_>) -> CheckResult {
    match common_failure(exchange, run.probe.timeout) {
        Some((kind, detail)) => result.fail(kind, detail),
        None => result.fail(
            FailureKind::UnexpectedStatus,
            super::auth_checks::with_scim_detail(
                &format!("(HTTP {:?})", exchange.status),
                exchange,
            ),
        ),
    }
}

pub(crate) async fn run_group_checks(run: &WriteRun<'_>, user_id: &str) {
    if !run.groups_offered {
        run.skip_rest(&GROUP_CHECKS, "the endpoint does not offer /Groups");
        return;
    }
    let display_name = format!(
        "scim-setup-check-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..10]
    );
    let body = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group",
                    "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
        "externalId": uuid::Uuid::new_v4().to_string(),
        "displayName": display_name,
        "members": []
    });
    let create = run
        .runner
        .run(CREATE_GROUP, async {
            let exchange = run.call(Method::POST, "Groups", Some(&body)).await;
            let result = CheckResult::new(CREATE_GROUP).with_evidence(exchange.evidence.clone());
            match (is_success(&exchange), id_of(&exchange)) {
                (true, Some(id)) => {
                    run.track_group(&id);
                    result.fact("id", id)
                }
                (true, None) => result.fail(
                    FailureKind::NotScimResponse,
                    "(the created group has no id)",
                ),
                _ => failed(result, &exchange, run),
            }
        })
        .await;
    let Some(group_id) = create
        .facts
        .iter()
        .find(|f| f.label == "id")
        .map(|f| f.value.clone())
    else {
        run.skip_rest(&GROUP_CHECKS[1..], "the test group could not be created");
        return;
    };
    let path = format!("Groups/{group_id}");
    let patch = |operations: Value| json!({"schemas": [PATCH_OP], "Operations": operations});

    run.runner
        .run(GROUP_ADD_MEMBER, async {
            let body = patch(json!([{"op": "Add", "path": "members", "value": [{"$ref": null, "value": user_id}]}]));
            let exchange = run.call(Method::PATCH, &path, Some(&body)).await;
            let result = CheckResult::new(GROUP_ADD_MEMBER).with_evidence(exchange.evidence.clone());
            if !is_success(&exchange) {
                return failed(result, &exchange, run);
            }
            let read = run.call(Method::GET, &path, None).await;
            let result = result.with_evidence(read.evidence.clone());
            if members(read.json.as_ref()).iter().any(|m| m == user_id) {
                result
            } else {
                result.fail(FailureKind::WriteMismatch, "(the group read back has no such member)")
            }
        })
        .await;

    run.runner
        .run(GROUP_REMOVE_MEMBER, async {
            let legacy = patch(json!([{"op": "Remove", "path": "members", "value": [{"$ref": null, "value": user_id}]}]));
            let exchange = run.call(Method::PATCH, &path, Some(&legacy)).await;
            let read = run.call(Method::GET, &path, None).await;
            let result = CheckResult::new(GROUP_REMOVE_MEMBER)
                .with_evidence(exchange.evidence.clone())
                .with_evidence(read.evidence.clone());
            let removed = |read: &Exchange| !members(read.json.as_ref()).iter().any(|m| m == user_id);
            if is_success(&exchange) && removed(&read) {
                return result;
            }
            let compliant = patch(json!([{"op": "remove", "path": format!("members[value eq \"{user_id}\"]")}]));
            let retry = run.call(Method::PATCH, &path, Some(&compliant)).await;
            let reread = run.call(Method::GET, &path, None).await;
            let result = result
                .with_evidence(retry.evidence.clone())
                .with_evidence(reread.evidence.clone());
            let detail = format!("(legacy Remove: HTTP {:?})", exchange.status);
            match (is_success(&retry) && removed(&reread), run.compliance_flag) {
                (true, false) => result.fail(FailureKind::LegacyPatchRejected, detail),
                (true, true) => result.warn(FailureKind::LegacyPatchRejected, detail),
                (false, _) => result.fail(FailureKind::WriteMismatch, format!("{detail} The path-filter form fails too.")),
            }
        })
        .await;

    run.runner
        .run(DELETE_GROUP, async {
            let exchange = run.call(Method::DELETE, &path, None).await;
            let result = CheckResult::new(DELETE_GROUP).with_evidence(exchange.evidence.clone());
            if is_success(&exchange) {
                run.forget(&group_id);
                result
            } else {
                failed(result, &exchange, run)
            }
        })
        .await;
}
