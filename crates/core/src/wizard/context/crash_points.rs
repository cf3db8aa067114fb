//! The test-only crash points: named places just before and just after every create in
//! either cloud, every keychain write of the SCIM token and every write of Entra's job
//! secrets, where a test can end the process the way `kill -9` or a power cut would.
//! One table lists them all, so the kill tests cover each and a create without points fails.

/// Test-only switch: `SCIM_SETUP_TEST_ABORT_AFTER_CREATE=<point>` ends the process at that
/// crash point (a name from [`CRASH_POINTS`], e.g. `afterBearerToken`), before the journal
/// records what happened there, so tests can show the next run creates nothing twice and
/// leaves no credential nobody holds. The older names `serviceAccount`, `bearerToken` and
/// `provisioningJob` still work.
pub const ABORT_AFTER_CREATE_ENV: &str = "SCIM_SETUP_TEST_ABORT_AFTER_CREATE";

/// A place the process can be ended at for a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CrashPoint {
    BeforeServiceAccount,
    AfterServiceAccount,
    BeforeBearerToken,
    AfterBearerToken,
    BeforeKeychainWrite,
    AfterKeychainWrite,
    BeforeEnterpriseApp,
    AfterEnterpriseApp,
    BeforeProvisioningJob,
    AfterProvisioningJob,
    BeforeEntraSecretWrite,
    AfterEntraSecretWrite,
    BeforeAssignment,
    AfterAssignment,
}

/// The commands a crash point lies on (for the kill tests: which run reaches it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrashCommand {
    /// `setup` on the API road, creating the enterprise app and assigning the user.
    Setup,
    /// `rotate-token` on the API road.
    RotateToken,
}

/// One row of the table: the point, its name in the switch, an older name that still
/// works, and the commands that pass through it.
#[derive(Debug, Clone, Copy)]
pub struct CrashPointInfo {
    pub point: CrashPoint,
    pub name: &'static str,
    pub legacy_name: Option<&'static str>,
    pub commands: &'static [CrashCommand],
}

const SETUP: &[CrashCommand] = &[CrashCommand::Setup];
const BOTH: &[CrashCommand] = &[CrashCommand::Setup, CrashCommand::RotateToken];

/// Every crash point, in the order `setup` reaches them. The kill tests iterate this table.
pub const CRASH_POINTS: &[CrashPointInfo] = &[
    row(
        CrashPoint::BeforeServiceAccount,
        "beforeServiceAccount",
        None,
        SETUP,
    ),
    row(
        CrashPoint::AfterServiceAccount,
        "afterServiceAccount",
        Some("serviceAccount"),
        SETUP,
    ),
    row(
        CrashPoint::BeforeBearerToken,
        "beforeBearerToken",
        None,
        BOTH,
    ),
    row(CrashPoint::AfterBearerToken, "afterBearerToken", None, BOTH),
    row(
        CrashPoint::BeforeKeychainWrite,
        "beforeKeychainWrite",
        None,
        BOTH,
    ),
    // The old `bearerToken` point sat after the keychain write.
    row(
        CrashPoint::AfterKeychainWrite,
        "afterKeychainWrite",
        Some("bearerToken"),
        BOTH,
    ),
    row(
        CrashPoint::BeforeEnterpriseApp,
        "beforeEnterpriseApp",
        None,
        SETUP,
    ),
    row(
        CrashPoint::AfterEnterpriseApp,
        "afterEnterpriseApp",
        None,
        SETUP,
    ),
    row(
        CrashPoint::BeforeProvisioningJob,
        "beforeProvisioningJob",
        None,
        SETUP,
    ),
    row(
        CrashPoint::AfterProvisioningJob,
        "afterProvisioningJob",
        Some("provisioningJob"),
        SETUP,
    ),
    row(
        CrashPoint::BeforeEntraSecretWrite,
        "beforeEntraSecretWrite",
        None,
        BOTH,
    ),
    row(
        CrashPoint::AfterEntraSecretWrite,
        "afterEntraSecretWrite",
        None,
        BOTH,
    ),
    row(
        CrashPoint::BeforeAssignment,
        "beforeAssignment",
        None,
        SETUP,
    ),
    row(CrashPoint::AfterAssignment, "afterAssignment", None, SETUP),
];

