//! Steps 1 and 2 on the guided road (it works with the real Unity today): the admin pastes
//! the connector URL and a token made in the Unity Dashboard; both are cleaned, checked
//! against the endpoint at once, and the token filed in the SecretStore under its URL.

use tokio_util::sync::CancellationToken;

use crate::problem::Problem;
use crate::secrets::keys;
use crate::unity::{check_scim_endpoint, parse_connector_input, parse_pasted_token};
use crate::wizard::context::journal::now;
use crate::wizard::context::step_id::StepId;
use crate::wizard::context::wizard_context::WizardContext;
use crate::wizard::unity_credentials::bearer_token::store_scim_token;
use crate::wizard::unity_credentials::connector_url::ConnectorUrlOutcome;

/// The guided road: what the admin pasted, cleaned, checked against the endpoint at once,
/// then the token filed in the SecretStore under its URL.
pub async fn accept_pasted_credentials(
    ctx: &WizardContext,
    pasted_url: &str,
    pasted_token: &str,
    cancel: &CancellationToken,
) -> Result<ConnectorUrlOutcome, Problem> {
    let url = parse_connector_input(&ctx.profile, pasted_url)?;
    let token = parse_pasted_token(pasted_token)?;
    let check = check_scim_endpoint(&ctx.http, &url, &token, cancel).await?;
    let key = keys::pasted_scim_token(&url);
    store_scim_token(ctx, &key, &token)?;
    ctx.journal.update(|j| {
        j.unity.road = Some("guided".into());
        j.unity.scim_url = Some(url.clone());
        j.unity.token_key = Some(key.clone());
        j.unity.token_last_four = Some(token.last_four());
        j.unity.token_checked_at = Some(check.checked_at.clone());
        j.unity.token_id = None;
        j.unity.token_created_at = Some(now());
    })?;
    ctx.journal.mark_done(StepId::UnityCredentials)?;
    ctx.journal.mark_done(StepId::ConnectorUrl)?;
    Ok(ConnectorUrlOutcome {
        url,
        source: "pasted".into(),
        check,
        token_last_four: token.last_four(),
    })
}
