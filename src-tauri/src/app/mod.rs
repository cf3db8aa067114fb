//! The window: Tauri wiring only. Commands call the engine; nothing here decides anything a
//! test would want to check without a display.

mod cloud;
mod command_table;
mod commands;
mod info;
#[cfg(test)]
mod round_trips;
pub(crate) mod settings_file;
mod state;

use std::process::ExitCode;
use std::sync::Arc;

use crate::cli::GlobalArgs;

pub fn run(global: GlobalArgs) -> ExitCode {
    // A start-up problem (a moved custom profile, broken settings, a data folder that is a
    // file) is the engine's `StartupProblem`; until the window has its start-up problem
    // view, it is printed and the app exits 2 like the CLI.
    let cloud = match tauri::async_runtime::block_on(cloud::ActiveCloud::resolve(&global)) {
        Ok(cloud) => cloud,
        Err(startup) => {
            eprintln!("error: {startup}");
            return ExitCode::from(crate::cli::EXIT_USAGE);
        }
    };
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
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
            let state =
                state::AppState::new(cloud, opener).map_err(|problem| problem.to_string())?;
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

/// The app's context: config, the built UI and the capabilities (`capabilities/`) that
/// decide which window may call which command.
pub(crate) fn context() -> tauri::Context<tauri::Wry> {
    tauri::generate_context!()
}
