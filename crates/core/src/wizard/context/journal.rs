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
use crate::wizard::context::step_id::StepId;

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
    /// Creates announced and not yet recorded as made (see `intents.rs`): a kill left them
    /// open, and the next run looks them up before creating anything.
    pub intents: Vec<crate::wizard::context::intents::CreateIntent>,
}

impl Journal {
    /// True when `step` has finished successfully at least once.
    pub fn is_done(&self, step: StepId) -> bool {
        self.steps_done.contains_key(step.as_str())
    }

    /// Forgets that `steps` were done (sign-out), so the window and the CLI do them again.
    pub fn forget_steps(&mut self, steps: &[StepId]) {
        for step in steps {
            self.steps_done.remove(step.as_str());
        }
    }
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
    /// When the stored token was made (Unity's `createdAt`) or pasted (RFC 3339).
    #[ts(optional = nullable)]
    pub token_created_at: Option<String>,
    /// The organization's validated SSO domains as Unity listed them in step 2: Unity refuses
    /// users of any other domain. Empty when not known (the guided road).
    pub validated_domains: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct EntraJournal {
    #[ts(optional = nullable)]
    pub tenant_id: Option<String>,
    #[ts(optional = nullable)]
    pub account: Option<String>,
    /// The tenant the saved Microsoft sign-in was made at, as the authority path names it
    /// (`organizations`, a tenant ID or a verified domain); absent means `organizations`.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub tenant_choice: Option<String>,
    /// The signed-in tenant's name and default domain, as Graph's `/organization` gave them.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub tenant_name: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub tenant_domain: Option<String>,
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
    /// The Unity token last saved into the job's secrets: its id (when Unity gave one) and
    /// last four. Graph never returns a secret's value, so this record (with an open
    /// `entraSecret` intent) is how the app knows which token Entra holds.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub secret_token_id: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub secret_token_last_four: Option<String>,
    #[ts(optional = nullable)]
    pub started_at: Option<String>,
    /// When the admin last paused the job from this app, and restarted it.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub paused_at: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub restarted_at: Option<String>,
    /// Who the job provisions, as this app last saved it (`SyncAll`); none until then.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub scope: Option<crate::entra::ProvisioningScope>,
    /// The accidental-deletion safeguards chosen for the job (written with its secrets).
    #[ts(optional = nullable)]
    pub deletion_protection: Option<crate::entra::sync_secrets::DeletionProtection>,
}

/// Kept here too, where the journal's callers have always found it.
pub use crate::wizard::context::timestamps::now;

/// A journal that could not be read when it was opened: where its copy went and why, so
/// the window and the CLI can tell the person (the steps are found again by looking them
/// up, so nothing is created twice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct JournalRecovery {
    /// The corrupt file's new name, e.g. `…/journal.corrupt-20261130T061500Z.json`.
    pub set_aside: String,
    /// Why it could not be read, in plain words (the parser's message).
    pub cause: String,
    /// One sentence for a person: what happened and what it means.
    pub message: String,
}

/// The journal on disk plus the copy in memory; every update is written before it returns,
/// and the lock is held across the write so two writers never interleave.
pub struct JournalStore {
    path: PathBuf,
    journal: Mutex<Journal>,
    recovery: Option<JournalRecovery>,
}

impl JournalStore {
    pub const FILE_NAME: &'static str = "journal.json";

    /// Where `profile`'s journal lives under `data_dir`: one folder per cloud profile
    /// (`journals/<name>-<hash of its Graph and Unity URLs>/journal.json`), so switching
    /// profile keeps both journals.
    pub fn path_for(data_dir: &Path, profile: &CloudProfile) -> PathBuf {
        use sha2::Digest;
        let mut hash = sha2::Sha256::new();
        hash.update(profile.graph_base().as_bytes());
        hash.update(b"\n");
        hash.update(profile.unity.api.as_bytes());
        let digest = hash.finalize();
        let short: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
        let name: String = profile
            .name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .take(40)
            .collect();
        data_dir
            .join("journals")
            .join(format!("{name}-{short}"))
            .join(Self::FILE_NAME)
    }

