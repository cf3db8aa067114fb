//! Step 3 on the Entra side: the enterprise app, its provisioning job, Test Connection, the
//! saved credentials, start, and the job's state. Each looks before it creates; new objects
//! are waited for (Entra replicates them over seconds to a minute, entra-graph.md §2.2).

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::entra::sync_secrets::SyncSecretsWrite;
use crate::entra::types::{ServicePrincipal, SyncJob, SyncTemplate};
use crate::entra::{graph_problem, GraphClient, JobStatus, ProvisioningScope};
use crate::problem::Problem;
use crate::progress::ProgressSink;
use crate::wizard::context::journal::now;
use crate::wizard::context::journal_readers::{
    journal_job_id, journal_scim_url, journal_sp_id, stored_scim_token,
};
use crate::wizard::context::progress::{note, WizardProgress};
use crate::wizard::context::step_id::StepId;
use crate::wizard::context::wizard_context::crash_point;
use crate::wizard::context::wizard_context::WizardContext;
use crate::wizard::entra_provisioning::deletion_protection::protection_to_save;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EnterpriseAppOutcome {
    pub service_principal_id: String,
    pub app_id: String,
    pub display_name: String,
    pub created: bool,
    /// False for apps made under App registrations, which cannot provision.
    pub from_template: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProvisioningJobOutcome {
    pub job_id: String,
    pub template_id: String,
    pub created: bool,
    pub status: JobStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TestConnectionOutcome {
    pub url: String,
    pub token_last_four: String,
    pub checked_at: String,
}

fn prefer_templated(mut found: Vec<ServicePrincipal>) -> Option<ServicePrincipal> {
    found.sort_by_key(|sp| sp.application_template_id.is_none());
    found.into_iter().next()
}

/// Finds the app by name (the journal's id first); creates a non-gallery one only when asked.
pub async fn ensure_enterprise_app(
    ctx: &WizardContext,
    graph: &GraphClient,
    name: &str,
    create_if_missing: bool,
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> Result<EnterpriseAppOutcome, Problem> {
    let step = StepId::EnterpriseApp;
    let journal = ctx.journal.snapshot();
    let mut existing = None;
    if let (Some(id), Some(app_name)) =
        (&journal.entra.service_principal_id, &journal.entra.app_name)
    {
        if app_name == name {
            existing = graph.get_service_principal(id, cancel).await?;
        }
    }
    if existing.is_none() {
        existing = prefer_templated(graph.find_service_principals_by_name(name, cancel).await?);
    }
    let (sp, created) = match existing {
        Some(sp) => (sp, false),
        None if !create_if_missing => {
            return Err(Problem::not_found(
                format!("Looking for the enterprise app \u{201c}{name}\u{201d}"),
                format!("No enterprise app named \u{201c}{name}\u{201d} exists in this tenant."),
                "Check the name (it must match exactly, as in Entra › Enterprise applications), or let the app create a \
                 non-gallery app of that name.",
            ))
        }
        None => {
            note(progress, step, format!("Creating the non-gallery enterprise app \u{201c}{name}\u{201d}"));
            let sp_id = match graph.instantiate_non_gallery_app(name, cancel).await {
                Ok((sp_id, _)) => sp_id,
                // The create may have worked although its answer was lost: look first.
                Err(problem) if matches!(problem.kind_name(), "timeout" | "unreachable" | "server") => {
                    match prefer_templated(graph.find_service_principals_by_name(name, cancel).await?) {
                        Some(sp) => sp.id,
                        None => return Err(problem),
                    }
                }
                Err(problem) => return Err(problem),
            };
            ctx.journal.update(|j| {
                j.entra.app_name = Some(name.to_string());
                j.entra.service_principal_id = Some(sp_id.clone());
                j.entra.app_created_by_us = true;
            })?;
            (wait_for_service_principal(ctx, graph, &sp_id, progress, cancel).await?, true)
        }
    };
    let from_template = sp.application_template_id.is_some();
    if !from_template {
        note(
            progress,
            step,
            "Warning: this app was not made from an application template; if provisioning is unavailable, create a non-gallery app instead",
        );
    }
    ctx.journal.update(|j| {
        // Another app than last time: its job and rule are not ours to reuse.
        if j.entra.service_principal_id.as_deref() != Some(sp.id.as_str()) {
            j.entra.job_id = None;
            j.entra.rule_id = None;
        }
        j.entra.app_name = Some(name.to_string());
        j.entra.service_principal_id = Some(sp.id.clone());
        j.entra.app_id = Some(sp.app_id.clone());
    })?;
    ctx.journal.mark_done(step)?;
    Ok(EnterpriseAppOutcome {
        service_principal_id: sp.id,
        app_id: sp.app_id,
        display_name: sp.display_name,
        created,
        from_template,
    })
}

async fn wait_for_service_principal(
    ctx: &WizardContext,
    graph: &GraphClient,
    sp_id: &str,
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> Result<ServicePrincipal, Problem> {
    for attempt in 0..ctx.tuning.replication_attempts {
        if let Some(sp) = graph.get_service_principal(sp_id, cancel).await? {
            return Ok(sp);
        }
        ctx.replication_pause(
            StepId::EnterpriseApp,
            attempt,
            "the new app to replicate",
            progress,
            cancel,
        )
        .await?;
    }
    Err(Problem::not_found(
        "Waiting for the new enterprise app",
        "Entra created the app but it did not become readable in time.",
        "Wait a minute and run the step again; it will find the app instead of creating another.",
    ))
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
        let response = graph.create_sync_job(&sp_id, &template.id, cancel).await?;
        if response.is_success() {
            crash_point("provisioningJob");
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
    ctx.journal.update(|j| {
        j.entra.job_id = Some(job.id.clone());
        j.entra.template_id = Some(template_id.clone());
    })?;
    ctx.journal.mark_done(StepId::ProvisioningJob)?;
    Ok(ProvisioningJobOutcome {
        job_id: job.id.clone(),
        template_id,
        created,
        status,
    })
}

/// Entra's Test Connection with the stored URL and token (validateCredentials).
pub async fn test_connection(
    ctx: &WizardContext,
    graph: &GraphClient,
    cancel: &CancellationToken,
) -> Result<TestConnectionOutcome, Problem> {
    let (sp_id, job_id) = journal_job_id(ctx)?;
    let url = journal_scim_url(ctx)?;
    let token = stored_scim_token(ctx)?;
    graph
        .validate_credentials(&sp_id, &job_id, &url, &token, cancel)
        .await?;
    let checked_at = now();
    ctx.journal
        .update(|j| j.entra.tested_at = Some(checked_at.clone()))?;
    ctx.journal.mark_done(StepId::TestConnection)?;
    Ok(TestConnectionOutcome {
        url,
        token_last_four: token.last_four(),
        checked_at,
    })
}

/// Saves tenant URL and token in the job's secrets with the deletion safeguards (the
/// journal's choice, else the suggestion), then reads the settings back (PUT: repeating it
/// is harmless).
pub async fn save_credentials(
    ctx: &WizardContext,
    graph: &GraphClient,
    cancel: &CancellationToken,
) -> Result<TestConnectionOutcome, Problem> {
    let url = journal_scim_url(ctx)?;
    let token = stored_scim_token(ctx)?;
    write_job_secrets(ctx, graph, &url, &token, cancel).await?;
    let saved_at = now();
    ctx.journal
        .update(|j| j.entra.secrets_saved_at = Some(saved_at.clone()))?;
    ctx.journal.mark_done(StepId::SaveCredentials)?;
    Ok(TestConnectionOutcome {
        url,
        token_last_four: token.last_four(),
        checked_at: saved_at,
    })
}

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

/// PUTs the job's secrets (URL, token, the journal's scope, the safeguards) and reads the
/// non-secret part back: a value Entra did not keep is an error, not a silent default. A
/// service that cannot read secrets back (UNCONFIRMED in Graph) is not held against it.
pub(crate) async fn write_job_secrets(
    ctx: &WizardContext,
    graph: &GraphClient,
    url: &str,
    token: &crate::secret::Secret,
    cancel: &CancellationToken,
) -> Result<(), Problem> {
    let sp_id = journal_sp_id(ctx)?;
    let protection = protection_to_save(ctx);
    let scope = ctx
        .journal
        .snapshot()
        .entra
        .scope
        .unwrap_or(ProvisioningScope::AssignedOnly);
    let write = SyncSecretsWrite {
        base_address: url,
        token,
        sync_all: scope == ProvisioningScope::AllUsers,
        protection: &protection,
    };
    graph.put_sync_secrets(&sp_id, &write, cancel).await?;
    // The scope written is now known, even when nobody chose one: say so on the job card.
    if ctx.journal.snapshot().entra.scope.is_none() {
        ctx.journal.update(|j| j.entra.scope = Some(scope))?;
    }
    let Ok(saved) = graph.get_sync_secrets(&sp_id, cancel).await else {
        return Ok(());
    };
    let url_kept = saved
        .base_address
        .as_deref()
        .is_none_or(|saved| saved == url);
    if saved.protection != protection || !url_kept {
        return Err(Problem::server(
            "Reading the job's settings back from Entra",
            format!(
                "Entra kept different settings than were sent (threshold {}, recipients \u{201c}{}\u{201d}).",
                saved.protection.delete_threshold, saved.protection.notify
            ),
            "Save again; if it persists, check the job's settings in the Entra admin center.",
        ));
    }
    Ok(())
}
