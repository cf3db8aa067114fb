//! Step 2 on the API road: the SCIM base connector URL from Unity's SSO settings (or derived
//! from the org ID), shape-checked, then probed with the stored token the way Entra's Test
//! Connection calls it.

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::problem::Problem;
use crate::progress::ProgressSink;
use crate::unity::{
    check_scim_endpoint, parse_connector_input, ScimEndpointCheck, UnityAdminClient,
};
use crate::wizard::context::journal_readers::stored_scim_token;
use crate::wizard::context::progress::{note, WizardProgress};
use crate::wizard::context::step_id::StepId;
use crate::wizard::context::wizard_context::WizardContext;

/// Step 2's result: the URL, where it came from, and the probe with the token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConnectorUrlOutcome {
    pub url: String,
    /// `fetched` (from Unity's SSO settings), `derived` (from the org ID) or `pasted`.
    pub source: String,
    pub check: ScimEndpointCheck,
    pub token_last_four: String,
}

/// Step 2 on the API road: the connector URL from Unity's SSO settings (or derived from the
/// org ID), shape-checked, then probed with the token like Entra's Test Connection.
pub async fn ensure_connector_url(
    ctx: &WizardContext,
    unity: &UnityAdminClient,
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> Result<ConnectorUrlOutcome, Problem> {
    let step = StepId::ConnectorUrl;
    let journal = ctx.journal.snapshot();
    let org_id = journal.unity.org_id.clone().ok_or_else(|| {
        Problem::not_found(
            "Finding the SCIM connector URL",
            "No organization chosen yet.",
            "Do step 1 first.",
        )
    })?;
    let settings = unity.sso_settings(&org_id, cancel).await?;
    if !settings.sso_enabled {
        note(progress, step, "Warning: single sign-on is not enabled for this organization; Unity requires it for SCIM");
    }
    let validated = settings.validated_domains();
    note(
        progress,
        step,
        format!(
            "Validated domains: {}",
            if validated.is_empty() {
                "none".to_string()
            } else {
                validated.join(", ")
            }
        ),
    );
    let fetched = settings
        .scim
        .as_ref()
        .and_then(|scim| scim.base_connector_url.clone());
    let (input, source) = match fetched {
        Some(url) if !url.trim().is_empty() => (url, "fetched"),
        _ => (org_id.clone(), "derived"),
    };
    let url = parse_connector_input(&ctx.profile, &input)?;
    let token = stored_scim_token(ctx)?;
    let check = check_scim_endpoint(&ctx.http, &url, &token, cancel).await?;
    let validated: Vec<String> = validated.iter().map(|d| d.to_string()).collect();
    ctx.journal.update(|j| {
        j.unity.scim_url = Some(url.clone());
        j.unity.token_checked_at = Some(check.checked_at.clone());
        j.unity.validated_domains = validated;
    })?;
    ctx.journal.mark_done(StepId::ConnectorUrl)?;
    Ok(ConnectorUrlOutcome {
        url,
        source: source.to_string(),
        check,
        token_last_four: token.last_four(),
    })
}
