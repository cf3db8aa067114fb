//! `run_provision`, the CLI's `provision`: sign in to Microsoft, find the app and its job
//! (never creating either), then assign and provision the given users on demand, each part
//! recorded as a step.

use tokio_util::sync::CancellationToken;

use crate::auth::BrowserLauncher;
use crate::entra::GraphClient;
use crate::progress::ProgressSink;
use crate::wizard::context::progress::{
    evidence, reporting_retry_waits_by_step, StepOutcome, StepTracking, WizardProgress,
};
use crate::wizard::context::step_id::StepId;
use crate::wizard::context::wizard_context::WizardContext;
use crate::wizard::entra_provisioning::enterprise_app::ensure_enterprise_app;
use crate::wizard::entra_provisioning::provisioning_job::{
    find_provisioning_job, ProvisioningJobOutcome,
};
use crate::wizard::headless_setup::microsoft_sign_in::{
    microsoft_evidence, sign_in_microsoft, MicrosoftSignInChoice,
};
use crate::wizard::headless_setup::provision_step::assign_and_provision;
use crate::wizard::headless_setup::recorder::{SetupReport, StepRecorder};

/// `scim-setup provision`: sign in, find the app and its job (never creates them), then
/// assign and provision the users on demand. Every step's outcome is in the report; the
/// first failed step ends the run.
pub async fn run_provision(
    ctx: &WizardContext,
    microsoft: MicrosoftSignInChoice,
    app_name: &str,
    upns: &[String],
    launcher: &dyn BrowserLauncher,
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> SetupReport {
    // Every call says what it waits for while it waits, on the step it serves.
    let tracking = StepTracking::new(progress, StepId::SignInMicrosoft);
    let run = provision_steps(ctx, microsoft, app_name, upns, launcher, &tracking, cancel);
    reporting_retry_waits_by_step(&tracking, run).await
}

/// [`run_provision`]'s steps, reporting to `progress`.
async fn provision_steps(
    ctx: &WizardContext,
    microsoft: MicrosoftSignInChoice,
    app_name: &str,
    upns: &[String],
    launcher: &dyn BrowserLauncher,
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> SetupReport {
    let mut steps = StepRecorder::new(ctx, progress);
    let Some((graph, job)) =
        open_app_and_job(&mut steps, microsoft, app_name, launcher, cancel).await
    else {
        return steps.take_report(None, Vec::new());
    };
    let provisioned = assign_and_provision(&mut steps, &graph, upns, cancel)
        .await
        .unwrap_or_default();
    steps.take_report(Some(job.status), provisioned)
}

/// Signs in to Microsoft, then finds the app by name and its job, each recorded as a step;
/// `None` at the first that failed.
async fn open_app_and_job(
    steps: &mut StepRecorder<'_>,
    microsoft: MicrosoftSignInChoice,
    app_name: &str,
    launcher: &dyn BrowserLauncher,
    cancel: &CancellationToken,
) -> Option<(GraphClient, ProvisioningJobOutcome)> {
    let (ctx, progress) = (steps.ctx, steps.progress);
    steps.begin(StepId::SignInMicrosoft);
    let signed_in =
        steps.record(sign_in_microsoft(ctx, progress, microsoft, launcher, cancel).await)?;
    steps.ok(
        if signed_in.resumed {
            StepOutcome::Reused
        } else {
            StepOutcome::Passed
        },
        format!("Signed in to Microsoft as {}", signed_in.describe()),
        microsoft_evidence(&signed_in),
    );
    let graph = steps.record(ctx.graph(cancel).await)?;

    steps.begin(StepId::EnterpriseApp);
    let app = steps
        .record(ensure_enterprise_app(ctx, &graph, app_name, false, progress, cancel).await)?;
    steps.ok(
        StepOutcome::Reused,
        format!("Enterprise app \u{201c}{}\u{201d} found", app.display_name),
        evidence([("servicePrincipalId", Some(app.service_principal_id))]),
    );

    steps.begin(StepId::ProvisioningJob);
    let job = steps.record(find_provisioning_job(ctx, &graph, cancel).await)?;
    steps.ok(
        StepOutcome::Reused,
        format!("Provisioning job {} ({})", job.job_id, job.status.code),
        evidence([("jobId", Some(job.job_id.clone()))]),
    );
    Some((graph, job))
}
