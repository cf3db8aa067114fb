//! Step 4's run, for the window's "Provision now" and the CLI's `provision` and `setup
//! --provision` alike: assign whoever is not assigned yet, then provision on demand. The app
//! and its job must already exist; nothing but assignments is created.

use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use crate::entra::GraphClient;
use crate::problem::Problem;
use crate::progress::ProgressSink;
use crate::wizard::context::on_demand_outcome::{OnDemandSubject, ProvisionOnDemandOutcome};
use crate::wizard::context::progress::WizardProgress;
use crate::wizard::context::step_id::StepId;
use crate::wizard::context::wizard_context::WizardContext;
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

/// Assigns each principal to the app unless it already is (assigning twice is an error in
/// Graph), and marks
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
/// demand within Graph's limits (its provisionOnDemand page), each result streamed as it comes.
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
                // The label is Graph's display name: text from outside, so it passes the gate.
                message: crate::gate::block(&format!("Assigned {} to the app", subject.label)),
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
