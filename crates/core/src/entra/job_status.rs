//! A provisioning job's state as the window shows it, with quarantine explained in plain words
//! (<https://learn.microsoft.com/graph/api/resources/synchronization-synchronizationstatus>,
//! <https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-quarantine-status>):
//! the state and schedule in words, when the next cycle is due, and (filled in from the
//! provisioning logs by the wizard) what the last cycle did and which scope the job provisions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::types::{SyncError, SyncJob};
use crate::unity::scim_status::{ROLE_MISSING, TOKEN_UNKNOWN};

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
    /// The state in plain words, as the portal's Overview says it ("Running", "Paused").
    #[serde(default)]
    pub state_label: String,
    /// The schedule in plain words ("Every 40 minutes", "Off until provisioning starts").
    #[serde(default)]
    pub schedule_label: String,
    /// When the next cycle is due (RFC 3339, UTC): the last cycle's start plus the interval.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub next_run: Option<String>,
    /// Said instead of, or beside, a time: "Starts within a few minutes", "Not while paused".
    #[serde(default)]
    pub next_run_label: String,
    /// What the last cycle did, counted from its provisioning log entries.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub last_cycle: Option<CycleCounts>,
    /// Who the job provisions, as this app last set it; unknown for a job set up elsewhere.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub scope: Option<ProvisioningScope>,
    /// The tenant's display name, when read (the portal shows the name, not the id).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub tenant_name: Option<String>,
}

/// Who a job provisions: the portal's "Sync only assigned users and groups" or "Sync all users and
/// groups" (the `SyncAll` synchronization secret,
/// <https://learn.microsoft.com/graph/api/synchronization-serviceprincipal-put-synchronization>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ProvisioningScope {
    AssignedOnly,
    AllUsers,
}

impl ProvisioningScope {
    /// The `SyncAll` secret's value for this scope: `"false"` or `"true"`.
    pub fn sync_all_value(self) -> &'static str {
        match self {
            ProvisioningScope::AssignedOnly => "false",
            ProvisioningScope::AllUsers => "true",
        }
    }

    /// The portal's words for the scope.
    pub fn label(self) -> &'static str {
        match self {
            ProvisioningScope::AssignedOnly => "Only assigned users and groups",
            ProvisioningScope::AllUsers => "All users and groups in the directory",
        }
    }
}

/// Counts for one kind of object in one cycle.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EntryTally {
    pub created: u32,
    pub updated: u32,
    /// Disabled or deleted in the target (left scope, or deleted in Entra).
    pub removed: u32,
    pub skipped: u32,
    pub failed: u32,
}

