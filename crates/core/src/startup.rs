//! Start-up, before any step: the data folder, the saved settings and the cloud profile.
//! Both faces resolve them here, so a missing, moved or broken file says the same thing in
//! the window (a problem view with Settings to repair it) and in the CLI (exit 2): which
//! file, what is wrong with it, and what to do.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::problem::Problem;
use crate::profile::CloudProfile;
use crate::settings::{ProfileChoice, WindowSettings, FILE_NAME};
use crate::wizard::JournalRecovery;

/// What kind of start-up problem it is, so the window can pick its view and the place to
/// repair it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum StartupProblemKind {
    /// The data folder is a file, cannot be created, or is not writable.
    DataFolderUnusable,
    /// `settings.json` is not JSON, not of the expected shape, or names an unknown profile.
    SettingsUnreadable,
    /// The custom profile file is not there (moved, renamed or deleted).
    ProfileMissing,
    /// The custom profile file is there but cannot be used (not JSON, wrong shape, a bad
    /// URL, unreadable, too large).
    ProfileUnreadable,
    /// The journal could not be read and was set aside; a new one started. A notice: the
    /// app works, and nothing is created twice.
    JournalSetAside,
}

/// A problem found while starting, with the file at fault and where it was named. The CLI
/// prints [`StartupProblem::problem`] and exits 2; the window shows it in place of the steps,
/// with Settings open to repair it when [`StartupProblem::repair_in_settings`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StartupProblem {
    /// What kind of problem, for the window to pick its view.
    pub kind: StartupProblemKind,
    /// The file or folder at fault.
    pub path: String,
    /// Who named it: `--profile`, `--data-dir / SCIM_SETUP_DATA_DIR`, the settings file's
    /// path, or "the app's default data folder".
    pub named_by: String,
    /// What was being done, the cause in plain words and the fix: the same text the CLI
    /// prints. Boxed so a `Result<_, StartupProblem>` stays small.
    pub problem: Box<Problem>,
    /// True when nothing works until it is repaired; false for a notice (the journal).
    pub blocking: bool,
    /// True when the window's Settings can repair it (choose another profile, save fresh
    /// settings); false when it must be repaired outside the app (the data folder).
    pub repair_in_settings: bool,
}

impl std::fmt::Display for StartupProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.problem.fmt(f)
    }
}

impl StartupProblem {
    fn new(
        kind: StartupProblemKind,
        path: &Path,
        named_by: impl Into<String>,
        problem: Problem,
    ) -> Self {
        Self {
            kind,
            path: path.display().to_string(),
            named_by: named_by.into(),
            problem: Box::new(problem),
            blocking: kind != StartupProblemKind::JournalSetAside,
            repair_in_settings: kind != StartupProblemKind::DataFolderUnusable,
        }
    }

    /// The notice for a journal that was set aside when it was opened
    /// ([`crate::wizard::JournalStore::recovery`]).
    pub fn journal_set_aside(recovery: &JournalRecovery) -> Self {
        Self::new(
            StartupProblemKind::JournalSetAside,
            Path::new(&recovery.set_aside),
            "the journal of earlier progress",
            Problem::storage(
                "Reading the journal of earlier progress",
                recovery.message.clone(),
                "Nothing to repair: go on (on the command line, run the same command again), and send the set-aside copy to support if asked.",
            ),
        )
    }
}

/// What start-up resolved: the data folder, the saved settings, and the profile.
#[derive(Debug, Clone)]
pub struct Startup {
    /// The data folder (journal, settings, logs, reports); it exists and is a folder.
    pub data_dir: PathBuf,
    /// The saved settings, or the defaults when none are saved.
    pub settings: WindowSettings,
    /// What chose the profile; [`ProfileChoice::Sandbox`] leaves starting the embedded
    /// sandbox to the shell.
    pub choice: ProfileChoice,
    /// The profile with the saved client IDs applied; `None` for the embedded sandbox.
    pub profile: Option<CloudProfile>,
    /// `--profile` or `--sandbox` chose the profile, not the settings.
    pub overridden: bool,
}

