//! Deletions the threshold held back: when a cycle would have deleted more than the
//! threshold (provisioning logs with action `stagedDelete`, quarantine `TooManyDeletes`), who
//! they are, and releasing them with `restart` `ForceDeletes`.

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::entra::sync_secrets::{
    RESET_SCOPE_FORCE_DELETES, STAGED_DELETE_ACTION, TOO_MANY_DELETES,
};
use crate::entra::{GraphClient, JobStatus};
use crate::problem::Problem;
use crate::wizard::context::journal_readers::journal_job_id;
use crate::wizard::context::wizard_context::WizardContext;
use crate::wizard::entra_provisioning::job_control::job_overview;
use crate::wizard::entra_provisioning::start::read_job_status;

/// How many provisioning-log entries are read to find held-back deletions (one request page
/// at Graph's 5 requests per 10 s).
const LOG_WINDOW: u32 = 500;

/// A deletion the threshold held back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HeldBackDeletion {
    pub user_principal_name: String,
    #[ts(optional = nullable)]
    pub display_name: Option<String>,
    pub activity_date_time: String,
}

/// Deletions held back by the threshold, by name; empty when the job is not held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HeldBackDeletions {
    /// The job is in quarantine because a cycle exceeded the threshold.
    pub held: bool,
    pub users: Vec<HeldBackDeletion>,
    pub job_status: JobStatus,
}

/// Reads the job and, when a cycle hit the threshold, the `stagedDelete` entries of the
/// newest cycle that staged any.
pub async fn list_held_back_deletions(
    ctx: &WizardContext,
    graph: &GraphClient,
    cancel: &CancellationToken,
) -> Result<HeldBackDeletions, Problem> {
    let (sp_id, job_id) = journal_job_id(ctx)?;
    let job_status = read_job_status(ctx, graph, cancel).await?;
    let held = job_status
        .quarantine
        .as_ref()
        .is_some_and(|q| q.reason.eq_ignore_ascii_case(TOO_MANY_DELETES));
    if !held {
        return Ok(HeldBackDeletions {
            held,
            users: Vec::new(),
            job_status,
        });
    }
    let staged: Vec<_> = graph
        .provisioning_logs(&sp_id, LOG_WINDOW, cancel)
        .await?
        .into_iter()
        .filter(|e| e.job_id.as_deref().is_none_or(|j| j == job_id))
        .filter(|e| {
            e.provisioning_action
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case(STAGED_DELETE_ACTION))
        })
        .collect();
    // Newest first: the first entry's cycle is the newest cycle that staged deletions.
    let cycle = staged.first().and_then(|e| e.cycle_id.clone());
    let users = staged
        .into_iter()
        .filter(|e| e.cycle_id == cycle)
        .map(|e| HeldBackDeletion {
            user_principal_name: e
                .source_user_principal_name
                .clone()
                .or_else(|| e.source_display_name.clone())
                .unwrap_or_default(),
            display_name: e.source_display_name,
            activity_date_time: e.activity_date_time,
        })
        .collect();
    Ok(HeldBackDeletions {
        held,
        users,
        job_status,
    })
}

/// "Allow these deletions": `restart` with `ForceDeletes`, then the job as the Overview shows
/// it now ([`job_overview`]).
pub async fn allow_held_back_deletions(
    ctx: &WizardContext,
    graph: &GraphClient,
    cancel: &CancellationToken,
) -> Result<JobStatus, Problem> {
    let (sp_id, job_id) = journal_job_id(ctx)?;
    graph
        .restart_sync_job(&sp_id, &job_id, RESET_SCOPE_FORCE_DELETES, cancel)
        .await?;
    job_overview(ctx, graph, cancel).await
}
