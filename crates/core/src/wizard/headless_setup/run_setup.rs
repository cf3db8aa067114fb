//! `run_setup`: the four steps in order, headless. The CLI's `setup` is a thin face over
//! this, and the window can run it too. It stops at the first failed step and says which
//! and why; running it again resumes, creating nothing twice. Each step is one function
//! here that runs the step's engine call and records its outcome and evidence.

use tokio_util::sync::CancellationToken;

use crate::auth::BrowserLauncher;
use crate::entra::{GraphClient, JobStatus};
use crate::progress::ProgressSink;
use crate::secret::Secret;
use crate::unity::UnityAdminClient;
use crate::wizard::context::progress::{
    evidence, reporting_retry_waits, reporting_retry_waits_by_step, StepOutcome, StepTracking,
    WizardProgress,
};
use crate::wizard::context::step_id::StepId;
use crate::wizard::context::wizard_context::WizardContext;
use crate::wizard::entra_provisioning::credentials::{save_credentials, test_connection};
use crate::wizard::entra_provisioning::deletion_protection::{
    apply_deletion_protection, DeletionProtectionChoice,
};
use crate::wizard::entra_provisioning::enterprise_app::ensure_enterprise_app;
use crate::wizard::entra_provisioning::provisioning_job::ensure_provisioning_job;
use crate::wizard::entra_provisioning::start::{
    quarantine_problem, read_job_status, start_provisioning,
};
use crate::wizard::headless_setup::microsoft_sign_in::{
    microsoft_evidence, sign_in_microsoft, MicrosoftSignInChoice,
};
use crate::wizard::headless_setup::provision_step::assign_and_provision;
use crate::wizard::headless_setup::recorder::{created_or_reused, SetupReport, StepRecorder};
use crate::wizard::unity_credentials::api_road::{ensure_unity_credentials, UnityOptions};
use crate::wizard::unity_credentials::connector_url::ensure_connector_url;
use crate::wizard::unity_credentials::guided_road::accept_pasted_credentials;
use crate::wizard::unity_credentials::reconcile::reconcile_token_intents;

/// How step 1 gets the SCIM URL and token.
pub enum UnityRoad {
    /// Sign in to Unity and create what is missing (needs a Unity client ID in the profile).
    Api(UnityOptions),
    /// The admin brings both (pasted in the window; `--scim-url` + `--token-env` in the CLI).
    Guided { scim_url: String, token: Secret },
}

/// What `run_setup` is asked to do: the CLI's `setup` flags.
pub struct SetupOptions {
    pub road: UnityRoad,
    pub microsoft: MicrosoftSignInChoice,
    pub app_name: String,
    pub create_app: bool,
    /// UPNs to assign (if needed) and provision on demand at the end.
    pub provision: Vec<String>,
    /// Changes to the suggested deletion safeguards (threshold, recipients, skip).
    pub protection: DeletionProtectionChoice,
}

