//! A provisioning job's state as the window shows it, with quarantine explained in plain
//! words (entra-graph.md §3.2 and §10 rows 10–14).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::types::{SyncError, SyncJob};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct JobStatus {
    pub job_id: String,
    #[ts(optional = nullable)]
    pub template_id: Option<String>,
    /// `NotConfigured`, `NotRun`, `Active`, `Paused`, `Quarantine`.
    pub code: String,
    /// Schedule state: `Active`, `Disabled`, `Paused`.
    pub schedule_state: String,
    /// ISO 8601 duration; `PT40M` once started.
    #[ts(optional = nullable)]
    pub interval: Option<String>,
    #[ts(optional = nullable)]
    pub last_execution: Option<ExecutionSummary>,
    #[ts(optional = nullable)]
    pub quarantine: Option<QuarantineSummary>,
    /// False while the first full cycle is still running.
    pub steady_state_reached: bool,
    pub entry_counts: BTreeMap<String, String>,
    #[ts(optional = nullable)]
    pub troubleshooting_url: Option<String>,
    /// One sentence for the status line.
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExecutionSummary {
    /// `Succeeded`, `Failed`, `EntryLevelErrors`.
    pub state: String,
    #[ts(optional = nullable)]
    pub time_began: Option<String>,
    #[ts(optional = nullable)]
    pub time_ended: Option<String>,
    #[ts(optional = nullable, type = "number")]
    pub count_exported: Option<i64>,
    #[ts(optional = nullable)]
    pub error: Option<SyncError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct QuarantineSummary {
    pub reason: String,
    #[ts(optional = nullable)]
    pub current_began: Option<String>,
    #[ts(optional = nullable)]
    pub next_attempt: Option<String>,
    #[ts(optional = nullable)]
    pub error: Option<SyncError>,
    pub cause: String,
    pub fix: String,
}

const NEVER: &str = "0001-01-01T00:00:00Z";

impl JobStatus {
    pub fn from_job(job: &SyncJob) -> Self {
        let status = job.status.clone().unwrap_or_default();
        let schedule = job.schedule.clone().unwrap_or_default();
        let code = status.code.clone().unwrap_or_else(|| "Unknown".to_string());
        let quarantine = status.quarantine.as_ref().map(|q| {
            let reason = q.reason.clone().unwrap_or_else(|| "Unknown".to_string());
            let (cause, fix) = explain_quarantine(&reason, q.error.as_ref());
            QuarantineSummary {
                reason,
                current_began: q.current_began.clone(),
                next_attempt: q.next_attempt.clone(),
                error: q.error.clone(),
                cause,
                fix,
            }
        });
        let steady_state_reached = status
            .steady_state_first_achieved_time
            .as_deref()
            .is_some_and(|t| !t.starts_with(NEVER.trim_end_matches('Z')) && !t.is_empty());
        let last_execution = status.last_execution.as_ref().map(|e| ExecutionSummary {
            state: e.state.clone().unwrap_or_default(),
            time_began: e.time_began.clone(),
            time_ended: e.time_ended.clone(),
            count_exported: e.count_exported,
            error: e.error.clone(),
        });
        let schedule_state = schedule
            .state
            .clone()
            .unwrap_or_else(|| "Unknown".to_string());
        let summary = match (code.as_str(), &quarantine) {
            (_, Some(q)) => format!("In quarantine ({}): {}", q.reason, q.cause),
            ("NotConfigured", _) => {
                "Not configured yet: save the tenant URL and token, then start.".to_string()
            }
            ("NotRun", _) => "Configured; the first cycle has not finished yet.".to_string(),
            ("Paused", _) => "Paused: start it to resume provisioning.".to_string(),
            ("Active", _) if !steady_state_reached => {
                "Running the initial cycle; this can take from minutes to hours.".to_string()
            }
            ("Active", _) => "Active: Entra provisions changes about every 40 minutes.".to_string(),
            (other, _) => format!("Job state: {other}."),
        };
        Self {
            job_id: job.id.clone(),
            template_id: job.template_id.clone(),
            code,
            schedule_state,
            interval: schedule.interval.clone(),
            last_execution,
            quarantine,
            steady_state_reached,
            entry_counts: status
                .synchronized_entry_count_by_type
                .iter()
                .map(|pair| (pair.key.clone(), pair.value.to_string()))
                .collect(),
            troubleshooting_url: status.troubleshooting_url.clone(),
            summary,
        }
    }

    pub fn is_quarantined(&self) -> bool {
        self.quarantine.is_some() || self.code == "Quarantine"
    }

    /// Whether `start` is needed (docs: don't call it repeatedly while the job runs).
    pub fn needs_start(&self) -> bool {
        self.is_quarantined()
            || matches!(self.code.as_str(), "NotConfigured" | "Paused")
            || !matches!(self.schedule_state.as_str(), "Active")
    }
}

/// Plain words for each `quarantineReason` (§3.2, §10).
pub fn explain_quarantine(reason: &str, error: Option<&SyncError>) -> (String, String) {
    let code = error.and_then(|e| e.code.as_deref()).unwrap_or("");
    let message = error.and_then(|e| e.message.as_deref()).unwrap_or("");
    match reason {
        "EncounteredQuarantineException" => {
            let cause = if code.ends_with("InvalidCredentials") || message.contains("tenant URL") {
                "Entra cannot use the Tenant URL: it is not a SCIM base URL (wrong path, typo or a web page).".to_string()
            } else if code.ends_with("CredentialValidationUnavailable") {
                "Entra cannot reach the SCIM endpoint (network, firewall or certificate).".to_string()
            } else {
                format!(
                    "The SCIM endpoint refused Entra's credentials (the token is revoked or expired, or lost its role).{}",
                    if message.is_empty() { String::new() } else { format!(" Entra said: \u{201c}{message}\u{201d}") }
                )
            };
            (
                cause,
                "Fix the URL or create a new bearer token, save the credentials, run Test Connection, then restart \
                 the job with QuarantineState (the app's Start does this)."
                    .to_string(),
            )
        }
        "EncounteredEscrowProportionThreshold" | "EncounteredTotalEscrowThreshold" | "EncounteredBaseEscrowThreshold" => (
            "Too many users failed to provision (over 40 % of them, or tens of thousands).".to_string(),
            "Read the provisioning logs for the most common error and fix it, then restart with Escrows and QuarantineState.".to_string(),
        ),
        "TooManyDeletes" => (
            "More deletions than the accidental-deletion threshold allows were held back.".to_string(),
            "Review the pending deletions; if they are intended, restart with ForceDeletes.".to_string(),
        ),
        "QuarantinedOnDemand" | "QuarantineOnDemand" => (
            "Microsoft put the job in quarantine.".to_string(),
            "Contact Microsoft support with the job id.".to_string(),
        ),
        other => (
            format!("Entra put the job in quarantine ({other})."),
            "Read the provisioning logs, fix the cause, then restart the job with QuarantineState.".to_string(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_quarantine_reads_as_a_url_problem() {
        let job: SyncJob = serde_json::from_value(serde_json::json!({
            "id": "scim.t.j", "templateId": "scim",
            "schedule": {"expiration": null, "interval": "PT40M", "state": "Active"},
            "status": {"code": "Quarantine", "steadyStateFirstAchievedTime": "0001-01-01T00:00:00Z",
                "quarantine": {"currentBegan": "2021-05-24T21:45:54Z", "nextAttempt": "2021-05-24T21:50:54Z",
                    "reason": "EncounteredQuarantineException", "seriesBegan": "x", "seriesCount": 1,
                    "error": {"code": "SystemForCrossDomainIdentityManagementInvalidCredentials",
                              "message": "Please provide a valid tenant URL for your application.", "tenantActionable": true}}}
        }))
        .expect("job");
        let status = JobStatus::from_job(&job);
        assert!(status.is_quarantined() && status.needs_start());
        assert!(!status.steady_state_reached);
        let q = status.quarantine.expect("quarantine");
        assert!(q.cause.contains("Tenant URL"), "{}", q.cause);
        assert!(q.fix.contains("QuarantineState"));
    }
}
