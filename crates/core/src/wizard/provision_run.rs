//! Step 4 (assign, then provision on demand) and `run_provision`, the CLI's `provision`:
//! the app and its job must already exist; nothing but assignments is created.

use tokio_util::sync::CancellationToken;

use super::entra_steps;
use super::on_demand::{self, OnDemandSubject, PrincipalKind, ProvisionOnDemandOutcome};
use super::progress::{evidence, StepId, StepOutcome, StepReport, WizardProgress};
use super::recorder::{attempt, created_or_reused, StepRecorder};
use super::run::{MicrosoftSignInChoice, SetupReport};
use super::WizardContext;
use crate::auth::{sign_in_microsoft, BrowserLauncher, DeviceCodePrompt, SignInMethod};
use crate::entra::GraphClient;
use crate::problem::Problem;
use crate::progress::ProgressSink;

/// Step 4 for a list of UPNs: look each up, assign it if needed, provision all on demand.
/// `None` when a step failed (it is recorded in `steps`).
pub(super) async fn assign_and_provision(
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
    let mut facts = std::collections::BTreeMap::new();
    let mut any_created = false;
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
        match super::assignments::ensure_assignment(ctx, graph, &user.id, cancel).await {
            Ok(assigned) => {
                any_created |= assigned.created;
                facts.insert(
                    upn.clone(),
                    if assigned.created {
                        "assigned now".into()
                    } else {
                        "already assigned".into()
                    },
                );
            }
            Err(problem) => {
                steps.fail(problem);
                return None;
            }
        }
        subjects.push(OnDemandSubject {
            object_id: user.id,
            kind: PrincipalKind::User,
            label: upn.clone(),
            members: Vec::new(),
        });
    }
    steps.ok(
        created_or_reused(any_created),
        format!("{} user(s) assigned to the app", subjects.len()),
        facts,
    );

    steps.begin(StepId::ProvisionOnDemand);
    let provisioned =
        match on_demand::provision_on_demand(ctx, graph, &subjects, progress, cancel).await {
            Ok(outcomes) => outcomes,
            Err(problem) => {
                steps.fail(problem);
                return None;
            }
        };
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
    let signed_in = attempt!(
        steps,
        sign_in_microsoft(&ctx.http, &ctx.profile, ctx.secrets.clone(), method, cancel).await
    );
    steps.ok(
        StepOutcome::Passed,
        "Signed in to Microsoft",
        evidence([("account", signed_in.account.clone())]),
    );
    let graph = GraphClient::new(
        ctx.http.clone(),
        ctx.profile.graph_base(),
        signed_in.session.clone(),
    );

    steps.begin(StepId::EnterpriseApp);
    let app = attempt!(
        steps,
        entra_steps::ensure_enterprise_app(ctx, &graph, app_name, false, progress, cancel).await
    );
    steps.ok(
        StepOutcome::Reused,
        format!("Enterprise app \u{201c}{}\u{201d} found", app.display_name),
        evidence([("servicePrincipalId", Some(app.service_principal_id))]),
    );

    steps.begin(StepId::ProvisioningJob);
    let job = attempt!(
        steps,
        entra_steps::find_provisioning_job(ctx, &graph, cancel).await
    );
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