    /// Opens (or starts) the journal for `profile` in `data_dir`, creating its folder. A
    /// journal of this profile left at the old place (`data_dir/journal.json`) moves in. A
    /// file that cannot be read is moved aside (never over an earlier copy) and reported by
    /// [`JournalStore::recovery`]. Errors: `storage` when the folder cannot be made or read.
    pub fn open(data_dir: &Path, profile: &CloudProfile) -> Result<Self, Problem> {
        let path = Self::path_for(data_dir, profile);
        let folder = path.parent().unwrap_or(data_dir);
        std::fs::create_dir_all(folder)
            .map_err(|err| storage_problem("Opening the data folder", folder, err))?;
        adopt_legacy_journal(data_dir, &path, profile);
        let fresh = || Journal {
            version: JOURNAL_VERSION,
            profile_name: profile.name.clone(),
            graph_base: profile.graph_base().to_string(),
            unity_api: profile.unity.api.clone(),
            ..Journal::default()
        };
        let mut recovery = None;
        let journal = match std::fs::read_to_string(&path) {
            Ok(text) => match serde_json::from_str::<Journal>(&text) {
                Ok(journal) if belongs_to(&journal, profile) => journal,
                Ok(_) => fresh(),
                Err(err) => {
                    let set_aside = set_aside(&path)?;
                    let cause = format!("it is not valid JSON ({err})");
                    tracing::warn!(
                        journal = %path.display(),
                        set_aside = %set_aside.display(),
                        %cause,
                        "the journal could not be read; it was set aside and a new one started"
                    );
                    recovery = Some(JournalRecovery {
                        message: format!(
                            "The record of earlier progress could not be read ({cause}), so it was kept as {} and a new one started. Steps already done are found again by looking them up; nothing is created twice.",
                            set_aside.display()
                        ),
                        set_aside: set_aside.display().to_string(),
                        cause,
                    });
                    fresh()
                }
            },
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => fresh(),
            Err(err) => return Err(storage_problem("Reading the journal", &path, err)),
        };
        Ok(Self {
            path,
            journal: Mutex::new(journal),
            recovery,
        })
    }

    /// The journal file of this profile.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Set when the journal on disk was corrupt at open: tell the person.
    pub fn recovery(&self) -> Option<&JournalRecovery> {
        self.recovery.as_ref()
    }

