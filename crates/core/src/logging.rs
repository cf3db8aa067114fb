//! The app's log: one `tracing` subscriber writing a daily file in the data folder's `logs/`
//! (kept 7 days), optionally mirrored to stderr (`-v`), every line passed through the
//! engine's redactor first, so a secret that slipped into an event never reaches the disk.
//! The level comes from `SCIM_SETUP_LOG` (RUST_LOG syntax), else Settings, else `info`.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::problem::Problem;

/// The environment variable with the log filter, in RUST_LOG syntax (`debug`,
/// `scim_core::http=trace,info`).
pub const LOG_ENV: &str = "SCIM_SETUP_LOG";

/// The level when neither the environment nor Settings says.
pub const DEFAULT_LEVEL: &str = "info";

/// How many daily files are kept.
pub const KEPT_DAYS: usize = 7;

const FILE_PREFIX: &str = "scim-setup";
const FILE_SUFFIX: &str = "log";

/// The log folder inside the app's data folder.
pub fn log_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("logs")
}

/// How to start the log.
#[derive(Debug, Clone)]
pub struct LogOptions {
    /// Where the daily files go (see [`log_dir`]).
    pub dir: PathBuf,
    /// The filter from Settings (RUST_LOG syntax); `SCIM_SETUP_LOG` wins over it.
    pub level: Option<String>,
    /// Also write every line to stderr (the CLI's `-v/--verbose`).
    pub mirror_to_stderr: bool,
}

/// Keeps the background writer alive; drop it last (at exit) so buffered lines are flushed.
pub struct LogGuard {
    _file: tracing_appender::non_blocking::WorkerGuard,
}

/// The filter in force: `SCIM_SETUP_LOG`, else `settings_level`, else [`DEFAULT_LEVEL`].
/// A filter that does not parse falls back to the default (and says so in the log).
fn filter(settings_level: Option<&str>) -> (EnvFilter, Option<String>) {
    let wanted = std::env::var(LOG_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| settings_level.map(str::to_string))
        .unwrap_or_else(|| DEFAULT_LEVEL.to_string());
    match EnvFilter::try_new(&wanted) {
        Ok(filter) => (filter, None),
        Err(err) => (
            EnvFilter::new(DEFAULT_LEVEL),
            Some(format!(
                "the log level {wanted:?} is not valid ({err}); using {DEFAULT_LEVEL}"
            )),
        ),
    }
}

/// Checks a level or filter in RUST_LOG syntax, for Settings; the error is the parser's.
pub fn check_filter(filter: &str) -> Result<(), String> {
    EnvFilter::try_new(filter)
        .map(|_| ())
        .map_err(|err| err.to_string())
}

/// Installs the process's subscriber: a daily-rotated file in `options.dir` (the last
/// [`KEPT_DAYS`] kept), every line redacted, plus stderr when asked. Call once, early.
/// Errors: `storage` when the folder cannot be made; a second call in one process is
/// ignored (the first subscriber stays) and returns a guard for nothing new.
pub fn init(options: &LogOptions) -> Result<LogGuard, Problem> {
    std::fs::create_dir_all(&options.dir).map_err(|err| {
        Problem::storage(
            "Starting the log",
            format!("{}: {err}.", options.dir.display()),
            "Check that the data folder is writable (or choose another with --data-dir).",
        )
    })?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(FILE_PREFIX)
        .filename_suffix(FILE_SUFFIX)
        .max_log_files(KEPT_DAYS)
        .build(&options.dir)
        .map_err(|err| {
            Problem::storage(
                "Starting the log",
                format!(
                    "The log file in {} could not be opened: {err}.",
                    options.dir.display()
                ),
                "Check that the data folder is writable (or choose another with --data-dir).",
            )
        })?;
    let (file_writer, file_guard) = tracing_appender::non_blocking(appender);
    let (filter, complaint) = filter(options.level.as_deref());
    let file_layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(Redacting(file_writer));
    let stderr_layer = options.mirror_to_stderr.then(|| {
        tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(Redacting(std::io::stderr))
    });
    let installed = tracing_subscriber::registry()
        .with(file_layer.and_then(stderr_layer).with_filter(filter))
        .try_init()
        .is_ok();
    if installed {
        if let Some(complaint) = complaint {
            tracing::warn!("{complaint}");
        }
        tracing::info!(
            version = env!("CARGO_PKG_VERSION"),
            dir = %options.dir.display(),
            "log started"
        );
    }
    Ok(LogGuard { _file: file_guard })
}

