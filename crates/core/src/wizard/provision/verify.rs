//! "Arrived in Unity": after Entra says it provisioned a user on demand, the user is read
//! back from Unity's SCIM server (by userName, as Entra matches) and compared with what
//! Entra's result says it exported (`modifiedProperties`). The fifth step of the timeline.

use tokio_util::sync::CancellationToken;

use crate::unity::{attribute_text, same_value, ScimUsersReader};
use crate::wizard::context::journal::now;
use crate::wizard::context::journal_readers::stored_scim_token;
use crate::wizard::context::on_demand_outcome::{AttributeDifference, Verification};
use crate::wizard::context::wizard_context::WizardContext;

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