    /// A copy of the journal as it is now.
    pub fn snapshot(&self) -> Journal {
        match self.journal.lock() {
            Ok(journal) => journal.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Applies `change` and writes the result atomically (a temp file of its own, fsync,
    /// rename), holding the lock until the file is in place, so writers go one at a time
    /// and the file always holds the latest journal. On a failed write the copy in memory
    /// is left as it was. Errors: `storage` when the data folder is not writable.
    pub fn update(&self, change: impl FnOnce(&mut Journal)) -> Result<Journal, Problem> {
        let mut journal = match self.journal.lock() {
            Ok(journal) => journal,
            Err(poisoned) => poisoned.into_inner(),
        };
        // Another process may have written since: the change applies to the file as it is
        // now, under the journal file's lock, so no process's change overwrites another's.
        let _file_lock = crate::data_folder_lock::JournalFileLock::hold(&self.path)?;
        if let Some(on_disk) = read_on_disk(&self.path, &journal) {
            *journal = on_disk;
        }
        let mut next = journal.clone();
        change(&mut next);
        next.updated_at = Some(now());
        write_atomically(&self.path, &next)?;
        *journal = next.clone();
        drop(journal);
        tracing::info!(journal = %self.path.display(), "journal written");
        Ok(next)
    }

    /// Reads the journal again from disk, where another process may have changed it: the
    /// data folder's writer lock calls this once taken, so a step decides on what is true now.
    /// A missing or unreadable file leaves the copy in memory as it is.
    pub fn reload(&self) {
        let mut journal = match self.journal.lock() {
            Ok(journal) => journal,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(on_disk) = read_on_disk(&self.path, &journal) {
            *journal = on_disk;
        }
    }

    /// Records that `step` finished successfully now, and writes the journal.
    ///
    /// Errors: a `storage` Problem when the journal cannot be written.
    pub fn mark_done(&self, step: StepId) -> Result<Journal, Problem> {
        self.update(move |journal| {
            journal.steps_done.insert(step.as_str().to_string(), now());
        })
    }
}

/// The journal as the file holds it now; `None` when there is none, it cannot be read or it
/// is another cloud's (then the copy in memory stands, and the next write replaces the file).
fn read_on_disk(path: &Path, current: &Journal) -> Option<Journal> {
    let text = std::fs::read_to_string(path).ok()?;
    let on_disk: Journal = serde_json::from_str(&text).ok()?;
    (on_disk.graph_base == current.graph_base && on_disk.unity_api == current.unity_api)
        .then_some(on_disk)
}

fn belongs_to(journal: &Journal, profile: &CloudProfile) -> bool {
    journal.graph_base == profile.graph_base() && journal.unity_api == profile.unity.api
}

/// Moves a journal of this profile from the single-journal place of earlier versions into
/// the profile's folder; a journal of another cloud stays where it is.
fn adopt_legacy_journal(data_dir: &Path, path: &Path, profile: &CloudProfile) {
    let legacy = data_dir.join(JournalStore::FILE_NAME);
    if path.exists() || !legacy.exists() {
        return;
    }
    let Ok(text) = std::fs::read_to_string(&legacy) else {
        return;
    };
    match serde_json::from_str::<Journal>(&text) {
        Ok(journal) if belongs_to(&journal, profile) => {
            if let Err(err) = std::fs::rename(&legacy, path) {
                tracing::warn!(%err, "could not move the journal into its profile's folder");
            } else {
                tracing::info!(journal = %path.display(), "moved the journal into its profile's folder");
            }
        }
        _ => {}
    }
}

/// Moves a corrupt journal to `journal.corrupt-<UTC time>.json` beside it, adding `-2`,
/// `-3`, … when that name is taken: a hard link fails rather than replace, so an earlier
/// copy is never overwritten.
fn set_aside(path: &Path) -> Result<PathBuf, Problem> {
    let folder = path.parent().unwrap_or(Path::new("."));
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    for n in 1..1000u32 {
        let name = if n == 1 {
            format!("journal.corrupt-{stamp}.json")
        } else {
            format!("journal.corrupt-{stamp}-{n}.json")
        };
        let target = folder.join(name);
        match std::fs::hard_link(path, &target) {
            Ok(()) => {
                std::fs::remove_file(path).map_err(|err| {
                    storage_problem("Setting the unreadable journal aside", path, err)
                })?;
                return Ok(target);
            }
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => continue,
            // A file system without hard links: check, then rename.
            Err(_) if !target.exists() => {
                std::fs::rename(path, &target).map_err(|err| {
                    storage_problem("Setting the unreadable journal aside", path, err)
                })?;
                return Ok(target);
            }
            Err(_) => continue,
        }
    }
    Err(Problem::storage(
        "Setting the unreadable journal aside",
        format!(
            "{} holds too many copies of unreadable journals.",
            folder.display()
        ),
        "Remove the old journal.corrupt-*.json files (after sending them to support if asked).",
    ))
}

fn write_atomically(path: &Path, journal: &Journal) -> Result<(), Problem> {
    let text = serde_json::to_string_pretty(journal).map_err(|err| {
        Problem::storage(
            "Writing the journal",
            format!("It could not be encoded: {err}."),
            "Report this.",
        )
    })?;
    // A name of its own per write, so no two writers (threads or processes) share a temp file.
    let temp = path.with_extension(format!(
        "json.tmp-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temp, path)?;
        // The rename itself is durable only once the folder is synced (POSIX).
        #[cfg(unix)]
        if let Some(folder) = path.parent() {
            std::fs::File::open(folder)?.sync_all()?;
        }
        Ok(())
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

    fn files(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .expect("list")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn survives_a_restart() {
        let dir = tempfile::tempdir().expect("tempdir");
        let profile = CloudProfile::global();
        let store = JournalStore::open(dir.path(), &profile).expect("open");
        store
            .update(|j| j.entra.job_id = Some("scim.t.j".into()))
            .expect("update");
        store.mark_done(StepId::ProvisioningJob).expect("mark");
        let again = JournalStore::open(dir.path(), &profile).expect("reopen");
        assert!(again.recovery().is_none());
        let again = again.snapshot();
        assert_eq!(again.entra.job_id.as_deref(), Some("scim.t.j"));
        assert!(again.steps_done.contains_key("provisioningJob"));
        let folder = store.path().parent().expect("folder");
        assert_eq!(
            files(folder),
            vec!["journal.json"],
            "no temp files left behind"
        );
    }

    #[test]
    fn switching_profile_back_and_forth_keeps_both_journals() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (global, usgov) = (CloudProfile::global(), CloudProfile::usgov());
        for round in 0..2 {
            let store = JournalStore::open(dir.path(), &global).expect("global");
            if round == 0 {
                store
                    .update(|j| j.entra.job_id = Some("global-job".into()))
                    .expect("write");
            }
            assert_eq!(store.snapshot().entra.job_id.as_deref(), Some("global-job"));
            let other = JournalStore::open(dir.path(), &usgov).expect("usgov");
            if round == 0 {
                assert!(other.snapshot().entra.job_id.is_none(), "starts its own");
                other
                    .update(|j| j.entra.job_id = Some("usgov-job".into()))
                    .expect("write");
            }
            assert_eq!(other.snapshot().entra.job_id.as_deref(), Some("usgov-job"));
            assert_ne!(store.path(), other.path());
        }
    }

    #[test]
    fn an_earlier_single_journal_moves_into_its_profile_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let profile = CloudProfile::global();
        let old = Journal {
            version: JOURNAL_VERSION,
            graph_base: profile.graph_base().to_string(),
            unity_api: profile.unity.api.clone(),
            entra: EntraJournal {
                job_id: Some("old-job".into()),
                ..EntraJournal::default()
            },
            ..Journal::default()
        };
        let legacy = dir.path().join("journal.json");
        std::fs::write(&legacy, serde_json::to_string(&old).expect("json")).expect("write");
        let store = JournalStore::open(dir.path(), &profile).expect("open");
        assert_eq!(store.snapshot().entra.job_id.as_deref(), Some("old-job"));
        assert!(!legacy.exists());
        // Another cloud's old journal stays where it was.
        std::fs::write(&legacy, serde_json::to_string(&old).expect("json")).expect("write");
        let other = JournalStore::open(dir.path(), &CloudProfile::usgov()).expect("open");
        assert!(other.snapshot().entra.job_id.is_none());
        assert!(legacy.exists());
    }

    #[test]
    fn concurrent_writers_lose_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let profile = CloudProfile::global();
        let store = std::sync::Arc::new(JournalStore::open(dir.path(), &profile).expect("open"));
        let writers: Vec<_> = (0..8)
            .map(|writer| {
                let store = store.clone();
                std::thread::spawn(move || {
                    for step in 0..25 {
                        let id = format!("w{writer}-s{step}");
                        store
                            .update(move |j| {
                                j.steps_done.insert(id, now());
                            })
                            .expect("write");
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.join().expect("writer");
        }
        let on_disk = JournalStore::open(dir.path(), &profile).expect("reopen");
        assert!(on_disk.recovery().is_none(), "never torn");
        assert_eq!(
            on_disk.snapshot().steps_done.len(),
            8 * 25,
            "every write kept"
        );
        let folder = store.path().parent().expect("folder");
        assert_eq!(
            files(folder),
            vec!["journal.json"],
            "no temp files left behind"
        );
    }

    #[test]
    fn a_corrupt_file_is_set_aside_without_overwriting_an_earlier_copy() {
        let dir = tempfile::tempdir().expect("tempdir");
        let profile = CloudProfile::global();
        let path = JournalStore::path_for(dir.path(), &profile);
        let folder = path.parent().expect("folder").to_path_buf();
        std::fs::create_dir_all(&folder).expect("folder");
        let mut copies = Vec::new();
        for torn in ["{\"version\": 1, \"entra\": {", "not json at all"] {
            std::fs::write(&path, torn).expect("write");
            let store = JournalStore::open(dir.path(), &profile).expect("open");
            assert!(store.snapshot().entra.job_id.is_none());
            let recovery = store.recovery().expect("the person is told").clone();
            assert!(
                recovery.message.contains(&recovery.set_aside),
                "{recovery:?}"
            );
            assert!(recovery.set_aside.contains("journal.corrupt-"));
            let kept = std::fs::read_to_string(&recovery.set_aside).expect("copy kept");
            assert_eq!(kept, torn, "the copy is the corrupt file, byte for byte");
            copies.push(recovery.set_aside);
        }
        assert_ne!(copies[0], copies[1], "a second corruption has its own copy");
        assert_eq!(files(&folder).len(), 2, "{:?}", files(&folder));
    }
}