/// What one cycle did, by users and groups, from its provisioning log entries
/// (<https://learn.microsoft.com/graph/api/provisioningobjectsummary-list>).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CycleCounts {
    #[ts(optional = nullable)]
    pub cycle_id: Option<String>,
    pub users: EntryTally,
    pub groups: EntryTally,
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
    /// The job as Graph returned it, read at the current time.
    pub fn from_job(job: &SyncJob) -> Self {
        Self::from_job_at(job, chrono::Utc::now())
    }

    /// The job as Graph returned it, with the next run judged against `now`.
    pub fn from_job_at(job: &SyncJob, now: chrono::DateTime<chrono::Utc>) -> Self {
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
        let interval_seconds = schedule.interval.as_deref().and_then(duration_seconds);
        let schedule_on = schedule_state == "Active";
        let every = interval_seconds.map(describe_every);
        let ran = last_execution.as_ref().is_some_and(|e| {
            e.time_began
                .as_deref()
                .is_some_and(|t| !t.starts_with("0001"))
        });
        let last_words = last_execution
            .as_ref()
            .map(|e| {
                match e.state.as_str() {
                    "Succeeded" => "the last cycle succeeded",
                    "EntryLevelErrors" => "the last cycle finished with errors for some people",
                    "Failed" => "the last cycle failed",
                    _ => "a cycle is running",
                }
                .to_string()
            })
            .unwrap_or_default();
        let paused = code == "Paused" || schedule_state == "Paused";
        let state_label = match (code.as_str(), &quarantine) {
            (_, Some(_)) | ("Quarantine", _) => "In quarantine",
            _ if paused => "Paused",
            ("NotConfigured", _) => "Not configured",
            _ if !schedule_on => "Stopped",
            (_, _) if !ran => "Starting",
            (_, _) if !steady_state_reached => "Running its first cycle",
            _ => "Running",
        }
        .to_string();
        let schedule_label = match (&every, schedule_on, paused) {
            (_, _, true) => "Paused: no cycles until it is started again".to_string(),
            (Some(every), true, _) => capitalise(every),
            _ => "Off: no cycles until provisioning is started".to_string(),
        };
        let next_run = match (schedule_on && !paused, interval_seconds, &last_execution) {
            (true, Some(seconds), Some(e)) => e
                .time_began
                .as_deref()
                .filter(|t| !t.starts_with("0001"))
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|began| {
                    began.with_timezone(&chrono::Utc) + chrono::Duration::seconds(seconds)
                }),
            _ => None,
        };
        let next_run_label = if quarantine.is_some() {
            "Entra retries a quarantined job less often (up to once a day) until it is fixed and restarted".to_string()
        } else if paused {
            "Not while paused".to_string()
        } else if !schedule_on {
            "Not scheduled".to_string()
        } else if !ran {
            "The first cycle starts within a few minutes".to_string()
        } else if next_run.is_some_and(|next| next <= now) {
            "Due now: the next cycle starts shortly".to_string()
        } else {
            String::new()
        };
        let summary = match (code.as_str(), &quarantine) {
            // The reason code stays in `quarantine.reason`, for support; the sentence is words.
            (_, Some(q)) => format!("In quarantine: {}", q.cause),
            ("NotConfigured", _) => {
                "Not configured yet: save the tenant URL and token, then start.".to_string()
            }
            _ if paused => "Paused: start it to resume provisioning.".to_string(),
            _ if !schedule_on => "Saved but not started: start provisioning to run cycles.".to_string(),
            _ if !ran => "Started; the first cycle has not begun yet.".to_string(),
            _ if !steady_state_reached => format!(
                "Running the initial cycle, which goes through everyone in scope once; {last_words}."
            ),
            _ => format!(
                "Running: Entra provisions changes {}; {last_words}.",
                every.as_deref().unwrap_or("on its schedule")
            ),
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
            state_label,
            schedule_label,
            next_run: next_run.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            next_run_label,
            last_cycle: None,
            scope: None,
            tenant_name: None,
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

/// Seconds in an ISO 8601 duration such as `PT40M`, `PT2S` or `P1DT2H`; `None` when it cannot
/// be read or is Graph's "never" (the largest duration, written for a disabled schedule).
pub fn duration_seconds(duration: &str) -> Option<i64> {
    let rest = duration.strip_prefix('P')?;
    let (days, time) = match rest.split_once('T') {
        Some((days, time)) => (days, time),
        None => (rest, ""),
    };
    let mut seconds = 0f64;
    let mut take = |part: &str, units: &[(char, f64)]| -> Option<()> {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                number.push(c);
            } else {
                let scale = units.iter().find(|(u, _)| *u == c)?.1;
                seconds += number.parse::<f64>().ok()? * scale;
                number.clear();
            }
        }
        number.is_empty().then_some(())
    };
    take(days, &[('D', 86_400.0)])?;
    take(time, &[('H', 3_600.0), ('M', 60.0), ('S', 1.0)])?;
    (seconds > 0.0 && seconds <= 366.0 * 86_400.0).then_some((seconds.round() as i64).max(1))
}

