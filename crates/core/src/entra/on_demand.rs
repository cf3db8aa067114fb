//! provisionOnDemand's reply
//! (<https://learn.microsoft.com/graph/api/synchronization-synchronizationjob-provisionondemand>):
//! HTTP 200 even when provisioning failed, with the verdict and the steps as JSON *strings* in a
//! `stringKeyStringValuePair`. Two shapes exist: `key` = `{"result",…}` and `value` = an object; or
//! `key` = a type name and
//! `value` = an array of objects. Both are read here into typed per-step results.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum OnDemandVerdict {
    /// Created or updated in the target.
    Success,
    /// Already in the same state on both sides (`RedundantExport`): nothing to do, good.
    AlreadyInSync,
    /// Not provisioned for a reason such as scoping or assignment: bad.
    Skipped,
    Failure,
    /// The reply could not be read; the raw steps may still help.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OnDemandStep {
    pub name: String,
    /// `Import`, `Matching`, `Scoping`, `Export` (capitalised here, unlike the logs API).
    pub step_type: String,
    pub status: String,
    pub description: String,
    pub details: BTreeMap<String, String>,
}

/// What Entra reported for one call, before the engine explains it.
#[derive(Debug, Clone, PartialEq)]
pub struct OnDemandReply {
    pub verdict: OnDemandVerdict,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub action: Option<String>,
    pub change_id: Option<String>,
    pub reportable_identifier: Option<String>,
    pub steps: Vec<OnDemandStep>,
    /// `modifiedProperties`: each exported attribute and the value Entra says it wrote.
    pub exported: Vec<(String, Option<String>)>,
}

/// The request body for one subject (a user, or a group with ≤ 5 members).
pub fn request_body(
    rule_id: &str,
    object_id: &str,
    object_type: &str,
    members: &[String],
) -> Value {
    let mut subject = json!({ "objectId": object_id, "objectTypeName": object_type });
    if !members.is_empty() {
        let members: Vec<Value> = members
            .iter()
            .map(|id| json!({ "objectId": id, "objectTypeName": "User" }))
            .collect();
        subject["links"] = json!({ "members": members });
    }
    json!({ "parameters": [ { "ruleId": rule_id, "subjects": [ subject ] } ] })
}

#[derive(Deserialize)]
struct RawPair {
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    value: Option<String>,
}

/// Reads either documented shape; never fails, at worst returns `Unknown`.
pub fn parse_reply(body: &[u8]) -> OnDemandReply {
    let mut reply = OnDemandReply {
        verdict: OnDemandVerdict::Unknown,
        error_code: None,
        error_message: None,
        action: None,
        change_id: None,
        reportable_identifier: None,
        steps: Vec::new(),
        exported: Vec::new(),
    };
    let Ok(pair) = serde_json::from_slice::<RawPair>(body) else {
        return reply;
    };
    let key: Option<Value> = pair
        .key
        .as_deref()
        .and_then(|key| serde_json::from_str(key).ok());
    let value: Option<Value> = pair
        .value
        .as_deref()
        .and_then(|value| serde_json::from_str(value).ok());

    // The record with the steps: the object itself, or the first element of the array shape.
    let record = match &value {
        Some(Value::Array(items)) => items.first().cloned(),
        Some(object @ Value::Object(_)) => Some(object.clone()),
        _ => None,
    };
    if let Some(record) = &record {
        reply.action = text(record, "action");
        reply.change_id = text(record, "changeId");
        reply.reportable_identifier = text(record, "reportableIdentifier");
        reply.exported = record
            .get("modifiedProperties")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| Some((text(item, "displayName")?, text(item, "newValue"))))
                    .collect()
            })
            .unwrap_or_default();
        reply.steps = record
            .get("provisioningSteps")
            .and_then(Value::as_array)
            .map(|steps| steps.iter().map(read_step).collect())
            .unwrap_or_default();
        in_portal_order(&mut reply.steps);
    }

    let (result, code, message) = match key.as_ref().filter(|key| key.get("result").is_some()) {
        Some(key) => (
            text(key, "result"),
            key.get("details").and_then(|d| text(d, "errorCode")),
            key.get("details").and_then(|d| text(d, "errorMessage")),
        ),
        None => {
            let status = record.as_ref().and_then(|r| r.get("statusInfo"));
            (
                status.and_then(|s| text(s, "status")),
                status.and_then(|s| text(s, "errorCode")),
                status.and_then(|s| text(s, "reason")),
            )
        }
    };
    reply.error_code = code.or_else(|| skip_reason(&reply.steps));
    reply.error_message = message;
    reply.verdict = match result.as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("success") => OnDemandVerdict::Success,
        Some("skipped") if reply.error_code.as_deref() == Some("RedundantExport") => {
            OnDemandVerdict::AlreadyInSync
        }
        Some("skipped") => OnDemandVerdict::Skipped,
        Some("failure") | Some("failed") | Some("error") => OnDemandVerdict::Failure,
        _ => verdict_from_steps(&reply.steps),
    };
    reply
}

fn text(value: &Value, field: &str) -> Option<String> {
    match value.get(field)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn read_step(step: &Value) -> OnDemandStep {
    let details = match step.get("details") {
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| {
                let shown = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), shown)
            })
            .collect(),
        _ => BTreeMap::new(),
    };
    OnDemandStep {
        name: text(step, "name").unwrap_or_default(),
        step_type: text(step, "type")
            .or_else(|| text(step, "provisioningStepType"))
            .unwrap_or_default(),
        status: text(step, "status").unwrap_or_default(),
        description: text(step, "description").unwrap_or_default(),
        details,
    }
}

