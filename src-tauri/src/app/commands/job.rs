//! The provisioning job card, as the portal's Overview: Pause, Start and Restart, the scope
//! (`wizard::job_control`, each journaled by the engine), deletions held back by the
//! threshold and releasing them, and the SCIM token's age with its rotation. Each change
//! returns the job as it reads afterwards, with the tenant's name and the last cycle's counts.

use scim_core::entra::{JobStatus, ProvisioningScope};
use scim_core::wizard::{
    allow_held_back_deletions as allow_deletions, job_control, list_held_back_deletions,
    rotate_scim_token as rotate, token_facts, HeldBackDeletions, RotationOutcome, RotationRoad,
    TokenFacts,
};
use scim_core::{Problem, Secret};
use tauri::State;

use crate::app::state::{writing_with_graph, AppState};

/// Pauses provisioning (`wizard::job_control::pause_provisioning`): no more cycles until
/// Start; a running cycle finishes, nothing is removed from Unity.
#[tauri::command]
pub async fn pause_provisioning(
    state: State<'_, AppState>,
    operation_id: String,
) -> Result<JobStatus, Problem> {
    writing_with_graph(
        &state,
        &operation_id,
        "window: pause provisioning",
        async |graph, cancel| job_control::pause_provisioning(&state.ctx, graph, cancel).await,
    )
    .await
}

/// Starts or resumes provisioning (`wizard::job_control::resume_provisioning`), lifting a
/// quarantine first.
#[tauri::command]
pub async fn resume_provisioning(
    state: State<'_, AppState>,
    operation_id: String,
) -> Result<JobStatus, Problem> {
    writing_with_graph(
        &state,
        &operation_id,
        "window: start provisioning",
        async |graph, cancel| job_control::resume_provisioning(&state.ctx, graph, cancel).await,
    )
    .await
}

/// Restarts provisioning (`wizard::job_control::restart_provisioning`): clears the
/// watermark, the escrows and a quarantine; a full cycle over everyone in scope follows.
#[tauri::command]
pub async fn restart_provisioning(
    state: State<'_, AppState>,
    operation_id: String,
) -> Result<JobStatus, Problem> {
    writing_with_graph(
        &state,
        &operation_id,
        "window: restart provisioning",
        async |graph, cancel| job_control::restart_provisioning(&state.ctx, graph, cancel).await,
    )
    .await
}

/// Changes who the job provisions, assigned users and groups or all users
/// (`wizard::job_control::set_provisioning_scope`, saved with the tenant URL and token).
#[tauri::command]
pub async fn set_provisioning_scope(
    state: State<'_, AppState>,
    operation_id: String,
    scope: ProvisioningScope,
) -> Result<JobStatus, Problem> {
    writing_with_graph(
        &state,
        &operation_id,
        "window: provisioning scope",
        async |graph, cancel| {
            job_control::set_provisioning_scope(&state.ctx, graph, scope, cancel).await
        },
    )
    .await
}

/// Deletions the accidental-deletion threshold held back, by name (from the newest cycle's
/// `StagedDelete` provisioning logs); empty unless the job is held (`TooManyDeletes`).
#[tauri::command]
pub async fn held_back_deletions(
    state: State<'_, AppState>,
    operation_id: String,
) -> Result<HeldBackDeletions, Problem> {
    let op = state.operations.begin(&operation_id);
    let graph = state.ctx.graph(&op.token).await?;
    list_held_back_deletions(&state.ctx, &graph, &op.token).await
}

/// "Allow these deletions": restarts the job with `ForceDeletes`, so its next cycle deletes
/// the users it held back (`wizard::allow_held_back_deletions`).
#[tauri::command]
pub async fn allow_held_back_deletions(
    state: State<'_, AppState>,
    operation_id: String,
) -> Result<JobStatus, Problem> {
    writing_with_graph(
        &state,
        &operation_id,
        "window: allow held-back deletions",
        async |graph, cancel| allow_deletions(&state.ctx, graph, cancel).await,
    )
    .await
}

/// The SCIM token in use: its last four characters, its age and when it was last checked
/// (`wizard::token_facts`; never the token).
#[tauri::command]
pub fn scim_token_facts(state: State<'_, AppState>) -> TokenFacts {
    token_facts(&state.ctx)
}

/// Rotates the SCIM token without downtime (`wizard::rotate_scim_token`): a new one minted
/// through Unity's API, or `pasted_token` from the Dashboard; saved in Entra and tested
/// before the old one is revoked. A failure leaves the old token in use.
#[tauri::command]
pub async fn rotate_scim_token(
    state: State<'_, AppState>,
    operation_id: String,
    pasted_token: Option<Secret>,
) -> Result<RotationOutcome, Problem> {
    let (op, ctx) = (state.operations.begin(&operation_id), &state.ctx);
    op.observed(async {
        let _writer = op
            .begin_writing(ctx, "window: rotate the SCIM token")
            .await?;
        let graph = ctx.graph(&op.token).await?;
        match pasted_token {
            Some(token) => {
                rotate(ctx, &graph, RotationRoad::Pasted(token.expose()), &op.token).await
            }
            None => {
                let unity = ctx.unity_admin(&op.token).await?;
                rotate(ctx, &graph, RotationRoad::Api(&unity), &op.token).await
            }
        }
    })
    .await
}