/// "every 40 minutes", "every 2 seconds", "every hour".
fn describe_every(seconds: i64) -> String {
    let (n, unit) = if seconds % 3600 == 0 {
        (seconds / 3600, "hour")
    } else if seconds % 60 == 0 {
        (seconds / 60, "minute")
    } else {
        (seconds, "second")
    };
    if n == 1 {
        format!("every {unit}")
    } else {
        format!("every {n} {unit}s")
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Plain words for each `quarantineReason`
/// (<https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-quarantine-status>).
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
                // Entra's quarantine does not say which of Unity's two refusals it met.
                format!(
                    "The SCIM endpoint refused Entra's credentials: either the token {} (401), or {} (403).{}",
                    TOKEN_UNKNOWN.cause,
                    ROLE_MISSING.cause,
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

    fn job(value: serde_json::Value) -> SyncJob {
        serde_json::from_value(value).expect("job")
    }

    fn at(time: &str) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339(time)
            .expect("time")
            .with_timezone(&chrono::Utc)
    }

    #[test]
    fn reads_intervals_in_words_and_seconds() {
        assert_eq!(duration_seconds("PT40M"), Some(2400));
        assert_eq!(duration_seconds("PT2S"), Some(2));
        assert_eq!(duration_seconds("P1DT2H"), Some(93_600));
        assert_eq!(duration_seconds("P10675199DT2H48M5.4775807S"), None);
        assert_eq!(duration_seconds("40 minutes"), None);
        assert_eq!(describe_every(2400), "every 40 minutes");
        assert_eq!(describe_every(3600), "every hour");
        assert_eq!(describe_every(2), "every 2 seconds");
    }

    #[test]
    fn a_started_job_says_its_schedule_next_run_and_last_cycle_without_contradiction() {
        let status = JobStatus::from_job_at(
            &job(serde_json::json!({"id": "scim.t.j",
                "schedule": {"interval": "PT40M", "state": "Active"},
                "status": {"code": "NotRun", "steadyStateFirstAchievedTime": "0001-01-01T00:00:00Z",
                    "lastExecution": {"state": "Succeeded", "timeBegan": "2026-11-30T10:00:00Z", "timeEnded": "2026-11-30T10:00:05Z"}}})),
            at("2026-11-30T10:10:00Z"),
        );
        assert_eq!(status.state_label, "Running its first cycle");
        assert_eq!(status.schedule_label, "Every 40 minutes");
        assert_eq!(status.next_run.as_deref(), Some("2026-11-30T10:40:00Z"));
        assert_eq!(status.next_run_label, "");
        assert!(
            status.summary.contains("the last cycle succeeded"),
            "{}",
            status.summary
        );
        assert!(
            !status.summary.contains("not finished"),
            "{}",
            status.summary
        );
    }

    #[test]
    fn a_just_started_job_says_when_its_first_cycle_comes_and_a_paused_one_has_no_next_run() {
        let started = JobStatus::from_job_at(
            &job(
                serde_json::json!({"id": "j", "schedule": {"interval": "PT40M", "state": "Active"},
                "status": {"code": "NotRun", "lastExecution": null}}),
            ),
            at("2026-11-30T10:10:00Z"),
        );
        assert_eq!(started.state_label, "Starting");
        assert_eq!(started.next_run, None);
        assert_eq!(
            started.next_run_label,
            "The first cycle starts within a few minutes"
        );
        let paused = JobStatus::from_job_at(
            &job(
                serde_json::json!({"id": "j", "schedule": {"interval": "PT40M", "state": "Paused"},
                "status": {"code": "Paused", "lastExecution": {"state": "Succeeded", "timeBegan": "2026-11-30T10:00:00Z"}}}),
            ),
            at("2026-11-30T10:10:00Z"),
        );
        assert_eq!(paused.state_label, "Paused");
        assert_eq!(paused.next_run, None);
        assert_eq!(paused.next_run_label, "Not while paused");
        let never = JobStatus::from_job_at(
            &job(
                serde_json::json!({"id": "j", "schedule": {"interval": "P10675199DT2H48M5.4775807S", "state": "Disabled"},
                "status": {"code": "NotConfigured"}}),
            ),
            at("2026-11-30T10:10:00Z"),
        );
        assert_eq!(never.state_label, "Not configured");
        assert_eq!(
            never.schedule_label,
            "Off: no cycles until provisioning is started"
        );
    }

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

    #[test]
    fn a_refused_credential_names_both_of_unitys_refusals_from_the_catalogue() {
        // Entra's quarantine error does not say whether Unity answered 401 or 403: whatever
        // code or message it carries, the cause names both, in the catalogue's words.
        for (code, message) in [
            (
                "SystemForCrossDomainIdentityManagementCredentialValidationFailed",
                "",
            ),
            (
                "",
                "The remote server returned an error: (401) Unauthorized.",
            ),
            ("SomethingNew", "Forbidden"),
        ] {
            let error = SyncError {
                code: Some(code.to_string()).filter(|c| !c.is_empty()),
                message: Some(message.to_string()).filter(|m| !m.is_empty()),
                ..Default::default()
            };
            let (cause, _) = explain_quarantine("EncounteredQuarantineException", Some(&error));
            assert!(cause.contains(TOKEN_UNKNOWN.cause), "{cause}");
            assert!(cause.contains(ROLE_MISSING.cause), "{cause}");
            assert_eq!(cause.contains("Entra said"), !message.is_empty(), "{cause}");
        }
    }
}
