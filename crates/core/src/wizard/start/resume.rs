//! Where the window resumes: the four window steps, each one's status from the journal's
//! finished engine steps, and the first unfinished one. Computed here once; the UI only
//! shows it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::wizard::context::journal::Journal;
use crate::wizard::context::step_id::StepId;
use crate::wizard::context::wizard_context::WizardContext;

/// The window's four steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum WindowStep {
    /// 1. Unity service account and token.
    Unity,
    /// 2. SCIM base connector URL.
    Connector,
    /// 3. Entra provisioning.
    Entra,
    /// 4. Provision on demand.
    Provision,
}

impl WindowStep {
    /// The four, in the order the window shows them.
    pub const ALL: [WindowStep; 4] = [
        WindowStep::Unity,
        WindowStep::Connector,
        WindowStep::Entra,
        WindowStep::Provision,
    ];

    /// The engine step after which the window moves on from this step.
    fn finished_by(self) -> StepId {
        match self {
            WindowStep::Unity => StepId::UnityCredentials,
            WindowStep::Connector => StepId::ConnectorUrl,
            WindowStep::Entra => StepId::StartProvisioning,
            WindowStep::Provision => StepId::ProvisionOnDemand,
        }
    }

    /// Engine steps that show this window step was begun.
    fn begun_by(self) -> &'static [StepId] {
        match self {
            WindowStep::Unity => &[StepId::SignInUnity, StepId::UnityCredentials],
            WindowStep::Connector => &[StepId::ConnectorUrl],
            WindowStep::Entra => &[
                StepId::SignInMicrosoft,
                StepId::EnterpriseApp,
                StepId::ProvisioningJob,
                StepId::TestConnection,
                StepId::SaveCredentials,
                StepId::StartProvisioning,
            ],
            WindowStep::Provision => &[StepId::Assignment, StepId::ProvisionOnDemand],
        }
    }
}

/// How far a window step got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum WindowStepStatus {
    NotStarted,
    InProgress,
    Done,
}

/// Each window step's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WindowProgress {
    pub unity: WindowStepStatus,
    pub connector: WindowStepStatus,
    pub entra: WindowStepStatus,
    pub provision: WindowStepStatus,
}

/// The journal as the window reads it, with what the engine concluded from it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct JournalView {
    pub journal: Journal,
    /// The window step to resume at, or none when nothing was done yet.
    #[ts(optional = nullable)]
    pub resume_at: Option<WindowStep>,
    /// Each window step's status, for the navigation.
    pub steps: WindowProgress,
    /// Where secrets are kept ("the OS keychain", "memory (this run only)").
    pub token_stored_in: String,
}

/// One window step's status from the engine steps the journal marks done. A step is Done
/// only when its own check passed: step 2 once Entra's Test Connection worked (the window
/// refines this with its own replay), steps 3 and 4 only while signed in to Microsoft, since
/// signing out undoes what they stand on.
pub fn window_step_status(journal: &Journal, step: WindowStep) -> WindowStepStatus {
    let done = |id| journal.is_done(id);
    let signed_in = done(StepId::SignInMicrosoft);
    let finished = match step {
        WindowStep::Unity => done(StepId::UnityCredentials),
        WindowStep::Connector => done(StepId::ConnectorUrl) && done(StepId::TestConnection),
        WindowStep::Entra => signed_in && done(StepId::StartProvisioning),
        WindowStep::Provision => signed_in && done(StepId::ProvisionOnDemand),
    };
    if finished {
        WindowStepStatus::Done
    } else if step.begun_by().iter().any(|id| done(*id)) {
        WindowStepStatus::InProgress
    } else {
        WindowStepStatus::NotStarted
    }
}

/// Every window step's status.
pub fn window_progress(journal: &Journal) -> WindowProgress {
    let status = |step| window_step_status(journal, step);
    WindowProgress {
        unity: status(WindowStep::Unity),
        connector: status(WindowStep::Connector),
        entra: status(WindowStep::Entra),
        provision: status(WindowStep::Provision),
    }
}