/// Runs every step in order and reports each; the first failed step ends the run (its
/// report says why). Never fails itself: the outcome is in the report.
pub async fn run_setup(
    ctx: &WizardContext,
    options: SetupOptions,
    launcher: &dyn BrowserLauncher,
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> SetupReport {
    // Every call of every step says what it waits for while it waits, on the step it serves.
    let tracking = StepTracking::new(progress, StepId::SignInUnity);
    reporting_retry_waits_by_step(
        &tracking,
        run_steps(ctx, options, launcher, &tracking, cancel),
    )
    .await
}

/// [`run_setup`]'s steps, reporting to `progress`.
async fn run_steps(
    ctx: &WizardContext,
    options: SetupOptions,
    launcher: &dyn BrowserLauncher,
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> SetupReport {
    let mut steps = StepRecorder::new(ctx, progress);
    let Some((graph, status)) = set_up_through_start(&mut steps, &options, launcher, cancel).await
    else {
        return steps.take_report(None, Vec::new());
    };

    // Step 4: assign and provision the chosen users.
    let Some(provisioned) =
        assign_and_provision(&mut steps, &graph, &options.provision, cancel).await
    else {
        return steps.take_report(Some(status), Vec::new());
    };

    let Some(status) = record_job_status(&mut steps, &graph, cancel).await else {
        return steps.take_report(None, Vec::new());
    };
    steps.take_report(Some(status), provisioned)
}

/// Steps 1 to 3, each recorded: the Unity side by the road chosen, then Entra up to Start.
/// Graph as the signed-in admin and the job's state after Start; `None` at the first step
/// that failed.
async fn set_up_through_start(
    steps: &mut StepRecorder<'_>,
    options: &SetupOptions,
    launcher: &dyn BrowserLauncher,
    cancel: &CancellationToken,
) -> Option<(GraphClient, JobStatus)> {
    // Step 1 and 2: the Unity side.
    let unity = match &options.road {
        UnityRoad::Api(unity_options) => {
            let unity = record_sign_in_unity(steps, launcher, cancel).await?;
            record_unity_credentials(steps, &unity, unity_options, cancel).await?;
            record_connector_url(steps, &unity, cancel).await?;
            Some(unity)
        }
        UnityRoad::Guided { scim_url, token } => {
            record_pasted_credentials(steps, scim_url, token, cancel).await?;
            None
        }
    };

    // Step 3: Entra.
    let graph = record_sign_in_microsoft(steps, options.microsoft, launcher, cancel).await?;
    record_enterprise_app(steps, &graph, &options.app_name, options.create_app, cancel).await?;
    record_provisioning_job(steps, &graph, cancel).await?;
    record_test_connection(steps, &graph, cancel).await?;
    record_save_credentials(steps, &graph, &options.protection, cancel).await?;
    if let Some(unity) = &unity {
        settle_interrupted_tokens(steps, unity, cancel).await;
    }
    let status = record_start(steps, &graph, cancel).await?;
    Some((graph, status))
}

/// With the keychain's token now the one Entra holds, settles what an interrupted run's
/// tokens left open at step 1 (a token Entra held then and this save replaced is revoked
/// now). Never fails the run: what cannot be settled stays open for the next one.
async fn settle_interrupted_tokens(
    steps: &mut StepRecorder<'_>,
    unity: &UnityAdminClient,
    cancel: &CancellationToken,
) {
    let (ctx, progress) = (steps.ctx, steps.progress);
    let step = StepId::SaveCredentials;
    match reconcile_token_intents(ctx, unity, step, progress, cancel).await {
        Ok(outcome) if !outcome.lines.is_empty() => {
            steps.add_evidence(step, "reconciled", outcome.lines.join(" "));
        }
        Ok(_) => {}
        Err(problem) => tracing::warn!(
            kind = problem.kind_name(),
            "could not settle the tokens an interrupted run left; the next run tries again"
        ),
    }
}

/// `signInUnity`: this run's or the saved session, else the browser; then the admin API as
/// the signed-in admin.
async fn record_sign_in_unity(
    steps: &mut StepRecorder<'_>,
    launcher: &dyn BrowserLauncher,
    cancel: &CancellationToken,
) -> Option<UnityAdminClient> {
    let ctx = steps.ctx;
    steps.begin(StepId::SignInUnity);
    let signed_in = steps.record(ctx.sign_in_unity(launcher, cancel).await)?;
    steps.ok(
        if signed_in.resumed {
            StepOutcome::Reused
        } else {
            StepOutcome::Passed
        },
        if signed_in.resumed {
            "Signed in to Unity with the saved session"
        } else {
            "Signed in to Unity"
        },
        evidence([("account", signed_in.account.clone())]),
    );
    steps.record(ctx.unity_admin(cancel).await)
}

/// `unityCredentials` on the API road: the service account, its role and a stored token.
async fn record_unity_credentials(
    steps: &mut StepRecorder<'_>,
    unity: &UnityAdminClient,
    unity_options: &UnityOptions,
    cancel: &CancellationToken,
) -> Option<()> {
    let (ctx, progress) = (steps.ctx, steps.progress);
    steps.begin(StepId::UnityCredentials);
    let creds = steps
        .record(ensure_unity_credentials(ctx, unity, unity_options, progress, cancel).await)?;
    steps.ok(
        created_or_reused(creds.service_account_created || creds.token_created || creds.role_added),
        format!(
            "Service account \u{201c}{}\u{201d} with {}; token …{} in {}",
            creds.service_account_name,
            crate::unity::dashboard::SCIM_AUTHENTICATOR,
            creds.token_last_four,
            creds.token_stored_in
        ),
        evidence([
            ("orgId", Some(creds.org_id.clone())),
            ("serviceAccountId", Some(creds.service_account_id.clone())),
            (
                "serviceAccountCreated",
                Some(creds.service_account_created.to_string()),
            ),
            ("roleAdded", Some(creds.role_added.to_string())),
            ("tokenId", Some(creds.token_id.clone())),
            ("tokenLastFour", Some(creds.token_last_four.clone())),
            ("tokenCreated", Some(creds.token_created.to_string())),
            ("reconciled", Some(creds.reconciled.join(" "))),
        ]),
    );
    Some(())
}

/// `connectorUrl` on the API road: the URL from Unity, probed with the token.
async fn record_connector_url(
    steps: &mut StepRecorder<'_>,
    unity: &UnityAdminClient,
    cancel: &CancellationToken,
) -> Option<()> {
    let (ctx, progress) = (steps.ctx, steps.progress);
    steps.begin(StepId::ConnectorUrl);
    let url = steps.record(ensure_connector_url(ctx, unity, progress, cancel).await)?;
    steps.ok(
        StepOutcome::Passed,
        format!("{} answers Entra's test query with the token", url.url),
        evidence([
            ("url", Some(url.url.clone())),
            ("source", Some(url.source.clone())),
            ("status", Some(url.check.status.to_string())),
            ("elapsedMs", Some(url.check.elapsed_ms.to_string())),
        ]),
    );
    Some(())
}

/// `connectorUrl` on the guided road: the URL and token the admin brought, checked at once.
async fn record_pasted_credentials(
    steps: &mut StepRecorder<'_>,
    scim_url: &str,
    token: &Secret,
    cancel: &CancellationToken,
) -> Option<()> {
    let ctx = steps.ctx;
    steps.begin(StepId::ConnectorUrl);
    let url =
        steps.record(accept_pasted_credentials(ctx, scim_url, token.expose(), cancel).await)?;
    steps.ok(
        StepOutcome::Passed,
        format!(
            "{} answers Entra's test query with token …{}",
            url.url, url.token_last_four
        ),
        evidence([
            ("url", Some(url.url.clone())),
            ("tokenLastFour", Some(url.token_last_four.clone())),
            ("status", Some(url.check.status.to_string())),
        ]),
    );
    Some(())
}

/// `signInMicrosoft`: the sign-in `choice` says, then Graph as the signed-in admin.
async fn record_sign_in_microsoft(
    steps: &mut StepRecorder<'_>,
    choice: MicrosoftSignInChoice,
    launcher: &dyn BrowserLauncher,
    cancel: &CancellationToken,
) -> Option<GraphClient> {
    let (ctx, progress) = (steps.ctx, steps.progress);
    steps.begin(StepId::SignInMicrosoft);
    let microsoft =
        steps.record(sign_in_microsoft(ctx, progress, choice, launcher, cancel).await)?;
    let graph = steps.record(ctx.graph(cancel).await)?;
    steps.ok(
        if microsoft.resumed {
            StepOutcome::Reused
        } else {
            StepOutcome::Passed
        },
        format!("Signed in to Microsoft as {}", microsoft.describe()),
        microsoft_evidence(&microsoft),
    );
    Some(graph)
}

/// `enterpriseApp`: found by name, or created when `create_app` allows.
async fn record_enterprise_app(
    steps: &mut StepRecorder<'_>,
    graph: &GraphClient,
    app_name: &str,
    create_app: bool,
    cancel: &CancellationToken,
) -> Option<()> {
    let (ctx, progress) = (steps.ctx, steps.progress);
    steps.begin(StepId::EnterpriseApp);
    let app = steps
        .record(ensure_enterprise_app(ctx, graph, app_name, create_app, progress, cancel).await)?;
    steps.ok(
        created_or_reused(app.created),
        format!(
            "Enterprise app \u{201c}{}\u{201d} {}",
            app.display_name,
            if app.created { "created" } else { "found" }
        ),
        evidence([
            ("servicePrincipalId", Some(app.service_principal_id.clone())),
            ("appId", Some(app.app_id.clone())),
        ]),
    );
    Some(())
}

/// `provisioningJob`: the app's job, reused or created from its template.
async fn record_provisioning_job(
    steps: &mut StepRecorder<'_>,
    graph: &GraphClient,
    cancel: &CancellationToken,
) -> Option<()> {
    let (ctx, progress) = (steps.ctx, steps.progress);
    steps.begin(StepId::ProvisioningJob);
    let job = steps.record(ensure_provisioning_job(ctx, graph, progress, cancel).await)?;
    steps.ok(
        created_or_reused(job.created),
        format!("Provisioning job {} ({})", job.job_id, job.status.code),
        evidence([
            ("jobId", Some(job.job_id.clone())),
            ("templateId", Some(job.template_id.clone())),
        ]),
    );
    Some(())
}

/// `testConnection`: Entra's Test Connection, each retry wait inside it reported.
async fn record_test_connection(
    steps: &mut StepRecorder<'_>,
    graph: &GraphClient,
    cancel: &CancellationToken,
) -> Option<()> {
    let (ctx, progress) = (steps.ctx, steps.progress);
    steps.begin(StepId::TestConnection);
    let tested = steps.record(
        reporting_retry_waits(
            StepId::TestConnection,
            progress,
            test_connection(ctx, graph, cancel),
        )
        .await,
    )?;
    steps.ok(
        StepOutcome::Passed,
        format!(
            "Entra reached {} with token …{}",
            tested.url, tested.token_last_four
        ),
        evidence([
            ("url", Some(tested.url.clone())),
            ("checkedAt", Some(tested.checked_at.clone())),
        ]),
    );
    Some(())
}

/// `saveCredentials`: the deletion safeguards chosen, then saved in Entra with the URL and
/// token.
async fn record_save_credentials(
    steps: &mut StepRecorder<'_>,
    graph: &GraphClient,
    choice: &DeletionProtectionChoice,
    cancel: &CancellationToken,
) -> Option<()> {
    let ctx = steps.ctx;
    steps.begin(StepId::SaveCredentials);
    let protection = steps.record(apply_deletion_protection(ctx, graph, choice, cancel).await)?;
    let saved = steps.record(save_credentials(ctx, graph, cancel).await)?;
    steps.ok(
        StepOutcome::Passed,
        format!(
            "Tenant URL, secret token and deletion safeguards saved in Entra (threshold {})",
            protection.delete_threshold
        ),
        evidence([
            ("url", Some(saved.url)),
            (
                "deleteThreshold",
                Some(protection.delete_threshold.to_string()),
            ),
            ("notify", Some(protection.notify.clone())),
            (
                "skipOutOfScopeDeletions",
                Some(protection.skip_out_of_scope_deletions.to_string()),
            ),
        ]),
    );
    Some(())
}

/// `startProvisioning`: the job started unless it already runs; its state afterwards.
async fn record_start(
    steps: &mut StepRecorder<'_>,
    graph: &GraphClient,
    cancel: &CancellationToken,
) -> Option<JobStatus> {
    let (ctx, progress) = (steps.ctx, steps.progress);
    steps.begin(StepId::StartProvisioning);
    let (status, started) = steps.record(start_provisioning(ctx, graph, progress, cancel).await)?;
    steps.ok(
        if started {
            StepOutcome::Passed
        } else {
            StepOutcome::Reused
        },
        if started {
            format!("Provisioning started: {}", status.summary)
        } else {
            format!("Already running: {}", status.summary)
        },
        evidence([
            ("code", Some(status.code.clone())),
            ("schedule", Some(status.schedule_state.clone())),
        ]),
    );
    Some(status)
}

/// `jobStatus`: the job read once more at the end; a quarantine fails the step, but the
/// state is still returned for the report. `None` when it could not be read.
async fn record_job_status(
    steps: &mut StepRecorder<'_>,
    graph: &GraphClient,
    cancel: &CancellationToken,
) -> Option<JobStatus> {
    let ctx = steps.ctx;
    steps.begin(StepId::JobStatus);
    let status = steps.record(read_job_status(ctx, graph, cancel).await)?;
    match quarantine_problem(&status) {
        Some(problem) => steps.fail(problem),
        None => steps.ok(
            StepOutcome::Passed,
            status.summary.clone(),
            evidence([
                ("code", Some(status.code.clone())),
                ("interval", status.interval.clone()),
            ]),
        ),
    }
    Some(status)
}
