//! Step 3's Start: the job started unless it already runs (a quarantined one restarted
//! first), and the job's state read back, with a quarantine as a Problem for callers that
//! treat it as a failed step.

use tokio_util::sync::CancellationToken;

use crate::entra::{GraphClient, JobStatus};
use crate::problem::Problem;
use crate::progress::ProgressSink;
use crate::wizard::context::journal::now;
use crate::wizard::context::journal_readers::journal_job_id;
use crate::wizard::context::progress::{note, WizardProgress};
use crate::wizard::context::step_id::StepId;
use crate::wizard::context::wizard_context::WizardContext;

/// Starts the job unless it already runs (the docs warn against repeated starts); a
/// quarantined job is restarted with QuarantineState so it tries again at once.
pub async fn start_provisioning(
    ctx: &WizardContext,
    graph: &GraphClient,
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> Result<(JobStatus, bool), Problem> {
    let (sp_id, job_id) = journal_job_id(ctx)?;
    let before = JobStatus::from_job(&graph.get_sync_job(&sp_id, &job_id, cancel).await?);
    if !before.needs_start() {
        ctx.journal.mark_done(StepId::StartProvisioning)?;
        return Ok((before, false));
    }
    if before.is_quarantined() {
        note(
            progress,
            StepId::StartProvisioning,
            "The job is in quarantine; restarting it with QuarantineState",
        );
        graph
            .restart_sync_job(&sp_id, &job_id, "QuarantineState", cancel)
            .await?;
    }
    graph.start_sync_job(&sp_id, &job_id, cancel).await?;
    ctx.journal.update(|j| j.entra.started_at = Some(now()))?;
    let after = JobStatus::from_job(&graph.get_sync_job(&sp_id, &job_id, cancel).await?);
    ctx.journal.mark_done(StepId::StartProvisioning)?;
    Ok((after, true))
}

/// The job's state, schedule, last execution and quarantine (explained).
pub async fn read_job_status(
    ctx: &WizardContext,
    graph: &GraphClient,
    cancel: &CancellationToken,
) -> Result<JobStatus, Problem> {
    let (sp_id, job_id) = journal_job_id(ctx)?;
    Ok(JobStatus::from_job(
        &graph.get_sync_job(&sp_id, &job_id, cancel).await?,
    ))
}

/// A quarantined job as a Problem, for callers that treat quarantine as a failed step.
pub fn quarantine_problem(status: &JobStatus) -> Option<Problem> {
    let q = status.quarantine.as_ref()?;
    let mut problem = Problem::quarantined(
        "Reading the provisioning job",
        format!("The job is in quarantine ({}): {}", q.reason, q.cause),
        q.fix.clone(),
    );
    problem.info_mut().detail.graph_code = q.error.as_ref().and_then(|e| e.code.clone());
    Some(problem)
}
