//! How the provisioning service reports an outcome: provisionOnDemand's stringified
//! `stringKeyStringValuePair`
//! (<https://learn.microsoft.com/graph/api/synchronization-synchronizationjob-provisionondemand>)
//! and `provisioningObjectSummary` log entries
//! (<https://learn.microsoft.com/graph/api/provisioningobjectsummary-list>).

use serde_json::{json, Value};

use super::engine::{Action, Outcome, Verdict};
use crate::graph::ServicePrincipal;
use crate::scim::ENTERPRISE_SCHEMA;
use crate::seed;

fn verdict_word(v: Verdict) -> &'static str {
    // UNCONFIRMED: the on-demand failure spelling; `Failure` matches `Success`/`Skipped`.
    match v {
        Verdict::Success => "Success",
        Verdict::Skipped => "Skipped",
        Verdict::Failure => "Failure",
    }
}

fn action_word(a: Action) -> &'static str {
    match a {
        Action::Create => "Create",
        Action::Update => "Update",
        Action::Disable => "Disable",
        Action::Delete => "Delete",
        Action::StagedDelete => "StagedDelete",
        Action::Other => "Other",
    }
}

/// The 200 body of provisionOnDemand: `key` and `value` are JSON encoded as strings.
pub(crate) fn on_demand(graph_base: &str, out: &Outcome) -> Value {
    let details = match &out.error {
        Some((code, message)) => json!({"errorCode": code, "errorMessage": message}),
        None => json!({}),
    };
    let key = json!({"result": verdict_word(out.verdict), "details": details});
    let (error_code, reason) = match (&out.error, out.verdict) {
        (Some((c, r)), Verdict::Failure) => (json!(c), json!(r)),
        _ => (Value::Null, Value::Null),
    };
    let steps: Vec<Value> = out
        .steps
        .iter()
        .map(|s| {
            json!({"name": s.name, "type": s.kind, "status": verdict_word(s.status),
        "description": s.description, "timestamp": out.ended, "details": s.details})
        })
        .collect();
    let value = json!({"action": action_word(out.action), "changeId": out.change_id, "endTime": out.ended,
        "modifiedProperties": out.modified.iter().map(|(n, o, v)| json!({"displayName": n, "oldValue": o, "newValue": v})).collect::<Vec<_>>(),
        "provisioningSteps": steps, "reportableIdentifier": out.user.upn, "startTime": out.started,
        "statusInfo": {"status": verdict_word(out.verdict), "errorCode": error_code, "reason": reason, "additionalDetails": null,
            "errorCategory": if out.verdict == Verdict::Failure { json!("NonServiceFailure") } else { Value::Null }, "recommendedAction": null},
        "sourceIdentity": {"id": out.user.id, "type": "User", "displayName": out.user.display_name, "details": null},
        "sourceSystem": {"id": null, "name": "Azure Active Directory", "details": null},
        "targetIdentity": {"id": out.target_id, "type": ENTERPRISE_SCHEMA, "displayName": null, "details": null},
        "targetSystem": {"id": null, "name": "customappsso", "details": null}});
    json!({"@odata.context": format!("{graph_base}/v1.0/$metadata#microsoft.graph.stringKeyStringValuePair"),
        "key": key.to_string(), "value": value.to_string()})
}

/// One provisioning log entry (v1.0 `provisioningObjectSummary`).
pub(crate) fn log_entry(
    out: &Outcome,
    sp: &ServicePrincipal,
    job_id: &str,
    cycle_id: &str,
    initiator: Option<(&str, &str)>,
) -> Value {
    let status = match out.verdict {
        Verdict::Success => "success",
        Verdict::Skipped => "skipped",
        Verdict::Failure => "failure",
    };
    let error_information = match (&out.error, out.verdict) {
        (Some((code, reason)), Verdict::Failure) => {
            json!({"errorCode": code, "reason": reason, "additionalDetails": null,
            "errorCategory": "nonServiceFailure", "recommendedAction": null})
        }
        (Some((code, reason)), _) => {
            json!({"errorCode": code, "reason": reason, "additionalDetails": null, "errorCategory": "success", "recommendedAction": null})
        }
        (None, _) => Value::Null,
    };
    let action = match out.action {
        Action::Create => "create",
        Action::Update => "update",
        Action::Disable => "disable",
        Action::Delete => "delete",
        Action::StagedDelete => "stagedDelete",
        Action::Other => "other",
    };
    let steps: Vec<Value> = out.steps.iter().map(|s| json!({"name": s.name, "provisioningStepType": s.kind.to_ascii_lowercase(),
        "status": match s.status { Verdict::Success => "success", Verdict::Skipped => "skipped", Verdict::Failure => "failure" },
        "description": s.description, "details": s.details})).collect();
    let (initiator_id, initiator_name, initiator_type) = match initiator {
        Some((id, name)) => (json!(id), json!(name), "user"),
        None => (
            Value::Null,
            json!("Azure AD Provisioning Service"),
            "system",
        ),
    };
    json!({"id": crate::ids::new_guid(), "activityDateTime": out.ended, "tenantId": seed::TENANT_ID, "jobId": job_id, "cycleId": cycle_id,
        "changeId": out.change_id, "durationInMilliseconds": out.duration_ms, "provisioningAction": action,
        "provisioningStatusInfo": {"status": status, "errorInformation": error_information},
        "provisioningSteps": steps,
        "modifiedProperties": out.modified.iter().map(|(n, o, v)| json!({"displayName": n, "oldValue": o, "newValue": v})).collect::<Vec<_>>(),
        "servicePrincipal": {"id": sp.id, "displayName": sp.display_name},
        "sourceIdentity": {"id": out.user.id, "displayName": out.user.display_name, "identityType": "User", "details": {"UserPrincipalName": out.user.upn}},
        "targetIdentity": {"id": out.target_id, "displayName": out.user.upn, "identityType": "User", "details": {}},
        "sourceSystem": {"id": null, "displayName": "Azure Active Directory", "details": {}},
        "targetSystem": {"id": null, "displayName": sp.display_name, "details": {"ApplicationId": sp.app_id, "ServicePrincipalId": sp.id, "ServicePrincipalDisplayName": sp.display_name}},
        "initiatedBy": {"id": initiator_id, "displayName": initiator_name, "initiatorType": initiator_type}})
}
