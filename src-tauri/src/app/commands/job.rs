//! The provisioning job card, as the portal's Overview: Pause, Start and Restart, the scope
//! (`wizard::job_control`, each journaled by the engine). Each returns the job as it reads
//! afterwards, with the tenant's name and the last cycle's counts.

use scim_core::entra::{JobStatus, ProvisioningScope};
use scim_core::wizard::job_control;
use scim_core::Problem;
use tauri::State;

use crate::app::state::AppState;

/// Pauses provisioning (`wizard::job_control::pause_provisioning`): no more cycles until
/// Start; a running cycle finishes, nothing is removed from Unity.
#[tauri::command]
pub async fn pause_provisioning(
    state: State<'_, AppState>,
    operation_id: String,
) -> Result<JobStatus, Problem> {
    let op = state.operations.begin(&operation_id);
    let graph = state.ctx.graph(&op.token).await?;
    job_control::pause_provisioning(&state.ctx, &graph, &op.token).await
}

/// Starts or resumes provisioning (`wizard::job_control::resume_provisioning`), lifting a
/// quarantine first.
#[tauri::command]
pub async fn resume_provisioning(
    state: State<'_, AppState>,
    operation_id: String,
) -> Result<JobStatus, Problem> {
    let op = state.operations.begin(&operation_id);
    let graph = state.ctx.graph(&op.token).await?;
    job_control::resume_provisioning(&state.ctx, &graph, &op.token).await
}

/// Restarts provisioning (`wizard::job_control::restart_provisioning`): clears the
/// watermark, the escrows and a quarantine; a full cycle over everyone in scope follows.
#[tauri::command]
pub async fn restart_provisioning(
    state: State<'_, AppState>,
    operation_id: String,
) -> Result<JobStatus, Problem> {
    let op = state.operations.begin(&operation_id);
    let graph = state.ctx.graph(&op.token).await?;
    job_control::restart_provisioning(&state.ctx, &graph, &op.token).await
}

/// Changes who the job provisions, assigned users and groups or all users
/// (`wizard::job_control::set_provisioning_scope`, saved with the tenant URL and token).
#[tauri::command]
pub async fn set_provisioning_scope(
    state: State<'_, AppState>,
    operation_id: String,
    scope: ProvisioningScope,
) -> Result<JobStatus, Problem> {
    let op = state.operations.begin(&operation_id);
    let graph = state.ctx.graph(&op.token).await?;
    job_control::set_provisioning_scope(&state.ctx, &graph, scope, &op.token).await
}