/// A writer maker whose every write passes the engine's redactor. The fmt layer writes one
/// whole event per call, so a secret is never split across two writes.
#[derive(Clone)]
struct Redacting<M>(M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Redacting<M> {
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter(self.0.make_writer())
    }
}

struct RedactingWriter<W>(W);

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        // Through the gate (secrets, control sequences, bidi controls), unbounded: a log line
        // is already one event, and its newlines are kept.
        let clean = crate::gate::block_within(&text, usize::MAX);
        self.0.write_all(clean.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// How many of the newest log lines a support report carries.
pub const REPORT_LOG_LINES: usize = 200;

/// The newest [`REPORT_LOG_LINES`] lines of the log in the app's `data_dir`, redacted, for
/// `SupportReport::log_tail` (the window's export and `diagnose --report`).
pub fn report_log_tail(data_dir: &Path) -> Vec<String> {
    recent_log_lines(&log_dir(data_dir), REPORT_LOG_LINES)
}

/// The log files in `dir`, oldest first.
pub fn log_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with(FILE_PREFIX) && name.ends_with(FILE_SUFFIX))
        })
        .collect();
    // The date in the name (`scim-setup.2026-11-30.log`) sorts in time order.
    files.sort();
    files
}

/// The last `n` lines of the log in `dir` (across the daily files, oldest first), each
/// passed through the redactor again, for the support report. Empty when there is no log
/// yet; unreadable files are skipped.
pub fn recent_log_lines(dir: &Path, n: usize) -> Vec<String> {
    let mut lines: std::collections::VecDeque<String> = std::collections::VecDeque::new();
    for file in log_files(dir) {
        let Ok(handle) = std::fs::File::open(&file) else {
            continue;
        };
        for line in std::io::BufReader::new(handle).lines() {
            let Ok(line) = line else { break };
            if lines.len() == n {
                lines.pop_front();
            }
            lines.push_back(crate::gate::line_within(
                &line,
                crate::gate::MAX_BLOCK_BYTES,
            ));
        }
    }
    lines.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_lines_span_the_daily_files_and_are_redacted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let secret = crate::Secret::new("log-test-refresh-token-0123456789abcdef");
        std::fs::write(dir.path().join("scim-setup.2026-11-29.log"), "one\ntwo\n").expect("write");
        std::fs::write(
            dir.path().join("scim-setup.2026-11-30.log"),
            format!("three\nfour {}\n", secret.expose()),
        )
        .expect("write");
        std::fs::write(dir.path().join("other.txt"), "not a log\n").expect("write");
        let lines = recent_log_lines(dir.path(), 3);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], "two");
        assert_eq!(lines[1], "three");
        assert!(lines[2].starts_with("four") && !lines[2].contains(secret.expose()));
        assert!(recent_log_lines(&dir.path().join("missing"), 5).is_empty());
    }

    #[test]
    fn the_redacting_writer_hides_a_secret_in_a_line() {
        let secret = crate::Secret::new("writer-test-access-token-abcdef0123456789");
        let mut out = RedactingWriter(Vec::new());
        out.write_all(format!("sent Authorization: Bearer {}\n", secret.expose()).as_bytes())
            .expect("write");
        let text = String::from_utf8(out.0).expect("utf8");
        assert!(!text.contains(secret.expose()), "{text}");
    }
}
