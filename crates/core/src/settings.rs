//! The app's own settings (cloud profile, client IDs, request timeout, log level), kept as
//! JSON in the data folder and applied at the next launch; the window edits them, the CLI
//! reads them too. Nothing secret is ever written here. Reading them strictly (a broken file
//! is a [`crate::startup::StartupProblem`]) lives in `startup`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::problem::Problem;
use crate::profile::CloudProfile;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The settings file's name in the data folder.
pub const FILE_NAME: &str = "settings.json";
const DEFAULT_TIMEOUT_SECONDS: u32 = 60;

/// The saved settings; every field is optional and absent means the default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct WindowSettings {
    /// `global`, `usgov`, `china`, `sandbox` or `custom`; absent means `global`.
    #[ts(optional = nullable)]
    pub profile: Option<String>,
    /// The profile file when `profile` is `custom`.
    #[ts(optional = nullable)]
    pub custom_profile_path: Option<String>,
    /// Overrides the profile's Microsoft public client (application) ID.
    #[ts(optional = nullable)]
    pub microsoft_client_id: Option<String>,
    /// The Unity client ID the API road needs (Unity publishes none).
    #[ts(optional = nullable)]
    pub unity_client_id: Option<String>,
    /// Per request, whole response included.
    #[ts(optional = nullable)]
    pub request_timeout_seconds: Option<u32>,
    /// The log's level or filter in RUST_LOG syntax (`info`, `debug`, `scim_core=trace`);
    /// `SCIM_SETUP_LOG` wins over it. Applied at the next launch.
    #[ts(optional = nullable)]
    pub log_level: Option<String>,
}

/// Which cloud profile to use, as the command line or the settings chose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileChoice {
    /// `global`, `usgov` or `china` (see [`CloudProfile::BUILT_IN`]).
    BuiltIn(String),
    /// The window's embedded simulated clouds.
    Sandbox,
    /// A profile JSON file.
    Custom(PathBuf),
}

impl WindowSettings {
    /// The saved settings, or the defaults when there are none or they cannot be read (a
    /// broken settings file must not keep the window from opening; start-up reports it
    /// through [`crate::startup::load_settings`]).
    pub fn load(data_dir: &Path) -> Self {
        std::fs::read_to_string(data_dir.join(FILE_NAME))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Checks and writes the settings to `data_dir/settings.json`; returns the file's path.
    ///
    /// Errors: `badInput` from [`WindowSettings::validate`]; `storage` when the file cannot
    /// be written.
    pub fn save(&self, data_dir: &Path) -> Result<PathBuf, Problem> {
        self.validate()?;
        let path = data_dir.join(FILE_NAME);
        let text = serde_json::to_string_pretty(self).map_err(|err| {
            Problem::storage("Saving the settings", format!("{err}."), "Report this.")
        })?;
        std::fs::create_dir_all(data_dir)
            .and_then(|()| std::fs::write(&path, text))
            .map_err(|err| {
                Problem::storage(
                    "Saving the settings",
                    format!("{}: {err}.", path.display()),
                    "Check that the data folder exists and is writable (or choose another with --data-dir).",
                )
            })?;
        Ok(path)
    }

    /// Checks every field: a known profile (a custom one must load), a valid log filter, a
    /// request timeout of 5–600 s.
    ///
    /// Errors: `badInput` naming the field, or the custom profile's own Problem.
    pub fn validate(&self) -> Result<(), Problem> {
        let action = "Checking the settings";
        match self.profile.as_deref().unwrap_or("global") {
            "global" | "usgov" | "china" | "sandbox" => {}
            "custom" => {
                let path = self.custom_profile_path.as_deref().unwrap_or("").trim();
                if path.is_empty() {
                    return Err(Problem::bad_input(
                        action,
                        "A custom profile needs the path of its JSON file.",
                        "Give the full path of a profile file (the JSON `scim-setup sandbox` prints has the right shape).",
                    ));
                }
                CloudProfile::load(Path::new(path))?;
            }
            other => {
                return Err(Problem::bad_input(
                    action,
                    format!("{other:?} is not a cloud profile this app knows."),
                    "Choose Global, US Government, China, Sandbox or a custom file.",
                ))
            }
        }
        if let Some(level) = non_empty(&self.log_level) {
            if let Err(cause) = crate::logging::check_filter(&level) {
                return Err(Problem::bad_input(
                    action,
                    format!("The log level {level:?} is not valid: {cause}."),
                    "Use error, warn, info, debug or trace (or a RUST_LOG filter such as scim_core=debug).",
                ));
            }
        }
        if let Some(seconds) = self.request_timeout_seconds {
            if !(5..=600).contains(&seconds) {
                return Err(Problem::bad_input(
                    action,
                    format!("A request timeout of {seconds} s is outside 5–600 s."),
                    "Choose a timeout between 5 and 600 seconds.",
                ));
            }
        }
        Ok(())
    }

    /// The profile these settings choose (`global` when none, or a custom one without a path).
    pub fn choice(&self) -> ProfileChoice {
        match self.profile.as_deref() {
            Some("sandbox") => ProfileChoice::Sandbox,
            Some("custom") => match self.custom_profile_path.as_deref().map(str::trim) {
                Some(path) if !path.is_empty() => ProfileChoice::Custom(PathBuf::from(path)),
                _ => ProfileChoice::BuiltIn("global".into()),
            },
            Some(name) => ProfileChoice::BuiltIn(name.to_string()),
            None => ProfileChoice::BuiltIn("global".into()),
        }
    }

    /// Puts the saved client IDs (Microsoft, Unity) into `profile`, over its own.
    pub fn apply_client_ids(&self, profile: &mut CloudProfile) {
        if let Some(id) = non_empty(&self.microsoft_client_id) {
            profile.microsoft.client_id = id;
        }
        if let Some(id) = non_empty(&self.unity_client_id) {
            profile.unity.client_id = Some(id);
        }
    }

    /// The per-request timeout (default 60 s).
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(u64::from(
            self.request_timeout_seconds
                .unwrap_or(DEFAULT_TIMEOUT_SECONDS),
        ))
    }
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_overrides_client_ids() {
        let dir = tempfile::tempdir().expect("tempdir");
        let settings = WindowSettings {
            profile: Some("usgov".into()),
            microsoft_client_id: Some(" my-client ".into()),
            unity_client_id: Some("unity-client".into()),
            request_timeout_seconds: Some(30),
            ..WindowSettings::default()
        };
        settings.save(dir.path()).expect("save");
        let loaded = WindowSettings::load(dir.path());
        assert_eq!(loaded, settings);
        let mut profile = CloudProfile::usgov();
        loaded.apply_client_ids(&mut profile);
        assert_eq!(profile.microsoft.client_id, "my-client");
        assert_eq!(profile.unity.client_id.as_deref(), Some("unity-client"));
        assert_eq!(loaded.request_timeout(), Duration::from_secs(30));
    }

    #[test]
    fn refuses_an_unknown_profile_and_a_silly_timeout() {
        let bad = WindowSettings {
            profile: Some("mars".into()),
            ..WindowSettings::default()
        };
        assert_eq!(bad.validate().expect_err("unknown").kind_name(), "badInput");
        let slow = WindowSettings {
            request_timeout_seconds: Some(1),
            ..WindowSettings::default()
        };
        assert!(slow.validate().is_err());
        let custom = WindowSettings {
            profile: Some("custom".into()),
            ..WindowSettings::default()
        };
        assert!(custom.validate().is_err());
    }
}
