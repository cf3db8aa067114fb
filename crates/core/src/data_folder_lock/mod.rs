//! One writer per data folder: an OS lock in the data folder that any process, the window or
//! the CLI, takes before it creates or changes anything in either cloud or the keychain's SCIM
//! token, so two runs never each mint a token or make a job. A second process waits a bounded
//! time, saying whom it waits for, then stops with a `dataFolderBusy` Problem.
//!
//! The lock is `std::fs::File::try_lock` (stable since Rust 1.89: `flock(2)` on Unix,
//! `LockFileEx` on Windows) on `writer.lock`. The OS drops it when its process ends, however it
//! ends, so a lock is never stale; only the record beside it (`writer.json`: process id, when it
//! started, which command, the version) can be left behind by a killed process, and the next
//! holder overwrites it and logs that it took over. The record is a separate file because
//! Windows' lock also refuses reads of the locked file.
//!
//! Granularity. The CLI's writing subcommands hold the lock for their whole run: `setup`,
//! `provision`, `rotate-token`, `sign-out`. The window must not block a script while it sits
//! idle, so it holds the lock only while one writing operation runs: `unity_ensure_credentials`,
//! `unity_accept_pasted`, `entra_use_app`, `entra_save_and_start`, `pause_provisioning`,
//! `resume_provisioning`, `restart_provisioning`, `set_provisioning_scope`,
//! `allow_held_back_deletions`, `rotate_scim_token`, `assign_principals`, `unassign_principal`,
//! `provision_now` and `sign_out` (which, being synchronous, does not wait: it refuses at once).
//! Reads take no lock: the CLI's `account`, `diagnose`, `preview` and `sandbox`; the window's
//! sign-ins (they change no cloud object; an interactive sign-in can take minutes), searches,
//! job card, logs, Test Connection (Entra's own check changes nothing), preview, Diagnose,
//! journal and settings views. The journal file itself has a second, brief lock
//! ([`JournalFileLock`]) held only while one change is read, applied and written, so a reader's
//! journal note (a tenant name, an app id) never overwrites a writer's.

mod holder;

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

pub use holder::LockHolder;

use crate::problem::Problem;
use crate::progress::ProgressSink;

/// The file the OS lock is taken on, in the data folder.
pub const LOCK_FILE: &str = "writer.lock";
/// Who holds the lock, beside it (see [`LockHolder`]).
pub const HOLDER_FILE: &str = "writer.json";
/// How long a second process waits for the lock, in whole seconds (default 30).
pub const WAIT_ENV: &str = "SCIM_SETUP_LOCK_WAIT_SECS";
/// The wait when [`WAIT_ENV`] is not set: long enough for a window's step to finish, short
/// enough that a script learns in half a minute that someone else is at work.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(30);

/// How often a waiter tries the lock again.
const POLL: Duration = Duration::from_millis(100);
/// How often a waiter says it still waits: no silence longer than this.
const REPORT_EVERY: Duration = Duration::from_secs(5);
/// How long a journal change waits for another process's journal change (milliseconds of
/// work: read, apply, fsync, rename).
const JOURNAL_WAIT: Duration = Duration::from_secs(10);

/// The wait bound: [`WAIT_ENV`] in seconds when it is set to a number, else [`DEFAULT_WAIT`].
pub fn wait_bound() -> Duration {
    std::env::var(WAIT_ENV)
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_WAIT)
}

/// Reported when the lock is busy and again every few seconds while waiting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingForWriter {
    /// Who holds it, when its record can be read.
    pub holder: Option<LockHolder>,
    /// How long this process still waits before it gives up, in whole seconds.
    pub seconds_left: u64,
}

impl WaitingForWriter {
    /// "Waiting for another scim-setup (process 4242, `setup`, started at 10:00:03) to finish
    /// with this data folder, 25 s left".
    pub fn message(&self) -> String {
        format!(
            "Waiting for {} to finish with this data folder, {} s left",
            who(self.holder.as_ref()),
            self.seconds_left
        )
    }
}

