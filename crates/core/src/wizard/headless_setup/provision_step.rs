//! Step 4 as the headless runs record it: each `--provision` UPN looked up, then assigned and
//! provisioned on demand through the provision run both faces use, recorded as the
//! `assignment` and `provisionOnDemand` steps.

use tokio_util::sync::CancellationToken;

use crate::entra::GraphClient;
use crate::problem::Problem;
use crate::wizard::context::on_demand_outcome::{
    OnDemandSubject, PrincipalKind, ProvisionOnDemandOutcome,
};
use crate::wizard::context::progress::{StepOutcome, StepReport};
use crate::wizard::context::step_id::StepId;
use crate::wizard::headless_setup::recorder::{created_or_reused, StepRecorder};
use crate::wizard::provision::provision_run::assign_then_provision;

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