/// What the command line said about start-up.
#[derive(Debug, Clone, Default)]
pub struct StartupRequest {
    /// `--data-dir` or `SCIM_SETUP_DATA_DIR`; `None` means the app's default data folder.
    pub data_dir: Option<PathBuf>,
    /// `--profile FILE` (or a built-in name).
    pub profile: Option<PathBuf>,
    /// `--sandbox` (the window only).
    pub sandbox: bool,
}

const DATA_DIR_FLAG: &str = "--data-dir / SCIM_SETUP_DATA_DIR";

/// Resolves the data folder, the settings and the profile, in that order: the command line
/// wins over the settings (`--sandbox`, then `--profile`), the settings over `global`.
///
/// Errors: a [`StartupProblem`] for a data folder that is a file or not writable, a settings
/// file that cannot be read, and a custom profile that is missing or broken.
pub fn resolve(request: &StartupRequest) -> Result<Startup, StartupProblem> {
    let (data_dir, named_by) = match &request.data_dir {
        Some(dir) => (dir.clone(), DATA_DIR_FLAG),
        None => match crate::wizard::default_data_dir() {
            Some(dir) => (dir, "the app's default data folder"),
            None => {
                return Err(StartupProblem::new(
                    StartupProblemKind::DataFolderUnusable,
                    Path::new(""),
                    "the app's default data folder",
                    Problem::storage(
                        "Finding the app's data folder",
                        "This system names no data folder for the current user.",
                        "Start the app with --data-dir DIR (or set SCIM_SETUP_DATA_DIR).",
                    ),
                ))
            }
        },
    };
    check_data_dir(&data_dir, named_by)?;
    let settings = load_settings(&data_dir)?;
    let settings_path = data_dir.join(FILE_NAME);
    let (choice, overridden) = if request.sandbox {
        (ProfileChoice::Sandbox, true)
    } else if let Some(path) = &request.profile {
        (ProfileChoice::Custom(path.clone()), true)
    } else {
        (settings.choice(), false)
    };
    let mut profile = match &choice {
        ProfileChoice::Sandbox => None,
        ProfileChoice::Custom(path) if overridden => {
            Some(CloudProfile::load(path).map_err(|problem| {
                StartupProblem::new(profile_kind(path), path, "--profile", problem)
            })?)
        }
        ProfileChoice::Custom(path) => Some(load_saved_profile(path, &settings_path)?),
        ProfileChoice::BuiltIn(name) => Some(CloudProfile::built_in(name).ok_or_else(|| {
            StartupProblem::new(
                StartupProblemKind::SettingsUnreadable,
                &settings_path,
                settings_path.display().to_string(),
                Problem::bad_input(
                    "Reading the settings",
                    format!(
                        "{} chooses the cloud profile \u{201c}{name}\u{201d}, which this app does not know.",
                        settings_path.display()
                    ),
                    "Choose a profile in Settings (or set \"profile\" to global, usgov, china, sandbox or custom in the file), or delete the file to start with the defaults.",
                ),
            )
        })?),
    };
    if let Some(profile) = profile.as_mut() {
        settings.apply_client_ids(profile);
    }
    Ok(Startup {
        data_dir,
        settings,
        choice,
        profile,
        overridden,
    })
}

