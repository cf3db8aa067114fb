//! Starts the engine's log for this process: the data folder's `logs/` (the same folder for
//! the window and the CLI), the level from `SCIM_SETUP_LOG` or Settings, stderr too with `-v`.

use scim_core::logging::{init, log_dir, LogGuard, LogOptions};
use scim_core::settings::WindowSettings;

use crate::cli::GlobalArgs;

/// Installs the log; `None` (after a note on stderr) when there is no data folder or it is
/// not writable: the app works without a log rather than not at all.
pub fn start(global: &GlobalArgs, headless: bool) -> Option<LogGuard> {
    let data_dir = global
        .data_dir
        .clone()
        .or_else(scim_core::wizard::default_data_dir)?;
    // A data folder that is a file or cannot be made is start-up's to report, once and
    // plainly (`scim_core::startup`); a second, rawer warning here would only confuse.
    scim_core::startup::check_data_dir(&data_dir, "").ok()?;
    let options = LogOptions {
        dir: log_dir(&data_dir),
        level: WindowSettings::load(&data_dir).log_level,
        mirror_to_stderr: global.verbose,
    };
    match init(&options) {
        Ok(guard) => {
            tracing::info!(
                face = if headless { "cli" } else { "window" },
                "scim-setup started"
            );
            Some(guard)
        }
        Err(problem) => {
            eprintln!("warning: no log this run: {problem}");
            None
        }
    }
}
