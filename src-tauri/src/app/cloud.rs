//! Which clouds the window talks to: the embedded sandbox, a profile file, or the profile
//! chosen in Settings (a built-in cloud or a custom file). Every base URL the engine uses
//! comes from here, and so does where secrets go: memory for the embedded sandbox (its
//! clouds vanish at exit), the OS keychain otherwise.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use scim_core::profile::CloudProfile;
use scim_core::secrets::{secret_store_from_env, MemoryStore, SecretStore};
use scim_core::settings::WindowSettings;
use scim_core::Problem;

use scim_core::startup::{StartupProblem, StartupProblemKind, StartupRequest};

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
    /// The engine's start-up ([`scim_core::startup::resolve`]: data folder, settings,
    /// profile), then the embedded sandbox when it was chosen.
    ///
    /// Errors: the engine's [`StartupProblem`]; a sandbox that cannot start is one too (of
    /// the data folder kind: nothing in Settings repairs it).
    pub async fn resolve(global: &GlobalArgs) -> Result<Self, StartupProblem> {
        let startup = scim_core::startup::resolve(&request(global))?;
        Self::from_startup(startup).await
    }

    /// After a start-up problem Settings can repair: the same data folder with the default
    /// settings and the `global` profile ([`scim_core::startup::resolve_defaults`]), so the
    /// window opens and shows the problem.
    ///
    /// Errors: a data folder problem, which no fallback gets past.
    pub async fn resolve_fallback(global: &GlobalArgs) -> Result<Self, StartupProblem> {
        let startup = scim_core::startup::resolve_defaults(&request(global))?;
        Self::from_startup(startup).await
    }

    async fn from_startup(startup: scim_core::startup::Startup) -> Result<Self, StartupProblem> {
        let (profile, sandbox) = match startup.profile {
            Some(profile) => (profile, None),
            None => {
                let started = start_embedded_sandbox()
                    .await
                    .map_err(|problem| StartupProblem {
                        kind: StartupProblemKind::DataFolderUnusable,
                        path: String::new(),
                        named_by: "--sandbox".into(),
                        problem: Box::new(problem),
                        blocking: true,
                        repair_in_settings: true,
                    })?;
                let mut profile = started.0;
                startup.settings.apply_client_ids(&mut profile);
                (profile, Some(started.1))
            }
        };
        Ok(Self {
            profile,
            _sandbox: sandbox,
            data_dir: startup.data_dir,
            overridden: startup.overridden,
            settings: startup.settings,
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

fn request(global: &GlobalArgs) -> StartupRequest {
    StartupRequest {
        data_dir: global.data_dir.clone(),
        profile: global.profile.clone(),
        sandbox: global.sandbox,
    }
}

pub fn storage(action: &str, path: &Path, err: std::io::Error) -> Problem {
    Problem::storage(
        action,
        format!("{}: {err}.", path.display()),
        "Check that the data folder exists and is writable (or choose another with --data-dir).",
    )
}

/// Starts the embedded simulated clouds and reads the profile they publish.
async fn start_embedded_sandbox() -> Result<(CloudProfile, scim_sandbox::Sandbox), Problem> {
    let sandbox = scim_sandbox::start(embedded_sandbox_config())
        .await
        .map_err(|err| {
            Problem::server(
                "Starting the embedded sandbox",
                format!("The simulated clouds could not start: {err}."),
                "Close other copies of the app and try again.",
            )
        })?;
    let profile: CloudProfile = serde_json::from_value(sandbox.profile()).map_err(|err| {
        Problem::server(
            "Starting the embedded sandbox",
            format!("The sandbox published a profile of an unexpected shape: {err}."),
            "Report this.",
        )
    })?;
    Ok((profile, sandbox))
}

/// The window's own sandbox: as the tests' one, except that a device code waits a few seconds
/// before it approves itself, so the code-on-another-device road shows its code and can be
/// previewed (typing the code on the sandbox's page approves it at once).
fn embedded_sandbox_config() -> scim_sandbox::SandboxConfig {
    scim_sandbox::SandboxConfig {
        device_code_approval_delay: std::time::Duration::from_secs(8),
        ..scim_sandbox::SandboxConfig::default()
    }
}