/// The window's way past a start-up problem Settings can repair: the same data folder, the
/// default settings (the saved file is left as it is, for Settings to overwrite) and the
/// built-in `global` profile (or the embedded sandbox when `--sandbox` asked for it), so the
/// window can open, show the problem and let the person fix it in Settings.
///
/// Errors: a `dataFolderUnusable` [`StartupProblem`], which no fallback can get past.
pub fn resolve_defaults(request: &StartupRequest) -> Result<Startup, StartupProblem> {
    let (data_dir, named_by) = match &request.data_dir {
        Some(dir) => (dir.clone(), DATA_DIR_FLAG),
        None => (
            crate::wizard::default_data_dir().unwrap_or_default(),
            "the app's default data folder",
        ),
    };
    check_data_dir(&data_dir, named_by)?;
    let settings = WindowSettings::default();
    let (choice, profile) = if request.sandbox {
        (ProfileChoice::Sandbox, None)
    } else {
        let global = CloudProfile::built_in("global").ok_or_else(|| {
            StartupProblem::new(
                StartupProblemKind::ProfileMissing,
                Path::new(""),
                "the app's built-in profiles",
                Problem::server(
                    "Reading the built-in cloud profiles",
                    "The built-in global profile is missing from this build.",
                    "Reinstall the app.",
                ),
            )
        })?;
        (ProfileChoice::BuiltIn("global".into()), Some(global))
    };
    Ok(Startup {
        data_dir,
        settings,
        choice,
        profile,
        overridden: false,
    })
}

fn profile_kind(path: &Path) -> StartupProblemKind {
    if path.exists() {
        StartupProblemKind::ProfileUnreadable
    } else {
        StartupProblemKind::ProfileMissing
    }
}

/// The custom profile the settings name, with a cause and fix that point at Settings.
fn load_saved_profile(path: &Path, settings_path: &Path) -> Result<CloudProfile, StartupProblem> {
    CloudProfile::load(path).map_err(|problem| {
        let kind = profile_kind(path);
        let cause = match kind {
            StartupProblemKind::ProfileMissing => format!(
                "The custom cloud profile chosen in Settings, {}, is not there any more (moved, renamed or deleted).",
                path.display()
            ),
            _ => format!(
                "The custom cloud profile chosen in Settings, {}, cannot be used: {}",
                path.display(),
                problem.info().cause
            ),
        };
        StartupProblem::new(
            kind,
            path,
            settings_path.display().to_string(),
            Problem::bad_input(
                "Reading the cloud profile chosen in Settings",
                cause,
                format!(
                    "Put the file back or repair it, or choose another profile in Settings (global, usgov, china, or another file). The choice is saved in {}; the command line can also name one with --profile FILE.",
                    settings_path.display()
                ),
            ),
        )
    })
}

/// Makes sure `dir` is a folder this account can write, creating it when missing.
///
/// Errors: a `dataFolderUnusable` [`StartupProblem`] saying plainly when `dir` (or a folder
/// above it) is a file, or when it cannot be created or written.
pub fn check_data_dir(dir: &Path, named_by: &str) -> Result<(), StartupProblem> {
    let unusable = |cause: String, fix: &str| {
        StartupProblem::new(
            StartupProblemKind::DataFolderUnusable,
            dir,
            named_by,
            Problem::storage("Opening the app's data folder", cause, fix),
        )
    };
    let fix = if named_by == DATA_DIR_FLAG {
        "Point --data-dir (or SCIM_SETUP_DATA_DIR) at a folder, or move the file out of the way."
    } else {
        "Move the file out of the way, or start the app with --data-dir DIR (or set SCIM_SETUP_DATA_DIR)."
    };
    if let Some(file) = dir.ancestors().find(|at| at.is_file()) {
        let cause = if file == dir {
            format!(
                "{} is a file, not a folder, so the journal, settings and logs cannot be kept there.",
                dir.display()
            )
        } else {
            format!(
                "{} is a file, so {} cannot be a folder for the journal, settings and logs.",
                file.display(),
                dir.display()
            )
        };
        return Err(unusable(cause, fix));
    }
    std::fs::create_dir_all(dir).map_err(|err| {
        let cause = match err.kind() {
            std::io::ErrorKind::PermissionDenied => {
                format!("This account may not create {}.", dir.display())
            }
            _ => format!("{} could not be created: {err}.", dir.display()),
        };
        unusable(
            cause,
            "Choose a folder this account can write with --data-dir DIR (or SCIM_SETUP_DATA_DIR).",
        )
    })?;
    Ok(())
}

/// The largest settings file read, in bytes (1 MB; a real one is a few hundred bytes).
pub const SETTINGS_MAX_BYTES: u64 = 1024 * 1024;

