//! Step 3's provisioning job: the app's job reused, or created from its template and
//! retried while Entra's provisioning service has not seen the new app yet; or, for
//! commands that only work on a job set up before, found and never created.

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::entra::types::{SyncJob, SyncTemplate};
use crate::entra::{graph_problem, GraphClient, JobStatus};
use crate::problem::Problem;
use crate::progress::ProgressSink;
use crate::wizard::context::crash_points::{crash_point, CrashPoint};
use crate::wizard::context::intents::{CreateIntent, IntentKind};
use crate::wizard::context::journal_readers::journal_sp_id;
use crate::wizard::context::progress::{note, WizardProgress};
use crate::wizard::context::step_id::StepId;
use crate::wizard::context::wizard_context::WizardContext;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProvisioningJobOutcome {
    pub job_id: String,
    pub template_id: String,
    pub created: bool,
    pub status: JobStatus,
}

fn pick_template(templates: &[SyncTemplate]) -> Option<&SyncTemplate> {
    templates
        .iter()
        .find(|t| t.id == "scim")
        .or_else(|| templates.iter().find(|t| t.default))
        .or_else(|| templates.first())
}

fn pick_job<'a>(jobs: &'a [SyncJob], journal_job: Option<&str>) -> Option<&'a SyncJob> {
    jobs.iter()
        .find(|j| Some(j.id.as_str()) == journal_job)
        .or_else(|| {
            jobs.iter()
                .find(|j| j.template_id.as_deref() == Some("scim"))
        })
        .or_else(|| jobs.first())
}

/// Reuses the app's job, or creates one from its template, retrying the "not ready yet"
/// 401/404 that follows a new app (listing again before every retry).
pub async fn ensure_provisioning_job(
    ctx: &WizardContext,
    graph: &GraphClient,
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> Result<ProvisioningJobOutcome, Problem> {
    let step = StepId::ProvisioningJob;
    let sp_id = journal_sp_id(ctx)?;
    let journal_job = ctx.journal.snapshot().entra.job_id;
    let mut last_problem = None;
    for attempt in 0..ctx.tuning.replication_attempts {
        let jobs = graph.list_sync_jobs(&sp_id, cancel).await?;
        if let Some(job) = pick_job(&jobs, journal_job.as_deref()) {
            return finish_job(ctx, job, false);
        }
        let templates = graph.list_sync_templates(&sp_id, cancel).await?;
        let Some(template) = pick_template(&templates) else {
            last_problem = Some(Problem::not_found(
                "Creating the provisioning job",
                "The app offers no provisioning template: it was probably created under App registrations or as an OIDC app, which cannot provision.",
                "Create a non-gallery enterprise app under a new name and use that one.",
            ));
            ctx.replication_pause(
                step,
                attempt,
                "the app's provisioning templates",
                progress,
                cancel,
            )
            .await?;
            continue;
        };
        // Intent before the create: a kill after it is settled by the job listing above.
        let mut intent = CreateIntent::new(IntentKind::ProvisioningJob, &template.id);
        intent.service_principal_id = Some(sp_id.clone());
        ctx.journal.begin_intent(&intent)?;
        crash_point(CrashPoint::BeforeProvisioningJob);
        let response = graph.create_sync_job(&sp_id, &template.id, cancel).await?;
        if response.is_success() {
            crash_point(CrashPoint::AfterProvisioningJob);
            let job: SyncJob = response
                .json()
                .map_err(|_| response.unreadable("Creating the provisioning job", "a job"))?;
            note(
                progress,
                step,
                format!("Created the job {} from template {}", job.id, template.id),
            );
            return finish_job(ctx, &job, true);
        }
        let problem = graph_problem("Creating the provisioning job", &response);
        if !matches!(response.status, 401 | 404) {
            return Err(problem);
        }
        last_problem = Some(problem);
        ctx.replication_pause(
            step,
            attempt,
            "Entra's provisioning service to see the new app",
            progress,
            cancel,
        )
        .await?;
    }
    Err(last_problem.unwrap_or_else(|| {
        Problem::server(
            "Creating the provisioning job",
            "The job could not be created.",
            "Try again in a minute.",
        )
    }))
}

/// The app's existing job, never creating one (for `provision`).
pub async fn find_provisioning_job(
    ctx: &WizardContext,
    graph: &GraphClient,
    cancel: &CancellationToken,
) -> Result<ProvisioningJobOutcome, Problem> {
    let sp_id = journal_sp_id(ctx)?;
    let jobs = graph.list_sync_jobs(&sp_id, cancel).await?;
    let journal_job = ctx.journal.snapshot().entra.job_id;
    match pick_job(&jobs, journal_job.as_deref()) {
        Some(job) => finish_job(ctx, job, false),
        None => Err(Problem::not_found(
            "Finding the provisioning job",
            "The app has no provisioning job yet.",
            "Set up step 3 (Entra) first: it creates and starts the job.",
        )),
    }
}

fn finish_job(
    ctx: &WizardContext,
    job: &SyncJob,
    created: bool,
) -> Result<ProvisioningJobOutcome, Problem> {
    let status = JobStatus::from_job(job);
    let template_id = job
        .template_id
        .clone()
        .unwrap_or_else(|| "scim".to_string());
    // Found or made: recorded, and any intent to make a job settled, in one write.
    ctx.journal.finish_intents(
        IntentKind::ProvisioningJob,
        |_| true,
        |j| {
            j.entra.job_id = Some(job.id.clone());
            j.entra.template_id = Some(template_id.clone());
        },
    )?;
    ctx.journal.mark_done(StepId::ProvisioningJob)?;
    Ok(ProvisioningJobOutcome {
        job_id: job.id.clone(),
        template_id,
        created,
        status,
    })
}
