//! Step 4: who is assigned (and unassigning), the directory picker's search, assigning, and
//! provisioning on demand with each result streamed as Entra returns it.

use scim_core::wizard::job_control::unassign;
use scim_core::wizard::{
    assign_principals as assign, assign_then_provision, list_assigned_principals, search_directory,
    AssignedPrincipal, AssignmentOutcome, DirectoryEntry, DirectorySearchEvent, OnDemandSubject,
    ProvisionOnDemandOutcome, StepId, WizardProgress, WriterWaitAsStep,
};
use scim_core::Problem;
use tauri::ipc::Channel;
use tauri::State;

use super::channel_sink;
use crate::app::state::{writing_with_graph, AppState};

/// Users and groups matching `text`, searched together: the rows stream as soon as Graph
/// lists them, then the first groups' member counts; the answer is the rows with the counts
/// (`wizard::search_directory`). A newer search aborts this one (`wizard::SearchSlot`).
#[tauri::command]
pub async fn directory_search(
    state: State<'_, AppState>,
    operation_id: String,
    text: String,
    top: Option<u32>,
    on_event: Channel<DirectorySearchEvent>,
) -> Result<Vec<DirectoryEntry>, Problem> {
    let op = state.operations.begin(&operation_id);
    let sink = channel_sink(on_event);
    state
        .directory_search
        .run(async {
            let graph = state.ctx.graph(&op.token).await?;
            search_directory(&graph, &text, top, &sink, &op.token).await
        })
        .await
}

/// Step 4: who is assigned to the app, each user with their UPN and the assigned groups that
/// also keep them in scope, each group with its member count
/// (`wizard::list_assigned_principals`).
#[tauri::command]
pub async fn list_assigned(
    state: State<'_, AppState>,
    operation_id: String,
) -> Result<Vec<AssignedPrincipal>, Problem> {
    let op = state.operations.begin(&operation_id);
    let graph = state.ctx.graph(&op.token).await?;
    list_assigned_principals(&state.ctx, &graph, &op.token).await
}

/// Step 4: removes one assignment (`wizard::job_control::unassign`). Entra then disables or
/// deletes the user (or the group's members) in Unity on its next cycle.
#[tauri::command]
pub async fn unassign_principal(
    state: State<'_, AppState>,
    operation_id: String,
    assignment_id: String,
) -> Result<(), Problem> {
    writing_with_graph(
        &state,
        &operation_id,
        "window: unassign",
        async |graph, cancel| unassign(&state.ctx, graph, &assignment_id, cancel).await,
    )
    .await
}

/// Step 4: assigns the chosen users and groups to the app (skipping who already is).
#[tauri::command]
pub async fn assign_principals(
    state: State<'_, AppState>,
    operation_id: String,
    principals: Vec<OnDemandSubject>,
) -> Result<Vec<AssignmentOutcome>, Problem> {
    writing_with_graph(
        &state,
        &operation_id,
        "window: assign",
        async |graph, cancel| assign(&state.ctx, graph, &principals, cancel).await,
    )
    .await
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
    let (op, sink) = (
        state.operations.begin(&operation_id),
        channel_sink(on_progress),
    );
    let waits = WriterWaitAsStep {
        step: StepId::ProvisionOnDemand,
        sink: &sink,
    };
    let _writer = (state.ctx)
        .begin_writing("window: provision on demand", &waits, &op.token)
        .await?;
    let graph = state.ctx.graph(&op.token).await?;
    let run = assign_then_provision(&state.ctx, &graph, subjects, &sink, &op.token).await?;
    Ok(run.provisioned)
}
