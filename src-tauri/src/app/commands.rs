//! The window's commands: each a few lines that call the engine and adapt its result.

use tauri::State;

use super::{AppInfo, AppState};

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    state.cloud.app_info()
}
