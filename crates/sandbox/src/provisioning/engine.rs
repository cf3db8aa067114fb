//! One user through Entra's pipeline: import, scope, match on userName, then create, update,
//! disable or skip, against the SCIM endpoint with the default attribute mappings.

use serde_json::{json, Value};

use super::mapping::{
    diff, export_error, failure_error, patch_body, scim_user, text_at, TARGET_SYSTEM,
};
use super::{call, Target};
use crate::scim::filter::get_ci;
use crate::seed::DirUser;
use crate::state::SharedApp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Create,
    Update,
    Disable,
    Delete,
    /// A deletion held back by the accidental-deletion threshold.
    StagedDelete,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Success,
    Skipped,
    Failure,
}

#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub name: &'static str,
    pub kind: &'static str,
    pub status: Verdict,
    pub description: String,
    pub details: Value,
}

#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub user: DirUser,
    pub action: Action,
    pub verdict: Verdict,
    pub steps: Vec<Step>,
    pub target_id: Option<String>,
    /// (errorCode, reason) of a failure or skip.
    pub error: Option<(String, String)>,
    pub modified: Vec<(String, Option<String>, Option<String>)>,
    pub started: String,
    pub ended: String,
    pub change_id: String,
    pub duration_ms: i64,
}

pub(super) fn step(
    name: &'static str,
    kind: &'static str,
    status: Verdict,
    description: impl Into<String>,
    details: Value,
) -> Step {
    Step {
        name,
        kind,
        status,
        description: description.into(),
        details,
    }
}

