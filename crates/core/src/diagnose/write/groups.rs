//! Groups, when the endpoint offers them, as Entra provisions them: create (empty members, a
//! name with spaces and quotes), add a member in each dialect, find the group by name without
//! its members, remove one of two members with the legacy `Remove` + value array (the other
//! must stay), remove the last with the path-filter form, delete.

use reqwest::Method;
use serde_json::{json, Value};

use super::kit::{id_of, is_success, patch_body, WriteRun};
use crate::diagnose::calls::exchange::{own_refusal, refusal, Auth, Exchange};
use crate::diagnose::output::explain::FailureKind;
use crate::diagnose::output::report::{Check, CheckResult};
use crate::diagnose::read_only::match_queries::{display_name_filter, quoted_group_name};

pub const CREATE_GROUP: Check = Check {
    id: "write-create-group",
    title: "Create a test group with Entra's body (201)",
};
pub const GROUP_ADD_MEMBER: Check = Check {
    id: "write-group-add-member",
    title: "Add the test user to it (legacy \"Add\")",
};
pub const GROUP_ADD_MEMBER_COMPLIANT: Check = Check {
    id: "write-group-add-member-compliant",
    title: "Add the second test user (aadOptscim062020 \"add\")",
};
pub const GROUP_FIND: Check = Check {
    id: "write-group-find",
    title: "Entra's group query finds it by its quoted name, without members",
};
pub const GROUP_REMOVE_MEMBER: Check = Check {
    id: "write-group-remove-member",
    title: "Remove one of two members (legacy \"Remove\" with a value); the other stays",
};
pub const GROUP_REMOVE_MEMBER_COMPLIANT: Check = Check {
    id: "write-group-remove-member-compliant",
    title: "Remove the last member (aadOptscim062020 members[value eq \"…\"])",
};
pub const DELETE_GROUP: Check = Check {
    id: "write-delete-group",
    title: "Delete the test group (204)",
};

pub(crate) const GROUP_CHECKS: [Check; 7] = [
    CREATE_GROUP,
    GROUP_ADD_MEMBER,
    GROUP_ADD_MEMBER_COMPLIANT,
    GROUP_FIND,
    GROUP_REMOVE_MEMBER,
    GROUP_REMOVE_MEMBER_COMPLIANT,
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
    let (kind, detail) = refusal(exchange, run.probe.timeout);
    result.fail(kind, detail)
}

/// PATCHes the group and reads it back: the PATCH, the read, and the members read.
async fn patch_and_read(
    run: &WriteRun<'_>,
    path: &str,
    operations: Value,
) -> (Exchange, Option<(Exchange, Vec<String>)>) {
    let patched = run
        .call(Method::PATCH, path, Some(&patch_body(operations)))
        .await;
    if !is_success(&patched) {
        return (patched, None);
    }
    let read = run.call(Method::GET, path, None).await;
    let now = members(read.json.as_ref());
    (patched, Some((read, now)))
}

/// Runs the group checks with the test user and, when it exists, the second test user.
pub(crate) async fn run_group_checks(run: &WriteRun<'_>, user_id: &str, second: Option<&str>) {
    if !run.groups_offered {
        run.skip_rest(&GROUP_CHECKS, "the endpoint does not offer /Groups");
        return;
    }
    let display_name = quoted_group_name(&uuid::Uuid::new_v4().simple().to_string()[..10]);
    let Some(group_id) = create_group(run, &display_name).await else {
        run.skip_rest(&GROUP_CHECKS[1..], "the test group could not be created");
        return;
    };
    let path = format!("Groups/{group_id}");
    check_add_member(run, &path, user_id).await;
    let Some(second) = second else {
        run.skip_rest(
            &[GROUP_ADD_MEMBER_COMPLIANT],
            "the second test user could not be created",
        );
        find_group(run, &display_name, &group_id).await;
        run.skip_rest(
            &[GROUP_REMOVE_MEMBER, GROUP_REMOVE_MEMBER_COMPLIANT],
            "a group of two needs the second test user",
        );
        delete_group(run, &path, &group_id).await;
        return;
    };
    check_add_member_compliant(run, &path, user_id, second).await;
    find_group(run, &display_name, &group_id).await;
    check_remove_member(run, &path, user_id, second).await;
    check_remove_member_compliant(run, &path, second).await;
    delete_group(run, &path, &group_id).await;
}

