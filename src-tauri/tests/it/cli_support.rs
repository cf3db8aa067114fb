//! Shared set-up for the tests that run the built `scim-setup` binary: locate it, and run it
//! in a private HOME with a real Secret Service (gnome-keyring in its own D-Bus session), the
//! way it runs on an admin's desktop. The keyring file lives in that HOME, so it outlives
//! each session and each run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The app binary Cargo built for this test run (`cargo test` builds a package's binaries
/// before its integration tests, so no test builds it itself).
pub fn scim_setup_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_scim-setup"))
}

/// A private HOME and data folder, a profile file, and the binary to run there.
pub struct Desktop {
    pub binary: PathBuf,
    pub temp: tempfile::TempDir,
    pub home: PathBuf,
    pub data: PathBuf,
    pub profile_path: PathBuf,
}

impl Desktop {
    pub fn new(profile: &serde_json::Value) -> Self {
        let binary = scim_setup_binary();
        let temp = tempfile::tempdir().expect("tempdir");
        let home = temp.path().join("home");
        let data = temp.path().join("data");
        std::fs::create_dir_all(home.join("run")).expect("runtime dir");
        let profile_path = temp.path().join("profile.json");
        std::fs::write(&profile_path, profile.to_string()).expect("profile written");
        Self {
            binary,
            temp,
            home,
            data,
            profile_path,
        }
    }

    /// Runs `scim-setup --profile P --data-dir D ARGS…` in its own D-Bus session with an
    /// unlocked keyring; blocking, off the runtime, so a sandbox in this process keeps serving.
    pub async fn run(&self, args: &[&str]) -> Output {
        self.run_with_env(&[], args).await
    }

    /// [`Desktop::run`] with extra environment variables.
    pub async fn run_with_env(&self, vars: &[(&str, &str)], args: &[&str]) -> Output {
        let mut line = format!(
            "{} --profile {} --data-dir {}",
            self.binary.display(),
            self.profile_path.display(),
            self.data.display()
        );
        for arg in args {
            line.push(' ');
            line.push_str(arg);
        }
        let mut command = self.session(&format!("exec {line}"));
        for (name, value) in vars {
            command.env(name, value);
        }
        let output = tokio::task::spawn_blocking(move || command.output())
            .await
            .expect("join")
            .expect("dbus-run-session runs (packages dbus and gnome-keyring)");
        assert_ne!(
            output.status.code(),
            Some(90),
            "gnome-keyring could not start: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }
}

impl Desktop {
    /// `bash -c script` in a D-Bus session of its own with an unlocked keyring in this
    /// desktop's HOME (exit 90 when gnome-keyring cannot start): one desktop session, however
    /// many runs the script starts.
    pub fn session(&self, script: &str) -> Command {
        let script = format!(
            "echo | gnome-keyring-daemon --unlock --components=secrets -d >/dev/null || exit 90
             {script}"
        );
        let mut command = Command::new("dbus-run-session");
        command
            .args(["--", "bash", "-c", &script])
            .env("HOME", &self.home)
            .env("XDG_DATA_HOME", self.home.join(".local/share"))
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("XDG_CACHE_HOME", self.home.join(".cache"))
            .env("XDG_RUNTIME_DIR", self.home.join("run"))
            .env_remove("SCIM_SETUP_SECRET_STORE")
            .env_remove("SCIM_SETUP_DATA_DIR")
            .env_remove("SCIM_SETUP_LOG")
            .env_remove("DISPLAY");
        command
    }

    /// Runs `scim-setup --profile P --data-dir D ARGS…` with no D-Bus session and so no
    /// Secret Service: the keychain is unavailable, as on a bare server or a broken desktop.
    pub async fn run_without_keychain(&self, vars: &[(&str, &str)], args: &[&str]) -> Output {
        let mut command = Command::new(&self.binary);
        command
            .arg("--profile")
            .arg(&self.profile_path)
            .arg("--data-dir")
            .arg(&self.data)
            .args(args)
            .env("HOME", &self.home)
            .env("XDG_DATA_HOME", self.home.join(".local/share"))
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("XDG_CACHE_HOME", self.home.join(".cache"))
            .env("XDG_RUNTIME_DIR", self.home.join("run"))
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("SCIM_SETUP_SECRET_STORE")
            .env_remove("SCIM_SETUP_DATA_DIR")
            .env_remove("SCIM_SETUP_LOG")
            .env_remove("DISPLAY");
        for (name, value) in vars {
            command.env(name, value);
        }
        tokio::task::spawn_blocking(move || command.output())
            .await
            .expect("join")
            .expect("the binary runs")
    }
}

/// Every line of the app's log files under `data_dir/logs`.
pub fn log_lines(data_dir: &Path) -> Vec<String> {
    let mut lines = Vec::new();
    for entry in std::fs::read_dir(data_dir.join("logs"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        lines.extend(text.lines().map(str::to_string));
    }
    lines
}

/// Log lines that carry something secret: one of `known` (a bearer token, …), a JWT (every
/// sandbox access and id token is one), a sandbox refresh token (`1.` and 86 base64url
/// characters), a `Bearer` value that is not redacted, or an OAuth form field with a value.
pub fn secret_lines(lines: &[String], known: &[&str]) -> Vec<String> {
    let long_run_after = |line: &str, marker: &str, min: usize| {
        line.match_indices(marker).any(|(at, _)| {
            line[at + marker.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .count()
                >= min
        })
    };
    lines
        .iter()
        .filter(|line| {
            known
                .iter()
                .any(|secret| !secret.is_empty() && line.contains(secret))
                || line.contains("eyJ")
                || long_run_after(line, "1.", 80)
                || long_run_after(line, "Bearer ", 8)
                || [
                    "refresh_token=",
                    "code_verifier=",
                    "device_code=",
                    "access_token=",
                ]
                .iter()
                .any(|field| long_run_after(line, field, 8))
        })
        .cloned()
        .collect()
}
