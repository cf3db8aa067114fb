//! Settings: the cloud profile (applied at the next launch), client IDs, request timeout,
//! and signing out, which removes this app's entries from the keychain.

use scim_core::settings::WindowSettings;
use scim_core::wizard::{SignOutOutcome, SignOutScope};
use scim_core::Problem;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::app::desktop::FileKind;
use crate::app::state::AppState;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SettingsView {
    pub saved: WindowSettings,
    /// The profile this run uses (the command line may differ from what is saved).
    pub active_profile: String,
    /// True when `--sandbox` or `--profile` overrides the saved choice for this run.
    pub overridden_by_command_line: bool,
    pub settings_path: String,
}

/// Settings: the saved choices, the active profile and where the settings file lives.
#[tauri::command]
pub fn settings_get(state: State<'_, AppState>) -> SettingsView {
    let cloud = &state.cloud;
    SettingsView {
        saved: WindowSettings::load(&cloud.data_dir),
        active_profile: state.ctx.profile.name.clone(),
        overridden_by_command_line: cloud.overridden,
        settings_path: cloud
            .data_dir
            .join(scim_core::settings::FILE_NAME)
            .display()
            .to_string(),
    }
}

/// Saves the settings; they apply when the app next starts.
#[tauri::command]
pub fn settings_save(
    state: State<'_, AppState>,
    settings: WindowSettings,
) -> Result<SettingsView, Problem> {
    settings.save(&state.cloud.data_dir)?;
    Ok(settings_get(state))
}

/// What signing out of `scope` would remove (keychain entries held now, journal steps),
/// without removing anything: the text of the confirmation (`wizard::plan_sign_out`).
#[tauri::command]
pub fn sign_out_plan(
    state: State<'_, AppState>,
    scope: SignOutScope,
) -> Result<SignOutOutcome, Problem> {
    scim_core::wizard::plan_sign_out(&state.ctx, scope)
}

/// A file picker for a custom cloud profile (JSON), shown from Rust; the chosen path goes
/// back into the Settings form, which saves it like a typed one. `None` when cancelled.
#[tauri::command]
pub async fn choose_profile_file(state: State<'_, AppState>) -> Result<Option<String>, Problem> {
    let kind = FileKind {
        name: "Cloud profile (JSON)",
        extensions: &["json"],
    };
    let chosen = state.desktop.pick_file("Choose a cloud profile", kind);
    Ok(chosen.map(|path| path.display().to_string()))
}

/// Forgets the sign-ins in `scope` (keychain entries and the journal's marks of the steps
/// that depend on them), so the next run asks again.
#[tauri::command]
pub fn sign_out(
    state: State<'_, AppState>,
    scope: SignOutScope,
) -> Result<SignOutOutcome, Problem> {
    // Synchronous, so it does not wait: while another writer works, it says so at once.
    let _writer = state.ctx.try_begin_writing("window: sign out")?;
    scim_core::wizard::sign_out(&state.ctx, scope)
}

/// Settings: opens the app's log folder (the data folder's `logs/`, created when missing) in
/// the file manager, from Rust; the folder is the one the app computed, never a path from the
/// webview. Returns the folder's path. Errors: `storage` when it cannot be created; `server`
/// when no file manager opens.
#[tauri::command]
pub fn open_log_folder(state: State<'_, AppState>) -> Result<String, Problem> {
    let folder = scim_core::logging::log_dir(&state.cloud.data_dir);
    scim_core::report::ensure_folder(&folder)?;
    state
        .desktop
        .open_folder("Opening the log folder", &folder)?;
    Ok(folder.display().to_string())
}
