//! Provisioning logs (entra-graph.md §7): per-user outcomes of cycles and on-demand runs.
//! Graph allows about 5 of these requests per 10 s, so callers ask rarely.

use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::types::{LogStep, ProvisioningLogEntry};
use super::{encode, odata_string, GraphClient};
use crate::problem::Problem;

impl GraphClient {
    /// The newest `top` entries for an app, newest first.
    pub async fn provisioning_logs(
        &self,
        sp_id: &str,
        top: u32,
        cancel: &CancellationToken,
    ) -> Result<Vec<ProvisioningLogEntry>, Problem> {
        let path = format!(
            "/auditLogs/provisioning?$filter={}&$top={top}&$orderby={}",
            encode(&format!("servicePrincipal/id eq {}", odata_string(sp_id))),
            encode("activityDateTime desc"),
        );
        let raw: Vec<Value> = self
            .pager(&path, false, "Reading the provisioning logs")
            .collect(top as usize, cancel)
            .await?;
        Ok(raw.iter().filter_map(read_log_entry).collect())
    }
}

fn text(value: &Value, path: &[&str]) -> Option<String> {
    let mut current = value;
    for key in path {
        current = current.get(key)?;
    }
    match current {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// Reads the v1.0 shape; the deprecated beta `statusInfo` is a fallback.
pub fn read_log_entry(raw: &Value) -> Option<ProvisioningLogEntry> {
    let id = text(raw, &["id"])?;
    let steps = raw
        .get("provisioningSteps")
        .and_then(Value::as_array)
        .map(|steps| {
            steps
                .iter()
                .map(|step| LogStep {
                    name: text(step, &["name"]).unwrap_or_default(),
                    step_type: text(step, &["provisioningStepType"]).unwrap_or_default(),
                    status: text(step, &["status"]).unwrap_or_default(),
                    description: text(step, &["description"]).unwrap_or_default(),
                    details: step
                        .get("details")
                        .and_then(Value::as_object)
                        .map(|map| {
                            map.iter()
                                .map(|(k, v)| {
                                    (
                                        k.clone(),
                                        v.as_str()
                                            .map(str::to_string)
                                            .unwrap_or_else(|| v.to_string()),
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    Some(ProvisioningLogEntry {
        id,
        activity_date_time: text(raw, &["activityDateTime"]).unwrap_or_default(),
        job_id: text(raw, &["jobId"]),
        cycle_id: text(raw, &["cycleId"]),
        change_id: text(raw, &["changeId"]),
        provisioning_action: text(raw, &["provisioningAction"]).or_else(|| text(raw, &["action"])),
        status: text(raw, &["provisioningStatusInfo", "status"])
            .or_else(|| text(raw, &["statusInfo", "status"])),
        error_code: text(
            raw,
            &["provisioningStatusInfo", "errorInformation", "errorCode"],
        )
        .or_else(|| text(raw, &["statusInfo", "errorCode"])),
        reason: text(
            raw,
            &["provisioningStatusInfo", "errorInformation", "reason"],
        )
        .or_else(|| text(raw, &["statusInfo", "reason"])),
        source_display_name: text(raw, &["sourceIdentity", "displayName"]),
        target_id: text(raw, &["targetIdentity", "id"]),
        steps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_a_failure_entry() {
        let raw = json!({"id":"1","activityDateTime":"2025-01-01T00:00:00Z","jobId":"scim.x","changeId":"ch",
            "provisioningAction":"create",
            "provisioningStatusInfo":{"status":"failure","errorInformation":{"errorCode":"ContosoEntryConflict","reason":"409","errorCategory":"nonServiceFailure"}},
            "provisioningSteps":[{"name":"EntryExportAdd","provisioningStepType":"export","status":"failure","description":"d","details":{}}],
            "sourceIdentity":{"id":"u","displayName":"Ann"}});
        let entry = read_log_entry(&raw).expect("entry");
        assert_eq!(entry.status.as_deref(), Some("failure"));
        assert_eq!(entry.error_code.as_deref(), Some("ContosoEntryConflict"));
        assert_eq!(entry.steps[0].step_type, "export");
        assert_eq!(entry.source_display_name.as_deref(), Some("Ann"));
    }
}
