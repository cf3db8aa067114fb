//! Who holds a data folder's writer lock: the record the holder leaves beside the lock file
//! (process id, when it started, which command, the app version), so a waiter can say whom
//! it waits for. The record is a file anyone could edit, so it is read bounded and cleaned.

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The most of the record file that is read: a real record is about 150 bytes.
const RECORD_LIMIT: u64 = 4 * 1024;
/// The longest command or version text kept from a record.
const TEXT_LIMIT: usize = 60;

/// The process holding (or, after a crash, last holding) a data folder's writer lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LockHolder {
    /// The holder's process id.
    pub pid: u32,
    /// When it took the lock (RFC 3339, UTC).
    pub started_at: String,
    /// What it is doing: a CLI subcommand (`setup`) or a window operation
    /// (`window: rotate the SCIM token`).
    pub command: String,
    /// The holder's scim-setup version.
    pub version: String,
}

impl LockHolder {
    /// The record of this process taking the lock now for `command`.
    pub(crate) fn this_process(command: &str) -> Self {
        Self {
            pid: std::process::id(),
            started_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            command: clean(command),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }

    /// True when the holder is this very process (another operation of the same window).
    pub fn is_this_process(&self) -> bool {
        self.pid == std::process::id()
    }

    /// "process 4242, `setup`, started at 10:00:03": who, for a person.
    pub fn describe(&self) -> String {
        format!(
            "process {}, `{}`, started at {}",
            self.pid,
            self.command,
            self.describe_started()
        )
    }

    /// When it took the lock, for a person: "10:00:03" today, "2026-05-01 10:00" before.
    pub fn describe_started(&self) -> String {
        local_time(&self.started_at)
    }

    /// Reads the record at `path`: `None` when there is none, or when it is not a record
    /// (a half-written or foreign file names nobody rather than something made up).
    pub fn read(path: &Path) -> Option<Self> {
        let mut text = String::new();
        std::fs::File::open(path)
            .ok()?
            .take(RECORD_LIMIT)
            .read_to_string(&mut text)
            .ok()?;
        let mut holder: Self = serde_json::from_str(&text).ok()?;
        holder.command = clean(&holder.command);
        holder.version = clean(&holder.version);
        holder.started_at = clean(&holder.started_at);
        Some(holder)
    }
}

/// Keeps a record's text printable and short: it reaches a terminal and the window, and
/// the file it came from may have been edited by anyone (no control or bidi characters).
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(TEXT_LIMIT)
        .collect()
}

/// "10:00:03" today, "2026-05-01 10:00" another day, in the local time zone; the text
/// as recorded when it is not a time.
fn local_time(rfc3339: &str) -> String {
    let Ok(at) = chrono::DateTime::parse_from_rfc3339(rfc3339) else {
        return rfc3339.to_string();
    };
    let at = at.with_timezone(&chrono::Local);
    if at.date_naive() == chrono::Local::now().date_naive() {
        at.format("%H:%M:%S").to_string()
    } else {
        at.format("%Y-%m-%d %H:%M").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_round_trips_and_names_its_process() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("writer.json");
        let holder = LockHolder::this_process("setup");
        std::fs::write(&path, serde_json::to_string(&holder).expect("json")).expect("write");
        let read = LockHolder::read(&path).expect("a record");
        assert_eq!(read, holder);
        assert!(read.is_this_process());
        let said = read.describe();
        assert!(
            said.starts_with(&format!(
                "process {}, `setup`, started at ",
                std::process::id()
            )),
            "{said}"
        );
    }

    #[test]
    fn hostile_or_broken_records_name_nobody_or_are_cleaned() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("writer.json");
        // Not a record: nobody is named rather than something made up.
        for broken in [
            "",
            "{",
            "null",
            "{\"pid\": -1}",
            "{\"pid\": \"12\", \"startedAt\": \"x\", \"command\": \"c\", \"version\": \"v\"}",
        ] {
            std::fs::write(&path, broken).expect("write");
            assert_eq!(LockHolder::read(&path), None, "{broken:?}");
        }
        // Padded past the read limit: not parsed whole, so not a record either.
        let padded = format!(
            "{{\"pid\": 1, \"startedAt\": \"t\", \"command\": \"{}\", \"version\": \"v\"}}",
            "a".repeat(RECORD_LIMIT as usize)
        );
        std::fs::write(&path, padded).expect("write");
        assert_eq!(LockHolder::read(&path), None);
        // Escape sequences, bidi overrides and a long command reach no terminal.
        for command in [
            "setup\u{1b}[2J\u{1b}]0;owned\u{7}",
            "setup\u{202e}evil",
            "setup\r\nforged line",
            &"x".repeat(500),
        ] {
            let record = serde_json::json!({"pid": 7, "startedAt": "2026-01-01T00:00:00Z",
                "command": command, "version": "0.1.0\u{1b}[31m"});
            std::fs::write(&path, record.to_string()).expect("write");
            let read = LockHolder::read(&path).expect("a record");
            let said = read.describe();
            assert!(
                said.chars().all(|c| c.is_ascii_graphic() || c == ' '),
                "{said:?}"
            );
            assert!(read.command.len() <= TEXT_LIMIT, "{}", read.command.len());
            assert!(!read.version.contains('\u{1b}'));
        }
    }
}
