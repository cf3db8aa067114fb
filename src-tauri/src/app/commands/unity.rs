//! Step 1, Unity: the API road (sign in, pick the organization, ensure the service account,
//! its role and a bearer token, each call reported live) and the guided road (Dashboard pages
//! opened from Rust, the pasted token and URL checked at once). The token never comes back.

use scim_core::auth::sign_in_unity;
use scim_core::unity::{dashboard_links, DashboardLinks, UnityOrganization};
use scim_core::wizard::{
    accept_pasted_credentials, ensure_unity_credentials, ConnectorUrlOutcome, StepId,
    UnityCredentialsOutcome, UnityOptions, WizardProgress,
};
use scim_core::Problem;
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::State;
use ts_rs::TS;

use super::channel_sink;
use crate::app::state::AppState;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UnitySignInOutcome {
    /// Signed in quietly with the saved session.
    pub resumed: bool,
    #[ts(optional = nullable)]
    pub account: Option<String>,
    pub organizations: Vec<UnityOrganization>,
}

#[tauri::command]
pub async fn unity_sign_in(
    state: State<'_, AppState>,
    operation_id: String,
) -> Result<UnitySignInOutcome, Problem> {
    let op = state.operations.begin(&operation_id);
    let ctx = &state.ctx;
    let signed_in = sign_in_unity(
        &ctx.http,
        &ctx.profile,
        ctx.secrets.clone(),
        state.launcher.as_ref(),
        &op.token,
    )
    .await?;
    state.sessions.set_unity(signed_in.session.clone());
    let unity = state.unity_client(signed_in.session);
    let user = unity.current_user(&op.token).await?;
    let organizations = unity.organizations(&user.sub, &op.token).await?;
    ctx.journal.mark_done(StepId::SignInUnity.as_str())?;
    Ok(UnitySignInOutcome {
        resumed: signed_in.resumed,
        account: user.email.or(user.name),
        organizations,
    })
}

#[tauri::command]
pub async fn unity_ensure_credentials(
    state: State<'_, AppState>,
    operation_id: String,
    org_id: Option<String>,
    on_progress: Channel<WizardProgress>,
) -> Result<UnityCredentialsOutcome, Problem> {
    let op = state.operations.begin(&operation_id);
    let unity = state.unity_admin(&op.token).await?.ok_or_else(|| {
        Problem::sign_in_required(
            "Setting up the Unity service account",
            "You are not signed in to Unity.",
            "Choose \u{201c}Sign in to Unity\u{201d} first, or take the guided road.",
        )
    })?;
    let options = UnityOptions {
        org_id,
        service_account_name: None,
    };
    let sink = channel_sink(on_progress);
    let outcome = ensure_unity_credentials(&state.ctx, &unity, &options, &sink, &op.token).await?;
    state
        .ctx
        .journal
        .mark_done(StepId::UnityCredentials.as_str())?;
    Ok(outcome)
}

/// The guided road: the pasted URL (or org ID) and token, checked with Entra's query before
/// the token is stored. Only facts come back ("ends in …7Q2a").
#[tauri::command]
pub async fn unity_accept_pasted(
    state: State<'_, AppState>,
    operation_id: String,
    connector: String,
    token: String,
) -> Result<ConnectorUrlOutcome, Problem> {
    let op = state.operations.begin(&operation_id);
    let outcome = accept_pasted_credentials(&state.ctx, &connector, &token, &op.token).await?;
    state.ctx.journal.mark_done(StepId::ConnectorUrl.as_str())?;
    Ok(outcome)
}

#[tauri::command]
pub fn unity_dashboard_links(
    state: State<'_, AppState>,
    org_id: Option<String>,
) -> Option<DashboardLinks> {
    let org = org_id.or(state.ctx.journal.snapshot().unity.org_id);
    dashboard_links(&state.ctx.profile, org.as_deref())
}

#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum DashboardPage {
    Organization,
    ServiceAccounts,
    SingleSignOn,
}

/// Opens a Dashboard page in the system browser. The URL is built here from the profile, so
/// the webview can open nothing else.
#[tauri::command]
pub fn open_dashboard_page(
    state: State<'_, AppState>,
    page: DashboardPage,
    org_id: Option<String>,
) -> Result<(), Problem> {
    let org = org_id.or(state.ctx.journal.snapshot().unity.org_id);
    let links = dashboard_links(&state.ctx.profile, org.as_deref()).ok_or_else(|| {
        Problem::not_found(
            "Opening the Unity Dashboard",
            "This cloud profile has no Unity Dashboard.",
            "Open the Dashboard yourself, or use a profile with unity.dashboard.",
        )
    })?;
    let url = match page {
        DashboardPage::Organization => links.organization,
        DashboardPage::ServiceAccounts => links.service_accounts,
        DashboardPage::SingleSignOn => links.single_sign_on,
    };
    (state.opener)(&url).map_err(|why| {
        Problem::unreachable(
            "Opening the Unity Dashboard",
            format!("The system browser could not be opened: {why}."),
            format!("Open {url} in a browser yourself."),
        )
    })
}