/// The data folder's writer lock, held until dropped; dropping it removes the holder record
/// and then lets the OS release the lock.
#[derive(Debug)]
pub struct DataFolderLock {
    file: Option<File>,
    record: PathBuf,
    took_over: Option<LockHolder>,
}

impl DataFolderLock {
    /// The holder a killed (or crashed) process left on record, whose lock this one took over.
    pub fn took_over(&self) -> Option<&LockHolder> {
        self.took_over.as_ref()
    }

    /// "Took over the lock left by process 4242 (no longer running)", when there was one.
    pub fn takeover_message(&self) -> Option<String> {
        self.took_over.as_ref().map(takeover_message)
    }
}

impl Drop for DataFolderLock {
    fn drop(&mut self) {
        // The record goes first, while the lock still keeps the next holder out; otherwise
        // this could remove the record the next holder just wrote.
        if let Err(err) = std::fs::remove_file(&self.record) {
            if err.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(%err, record = %self.record.display(), "could not remove the lock's record");
            }
        }
        if let Some(file) = self.file.take() {
            let _ = file.unlock();
        }
    }
}

/// Takes the writer lock of `folder` for `command` (a CLI subcommand or a window operation),
/// waiting up to `wait` while another process (or another operation of this one) holds it.
/// `progress` hears at once, then every 5 s, whom it waits for and how long is left.
///
/// Errors: `dataFolderBusy` naming the holder when `wait` passes; `cancelled`; `storage` when
/// the lock file cannot be made or locked.
pub async fn acquire(
    folder: &Path,
    command: &str,
    wait: Duration,
    progress: &dyn ProgressSink<WaitingForWriter>,
    cancel: &CancellationToken,
) -> Result<DataFolderLock, Problem> {
    let file = open_lock_file(folder)?;
    let record = folder.join(HOLDER_FILE);
    let started = Instant::now();
    let mut next_report = Duration::ZERO;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(hold(file, record, command)),
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(err)) => {
                return Err(storage(
                    "Locking the data folder",
                    &folder.join(LOCK_FILE),
                    err,
                ))
            }
        }
        let waited = started.elapsed();
        let holder = LockHolder::read(&record);
        if waited >= wait {
            return Err(busy(folder, holder.as_ref(), wait));
        }
        if waited >= next_report {
            let left = wait.saturating_sub(waited);
            progress.report(WaitingForWriter {
                holder,
                seconds_left: left.as_secs() + u64::from(left.subsec_nanos() > 0),
            });
            next_report += REPORT_EVERY;
        }
        tokio::select! {
            _ = cancel.cancelled() => return Err(Problem::cancelled_while("Waiting for the data folder")),
            _ = tokio::time::sleep(POLL.min(wait.saturating_sub(waited))) => {}
        }
    }
}

/// Takes the writer lock of `folder` for `command` without waiting, for callers that must not
/// block (a synchronous window command).
///
/// Errors: `dataFolderBusy` naming the holder when the lock is held; `storage`.
pub fn try_acquire(folder: &Path, command: &str) -> Result<DataFolderLock, Problem> {
    let file = open_lock_file(folder)?;
    let record = folder.join(HOLDER_FILE);
    match file.try_lock() {
        Ok(()) => Ok(hold(file, record, command)),
        Err(TryLockError::WouldBlock) => Err(busy(
            folder,
            LockHolder::read(&record).as_ref(),
            Duration::ZERO,
        )),
        Err(TryLockError::Error(err)) => Err(storage(
            "Locking the data folder",
            &folder.join(LOCK_FILE),
            err,
        )),
    }
}

fn open_lock_file(folder: &Path) -> Result<File, Problem> {
    std::fs::create_dir_all(folder)
        .map_err(|err| storage("Opening the data folder", folder, err))?;
    let path = folder.join(LOCK_FILE);
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|err| storage("Opening the data folder's lock", &path, err))
}