/// Creates the test group as Entra does (no members). Returns its id; it is tracked for
/// cleanup.
async fn create_group(run: &WriteRun<'_>, display_name: &str) -> Option<String> {
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
            let result = CheckResult::new(CREATE_GROUP)
                .with_exchange(&exchange)
                .fact("displayName", display_name);
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
    create
        .facts
        .iter()
        .find(|f| f.label == "id")
        .map(|f| f.value.clone())
}

/// Adds the test user with Entra's legacy `Add` and a value array.
async fn check_add_member(run: &WriteRun<'_>, path: &str, user_id: &str) {
    run.runner
        .run(GROUP_ADD_MEMBER, async {
            let (patched, read) = patch_and_read(
                run,
                path,
                json!([{"op": "Add", "path": "members", "value": [{"$ref": null, "value": user_id}]}]),
            )
            .await;
            let result = CheckResult::new(GROUP_ADD_MEMBER).with_exchange(&patched);
            match read {
                None => failed(result, &patched, run),
                Some((read, now)) => {
                    let result = result.with_exchange(&read);
                    if now.iter().any(|m| m == user_id) {
                        result
                    } else {
                        result.fail(
                            FailureKind::WriteMismatch,
                            "(the group read back has no such member)",
                        )
                    }
                }
            }
        })
        .await;
}

/// Adds the second test user in the compliant dialect; both members must read back.
async fn check_add_member_compliant(run: &WriteRun<'_>, path: &str, user_id: &str, second: &str) {
    run.runner
        .run(GROUP_ADD_MEMBER_COMPLIANT, async {
            let (patched, read) = patch_and_read(
                run,
                path,
                json!([{"op": "add", "path": "members", "value": [{"value": second}]}]),
            )
            .await;
            let result = CheckResult::new(GROUP_ADD_MEMBER_COMPLIANT).with_exchange(&patched);
            match read {
                None => failed(result, &patched, run),
                Some((read, now)) => {
                    let result = result.with_exchange(&read);
                    if now.iter().any(|m| m == second) && now.iter().any(|m| m == user_id) {
                        result
                    } else {
                        result.fail(
                            FailureKind::WriteMismatch,
                            format!("(members read back: {})", now.len()),
                        )
                    }
                }
            }
        })
        .await;
}

/// Removes the test user with the legacy `Remove` and a value array: the second member must
/// stay. When the legacy form does not work, tries the path-filter form to tell which fix.
async fn check_remove_member(run: &WriteRun<'_>, path: &str, user_id: &str, second: &str) {
    run.runner
        .run(GROUP_REMOVE_MEMBER, async {
            let (patched, read) = patch_and_read(
                run,
                path,
                json!([{"op": "Remove", "path": "members", "value": [{"$ref": null, "value": user_id}]}]),
            )
            .await;
            let mut result = CheckResult::new(GROUP_REMOVE_MEMBER).with_exchange(&patched);
            let legacy_words = match &read {
                Some((read, now)) => {
                    result = result.with_exchange(read);
                    let removed = !now.iter().any(|m| m == user_id);
                    let other_stays = now.iter().any(|m| m == second);
                    match (removed, other_stays) {
                        (true, true) => return result,
                        (true, false) => {
                            return result.fail(
                                FailureKind::RemoveEmptiedGroup,
                                format!(
                                    "(PATCH answered {}; the group read back has {} members: the member that was not named is gone too)",
                                    patched.status.unwrap_or_default(),
                                    now.len()
                                ),
                            )
                        }
                        (false, _) => format!(
                            "(PATCH answered {} but the member is still there)",
                            patched.status.unwrap_or_default()
                        ),
                    }
                }
                None => {
                    match own_refusal(&patched, run.probe.timeout) {
                        Ok(detail) => detail,
                        Err((kind, detail)) => return result.fail(kind, detail),
                    }
                }
            };
            judge_legacy_remove(run, path, user_id, result, &legacy_words).await
        })
        .await;
}

