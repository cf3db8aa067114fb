//! Step 4: who is assigned, the directory picker's search, assigning, and provisioning on
//! demand with each result streamed as Entra returns it.

use scim_core::entra::types::AppRoleAssignment;
use scim_core::wizard::entra_steps::journal_sp_id;
use scim_core::wizard::{
    assign_principals as assign, assign_then_provision, search_directory, AssignmentOutcome,
    DirectoryEntry, OnDemandSubject, ProvisionOnDemandOutcome, WizardProgress,
};
use scim_core::Problem;
use tauri::ipc::Channel;
use tauri::State;

use super::channel_sink;
use crate::app::state::AppState;

/// Users and groups matching `text`, searched together.
#[tauri::command]
pub async fn directory_search(
    state: State<'_, AppState>,
    operation_id: String,
    text: String,
    top: Option<u32>,
) -> Result<Vec<DirectoryEntry>, Problem> {
    let op = state.operations.begin(&operation_id);
    let graph = state.ctx.graph(&op.token).await?;
    search_directory(&graph, &text, top, &op.token).await
}

/// Step 4: who is assigned to the app (appRoleAssignedTo of its service principal).
#[tauri::command]
pub async fn list_assigned(
    state: State<'_, AppState>,
    operation_id: String,
) -> Result<Vec<AppRoleAssignment>, Problem> {
    let op = state.operations.begin(&operation_id);
    let graph = state.ctx.graph(&op.token).await?;
    let sp_id = journal_sp_id(&state.ctx)?;
    graph.list_assignments(&sp_id, &op.token).await
}

/// Step 4: assigns the chosen users and groups to the app (skipping who already is).
#[tauri::command]
pub async fn assign_principals(
    state: State<'_, AppState>,
    operation_id: String,
    principals: Vec<OnDemandSubject>,
) -> Result<Vec<AssignmentOutcome>, Problem> {
    let op = state.operations.begin(&operation_id);
    let graph = state.ctx.graph(&op.token).await?;
    assign(&state.ctx, &graph, &principals, &op.token).await
}

/// Assigns whoever is not assigned yet, then provisions each on demand; a group goes with
/// its user members (up to 50). The same engine function as `scim-setup provision`.
#[tauri::command]
pub async fn provision_now(
    state: State<'_, AppState>,
    operation_id: String,
    subjects: Vec<OnDemandSubject>,
    on_progress: Channel<WizardProgress>,
) -> Result<Vec<ProvisionOnDemandOutcome>, Problem> {
    let op = state.operations.begin(&operation_id);
    let graph = state.ctx.graph(&op.token).await?;
    let sink = channel_sink(on_progress);
    let run = assign_then_provision(&state.ctx, &graph, subjects, &sink, &op.token).await?;
    Ok(run.provisioned)
}
