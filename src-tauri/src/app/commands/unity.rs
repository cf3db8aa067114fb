//! Step 1, Unity: the API road (sign in, pick the organization, ensure the service account,
//! its role and a bearer token, each call reported live) and the guided road (Dashboard pages
//! opened from Rust, the pasted token and URL checked at once). The token never comes back.

use scim_core::unity::{dashboard_links, dashboard_page_url, DashboardLinks, DashboardPage};
use scim_core::wizard::{
    accept_pasted_credentials, ensure_unity_credentials, reporting_retry_waits,
    ConnectorUrlOutcome, StepId, UnityCredentialsOutcome, UnityOptions, UnitySignInOutcome,
    WizardProgress, WriterWaitAsStep,
};
use scim_core::{Problem, Secret};
use tauri::ipc::Channel;
use tauri::State;

use super::channel_sink;
use crate::app::state::AppState;

/// Step 1, API road: Unity sign-in (browser opened from Rust) and the account's organizations.
#[tauri::command]
pub async fn unity_sign_in(
    state: State<'_, AppState>,
    operation_id: String,
) -> Result<UnitySignInOutcome, Problem> {
    let op = state.operations.begin(&operation_id);
    state
        .ctx
        .sign_in_unity(state.launcher.as_ref(), &op.token)
        .await
}

/// Step 1, API road: who is signed in to Unity and their organizations, resumed quietly from
/// the keychain (never a browser), so step 1 shows its saved sign-in on every visit; none when
/// nobody is (`WizardContext::unity_account`).
#[tauri::command]
pub async fn unity_account(
    state: State<'_, AppState>,
    operation_id: String,
) -> Result<Option<UnitySignInOutcome>, Problem> {
    let op = state.operations.begin(&operation_id);
    state.ctx.unity_account(&op.token).await
}

/// Step 1, API road: finds or creates the service account, its SCIM Authenticator role and a
/// bearer token in `org_id` (the journal's organization when none), each call streamed on
/// `on_progress`. The token goes to the keychain; only its last four characters come back.
#[tauri::command]
pub async fn unity_ensure_credentials(
    state: State<'_, AppState>,
    operation_id: String,
    org_id: Option<String>,
    on_progress: Channel<WizardProgress>,
) -> Result<UnityCredentialsOutcome, Problem> {
    let (op, sink) = (
        state.operations.begin(&operation_id),
        channel_sink(on_progress),
    );
    let waits = WriterWaitAsStep {
        step: StepId::UnityCredentials,
        sink: &sink,
    };
    let _writer = (state.ctx)
        .begin_writing("window: Unity credentials", &waits, &op.token)
        .await?;
    let options = UnityOptions {
        org_id,
        service_account_name: None,
    };
    let ensure = async {
        let unity = state.ctx.unity_admin(&op.token).await?;
        ensure_unity_credentials(&state.ctx, &unity, &options, &sink, &op.token).await
    };
    reporting_retry_waits(StepId::UnityCredentials, &sink, ensure).await
}

/// The guided road: the pasted URL (or org ID) and token, checked with Entra's query before
/// the token is stored; while the endpoint keeps the check waiting, a countdown streams on
/// `on_progress`. Only facts come back ("ends in …7Q2a").
#[tauri::command]
pub async fn unity_accept_pasted(
    state: State<'_, AppState>,
    operation_id: String,
    connector: String,
    token: Secret,
    on_progress: Channel<WizardProgress>,
) -> Result<ConnectorUrlOutcome, Problem> {
    let op = state.operations.begin(&operation_id);
    let sink = channel_sink(on_progress);
    // The lock's wait and the check's countdown both show on the step's progress.
    let waits = WriterWaitAsStep {
        step: StepId::ConnectorUrl,
        sink: &sink,
    };
    let _writer = (state.ctx)
        .begin_writing("window: pasted token", &waits, &op.token)
        .await?;
    let accept = accept_pasted_credentials(&state.ctx, &connector, token.expose(), &op.token);
    reporting_retry_waits(StepId::ConnectorUrl, &sink, accept).await
}

/// Step 1, guided road: the Dashboard pages of the profile for `org_id` (the journal's when none).
#[tauri::command]
pub fn unity_dashboard_links(
    state: State<'_, AppState>,
    org_id: Option<String>,
) -> Option<DashboardLinks> {
    let org = org_id.or(state.ctx.journal.snapshot().unity.org_id);
    dashboard_links(&state.ctx.profile, org.as_deref())
}

/// Opens a Dashboard page in the system browser. The URL is built in the engine from the
/// profile, so the webview can open nothing else.
#[tauri::command]
pub fn open_dashboard_page(
    state: State<'_, AppState>,
    page: DashboardPage,
    org_id: Option<String>,
) -> Result<(), Problem> {
    let org = org_id.or(state.ctx.journal.snapshot().unity.org_id);
    let url = dashboard_page_url(&state.ctx.profile, page, org.as_deref())?;
    (state.opener)(&url).map_err(|why| {
        Problem::unreachable(
            "Opening the Unity Dashboard",
            format!("The system browser could not be opened: {why}."),
            format!("Open {url} in a browser yourself."),
        )
    })
}
