//! Signing in for the window's step-by-step use: one call returns a ready API client and the
//! non-secret facts to show, and journals them. The app keeps the client in its state; the
//! tokens inside never leave Rust.

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::WizardContext;
use crate::auth::{sign_in_microsoft, sign_in_unity, BrowserLauncher, SignInMethod};
use crate::entra::GraphClient;
use crate::problem::Problem;
use crate::unity::UnityAdminClient;

/// What the window shows after a sign-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SignedIn {
    #[ts(optional = nullable)]
    pub account: Option<String>,
    #[ts(optional = nullable)]
    pub tenant_id: Option<String>,
    /// True when a saved session was used and no one had to sign in.
    pub resumed: bool,
}

/// Microsoft sign-in (saved session first), then a Graph client on the profile's Graph.
pub async fn connect_microsoft(
    ctx: &WizardContext,
    method: SignInMethod<'_>,
    cancel: &CancellationToken,
) -> Result<(GraphClient, SignedIn), Problem> {
    let signed_in =
        sign_in_microsoft(&ctx.http, &ctx.profile, ctx.secrets.clone(), method, cancel).await?;
    let facts = SignedIn {
        account: signed_in.account.clone(),
        tenant_id: signed_in.tenant_id.clone(),
        resumed: signed_in.resumed,
    };
    ctx.journal.update(|j| {
        j.entra.tenant_id = facts.tenant_id.clone();
        j.entra.account = facts.account.clone();
    })?;
    let graph = GraphClient::new(
        ctx.http.clone(),
        ctx.profile.graph_base(),
        signed_in.session,
    );
    Ok((graph, facts))
}

/// Unity sign-in (API road; needs `unity.clientId` in the profile), then the admin client.
pub async fn connect_unity(
    ctx: &WizardContext,
    launcher: &dyn BrowserLauncher,
    cancel: &CancellationToken,
) -> Result<(UnityAdminClient, SignedIn), Problem> {
    let signed_in = sign_in_unity(
        &ctx.http,
        &ctx.profile,
        ctx.secrets.clone(),
        launcher,
        cancel,
    )
    .await?;
    let client = UnityAdminClient::new(
        ctx.http.clone(),
        &ctx.profile.unity.auth,
        &ctx.profile.unity.api,
        signed_in.session,
    );
    let user = client.current_user(cancel).await?;
    let facts = SignedIn {
        account: user.email.or(user.name),
        tenant_id: None,
        resumed: signed_in.resumed,
    };
    Ok((client, facts))
}
