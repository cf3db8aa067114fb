//! Step 2, the SCIM base connector URL on the API road: fetched from Unity's SSO settings
//! (or derived from the org ID) and checked with the stored token. The live replay of
//! Entra's calls is `run_diagnosis` with the configured target.

use scim_core::wizard::{
    ensure_connector_url, reporting_retry_waits, ConnectorUrlOutcome, StepId, WizardProgress,
};
use scim_core::Problem;
use tauri::ipc::Channel;
use tauri::State;

use super::channel_sink;
use crate::app::state::AppState;

/// Step 2: the SCIM connector URL from Unity's SSO settings, checked with the stored token
/// (`wizard::ensure_connector_url`, as `scim-setup setup` does). Progress streams on `on_progress`.
/// Errors: the step's Problem (not signed in to Unity, no connector URL, the check failed).
#[tauri::command]
pub async fn connector_resolve(
    state: State<'_, AppState>,
    operation_id: String,
    on_progress: Channel<WizardProgress>,
) -> Result<ConnectorUrlOutcome, Problem> {
    let op = state.operations.begin(&operation_id);
    let sink = channel_sink(on_progress);
    let resolve = async {
        let unity = state.ctx.unity_admin(&op.token).await?;
        ensure_connector_url(&state.ctx, &unity, &sink, &op.token).await
    };
    reporting_retry_waits(StepId::ConnectorUrl, &sink, resolve).await
}