/// Runs `user` through the pipeline. `in_scope`: assigned (directly or by a group).
pub(crate) async fn provision_user(
    app: &SharedApp,
    target: &Target,
    user: &DirUser,
    in_scope: bool,
    compliant: bool,
) -> Outcome {
    let clock = std::time::Instant::now();
    let mut out = Outcome {
        user: user.clone(),
        action: Action::Other,
        verdict: Verdict::Success,
        steps: Vec::new(),
        target_id: None,
        error: None,
        modified: Vec::new(),
        started: crate::ids::now_iso(),
        ended: String::new(),
        change_id: crate::ids::new_guid(),
        duration_ms: 0,
    };
    out.steps.push(step("EntryImport", "Import", Verdict::Success, format!("Retrieved User '{}' from Azure Active Directory", user.upn),
        json!({"objectId": user.id, "userPrincipalName": user.upn, "accountEnabled": if user.account_enabled { "True" } else { "False" }})));
    let scope_details = json!({"IsActive": if user.account_enabled { "True" } else { "False" }, "Assigned": if in_scope { "True" } else { "False" },
        "IsEffectivelyEntitledForProvisioning": if in_scope { "True" } else { "False" }, "IsInProvisioningScopeDisplayName": if in_scope { "True" } else { "False" },
        "ScopeEvaluationResult": "{}"});
    let filter: String =
        url::form_urlencoded::byte_serialize(format!("userName eq \"{}\"", user.upn).as_bytes())
            .collect();
    let matched = call(
        app,
        target,
        reqwest::Method::GET,
        &format!("/Users?filter={filter}"),
        None,
    )
    .await;
    let found: Option<Value> = match matched {
        Err(f) => {
            return finish(
                out,
                clock,
                Verdict::Failure,
                Some(failure_error(&f)),
                "EntryImport",
                "Matching",
            )
        }
        Ok(reply) if reply.status != 200 => {
            let e = export_error(reply.status, &reply.text, "query", &user.upn);
            return finish(
                out,
                clock,
                Verdict::Failure,
                Some(e),
                "EntryImport",
                "Matching",
            );
        }
        Ok(reply) => match reply
            .body
            .as_ref()
            .and_then(|b| b.get("Resources"))
            .and_then(Value::as_array)
        {
            Some(items) if items.len() > 1 => {
                let e = (
                    "SystemForCrossDomainIdentityManagementMultipleEntriesInResponse".to_string(),
                    format!(
                        "The query for userName '{}' returned {} entries.",
                        user.upn,
                        items.len()
                    ),
                );
                return finish(
                    out,
                    clock,
                    Verdict::Failure,
                    Some(e),
                    "EntryImport",
                    "Matching",
                );
            }
            Some(items) => items.first().cloned(),
            None if reply
                .body
                .as_ref()
                .and_then(|b| b.get("totalResults"))
                .and_then(Value::as_u64)
                == Some(0) =>
            {
                None
            }
            None => {
                let e = (
                    "SystemForCrossDomainIdentityManagementServiceIncompatible".to_string(),
                    "The SCIM endpoint's answer to a user query was not a SCIM ListResponse."
                        .to_string(),
                );
                return finish(
                    out,
                    clock,
                    Verdict::Failure,
                    Some(e),
                    "EntryImport",
                    "Matching",
                );
            }
        },
    };
    match &found {
        Some(t) => {
            out.target_id = get_ci(t, "id").and_then(Value::as_str).map(str::to_string);
            out.steps.push(step("EntryImport", "Matching", Verdict::Success, format!("Retrieved '{}' from {TARGET_SYSTEM}", user.upn),
                json!({"active": text_at(t, "active"), "id": out.target_id, "userName": text_at(t, "userName")})));
        }
        None => out.steps.push(step(
            "EntryImport",
            "Matching",
            Verdict::Success,
            format!("User '{}' was not found in {TARGET_SYSTEM}", user.upn),
            json!({}),
        )),
    }
    let wanted_active = in_scope && user.account_enabled;
    let scoping_status = if in_scope {
        Verdict::Success
    } else {
        Verdict::Skipped
    };
    out.steps.push(step(
        "EntrySynchronizationScoping",
        "Scoping",
        scoping_status,
        "Determine if User in scope by evaluating against each scoping filter",
        scope_details,
    ));
    let target_active = found
        .as_ref()
        .and_then(|t| get_ci(t, "active"))
        .map(|a| {
            a.as_bool()
                .unwrap_or_else(|| a.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true")))
        })
        .unwrap_or(false);

    match (found, wanted_active) {
        (None, false) => {
            let reason = if !in_scope {
                "NotEffectivelyEntitled"
            } else {
                "SourceObjectDisabled"
            };
            out.steps.push(step(
                "EntrySynchronizationSkip",
                "Export",
                Verdict::Skipped,
                "The User will be skipped",
                json!({"SkipReason": reason}),
            ));
            finish(out, clock, Verdict::Skipped, Some((reason.to_string(), format!("User '{}' is not in scope for provisioning (assigned: {in_scope}, enabled: {}).", user.upn, user.account_enabled))), "", "")
        }
        (None, true) => {
            let body = scim_user(user, true);
            match call(app, target, reqwest::Method::POST, "/Users", Some(&body)).await {
                Ok(reply) if reply.status == 201 || reply.status == 200 => {
                    out.target_id = reply
                        .body
                        .as_ref()
                        .and_then(|b| get_ci(b, "id"))
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    out.action = Action::Create;
                    out.modified = vec![
                        ("userName".into(), None, Some(user.upn.clone())),
                        ("active".into(), None, Some("True".into())),
                        ("displayName".into(), None, Some(user.display_name.clone())),
                    ];
                    out.steps.push(step(
                        "EntryExportAdd",
                        "Export",
                        Verdict::Success,
                        format!("User '{}' was created in {TARGET_SYSTEM}", user.upn),
                        json!({"ReportableIdentifier": user.upn}),
                    ));
                    finish(out, clock, Verdict::Success, None, "", "")
                }
                Ok(reply) => {
                    out.action = Action::Create;
                    let e = export_error(reply.status, &reply.text, "create", &user.upn);
                    finish(
                        out,
                        clock,
                        Verdict::Failure,
                        Some(e),
                        "EntryExportAdd",
                        "Export",
                    )
                }
                Err(f) => {
                    out.action = Action::Create;
                    finish(
                        out,
                        clock,
                        Verdict::Failure,
                        Some(failure_error(&f)),
                        "EntryExportAdd",
                        "Export",
                    )
                }
            }
        }
        (Some(_), false) if !target_active => {
            out.steps.push(step(
                "EntrySynchronizationSkip",
                "Export",
                Verdict::Skipped,
                "The state of the user in both the source and target systems already match.",
                json!({"SkipReason": "RedundantExport"}),
            ));
            finish(
                out,
                clock,
                Verdict::Skipped,
                Some((
                    "RedundantExport".into(),
                    "The state of the user in both the source and target systems already match."
                        .into(),
                )),
                "",
                "",
            )
        }
        (Some(_), false) => {
            out.action = Action::Disable;
            let changes = vec![(
                "active".to_string(),
                Some("True".to_string()),
                Some("False".to_string()),
            )];
            export_update(app, target, out, clock, changes, compliant).await
        }
        (Some(t), true) => {
            let mut changes = diff(user, &t);
            if !target_active {
                changes.push(("active".into(), Some("False".into()), Some("True".into())));
            }
            if changes.is_empty() {
                out.steps.push(step(
                    "EntrySynchronizationSkip",
                    "Export",
                    Verdict::Skipped,
                    "The state of the user in both the source and target systems already match.",
                    json!({"SkipReason": "RedundantExport"}),
                ));
                return finish(out, clock, Verdict::Skipped, Some(("RedundantExport".into(), "The state of the user in both the source and target systems already match.".into())), "", "");
            }
            out.action = Action::Update;
            export_update(app, target, out, clock, changes, compliant).await
        }
    }
}

async fn export_update(
    app: &SharedApp,
    target: &Target,
    mut out: Outcome,
    clock: std::time::Instant,
    changes: Vec<(String, Option<String>, Option<String>)>,
    compliant: bool,
) -> Outcome {
    let id = out.target_id.clone().unwrap_or_default();
    let mut body = patch_body(&changes, compliant);
    if !compliant {
        // The legacy dialect sends `active` as the string "False"/"True"
        // (https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility).
        if let Some(ops) = body.get_mut("Operations").and_then(Value::as_array_mut) {
            for op in ops.iter_mut().filter(|o| o["path"] == "active") {
                op["value"] = json!(op["value"].as_str().unwrap_or("False"));
            }
        }
    }
    out.modified = changes.clone();
    match call(
        app,
        target,
        reqwest::Method::PATCH,
        &format!("/Users/{id}"),
        Some(&body),
    )
    .await
    {
        Ok(reply) if (200..300).contains(&reply.status) => {
            out.steps.push(step(
                "EntryExportUpdate",
                "Export",
                Verdict::Success,
                format!("User '{}' was updated in {TARGET_SYSTEM}", out.user.upn),
                json!({"ReportableIdentifier": out.user.upn}),
            ));
            finish(out, clock, Verdict::Success, None, "", "")
        }
        Ok(reply) => {
            let e = export_error(reply.status, &reply.text, "update", &out.user.upn);
            finish(
                out,
                clock,
                Verdict::Failure,
                Some(e),
                "EntryExportUpdate",
                "Export",
            )
        }
        Err(f) => finish(
            out,
            clock,
            Verdict::Failure,
            Some(failure_error(&f)),
            "EntryExportUpdate",
            "Export",
        ),
    }
}

pub(super) fn finish(
    mut out: Outcome,
    clock: std::time::Instant,
    verdict: Verdict,
    error: Option<(String, String)>,
    failed_step: &'static str,
    kind: &'static str,
) -> Outcome {
    if verdict == Verdict::Failure && !failed_step.is_empty() {
        let reason = error.as_ref().map(|e| e.1.clone()).unwrap_or_default();
        out.steps
            .push(step(failed_step, kind, Verdict::Failure, reason, json!({})));
    }
    out.verdict = verdict;
    out.error = error;
    out.ended = crate::ids::now_iso();
    out.duration_ms = clock.elapsed().as_millis() as i64;
    out
}
