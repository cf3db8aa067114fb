//! Records steps as they run: start and finish events, timings, the journal's "done"
//! marks, and the final `SetupReport`. Shared by `run_setup` and `run_provision`.

use std::time::Instant;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::entra::JobStatus;
use crate::problem::Problem;
use crate::progress::ProgressSink;
use crate::wizard::context::journal::Journal;
use crate::wizard::context::on_demand_outcome::ProvisionOnDemandOutcome;
use crate::wizard::context::progress::{StepOutcome, StepReport, WizardProgress};
use crate::wizard::context::step_id::StepId;
use crate::wizard::context::wizard_context::WizardContext;

/// How a headless run ended: every step's report (`ok` when none failed), each on-demand
/// result, the job's state when it was read, and the journal as the run left it. The CLI's
/// `setup --json` and `provision --json` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SetupReport {
    pub ok: bool,
    pub steps: Vec<StepReport>,
    pub provisioned: Vec<ProvisionOnDemandOutcome>,
    #[ts(optional = nullable)]
    pub job_status: Option<JobStatus>,
    pub journal: Journal,
}

/// The steps of one run so far, and the one running now with when it began.
pub(crate) struct StepRecorder<'a> {
    pub(crate) ctx: &'a WizardContext,
    pub(crate) progress: &'a dyn ProgressSink<WizardProgress>,
    pub(crate) reports: Vec<StepReport>,
    pub(crate) current: Option<(StepId, Instant)>,
}

impl<'a> StepRecorder<'a> {
    pub(crate) fn new(
        ctx: &'a WizardContext,
        progress: &'a dyn ProgressSink<WizardProgress>,
    ) -> Self {
        Self {
            ctx,
            progress,
            reports: Vec::new(),
            current: None,
        }
    }

    /// Adds `key: value` to the evidence of `step`'s report, once it has one (a fact learnt
    /// after the step was recorded, such as a token revoked once Entra's side settled).
    pub(crate) fn add_evidence(&mut self, step: StepId, key: &str, value: String) {
        if let Some(report) = self.reports.iter_mut().rev().find(|r| r.id == step) {
            report.evidence.insert(key.to_string(), value);
        }
    }

    /// The report so far; `ok` when no step failed.
    pub(crate) fn take_report(
        &mut self,
        job_status: Option<JobStatus>,
        provisioned: Vec<ProvisionOnDemandOutcome>,
    ) -> SetupReport {
        SetupReport {
            ok: self
                .reports
                .iter()
                .all(|r| r.outcome != StepOutcome::Failed),
            steps: std::mem::take(&mut self.reports),
            provisioned,
            job_status,
            journal: self.ctx.journal.snapshot(),
        }
    }

    pub(crate) fn begin(&mut self, id: StepId) {
        self.progress
            .report(WizardProgress::StepStarted { step: id });
        self.current = Some((id, Instant::now()));
    }

    /// Leaves `time` spent inside the current step out of its elapsed time (work that
    /// belongs to the next step but ran in the same engine call).
    pub(crate) fn leave_out_of_current(&mut self, time: std::time::Duration) {
        if let Some((_, started)) = self.current.as_mut() {
            *started += time;
        }
    }

    /// Counts `time` already spent (in an earlier engine call) towards the current step.
    pub(crate) fn backdate_current(&mut self, time: std::time::Duration) {
        if let Some((_, started)) = self.current.as_mut() {
            *started = started.checked_sub(time).unwrap_or(*started);
        }
    }

    pub(crate) fn finish(&mut self, mut report: StepReport) {
        if let Some((_, started)) = self.current.take() {
            report.elapsed_ms = started.elapsed().as_millis() as u64;
        }
        if report.outcome != StepOutcome::Failed {
            if let Err(problem) = self.ctx.journal.mark_done(report.id) {
                tracing::warn!("could not journal the step: {problem}");
            }
        }
        self.progress.report(WizardProgress::StepFinished {
            report: report.clone(),
        });
        self.reports.push(report);
    }

    /// `result`'s value; an error ends the current step with it and gives `None`, so a step
    /// function stops at the first failure with `?`.
    pub(crate) fn record<T>(&mut self, result: Result<T, Problem>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(problem) => {
                self.fail(problem);
                None
            }
        }
    }

    /// Ends the current step with `problem`.
    pub(crate) fn fail(&mut self, problem: Problem) {
        let id = self
            .current
            .map(|(id, _)| id)
            .unwrap_or(StepId::SignInMicrosoft);
        self.finish(StepReport::failure(id, problem));
    }

    pub(crate) fn ok(
        &mut self,
        outcome: StepOutcome,
        summary: impl Into<String>,
        facts: std::collections::BTreeMap<String, String>,
    ) {
        let id = self
            .current
            .map(|(id, _)| id)
            .unwrap_or(StepId::SignInMicrosoft);
        self.finish(StepReport::success(id, outcome, summary, facts));
    }
}

pub(crate) fn created_or_reused(created: bool) -> StepOutcome {
    if created {
        StepOutcome::Created
    } else {
        StepOutcome::Reused
    }
}
