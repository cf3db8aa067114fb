//! One person's on-demand result as the steps report it: who was provisioned (a user or a
//! group), Entra's verdict explained, and the read-back from Unity ("Arrived in Unity"). The
//! progress events carry it, so it sits below them; step 4 (`provision/`) fills it in.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::entra::on_demand::{OnDemandStep, OnDemandVerdict};
use crate::entra::unity_causes::{QuotedScimError, UnityCase};
use crate::problem::Problem;
use crate::wizard::context::journal::now;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum PrincipalKind {
    User,
    Group,
}

/// A user or group to assign or provision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OnDemandSubject {
    pub object_id: String,
    pub kind: PrincipalKind,
    /// UPN or display name, for messages.
    pub label: String,
    /// For a group: the members to provision with it (split into calls of at most 5).
    pub members: Vec<String>,
    /// For a user provisioned as a member of a chosen group: that group's label.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub member_of: Option<String>,
}

/// One on-demand call's result as the window shows it, explained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProvisionOnDemandOutcome {
    pub subject: OnDemandSubject,
    pub verdict: OnDemandVerdict,
    #[ts(optional = nullable)]
    pub error_code: Option<String>,
    /// Entra's raw message, as it gave it: for a disclosure ("Entra's message"), never
    /// repeated in `cause`.
    #[ts(optional = nullable)]
    pub error_message: Option<String>,
    #[ts(optional = nullable)]
    pub action: Option<String>,
    /// What Microsoft support asks for.
    #[ts(optional = nullable)]
    pub change_id: Option<String>,
    pub steps: Vec<OnDemandStep>,
    /// Plain words: what happened and, when it did not work, why and what to do.
    pub cause: String,
    #[ts(optional = nullable)]
    pub fix: Option<String>,
    /// The call itself failed (throttled, forbidden…) rather than Entra's verdict.
    #[ts(optional = nullable)]
    pub problem: Option<Problem>,
    /// The known Unity case behind a failure, when Entra's message quoted Unity's SCIM error.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub unity_case: Option<UnityCase>,
    /// Unity's SCIM error as Entra quoted it.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub scim_error: Option<QuotedScimError>,
    /// The user read back from Unity after Entra exported it ("Arrived in Unity").
    #[ts(optional = nullable)]
    pub verification: Option<Box<Verification>>,
}

impl ProvisionOnDemandOutcome {
    /// Entra provisioned the subject (or it was in sync) and, where checked, it is in Unity.
    pub fn is_good(&self) -> bool {
        matches!(
            self.verdict,
            OnDemandVerdict::Success | OnDemandVerdict::AlreadyInSync
        ) && !self.verification.as_ref().is_some_and(|v| v.missing())
    }
}

/// The name and type of the step the check adds to an on-demand timeline.
pub const ARRIVED_STEP_NAME: &str = "ArrivedInUnity";
pub const ARRIVED_STEP_TYPE: &str = "Verify";

/// One attribute that differs between Entra's export and Unity's copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AttributeDifference {
    pub attribute: String,
    /// What Entra says it wrote.
    #[ts(optional = nullable)]
    pub exported: Option<String>,
    /// What Unity holds now.
    #[ts(optional = nullable)]
    pub in_unity: Option<String>,
}

/// The read-back of one user (`"verification"` in `provision --json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Verification {
    /// Unity has an account with this userName.
    pub found: bool,
    pub differences: Vec<AttributeDifference>,
    #[ts(optional = nullable)]
    pub unity_id: Option<String>,
    /// Why the check could not run, when it could not (then `found` is false).
    #[ts(optional = nullable)]
    pub not_checked: Option<String>,
    pub checked_at: String,
}

impl Verification {
    /// A check that could not run, and why.
    pub fn unchecked(why: impl Into<String>) -> Self {
        Self {
            found: false,
            differences: Vec::new(),
            unity_id: None,
            not_checked: Some(why.into()),
            checked_at: now(),
        }
    }

    /// The user is known not to be in Unity (a check that ran and found nothing).
    pub fn missing(&self) -> bool {
        !self.found && self.not_checked.is_none()
    }

    /// Arrived with every exported value in place.
    pub fn passed(&self) -> bool {
        self.found && self.differences.is_empty()
    }

    /// The timeline's fifth step.
    pub fn as_step(&self, user_name: &str) -> OnDemandStep {
        let (status, description) = match (&self.not_checked, self.found, self.differences.len()) {
            (Some(why), _, _) => ("Skipped", format!("Not checked in Unity: {why}")),
            (None, false, _) => ("Failure", format!("User '{user_name}' was not found in Unity")),
            (None, true, 0) => ("Success", format!("User '{user_name}' is in Unity with the exported values")),
            (None, true, n) => ("Failure", format!("User '{user_name}' is in Unity, but {n} attribute(s) differ from what Entra exported")),
        };
        let details: BTreeMap<String, String> = self
            .differences
            .iter()
            .map(|d| {
                (
                    d.attribute.clone(),
                    format!(
                        "exported {}, Unity has {}",
                        d.exported.as_deref().unwrap_or("(none)"),
                        d.in_unity.as_deref().unwrap_or("(none)")
                    ),
                )
            })
            .collect();
        OnDemandStep {
            name: ARRIVED_STEP_NAME.into(),
            step_type: ARRIVED_STEP_TYPE.into(),
            status: status.into(),
            description,
            details,
        }
    }
}