/// The legacy form did not work: whether the path-filter form does decides the finding.
async fn judge_legacy_remove(
    run: &WriteRun<'_>,
    path: &str,
    user_id: &str,
    result: CheckResult,
    legacy_words: &str,
) -> CheckResult {
    let (retry, reread) = patch_and_read(
        run,
        path,
        json!([{"op": "remove", "path": format!("members[value eq \"{user_id}\"]")}]),
    )
    .await;
    let result = result.with_exchange(&retry);
    let works = reread
        .as_ref()
        .is_some_and(|(_, now)| !now.iter().any(|m| m == user_id));
    let detail = format!("Legacy Remove: {legacy_words}");
    match (works, run.compliance_flag) {
        (true, false) => result.fail(FailureKind::LegacyPatchRejected, detail),
        (true, true) => result.warn(FailureKind::LegacyPatchRejected, detail),
        (false, _) => result.fail(
            FailureKind::WriteMismatch,
            format!("{detail} The path-filter form fails too."),
        ),
    }
}

/// Removes the last member with the compliant path-filter form.
async fn check_remove_member_compliant(run: &WriteRun<'_>, path: &str, second: &str) {
    run.runner
        .run(GROUP_REMOVE_MEMBER_COMPLIANT, async {
            let (patched, read) = patch_and_read(
                run,
                path,
                json!([{"op": "remove", "path": format!("members[value eq \"{second}\"]")}]),
            )
            .await;
            let result = CheckResult::new(GROUP_REMOVE_MEMBER_COMPLIANT).with_exchange(&patched);
            let detail = match read {
                Some((read, now)) => {
                    if !now.iter().any(|m| m == second) {
                        return result.with_exchange(&read);
                    }
                    "(PATCH answered 2xx but the member is still there)".to_string()
                }
                None => match own_refusal(&patched, run.probe.timeout) {
                    Ok(detail) => detail,
                    Err((kind, detail)) => return result.fail(kind, detail),
                },
            };
            if run.compliance_flag {
                result.fail(FailureKind::CompliantPatchRejected, detail)
            } else {
                result.warn(
                    FailureKind::CompliantPatchRejected,
                    format!("{detail} Entra sends this form only with ?aadOptscim062020."),
                )
            }
        })
        .await;
}

/// `GET /Groups?excludedAttributes=members&filter=displayName eq "…"` for the test group.
async fn find_group(run: &WriteRun<'_>, display_name: &str, group_id: &str) {
    run.runner
        .run(GROUP_FIND, async {
            let filter = display_name_filter(display_name);
            let exchange = run
                .probe
                .get(
                    "Groups",
                    &[("excludedAttributes", "members"), ("filter", &filter)],
                    Auth::Token,
                )
                .await;
            let result = CheckResult::new(GROUP_FIND).with_exchange(&exchange);
            if !is_success(&exchange) {
                return result.refused(
                    FailureKind::QuotedFilterRejected,
                    &exchange,
                    run.probe.timeout,
                );
            }
            let found: Vec<&Value> = exchange
                .json
                .as_ref()
                .and_then(|j| j.get("Resources"))
                .and_then(Value::as_array)
                .map(|items| items.iter().collect())
                .unwrap_or_default();
            let ours = found
                .iter()
                .find(|g| g.get("id").and_then(Value::as_str) == Some(group_id));
            match ours {
                None => result.fail(
                    FailureKind::QuotedFilterRejected,
                    format!(
                        "(the query found {} groups, not the test group)",
                        found.len()
                    ),
                ),
                Some(_) if found.len() > 1 => result.fail(
                    FailureKind::QuotedFilterRejected,
                    format!("(the query found {} groups for one name)", found.len()),
                ),
                Some(group) if group.get("members").is_some() => result.warn(
                    FailureKind::ExcludedAttributesIgnored,
                    "(the group came back with its members)",
                ),
                Some(_) => result,
            }
        })
        .await;
}

async fn delete_group(run: &WriteRun<'_>, path: &str, group_id: &str) {
    run.runner
        .run(DELETE_GROUP, async {
            let exchange = run.call(Method::DELETE, path, None).await;
            let result = CheckResult::new(DELETE_GROUP).with_exchange(&exchange);
            if is_success(&exchange) {
                run.forget(group_id);
                result
            } else {
                failed(result, &exchange, run)
            }
        })
        .await;
}