/// The lock is ours: a record still on file was left by a process that ended without
/// releasing it (only a live process holds an OS lock), so it is overwritten and logged.
fn hold(file: File, record: PathBuf, command: &str) -> DataFolderLock {
    let took_over = LockHolder::read(&record).filter(|left| !left.is_this_process());
    if let Some(left) = &took_over {
        tracing::warn!(
            pid = left.pid,
            command = %left.command,
            started_at = %left.started_at,
            "{}",
            takeover_message(left)
        );
    }
    let me = LockHolder::this_process(command);
    // Best effort: without the record the lock still holds; waiters just cannot name us.
    if let Err(err) = write_record(&record, &me) {
        tracing::warn!(%err, record = %record.display(), "could not write the lock's record");
    }
    tracing::info!(command = %me.command, "took the data folder's writer lock");
    DataFolderLock {
        file: Some(file),
        record,
        took_over,
    }
}

fn write_record(path: &Path, holder: &LockHolder) -> std::io::Result<()> {
    let text = serde_json::to_string(holder).map_err(std::io::Error::other)?;
    // Written beside and renamed, so a waiter never reads half a record.
    let temp = path.with_extension(format!("json.tmp-{}", std::process::id()));
    std::fs::write(&temp, text)?;
    std::fs::rename(&temp, path)
}

fn takeover_message(left: &LockHolder) -> String {
    format!(
        "Took over the lock left by process {} (no longer running; `{}`, started at {})",
        left.pid,
        left.command,
        left.describe_started()
    )
}

/// "another scim-setup (process 4242, `setup`, started at 10:00:03)", or the same window's
/// other operation, or just "another scim-setup" when no record says who.
fn who(holder: Option<&LockHolder>) -> String {
    match holder {
        Some(holder) if holder.is_this_process() => format!(
            "another operation of this scim-setup (`{}`, started at {})",
            holder.command,
            holder.describe_started()
        ),
        Some(holder) => format!("another scim-setup ({})", holder.describe()),
        None => "another scim-setup".to_string(),
    }
}

fn busy(folder: &Path, holder: Option<&LockHolder>, waited: Duration) -> Problem {
    let mut who = who(holder);
    if let Some(first) = who.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    let still = if waited.is_zero() {
        String::new()
    } else {
        format!(", still after {} s of waiting", waited.as_secs())
    };
    Problem::data_folder_busy(
        "Waiting for the data folder",
        format!(
            "{who} is working on this data folder ({}){still}.",
            folder.display()
        ),
        "Let it finish (or stop it, if it is stuck), then try again. Two runs at once on one data folder would each make a SCIM token and a provisioning job.",
    )
}

fn storage(action: &str, path: &Path, err: std::io::Error) -> Problem {
    Problem::storage(
        action,
        format!("{}: {err}.", path.display()),
        "Check that the data folder exists and is writable (or choose another with --data-dir / SCIM_SETUP_DATA_DIR).",
    )
}

/// The journal file's own lock, held only while one change is read from disk, applied and
/// written back, so two processes' changes never overwrite each other (a lost update would
/// forget a token or a job another process just made).
#[derive(Debug)]
pub struct JournalFileLock {
    file: File,
}

impl JournalFileLock {
    /// Locks the journal at `journal` (the lock file sits beside the journal's folder, so the
    /// folder holds only the journal); waits up to 10 s for another process's change.
    ///
    /// Errors: `storage` when the lock file cannot be made, or stays locked that long.
    pub fn hold(journal: &Path) -> Result<Self, Problem> {
        let folder = journal.parent().unwrap_or(Path::new("."));
        let path = folder.with_extension("lock");
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|err| storage("Locking the journal", &path, err))?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Self { file }),
                Err(TryLockError::WouldBlock) if started.elapsed() < JOURNAL_WAIT => {
                    // Milliseconds of another process's disk work: a short blocking pause.
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(Problem::storage(
                        "Writing the journal",
                        format!(
                            "Another scim-setup kept the journal locked for over {} s ({}).",
                            JOURNAL_WAIT.as_secs(),
                            path.display()
                        ),
                        "Try again; if it persists, stop the other scim-setup.",
                    ))
                }
                Err(TryLockError::Error(err)) => {
                    return Err(storage("Locking the journal", &path, err))
                }
            }
        }
    }
}

impl Drop for JournalFileLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests;