/// The saved settings of `data_dir`, strictly: none saved gives the defaults, but a file
/// that is there and cannot be used is a problem to show, not a silent reset.
///
/// Errors: a `settingsUnreadable` [`StartupProblem`] for a file that cannot be read, is not
/// JSON, or is JSON of another shape (the parser's words say where), and for one that is not
/// a regular file (a device, a pipe) or is over [`SETTINGS_MAX_BYTES`].
pub fn load_settings(data_dir: &Path) -> Result<WindowSettings, StartupProblem> {
    let path = data_dir.join(FILE_NAME);
    let unreadable = |cause: String| {
        StartupProblem::new(
            StartupProblemKind::SettingsUnreadable,
            &path,
            path.display().to_string(),
            Problem::bad_input(
                "Reading the settings",
                cause,
                "Correct the file, or delete it to start with the default settings (then choose them again in Settings).",
            ),
        )
    };
    // Like a profile file: a device or pipe named settings.json (or a link to `/dev/zero`)
    // would never end, and settings are never near a megabyte.
    if let Ok(metadata) = std::fs::metadata(&path) {
        if !metadata.is_dir() && !metadata.is_file() {
            return Err(unreadable(format!(
                "{} is not a regular file.",
                path.display()
            )));
        }
        if metadata.len() > SETTINGS_MAX_BYTES {
            return Err(unreadable(format!(
                "{} is {} KB, far larger than a settings file (at most {} KB).",
                path.display(),
                metadata.len() / 1024,
                SETTINGS_MAX_BYTES / 1024
            )));
        }
    }
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok(WindowSettings::default())
        }
        Err(err) => {
            return Err(unreadable(match err.kind() {
                std::io::ErrorKind::PermissionDenied => {
                    format!("This account may not read {}.", path.display())
                }
                std::io::ErrorKind::IsADirectory => {
                    format!("{} is a folder, not a settings file.", path.display())
                }
                std::io::ErrorKind::InvalidData => {
                    format!("{} is not a text file.", path.display())
                }
                _ => format!("{} could not be read: {err}.", path.display()),
            }))
        }
    };
    serde_json::from_str::<WindowSettings>(&text).map_err(|err| {
        let what = if err.is_syntax() || err.is_eof() {
            "is not valid JSON"
        } else {
            "is not settings of the expected shape"
        };
        unreadable(format!("{} {what}: {err}.", path.display()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_settings_file_that_never_ends_is_refused_not_read() {
        let dir = tempfile::tempdir().expect("dir");
        std::os::unix::fs::symlink("/dev/zero", dir.path().join(FILE_NAME)).expect("link");
        let problem = load_settings(dir.path()).expect_err("a device");
        assert_eq!(problem.kind, StartupProblemKind::SettingsUnreadable);
        assert!(problem
            .problem
            .info()
            .cause
            .contains("is not a regular file"));
    }

    #[test]
    fn a_settings_file_over_a_megabyte_is_refused() {
        let dir = tempfile::tempdir().expect("dir");
        let big = vec![b' '; (SETTINGS_MAX_BYTES + 1) as usize];
        std::fs::write(dir.path().join(FILE_NAME), big).expect("write");
        let problem = load_settings(dir.path()).expect_err("too large");
        assert!(problem
            .problem
            .info()
            .cause
            .contains("far larger than a settings file"));
    }

    fn request(dir: &Path) -> StartupRequest {
        StartupRequest {
            data_dir: Some(dir.to_path_buf()),
            ..StartupRequest::default()
        }
    }

    #[test]
    fn nothing_saved_means_global_with_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("new");
        let startup = resolve(&request(&data)).expect("starts");
        assert!(data.is_dir(), "the folder is made");
        assert_eq!(startup.profile.expect("a profile").name, "global");
        assert!(!startup.overridden);
    }

    #[test]
    fn a_data_folder_that_is_a_file_says_so() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("data");
        std::fs::write(&file, "x").expect("write");
        for path in [file.clone(), file.join("below")] {
            let problem = resolve(&request(&path)).expect_err("a file");
            assert_eq!(problem.kind, StartupProblemKind::DataFolderUnusable);
            let cause = &problem.problem.info().cause;
            assert!(
                cause.starts_with(&format!("{} is a file", file.display())),
                "{cause}"
            );
            assert!(!cause.contains("os error"), "{cause}");
            assert!(problem.problem.info().fix.contains("--data-dir"));
            assert!(!problem.repair_in_settings);
        }
    }

    #[test]
    fn broken_settings_name_the_file_the_cause_and_the_fix() {
        let dir = tempfile::tempdir().expect("tempdir");
        let settings = dir.path().join(FILE_NAME);
        std::fs::write(&settings, "{\"profile\": ").expect("write");
        let problem = resolve(&request(dir.path())).expect_err("not json");
        assert_eq!(problem.kind, StartupProblemKind::SettingsUnreadable);
        assert_eq!(problem.path, settings.display().to_string());
        let text = problem.to_string();
        assert!(
            text.starts_with(&format!(
                "Reading the settings: {} is not valid JSON: EOF",
                settings.display()
            )),
            "{text}"
        );
        assert!(
            text.contains("Fix: Correct the file, or delete it"),
            "{text}"
        );

        std::fs::write(&settings, "{\"requestTimeoutSeconds\": \"soon\"}").expect("write");
        let problem = resolve(&request(dir.path())).expect_err("wrong shape");
        assert!(
            problem
                .problem
                .info()
                .cause
                .contains("is not settings of the expected shape: invalid type"),
            "{problem}"
        );

        std::fs::write(&settings, "{\"profile\": \"mars\"}").expect("write");
        let problem = resolve(&request(dir.path())).expect_err("unknown profile");
        assert!(problem
            .problem
            .info()
            .cause
            .contains("\u{201c}mars\u{201d}"));
        assert!(problem.repair_in_settings);
    }

    #[test]
    fn a_saved_custom_profile_that_moved_points_at_settings() {
        let dir = tempfile::tempdir().expect("tempdir");
        let moved = dir.path().join("gone/profile.json");
        WindowSettings {
            profile: Some("custom".into()),
            custom_profile_path: Some(moved.display().to_string()),
            ..WindowSettings::default()
        }
        .save(dir.path())
        .expect_err("save checks the profile");
        std::fs::write(
            dir.path().join(FILE_NAME),
            serde_json::json!({"profile": "custom", "customProfilePath": moved}).to_string(),
        )
        .expect("write");
        let problem = resolve(&request(dir.path())).expect_err("moved");
        assert_eq!(problem.kind, StartupProblemKind::ProfileMissing);
        assert_eq!(problem.path, moved.display().to_string());
        assert_eq!(
            problem.named_by,
            dir.path().join(FILE_NAME).display().to_string()
        );
        assert!(problem
            .problem
            .info()
            .cause
            .contains("is not there any more"));
        assert!(problem.problem.info().fix.contains("Settings"));
        // The command line still wins: --profile global starts.
        let startup = resolve(&StartupRequest {
            profile: Some(PathBuf::from("global")),
            ..request(dir.path())
        })
        .expect("--profile wins");
        assert!(startup.overridden);
    }

    #[test]
    fn a_broken_profile_given_on_the_command_line_keeps_its_words() {
        let dir = tempfile::tempdir().expect("tempdir");
        let broken = dir.path().join("broken.json");
        std::fs::write(&broken, "{").expect("write");
        let problem = resolve(&StartupRequest {
            profile: Some(broken.clone()),
            ..request(dir.path())
        })
        .expect_err("broken");
        assert_eq!(problem.kind, StartupProblemKind::ProfileUnreadable);
        assert_eq!(problem.named_by, "--profile");
        assert!(problem
            .to_string()
            .starts_with("Reading the cloud profile: The profile is not valid JSON"));
    }
}
