//! The provisioning job as the portal's Overview shows and changes it: the job's status with the
//! tenant's name, the scope, and what the last cycle did (counted from its provisioning log
//! entries); Pause, Start and Restart; the scope (the `SyncAll` secret); unassigning a user or
//! group; and one page of the provisioning logs (Graph's pages for each:
//! <https://learn.microsoft.com/graph/api/resources/synchronization-overview>). Each change is
//! journaled, and each returns the job as it reads afterwards.

use tokio_util::sync::CancellationToken;

use crate::entra::logs::read_log_entry;
use crate::entra::types::ProvisioningLogEntry;
use crate::entra::{
    CycleCounts, EntryTally, GraphClient, JobStatus, ProvisioningLogPage, ProvisioningLogQuery,
    ProvisioningScope,
};
use crate::problem::Problem;
use crate::wizard::context::journal::now;
use crate::wizard::context::journal_readers::{journal_job_id, journal_sp_id};
use crate::wizard::context::wizard_context::WizardContext;
use crate::wizard::entra_provisioning::credentials::save_credentials;

/// What Restart clears, as the portal's "Restart provisioning" does
/// (<https://learn.microsoft.com/graph/api/resources/synchronization-synchronizationjobrestartcriteria>):
/// the watermark (everyone is evaluated again), the escrows (failures are no longer retried) and a
/// quarantine.
pub const RESTART_SCOPE: &str = "Watermark, Escrows, QuarantineState";

/// Log entries read for the last cycle's counts at most (one Graph page).
const CYCLE_ENTRIES: u32 = 500;

/// The job's status with what the Overview shows beside it: the tenant's name, the scope this
/// app saved, and the last cycle's counts. The counts and the name are extras: when Graph
/// refuses them (throttled logs, no directory read) the status is returned without them.
pub async fn job_overview(
    ctx: &WizardContext,
    graph: &GraphClient,
    cancel: &CancellationToken,
) -> Result<JobStatus, Problem> {
    let (sp_id, job_id) = journal_job_id(ctx)?;
    let job = graph.get_sync_job(&sp_id, &job_id, cancel).await?;
    let mut status = JobStatus::from_job(&job);
    status.scope = ctx.journal.snapshot().entra.scope;
    status.tenant_name = graph
        .organization(cancel)
        .await
        .ok()
        .flatten()
        .and_then(|org| org.display_name);
    if let Some(execution) = status.last_execution.clone() {
        if let (Some(began), Some(ended)) = (execution.time_began, execution.time_ended) {
            status.last_cycle = last_cycle_counts(graph, &sp_id, &job_id, &began, &ended, cancel)
                .await
                .ok();
        }
    }
    Ok(status)
}

/// Counts one cycle's entries (between `began` and `ended`, RFC 3339) by users and groups,
/// leaving out Provision on demand runs that happened meanwhile.
async fn last_cycle_counts(
    graph: &GraphClient,
    sp_id: &str,
    job_id: &str,
    began: &str,
    ended: &str,
    cancel: &CancellationToken,
) -> Result<CycleCounts, Problem> {
    let filter = format!(
        "servicePrincipal/id eq {} and jobId eq {} and activityDateTime ge {began} and activityDateTime le {ended}",
        crate::entra::odata_string(sp_id),
        crate::entra::odata_string(job_id),
    );
    let path = format!(
        "/auditLogs/provisioning?$filter={}&$top={CYCLE_ENTRIES}",
        crate::http::encode_query_value(&filter)
    );
    let raw: Vec<serde_json::Value> = graph
        .pager(&path, false, "Counting the last cycle's changes")
        .collect(CYCLE_ENTRIES as usize, cancel)
        .await?;
    let entries: Vec<ProvisioningLogEntry> = raw.iter().filter_map(read_log_entry).collect();
    Ok(count_cycle(&entries))
}

/// Created, updated, removed, skipped and failed, for users and for groups (the log entries'
/// `provisioningAction` and `provisioningStatusInfo.status`). On-demand entries do not count.
pub fn count_cycle(entries: &[ProvisioningLogEntry]) -> CycleCounts {
    let mut counts = CycleCounts {
        cycle_id: entries.iter().find_map(|e| e.cycle_id.clone()),
        ..CycleCounts::default()
    };
    for entry in entries.iter().filter(|e| !e.on_demand) {
        let group = entry
            .identity_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("group"));
        let tally: &mut EntryTally = if group {
            &mut counts.groups
        } else {
            &mut counts.users
        };
        let status = entry
            .status
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let action = entry
            .provisioning_action
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match (status.as_str(), action.as_str()) {
            ("failure", _) => tally.failed += 1,
            ("skipped", _) => tally.skipped += 1,
            (_, "create") => tally.created += 1,
            (_, "update") => tally.updated += 1,
            (_, "disable" | "delete" | "stageddelete") => tally.removed += 1,
            _ => {}
        }
    }
    counts
}

/// Pauses the job
/// (<https://learn.microsoft.com/graph/api/synchronization-synchronizationjob-pause>): no more
/// cycles until Start; a running cycle finishes.
pub async fn pause_provisioning(
    ctx: &WizardContext,
    graph: &GraphClient,
    cancel: &CancellationToken,
) -> Result<JobStatus, Problem> {
    let (sp_id, job_id) = journal_job_id(ctx)?;
    graph.pause_sync_job(&sp_id, &job_id, cancel).await?;
    ctx.journal.update(|j| j.entra.paused_at = Some(now()))?;
    job_overview(ctx, graph, cancel).await
}

