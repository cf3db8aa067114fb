//! Step 4 (assign, then provision on demand) and `run_provision`, the CLI's `provision`:
//! the app and its job must already exist; nothing but assignments is created.

use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use crate::auth::{BrowserLauncher, DeviceCodePrompt, SignInMethod};
use crate::entra::GraphClient;
use crate::problem::Problem;
use crate::progress::ProgressSink;
use crate::wizard::context::on_demand_outcome::{
    OnDemandSubject, PrincipalKind, ProvisionOnDemandOutcome,
};
use crate::wizard::context::progress::{evidence, StepOutcome, StepReport, WizardProgress};
use crate::wizard::context::step_id::StepId;
use crate::wizard::context::wizard_context::WizardContext;
use crate::wizard::entra_provisioning::enterprise_app::ensure_enterprise_app;
use crate::wizard::entra_provisioning::provisioning_job::find_provisioning_job;
use crate::wizard::headless_setup::recorder::{attempt, created_or_reused, StepRecorder};
use crate::wizard::headless_setup::run_setup::{MicrosoftSignInChoice, SetupReport};
use crate::wizard::provision::assignments::{ensure_assignment, AssignmentOutcome};
use crate::wizard::provision::on_demand;

/// What step 4 did: who was assigned (or already was), and each on-demand result.
#[derive(Debug, Clone)]
pub struct ProvisionRun {
    pub assignments: Vec<AssignmentOutcome>,
    pub provisioned: Vec<ProvisionOnDemandOutcome>,
    /// How long the on-demand part took (the CLI times its two steps apart).
    pub provisioning_time: Duration,
}

/// Assigns each principal to the app unless it already is (entra-graph.md §5), and marks
/// `assignment` done.
///
/// Errors: Graph's Problems; `notFound` when the app is gone; `storage`.
pub async fn assign_principals(
    ctx: &WizardContext,
    graph: &GraphClient,
    principals: &[OnDemandSubject],
    cancel: &CancellationToken,
) -> Result<Vec<AssignmentOutcome>, Problem> {
    let mut outcomes = Vec::with_capacity(principals.len());
    for principal in principals {
        outcomes.push(ensure_assignment(ctx, graph, &principal.object_id, cancel).await?);
    }
    ctx.journal.mark_done(StepId::Assignment)?;
    Ok(outcomes)
}