/// Graph's documented reply lists Matching before Scoping (its provisionOnDemand page); the portal
/// shows import, scope, match, action, and so does the window. A stable sort on the step's
/// type: steps of other types keep their order after these three.
fn in_portal_order(steps: &mut [OnDemandStep]) {
    steps.sort_by_key(|step| match step.step_type.to_ascii_lowercase().as_str() {
        "import" => 0,
        "scoping" => 1,
        "matching" => 2,
        _ => 3,
    });
}

fn skip_reason(steps: &[OnDemandStep]) -> Option<String> {
    steps
        .iter()
        .find_map(|step| step.details.get("SkipReason").cloned())
}

/// The array shape has no verdict of its own: any failed step fails, a skip skips.
fn verdict_from_steps(steps: &[OnDemandStep]) -> OnDemandVerdict {
    if steps.is_empty() {
        return OnDemandVerdict::Unknown;
    }
    let has = |status: &str| {
        steps
            .iter()
            .any(|step| step.status.eq_ignore_ascii_case(status))
    };
    if has("failure") || has("failed") {
        OnDemandVerdict::Failure
    } else if has("skipped") {
        if skip_reason(steps).as_deref() == Some("RedundantExport") {
            OnDemandVerdict::AlreadyInSync
        } else {
            OnDemandVerdict::Skipped
        }
    } else {
        OnDemandVerdict::Success
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_skipped_shape() {
        let value = json!({"action":"Other","changeId":"c-1","provisioningSteps":[
            {"name":"EntryImport","type":"Import","status":"Success","description":"Retrieved User 'x@contoso.com' from Azure Active Directory","details":{}},
            {"name":"EntrySynchronizationScoping","type":"Scoping","status":"Success","details":{"Assigned":"True","IsActive":true}},
            {"name":"EntrySynchronizationSkip","type":"Export","status":"Skipped","details":{"SkipReason":"RedundantExport"}}],
            "reportableIdentifier":"x@contoso.com","statusInfo":{"status":"Skipped"}});
        let body = json!({
            "key": "{\"result\":\"Skipped\",\"details\":{\"errorCode\":\"RedundantExport\",\"errorMessage\":\"The state of the user in both the source and target systems already match.\"}}",
            "value": value.to_string(),
        });
        let reply = parse_reply(body.to_string().as_bytes());
        assert_eq!(reply.verdict, OnDemandVerdict::AlreadyInSync);
        assert_eq!(reply.error_code.as_deref(), Some("RedundantExport"));
        assert_eq!(reply.change_id.as_deref(), Some("c-1"));
        assert_eq!(reply.steps.len(), 3);
        assert_eq!(reply.steps[1].step_type, "Scoping");
        assert_eq!(
            reply.steps[1].details.get("IsActive").map(String::as_str),
            Some("true")
        );
    }

    #[test]
    fn reads_the_array_shape_and_a_failure_in_it() {
        let value = json!([{"provisioningSteps":[
            {"name":"EntryImport","type":"Import","status":"Success","details":{}},
            {"name":"EntryExportAdd","type":"Export","status":"Failure","description":"409 from target","details":{}}]}]);
        let body = json!({
            "key": "Microsoft.Identity.Health.CPP.Common.DataContracts.SyncFabric.StatusInfo",
            "value": value.to_string(),
        });
        let reply = parse_reply(body.to_string().as_bytes());
        assert_eq!(reply.verdict, OnDemandVerdict::Failure);
        assert_eq!(reply.steps[1].name, "EntryExportAdd");
    }

    #[test]
    fn steps_come_in_the_portals_order_whatever_order_graph_sends() {
        // The documented reply: import, matching, scoping, then the export.
        let value = json!({"provisioningSteps":[
            {"name":"EntryImport","type":"Import","status":"Success","details":{}},
            {"name":"EntryImport","type":"Matching","status":"Success","details":{}},
            {"name":"EntrySynchronizationScoping","type":"Scoping","status":"Success","details":{}},
            {"name":"EntryExportUpdate","type":"Export","status":"Success","details":{}}],
            "statusInfo":{"status":"Success"}});
        let body =
            json!({"key": "{\"result\":\"Success\",\"details\":{}}", "value": value.to_string()});
        let reply = parse_reply(body.to_string().as_bytes());
        let order: Vec<&str> = reply.steps.iter().map(|s| s.step_type.as_str()).collect();
        assert_eq!(order, ["Import", "Scoping", "Matching", "Export"]);
        assert_eq!(reply.steps[3].name, "EntryExportUpdate");
    }

    #[test]
    fn group_success_with_empty_value_and_garbage_do_not_panic() {
        let body = json!({"key": "{\"result\":\"Success\",\"details\":{}}", "value": "{}"});
        assert_eq!(
            parse_reply(body.to_string().as_bytes()).verdict,
            OnDemandVerdict::Success
        );
        assert_eq!(parse_reply(b"<html>").verdict, OnDemandVerdict::Unknown);
        let skipped = json!({"key": "{\"result\":\"Skipped\",\"details\":{\"errorCode\":\"NotEffectivelyEntitled\"}}", "value": "{}"});
        assert_eq!(
            parse_reply(skipped.to_string().as_bytes()).verdict,
            OnDemandVerdict::Skipped
        );
    }

    #[test]
    fn group_bodies_carry_members_as_links() {
        let body = request_body("r#V2", "g1", "Group", &["u1".into(), "u2".into()]);
        assert_eq!(body["parameters"][0]["ruleId"], "r#V2");
        assert_eq!(
            body["parameters"][0]["subjects"][0]["links"]["members"][1]["objectId"],
            "u2"
        );
        let user = request_body("r", "u1", "User", &[]);
        assert!(user["parameters"][0]["subjects"][0].get("links").is_none());
    }
}
