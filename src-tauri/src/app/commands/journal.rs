//! Where the admin left off (computed by the engine), and the Start view's live
//! prerequisite checks.

use scim_core::wizard::{check_prerequisites as run_checks, journal_view};
use scim_core::wizard::{JournalView, PrerequisiteCheck};
use scim_core::Problem;
use tauri::State;

use crate::app::state::AppState;

/// The journal, the window step to resume at and each step's status.
#[tauri::command]
pub fn journal_state(state: State<'_, AppState>) -> JournalView {
    journal_view(&state.ctx)
}

/// Unity SSO and domains, the Entra app and the admin role, as far as the sign-ins allow.
#[tauri::command]
pub async fn check_prerequisites(
    state: State<'_, AppState>,
    operation_id: String,
) -> Result<Vec<PrerequisiteCheck>, Problem> {
    let op = state.operations.begin(&operation_id);
    run_checks(&state.ctx, &op.token).await
}
