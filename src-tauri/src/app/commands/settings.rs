//! Settings: the cloud profile (applied at the next launch), client IDs, request timeout,
//! and signing out, which removes this app's entries from the keychain.

use scim_core::auth::providers::unity_endpoints;
use scim_core::secrets::keys;
use scim_core::Problem;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::app::settings_file::WindowSettings;
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

#[tauri::command]
pub fn settings_get(state: State<'_, AppState>) -> SettingsView {
    let cloud = &state.cloud;
    SettingsView {
        saved: WindowSettings::load(&cloud.data_dir),
        active_profile: state.ctx.profile.name.clone(),
        overridden_by_command_line: cloud.overridden,
        settings_path: cloud
            .data_dir
            .join(crate::app::settings_file::FILE_NAME)
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

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SignOutOutcome {
    /// What was removed, in words ("Microsoft sign-in", "SCIM bearer token …7Q2a").
    pub removed: Vec<String>,
    pub store: String,
}

/// Forgets both sign-ins and the SCIM token: removes their keychain entries and the
/// journal's pointers to them, so the next run asks again.
#[tauri::command]
pub fn sign_out(state: State<'_, AppState>) -> Result<SignOutOutcome, Problem> {
    let ctx = &state.ctx;
    let profile = &ctx.profile;
    let journal = ctx.journal.snapshot();
    let mut entries = vec![(
        keys::microsoft_refresh(&profile.microsoft.authority, &profile.microsoft.client_id),
        "Microsoft sign-in".to_string(),
    )];
    if let Ok(endpoints) = unity_endpoints(profile) {
        entries.push((
            keys::unity_refresh(&profile.unity.auth, &endpoints.client_id),
            "Unity sign-in".to_string(),
        ));
    }
    if let Some(key) = journal.unity.token_key.clone() {
        let last_four = journal.unity.token_last_four.clone().unwrap_or_default();
        entries.push((key, format!("SCIM bearer token …{last_four}")));
    }
    let mut removed = Vec::new();
    for (key, label) in entries {
        if ctx.secrets.get(&key)?.is_some() {
            ctx.secrets.delete(&key)?;
            removed.push(label);
        }
    }
    state.sessions.clear();
    ctx.journal.update(|j| {
        j.unity.token_key = None;
        j.unity.token_last_four = None;
        j.unity.token_id = None;
        j.unity.token_checked_at = None;
        for step in [
            "signInUnity",
            "unityCredentials",
            "connectorUrl",
            "signInMicrosoft",
        ] {
            j.steps_done.remove(step);
        }
    })?;
    Ok(SignOutOutcome {
        removed,
        store: ctx.secrets.describe().to_string(),
    })
}
