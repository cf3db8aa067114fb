//! The app itself: its facts, and cancelling a long operation.

use tauri::State;

use crate::app::info::{AppInfo, ProfileSummary};
use crate::app::state::AppState;

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    let cloud = &state.cloud;
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        profile: ProfileSummary::of(&state.ctx.profile),
        sandbox: cloud.is_embedded_sandbox(),
        simulated_sign_in: cloud.is_simulated(),
        secret_store: state.ctx.secrets.describe().to_string(),
        data_dir: cloud.data_dir.display().to_string(),
        reports_dir: cloud.reports_dir().display().to_string(),
    }
}

/// Cancels the operation the UI started under `operation_id`; false when it already ended.
#[tauri::command]
pub fn cancel_operation(state: State<'_, AppState>, operation_id: String) -> bool {
    state.operations.cancel(&operation_id)
}
