//! The journal of non-secret progress (which org, which app, which job, which steps are
//! done), written atomically to the data folder after every step so a restart resumes.
//! It is a hint, never the truth: every id in it is checked against the service before use,
//! so a stale journal (a deleted app, another sandbox) costs a lookup, not a duplicate.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::problem::Problem;
use crate::profile::CloudProfile;

const JOURNAL_VERSION: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct Journal {
    pub version: u32,
    pub profile_name: String,
    /// The clouds this journal's ids belong to; another cloud starts a fresh journal.
    pub graph_base: String,
    pub unity_api: String,
    pub unity: UnityJournal,
    pub entra: EntraJournal,
    /// Step id → when it last finished successfully (RFC 3339).
    pub steps_done: BTreeMap<String, String>,
    #[ts(optional = nullable)]
    pub updated_at: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct UnityJournal {
    /// `api` or `guided`.
    #[ts(optional = nullable)]
    pub road: Option<String>,
    #[ts(optional = nullable)]
    pub org_id: Option<String>,
    #[ts(optional = nullable)]
    pub org_name: Option<String>,
    #[ts(optional = nullable)]
    pub service_account_id: Option<String>,
    #[ts(optional = nullable)]
    pub service_account_name: Option<String>,
    #[ts(optional = nullable)]
    pub token_id: Option<String>,
    /// The stored token's last four characters ("ends in …7Q2a").
    #[ts(optional = nullable)]
    pub token_last_four: Option<String>,
    #[ts(optional = nullable)]
    pub token_checked_at: Option<String>,
    #[ts(optional = nullable)]
    pub scim_url: Option<String>,
    /// Where the token sits in the SecretStore (a key name, not the token).
    #[ts(optional = nullable)]
    pub token_key: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct EntraJournal {
    #[ts(optional = nullable)]
    pub tenant_id: Option<String>,
    #[ts(optional = nullable)]
    pub account: Option<String>,
    #[ts(optional = nullable)]
    pub app_name: Option<String>,
    #[ts(optional = nullable)]
    pub service_principal_id: Option<String>,
    #[ts(optional = nullable)]
    pub app_id: Option<String>,
    pub app_created_by_us: bool,
    #[ts(optional = nullable)]
    pub job_id: Option<String>,
    #[ts(optional = nullable)]
    pub template_id: Option<String>,
    #[ts(optional = nullable)]
    pub rule_id: Option<String>,
    #[ts(optional = nullable)]
    pub tested_at: Option<String>,
    #[ts(optional = nullable)]
    pub secrets_saved_at: Option<String>,
    #[ts(optional = nullable)]
    pub started_at: Option<String>,
}

pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The journal on disk plus the copy in memory; every update is written before it returns.
pub struct JournalStore {
    path: PathBuf,
    journal: Mutex<Journal>,
}

impl JournalStore {
    pub const FILE_NAME: &'static str = "journal.json";

    /// Opens (or starts) the journal for `profile` in `data_dir`, creating the folder.
    pub fn open(data_dir: &Path, profile: &CloudProfile) -> Result<Self, Problem> {
        std::fs::create_dir_all(data_dir)
            .map_err(|err| storage_problem("Opening the data folder", data_dir, err))?;
        let path = data_dir.join(Self::FILE_NAME);
        let fresh = || Journal {
            version: JOURNAL_VERSION,
            profile_name: profile.name.clone(),
            graph_base: profile.graph_base().to_string(),
            unity_api: profile.unity.api.clone(),
            ..Journal::default()
        };
        let journal = match std::fs::read_to_string(&path) {
            Ok(text) => match serde_json::from_str::<Journal>(&text) {
                Ok(journal)
                    if journal.graph_base == profile.graph_base()
                        && journal.unity_api == profile.unity.api =>
                {
                    journal
                }
                Ok(_) => fresh(),
                Err(err) => {
                    // A torn or hand-edited file: keep it aside for support, start over.
                    tracing::warn!("the journal could not be read ({err}); starting a new one");
                    let _ = std::fs::rename(&path, path.with_extension("json.unreadable"));
                    fresh()
                }
            },
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => fresh(),
            Err(err) => return Err(storage_problem("Reading the journal", &path, err)),
        };
        Ok(Self {
            path,
            journal: Mutex::new(journal),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn snapshot(&self) -> Journal {
        match self.journal.lock() {
            Ok(journal) => journal.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Applies `change` and writes the result atomically (temp file, fsync, rename).
    pub fn update(&self, change: impl FnOnce(&mut Journal)) -> Result<Journal, Problem> {
        let snapshot = {
            let mut journal = match self.journal.lock() {
                Ok(journal) => journal,
                Err(poisoned) => poisoned.into_inner(),
            };
            change(&mut journal);
            journal.updated_at = Some(now());
            journal.clone()
        };
        write_atomically(&self.path, &snapshot)?;
        Ok(snapshot)
    }

    pub fn mark_done(&self, step: &str) -> Result<Journal, Problem> {
        let step = step.to_string();
        self.update(move |journal| {
            journal.steps_done.insert(step, now());
        })
    }
}

fn write_atomically(path: &Path, journal: &Journal) -> Result<(), Problem> {
    let text = serde_json::to_string_pretty(journal).map_err(|err| {
        Problem::storage(
            "Writing the journal",
            format!("It could not be encoded: {err}."),
            "Report this.",
        )
    })?;
    let temp = path.with_extension(format!("json.tmp-{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    };
    write().map_err(|err| {
        let _ = std::fs::remove_file(&temp);
        storage_problem("Writing the journal", path, err)
    })
}

fn storage_problem(action: &str, path: &Path, err: std::io::Error) -> Problem {
    Problem::storage(
        action,
        format!("{}: {err}.", path.display()),
        "Check that the data folder exists and is writable (or choose another with --data-dir / SCIM_SETUP_DATA_DIR).",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survives_a_restart_and_ignores_another_cloud() {
        let dir = tempfile::tempdir().expect("tempdir");
        let profile = CloudProfile::global();
        let store = JournalStore::open(dir.path(), &profile).expect("open");
        store
            .update(|j| j.entra.job_id = Some("scim.t.j".into()))
            .expect("update");
        store.mark_done("provisioningJob").expect("mark");
        let again = JournalStore::open(dir.path(), &profile)
            .expect("reopen")
            .snapshot();
        assert_eq!(again.entra.job_id.as_deref(), Some("scim.t.j"));
        assert!(again.steps_done.contains_key("provisioningJob"));
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(leftovers, vec!["journal.json"], "no temp files left behind");

        let other = JournalStore::open(dir.path(), &CloudProfile::usgov())
            .expect("other cloud")
            .snapshot();
        assert!(other.entra.job_id.is_none());
    }

    #[test]
    fn a_torn_file_is_set_aside() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("journal.json"),
            "{\"version\": 1, \"entra\": {",
        )
        .expect("write");
        let store = JournalStore::open(dir.path(), &CloudProfile::global()).expect("open");
        assert!(store.snapshot().entra.job_id.is_none());
        assert!(dir.path().join("journal.json.unreadable").exists());
    }
}
