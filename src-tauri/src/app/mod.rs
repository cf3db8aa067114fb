//! The window: Tauri wiring only. Commands call the engine; nothing here decides anything a
//! test would want to check without a display.

mod cloud;
mod command_table;
mod commands;
mod desktop;
mod info;
#[cfg(test)]
mod round_trips;
mod state;

use std::process::ExitCode;
use std::sync::Arc;

use crate::cli::GlobalArgs;

pub fn run(global: GlobalArgs) -> ExitCode {
    // A start-up problem Settings can repair (a moved custom profile, broken settings) opens
    // the window on the defaults with the problem in view; one it cannot (a data folder that
    // is a file) is printed and the app exits 2 like the CLI.
    let (cloud, startup_problem) = match open_cloud(&global) {
        Ok(opened) => opened,
        Err(startup) => {
            eprintln!("error: {startup}");
            return ExitCode::from(crate::cli::EXIT_USAGE);
        }
    };
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            use tauri::Manager;
            use tauri_plugin_opener::OpenerExt;
            let handle = app.handle().clone();
            let opener: state::Opener = Arc::new(move |url: &str| {
                handle
                    .opener()
                    .open_url(url, None::<&str>)
                    .map_err(|err| err.to_string())
            });
            let desktop = Arc::new(desktop::SystemDesktop(app.handle().clone()));
            let mut state = state::AppState::new(cloud, opener, desktop)
                .map_err(|problem| problem.to_string())?;
            state.startup_problems.extend(startup_problem);
            if let Some(recovery) = state.ctx.journal.recovery() {
                let notice = scim_core::startup::StartupProblem::journal_set_aside(recovery);
                state.startup_problems.push(notice);
            }
            app.manage(state);
            Ok(())
        })
        .invoke_handler(command_table::invoke_handler())
        .run(context());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: the window could not start: {err}");
            ExitCode::from(crate::cli::EXIT_FAILED)
        }
    }
}

/// The cloud to open on, and the start-up problem that made it the fallback, if any.
///
/// Errors: a start-up problem no fallback gets past (the data folder).
fn open_cloud(
    global: &GlobalArgs,
) -> Result<
    (
        cloud::ActiveCloud,
        Option<scim_core::startup::StartupProblem>,
    ),
    scim_core::startup::StartupProblem,
> {
    use tauri::async_runtime::block_on;
    match block_on(cloud::ActiveCloud::resolve(global)) {
        Ok(cloud) => Ok((cloud, None)),
        Err(problem) if problem.repair_in_settings => {
            tracing::warn!("start-up problem, opening on the defaults: {problem}");
            let cloud = block_on(cloud::ActiveCloud::resolve_fallback(global))?;
            Ok((cloud, Some(problem)))
        }
        Err(problem) => Err(problem),
    }
}

/// The app's context: config, the built UI and the capabilities (`capabilities/`) that
/// decide which window may call which command.
pub(crate) fn context() -> tauri::Context<tauri::Wry> {
    tauri::generate_context!()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn global_args(data: &std::path::Path) -> GlobalArgs {
        GlobalArgs {
            profile: None,
            sandbox: false,
            data_dir: Some(data.to_path_buf()),
            verbose: false,
        }
    }

    #[test]
    fn a_moved_custom_profile_opens_the_window_on_global_with_the_problem() {
        let data = tempfile::tempdir().expect("tempdir");
        let moved = data.path().join("moved-away.json");
        std::fs::write(
            data.path().join("settings.json"),
            serde_json::json!({"profile": "custom", "customProfilePath": moved}).to_string(),
        )
        .expect("settings");
        let (cloud, problem) = open_cloud(&global_args(data.path())).expect("opens");
        assert_eq!(cloud.profile.name, "global");
        let problem = problem.expect("the problem is kept for the window");
        assert_eq!(
            problem.kind,
            scim_core::startup::StartupProblemKind::ProfileMissing
        );
        assert!(problem.problem.info().cause.contains("moved-away.json"));
        // The saved settings stay as they were, for Settings to repair.
        assert!(std::fs::read_to_string(data.path().join("settings.json"))
            .expect("kept")
            .contains("moved-away.json"));
    }

    #[test]
    fn a_data_folder_that_is_a_file_still_stops_the_window() {
        let data = tempfile::tempdir().expect("tempdir");
        let file = data.path().join("not-a-folder");
        std::fs::write(&file, "x").expect("file");
        let problem = open_cloud(&global_args(&file)).err().expect("refused");
        assert_eq!(
            problem.kind,
            scim_core::startup::StartupProblemKind::DataFolderUnusable
        );
    }
}
