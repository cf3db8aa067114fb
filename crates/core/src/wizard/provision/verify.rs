//! "Arrived in Unity": after Entra says it provisioned a user on demand, the user is read
//! back from Unity's SCIM server (by userName, as Entra matches) and compared with what
//! Entra's result says it exported (`modifiedProperties`). The fifth step of the timeline.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::entra::on_demand::OnDemandStep;
use crate::unity::{attribute_text, same_value, ScimUsersReader};
use crate::wizard::context::journal::now;
use crate::wizard::unity_credentials::api_road::stored_scim_token;
use crate::wizard::WizardContext;

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

/// The Unity reader for the journal's SCIM URL and the stored token, or why there is none.
pub(crate) fn unity_reader(ctx: &WizardContext) -> Result<ScimUsersReader, String> {
    let url = ctx
        .journal
        .snapshot()
        .unity
        .scim_url
        .ok_or_else(|| "no SCIM connector URL has been set up on this computer".to_string())?;
    let token = stored_scim_token(ctx).map_err(|problem| problem.info().cause.clone())?;
    Ok(ScimUsersReader::new(ctx.http.clone(), &url, token))
}

/// Reads `user_name` back from Unity and compares each exported value. A failed read is a
/// verification that did not happen (`not_checked`), never a pass.
pub async fn verify_arrival(
    reader: &ScimUsersReader,
    user_name: &str,
    exported: &[(String, Option<String>)],
    cancel: &CancellationToken,
) -> Verification {
    let found = match reader.find_by("userName", user_name, cancel).await {
        Ok(found) => found,
        Err(problem) => return Verification::unchecked(problem.info().cause.clone()),
    };
    let mut verification = Verification {
        found: false,
        differences: Vec::new(),
        unity_id: None,
        not_checked: None,
        checked_at: now(),
    };
    let Some(account) = found.first() else {
        return verification;
    };
    verification.found = true;
    verification.unity_id = attribute_text(account, "id");
    for (attribute, value) in exported {
        let in_unity = attribute_text(account, attribute);
        let agrees = match (value, &in_unity) {
            (Some(a), Some(b)) => same_value(a, b),
            (None, None) => true,
            _ => false,
        };
        if !agrees {
            verification.differences.push(AttributeDifference {
                attribute: attribute.clone(),
                exported: value.clone(),
                in_unity,
            });
        }
    }
    verification
}