/// Starts or resumes the job
/// (<https://learn.microsoft.com/graph/api/synchronization-synchronizationjob-start>), lifting a
/// quarantine first as the wizard's Start does.
pub async fn resume_provisioning(
    ctx: &WizardContext,
    graph: &GraphClient,
    cancel: &CancellationToken,
) -> Result<JobStatus, Problem> {
    let (sp_id, job_id) = journal_job_id(ctx)?;
    let before = JobStatus::from_job(&graph.get_sync_job(&sp_id, &job_id, cancel).await?);
    if before.is_quarantined() {
        graph
            .restart_sync_job(&sp_id, &job_id, "QuarantineState", cancel)
            .await?;
    }
    graph.start_sync_job(&sp_id, &job_id, cancel).await?;
    ctx.journal.update(|j| {
        j.entra.started_at = Some(now());
        j.entra.paused_at = None;
    })?;
    job_overview(ctx, graph, cancel).await
}

/// Restarts the job with [`RESTART_SCOPE`]
/// (<https://learn.microsoft.com/graph/api/synchronization-synchronizationjob-restart>): a full
/// cycle over everyone in scope follows. Nothing is removed from the target by the restart itself.
pub async fn restart_provisioning(
    ctx: &WizardContext,
    graph: &GraphClient,
    cancel: &CancellationToken,
) -> Result<JobStatus, Problem> {
    let (sp_id, job_id) = journal_job_id(ctx)?;
    graph
        .restart_sync_job(&sp_id, &job_id, RESTART_SCOPE, cancel)
        .await?;
    ctx.journal.update(|j| j.entra.restarted_at = Some(now()))?;
    job_overview(ctx, graph, cancel).await
}

/// Saves who the job provisions (`SyncAll` with the tenant URL and token, saved together as
/// the job's secrets) and journals
/// it. Needs the URL and token of steps 1 and 2, since the secrets are saved together.
pub async fn set_provisioning_scope(
    ctx: &WizardContext,
    graph: &GraphClient,
    scope: ProvisioningScope,
    cancel: &CancellationToken,
) -> Result<JobStatus, Problem> {
    let previous = ctx.journal.snapshot().entra.scope;
    ctx.journal.update(|j| j.entra.scope = Some(scope))?;
    if let Err(problem) = save_credentials(ctx, graph, cancel).await {
        // The journal says what Entra holds: put the old scope back when saving failed.
        ctx.journal.update(|j| j.entra.scope = previous)?;
        return Err(problem);
    }
    job_overview(ctx, graph, cancel).await
}

/// Removes one assignment (`DELETE appRoleAssignedTo/{id}`,
/// <https://learn.microsoft.com/graph/api/serviceprincipal-delete-approleassignedto>). Entra then
/// disables or deletes the user (or the group's members) in the target on its next cycle.
pub async fn unassign(
    ctx: &WizardContext,
    graph: &GraphClient,
    assignment_id: &str,
    cancel: &CancellationToken,
) -> Result<(), Problem> {
    let sp_id = journal_sp_id(ctx)?;
    graph.remove_assignment(&sp_id, assignment_id, cancel).await
}

/// One page of the configured app's provisioning logs (see
/// [`GraphClient::query_provisioning_logs`]): 100 entries a page.
pub async fn provisioning_log_page(
    ctx: &WizardContext,
    graph: &GraphClient,
    query: &ProvisioningLogQuery,
    next_link: Option<&str>,
    cancel: &CancellationToken,
) -> Result<ProvisioningLogPage, Problem> {
    let sp_id = journal_sp_id(ctx)?;
    graph
        .query_provisioning_logs(&sp_id, query, next_link, 100, cancel)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn counts_a_cycle_by_users_and_groups_without_on_demand_runs() {
        let entry = |kind: &str, action: &str, status: &str, initiator: &str| {
            read_log_entry(&json!({"id": "x", "activityDateTime": "2026-11-30T10:00:00Z", "cycleId": "c-1",
                "provisioningAction": action, "provisioningStatusInfo": {"status": status},
                "sourceIdentity": {"id": "s", "identityType": kind}, "initiatedBy": {"initiatorType": initiator}}))
            .expect("entry")
        };
        let counts = count_cycle(&[
            entry("User", "create", "success", "system"),
            entry("User", "create", "success", "system"),
            entry("User", "update", "success", "system"),
            entry("User", "disable", "success", "system"),
            entry("User", "other", "skipped", "system"),
            entry("User", "create", "failure", "system"),
            entry("Group", "create", "success", "system"),
            entry("User", "create", "success", "user"),
        ]);
        assert_eq!(counts.cycle_id.as_deref(), Some("c-1"));
        assert_eq!(
            counts.users,
            EntryTally {
                created: 2,
                updated: 1,
                removed: 1,
                skipped: 1,
                failed: 1
            }
        );
        assert_eq!(
            counts.groups,
            EntryTally {
                created: 1,
                ..EntryTally::default()
            }
        );
    }
}