/// Step 4, for the window's "Provision now" and `scim-setup provision` alike: assigns whoever
/// is not assigned yet (a note per new assignment), expands a group without chosen members
/// to its user members (at most [`on_demand::MAX_GROUP_MEMBERS`]), then provisions every subject on
/// demand within Graph's limits, each result streamed as it comes (entra-graph.md §4.2).
/// Marks `assignment` done, and `provisionOnDemand` when every result is good.
///
/// Errors: Graph's Problems for assigning or listing members, and a call that could not be
/// made at all; a rejected person is an outcome, not an error.
pub async fn assign_then_provision(
    ctx: &WizardContext,
    graph: &GraphClient,
    subjects: Vec<OnDemandSubject>,
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> Result<ProvisionRun, Problem> {
    let mut prepared = Vec::with_capacity(subjects.len());
    let mut assignments = Vec::with_capacity(subjects.len());
    for subject in subjects {
        let assigned = ensure_assignment(ctx, graph, &subject.object_id, cancel).await?;
        if assigned.created {
            progress.report(WizardProgress::Note {
                step: StepId::Assignment,
                message: format!("Assigned {} to the app", subject.label),
            });
        }
        assignments.push(assigned);
        // A group's members are chosen when it is provisioned (`on_demand::expand_groups`).
        prepared.push(subject);
    }
    ctx.journal.mark_done(StepId::Assignment)?;
    let started = Instant::now();
    let provisioned =
        on_demand::provision_on_demand(ctx, graph, &prepared, progress, cancel).await?;
    if provisioned.iter().all(ProvisionOnDemandOutcome::is_good) {
        ctx.journal.mark_done(StepId::ProvisionOnDemand)?;
    }
    Ok(ProvisionRun {
        assignments,
        provisioned,
        provisioning_time: started.elapsed(),
    })
}

/// The CLI's step 4 for a list of UPNs: look each up, then [`assign_then_provision`],
/// recorded as the `assignment` and `provisionOnDemand` steps. `None` when a step failed
/// (it is recorded in `steps`).
pub(crate) async fn assign_and_provision(
    steps: &mut StepRecorder<'_>,
    graph: &GraphClient,
    upns: &[String],
    cancel: &CancellationToken,
) -> Option<Vec<ProvisionOnDemandOutcome>> {
    if upns.is_empty() {
        return Some(Vec::new());
    }
    let ctx = steps.ctx;
    let progress = steps.progress;
    steps.begin(StepId::Assignment);
    let mut subjects = Vec::new();
    for upn in upns {
        let user = match graph.find_user_by_upn(upn, cancel).await {
            Ok(Some(user)) => user,
            Ok(None) => {
                steps.fail(Problem::not_found(
                    format!("Looking up {upn}"),
                    format!("No user {upn} exists in this tenant."),
                    "Check the user principal name (it is usually the sign-in e-mail address).",
                ));
                return None;
            }
            Err(problem) => {
                steps.fail(problem);
                return None;
            }
        };
        subjects.push(OnDemandSubject {
            object_id: user.id,
            kind: PrincipalKind::User,
            label: upn.clone(),
            members: Vec::new(),
            member_of: None,
        });
    }
    let run = match assign_then_provision(ctx, graph, subjects, progress, cancel).await {
        Ok(run) => run,
        Err(problem) => {
            steps.fail(problem);
            return None;
        }
    };
    let facts = upns
        .iter()
        .zip(&run.assignments)
        .map(|(upn, assigned)| {
            let fact = if assigned.created {
                "assigned now"
            } else {
                "already assigned"
            };
            (upn.clone(), fact.to_string())
        })
        .collect();
    let any_created = run.assignments.iter().any(|a| a.created);
    steps.leave_out_of_current(run.provisioning_time);
    steps.ok(
        created_or_reused(any_created),
        format!("{} user(s) assigned to the app", run.assignments.len()),
        facts,
    );

    steps.begin(StepId::ProvisionOnDemand);
    steps.backdate_current(run.provisioning_time);
    let provisioned = run.provisioned;
    let facts = provisioned
        .iter()
        .map(|o| {
            (
                o.subject.label.clone(),
                format!("{:?}: {}", o.verdict, o.cause),
            )
        })
        .collect();
    match provisioned.iter().find(|o| !o.is_good()) {
        None => steps.ok(
            StepOutcome::Passed,
            format!("{} user(s) provisioned on demand", provisioned.len()),
            facts,
        ),
        Some(bad) => {
            let mut failed = StepReport::failure(
                StepId::ProvisionOnDemand,
                bad.problem.clone().unwrap_or_else(|| {
                    Problem::rejected(
                        "Provisioning on demand",
                        bad.cause.clone(),
                        bad.fix.clone().unwrap_or_default(),
                    )
                }),
            );
            failed.evidence.extend(facts);
            steps.finish(failed);
        }
    }
    Some(provisioned)
}

/// `scim-setup provision`: sign in, find the app and its job (never creates them), then
/// assign and provision the users on demand.
pub async fn run_provision(
    ctx: &WizardContext,
    microsoft: MicrosoftSignInChoice,
    app_name: &str,
    upns: &[String],
    launcher: &dyn BrowserLauncher,
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> SetupReport {
    let mut steps = StepRecorder::new(ctx, progress);
    steps.begin(StepId::SignInMicrosoft);
    let on_prompt =
        |prompt: DeviceCodePrompt| progress.report(WizardProgress::DeviceCode { prompt });
    let method = match microsoft {
        MicrosoftSignInChoice::DeviceCode => SignInMethod::DeviceCode(&on_prompt),
        MicrosoftSignInChoice::Browser => SignInMethod::Browser(launcher),
    };
    let signed_in = attempt!(steps, ctx.sign_in_microsoft(method, cancel).await);
    steps.ok(
        if signed_in.resumed {
            StepOutcome::Reused
        } else {
            StepOutcome::Passed
        },
        format!("Signed in to Microsoft as {}", signed_in.describe()),
        crate::wizard::headless_setup::run_setup::microsoft_evidence(&signed_in),
    );
    let graph = attempt!(steps, ctx.graph(cancel).await);

    steps.begin(StepId::EnterpriseApp);
    let app = attempt!(
        steps,
        ensure_enterprise_app(ctx, &graph, app_name, false, progress, cancel).await
    );
    steps.ok(
        StepOutcome::Reused,
        format!("Enterprise app \u{201c}{}\u{201d} found", app.display_name),
        evidence([("servicePrincipalId", Some(app.service_principal_id))]),
    );

    steps.begin(StepId::ProvisioningJob);
    let job = attempt!(steps, find_provisioning_job(ctx, &graph, cancel).await);
    steps.ok(
        StepOutcome::Reused,
        format!("Provisioning job {} ({})", job.job_id, job.status.code),
        evidence([("jobId", Some(job.job_id.clone()))]),
    );

    let provisioned = assign_and_provision(&mut steps, &graph, upns, cancel)
        .await
        .unwrap_or_default();
    steps.take_report(Some(job.status), provisioned)
}