const fn row(
    point: CrashPoint,
    name: &'static str,
    legacy_name: Option<&'static str>,
    commands: &'static [CrashCommand],
) -> CrashPointInfo {
    CrashPointInfo {
        point,
        name,
        legacy_name,
        commands,
    }
}

impl CrashPoint {
    /// This point's row in [`CRASH_POINTS`].
    pub fn info(self) -> Option<&'static CrashPointInfo> {
        CRASH_POINTS.iter().find(|row| row.point == self)
    }
}

/// Ends the process when the test switch names `point` (by its name or its older name).
pub(crate) fn crash_point(point: CrashPoint) {
    let Ok(wanted) = std::env::var(ABORT_AFTER_CREATE_ENV) else {
        return;
    };
    let Some(info) = point.info() else {
        return;
    };
    if wanted == info.name || info.legacy_name == Some(wanted.as_str()) {
        eprintln!("{ABORT_AFTER_CREATE_ENV}={wanted}: ending the process at this crash point");
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("list").flatten() {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }

    fn src() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
    }

    /// The names of the Unity and Graph client methods that make something remote: every
    /// `pub async fn create_*`, `instantiate_*`, `add_*` and `put_*` in `unity/` and `entra/`.
    fn create_methods() -> Vec<String> {
        let mut files = Vec::new();
        rust_files(&src().join("unity"), &mut files);
        rust_files(&src().join("entra"), &mut files);
        let mut names = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file).expect("read");
            for line in text.lines() {
                let Some(rest) = line.trim().strip_prefix("pub async fn ") else {
                    continue;
                };
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if ["create_", "instantiate_", "add_", "put_"]
                    .iter()
                    .any(|prefix| name.starts_with(prefix))
                {
                    names.push(name);
                }
            }
        }
        names
    }

    #[test]
    fn every_name_is_unique_and_every_point_has_a_row() {
        let mut names: Vec<&str> = CRASH_POINTS
            .iter()
            .flat_map(|row| [Some(row.name), row.legacy_name])
            .flatten()
            .collect();
        let all = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all, "a name is used twice");
        for row in CRASH_POINTS {
            assert_eq!(row.point.info().map(|r| r.name), Some(row.name));
            assert!(!row.commands.is_empty(), "{} lies on no command", row.name);
        }
    }

    /// Invariant (intent before every create): each call in the wizard that creates
    /// something remote, writes the SCIM token to the keychain or writes Entra's job
    /// secrets sits between a `Before…` and an `After…` crash point, so the kill tests
    /// (which run every row of the table) reach both sides of it. A new create without
    /// points fails here.
    #[test]
    fn every_create_and_secret_write_in_the_wizard_has_points_on_both_sides() {
        let methods = create_methods();
        for expected in [
            "create_service_account",
            "create_bearer_token",
            "instantiate_non_gallery_app",
            "create_sync_job",
            "add_assignment",
            "put_sync_secrets",
        ] {
            assert!(
                methods.iter().any(|m| m == expected),
                "{expected} not found among {methods:?}"
            );
        }
        let mut calls: Vec<String> = methods.iter().map(|m| format!(".{m}(")).collect();
        calls.push("secrets.set(".to_string());
        let mut files = Vec::new();
        rust_files(&src().join("wizard"), &mut files);
        let mut checked = 0;
        // This file names the calls it looks for; it makes none.
        files.retain(|file| !file.ends_with("context/crash_points.rs"));
        for file in files {
            let text = std::fs::read_to_string(&file).expect("read");
            let lines: Vec<&str> = text.lines().collect();
            for (at, line) in lines.iter().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") || !calls.iter().any(|call| code.contains(call)) {
                    continue;
                }
                // The keychain writes of sign-in sessions (refresh tokens) orphan nothing
                // at Unity or Entra; only the SCIM token's writes are points.
                if code.contains("secrets.set(") && file.to_string_lossy().contains("sign_in") {
                    continue;
                }
                let before = lines[at.saturating_sub(30)..at]
                    .iter()
                    .any(|l| l.contains("crash_point(CrashPoint::Before"));
                let after = lines[at..(at + 30).min(lines.len())]
                    .iter()
                    .any(|l| l.contains("crash_point(CrashPoint::After"));
                assert!(
                    before && after,
                    "{}:{}: `{}` has no crash point {}",
                    file.display(),
                    at + 1,
                    code,
                    if before { "after it" } else { "before it" }
                );
                checked += 1;
            }
        }
        assert!(checked >= 6, "only {checked} create calls found");
    }
}
