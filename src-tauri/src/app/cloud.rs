//! Which clouds the window talks to: the embedded sandbox, a profile file, or the profile
//! chosen in Settings (a built-in cloud or a custom file). Every base URL the engine uses
//! comes from here, and so does where secrets go: memory for the embedded sandbox (its
//! clouds vanish at exit), the OS keychain otherwise.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use scim_core::profile::CloudProfile;
use scim_core::secrets::{secret_store_from_env, MemoryStore, SecretStore};
use scim_core::Problem;

use super::settings_file::{ProfileChoice, WindowSettings};
use crate::cli::GlobalArgs;

pub struct ActiveCloud {
    pub profile: CloudProfile,
    /// Kept alive for the window's lifetime; dropping it would stop the simulated clouds.
    _sandbox: Option<scim_sandbox::Sandbox>,
    /// Where the journal, settings and reports live.
    pub data_dir: PathBuf,
    pub settings: WindowSettings,
    /// `--sandbox` or `--profile` chose the profile, not Settings.
    pub overridden: bool,
}

impl ActiveCloud {
    pub async fn resolve(global: &GlobalArgs) -> Result<Self, Problem> {
        let data_dir = match &global.data_dir {
            Some(dir) => dir.clone(),
            None => scim_core::wizard::default_data_dir().ok_or_else(|| {
                Problem::storage(
                    "Finding the app's data folder",
                    "This system names no data folder for the current user.",
                    "Start the app with --data-dir DIR (or set SCIM_SETUP_DATA_DIR).",
                )
            })?,
        };
        let settings = WindowSettings::load(&data_dir);
        // The command line wins over Settings: `--sandbox`, then `--profile FILE`.
        let choice = if global.sandbox {
            ProfileChoice::Sandbox
        } else if let Some(path) = &global.profile {
            ProfileChoice::Custom(path.clone())
        } else {
            settings.choice()
        };
        let (mut profile, sandbox) = match choice {
            ProfileChoice::Sandbox => {
                let sandbox = scim_sandbox::start(scim_sandbox::SandboxConfig::default())
                    .await
                    .map_err(|err| {
                        Problem::server(
                            "Starting the embedded sandbox",
                            format!("The simulated clouds could not start: {err}."),
                            "Close other copies of the app and try again.",
                        )
                    })?;
                let profile: CloudProfile =
                    serde_json::from_value(sandbox.profile()).map_err(|err| {
                        Problem::server(
                            "Starting the embedded sandbox",
                            format!(
                                "The sandbox published a profile of an unexpected shape: {err}."
                            ),
                            "Report this.",
                        )
                    })?;
                (profile, Some(sandbox))
            }
            ProfileChoice::Custom(path) => (CloudProfile::load(&path)?, None),
            ProfileChoice::BuiltIn(name) => (
                CloudProfile::built_in(&name).unwrap_or_else(CloudProfile::global),
                None,
            ),
        };
        settings.apply_client_ids(&mut profile);
        Ok(Self {
            profile,
            _sandbox: sandbox,
            data_dir,
            overridden: global.sandbox || global.profile.is_some(),
            settings,
        })
    }

    /// The embedded sandbox: state vanishes at exit, so secrets live in memory and the
    /// journal starts fresh each launch.
    pub fn is_embedded_sandbox(&self) -> bool {
        self._sandbox.is_some()
    }

    /// Any simulated cloud (embedded, or a sandbox's profile file): sign-ins are scripted.
    pub fn is_simulated(&self) -> bool {
        self.is_embedded_sandbox() || self.profile.is_sandbox() || self.profile.name == "sandbox"
    }

    /// The OS keychain, unless `SCIM_SETUP_SECRET_STORE=memory` asks for memory explicitly
    /// (scripted runs); never a silent fallback.
    pub fn secret_store(&self) -> Result<Arc<dyn SecretStore>, Problem> {
        if self.is_embedded_sandbox() {
            return Ok(Arc::new(MemoryStore::new()));
        }
        Ok(Arc::from(secret_store_from_env()?))
    }

    /// The journal's folder. The embedded sandbox gets its own, emptied at each launch, so
    /// its throwaway ids never overwrite the journal of a real setup in the same data folder.
    pub fn journal_dir(&self) -> Result<PathBuf, Problem> {
        if !self.is_embedded_sandbox() {
            return Ok(self.data_dir.clone());
        }
        let dir = self.data_dir.join("embedded-sandbox");
        match std::fs::remove_dir_all(&dir) {
            Ok(()) => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(storage("Starting a fresh sandbox journal", &dir, err)),
        }
        Ok(dir)
    }

    pub fn reports_dir(&self) -> PathBuf {
        self.data_dir.join("reports")
    }
}

pub fn storage(action: &str, path: &Path, err: std::io::Error) -> Problem {
    Problem::storage(
        action,
        format!("{}: {err}.", path.display()),
        "Check that the data folder exists and is writable (or choose another with --data-dir).",
    )
}