/// The first window step whose finishing engine step is not done; `None` when nothing was
/// done yet (a first run starts at the Start view). After step 3 it stays at step 4, which
/// can be repeated for more people.
pub fn resume_point(journal: &Journal) -> Option<WindowStep> {
    if journal.steps_done.is_empty() {
        return None;
    }
    // Step 3 also needs the Microsoft sign-in, as its navigation status does: after a
    // Microsoft sign-out Start offers step 3 (sign in again), not step 4 beside a step 3 that
    // shows in progress. Step 2 resumes past once its URL is saved; its test runs in step 3.
    let unfinished = |step: WindowStep| {
        !journal.is_done(step.finished_by())
            || (step == WindowStep::Entra && !journal.is_done(StepId::SignInMicrosoft))
    };
    WindowStep::ALL[..3]
        .iter()
        .copied()
        .find(|step| unfinished(*step))
        .or(Some(WindowStep::Provision))
}

/// The window's view of the journal: the journal, where to resume, each step's status.
pub fn journal_view(ctx: &WizardContext) -> JournalView {
    let journal = ctx.journal.snapshot();
    JournalView {
        resume_at: resume_point(&journal),
        steps: window_progress(&journal),
        token_stored_in: ctx.secrets.describe().to_string(),
        journal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_done(ids: &[StepId]) -> Journal {
        let mut journal = Journal::default();
        for id in ids {
            journal
                .steps_done
                .insert(id.as_str().into(), "2026-01-01T00:00:00Z".into());
        }
        journal
    }

    #[test]
    fn resumes_at_the_first_unfinished_window_step() {
        use StepId::*;
        assert_eq!(resume_point(&with_done(&[])), None);
        assert_eq!(
            resume_point(&with_done(&[SignInUnity])),
            Some(WindowStep::Unity)
        );
        assert_eq!(
            resume_point(&with_done(&[UnityCredentials])),
            Some(WindowStep::Connector)
        );
        let half_entra = [
            UnityCredentials,
            ConnectorUrl,
            SignInMicrosoft,
            EnterpriseApp,
        ];
        assert_eq!(
            resume_point(&with_done(&half_entra)),
            Some(WindowStep::Entra)
        );
        assert_eq!(
            resume_point(&with_done(&[
                UnityCredentials,
                ConnectorUrl,
                SignInMicrosoft,
                StartProvisioning
            ])),
            Some(WindowStep::Provision)
        );
        // Signed out of Microsoft after Start: back to step 3 to sign in, as its status says.
        let signed_out = with_done(&[UnityCredentials, ConnectorUrl, StartProvisioning]);
        assert_eq!(resume_point(&signed_out), Some(WindowStep::Entra));
        assert_eq!(
            window_step_status(&signed_out, WindowStep::Entra),
            WindowStepStatus::InProgress
        );
    }

    #[test]
    fn each_window_step_reports_its_status() {
        use StepId::*;
        let progress = window_progress(&with_done(&[UnityCredentials, SignInMicrosoft]));
        assert_eq!(progress.unity, WindowStepStatus::Done);
        assert_eq!(progress.connector, WindowStepStatus::NotStarted);
        assert_eq!(progress.entra, WindowStepStatus::InProgress);
        assert_eq!(progress.provision, WindowStepStatus::NotStarted);
    }

    #[test]
    fn step_2_waits_for_its_test_and_steps_3_and_4_for_a_microsoft_sign_in() {
        use StepId::*;
        let untested = window_progress(&with_done(&[UnityCredentials, ConnectorUrl]));
        assert_eq!(untested.connector, WindowStepStatus::InProgress);
        let tested = window_progress(&with_done(&[ConnectorUrl, TestConnection]));
        assert_eq!(tested.connector, WindowStepStatus::Done);
        let signed_out = window_progress(&with_done(&[StartProvisioning, ProvisionOnDemand]));
        assert_eq!(signed_out.entra, WindowStepStatus::InProgress);
        assert_eq!(signed_out.provision, WindowStepStatus::InProgress);
        let signed_in = window_progress(&with_done(&[
            SignInMicrosoft,
            StartProvisioning,
            ProvisionOnDemand,
        ]));
        assert_eq!(signed_in.entra, WindowStepStatus::Done);
        assert_eq!(signed_in.provision, WindowStepStatus::Done);
    }
}
