//! The window: Tauri wiring only. Commands call the engine; nothing here decides anything a
//! test would want to check without a display.

mod cloud;
mod commands;
mod info;

use std::process::ExitCode;

use crate::cli::GlobalArgs;

pub use info::{AppInfo, ProfileSummary};

/// What every command can reach: the active cloud and where the journal lives.
pub struct AppState {
    pub cloud: cloud::ActiveCloud,
}

pub fn run(global: GlobalArgs) -> ExitCode {
    let cloud = match tauri::async_runtime::block_on(cloud::ActiveCloud::resolve(&global)) {
        Ok(cloud) => cloud,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(crate::cli::EXIT_FAILED);
        }
    };
    let data_dir_override = global.data_dir.clone();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .setup(move |app| {
            use tauri::Manager;
            let data_dir = match data_dir_override {
                Some(dir) => dir,
                None => app.path().app_data_dir()?,
            };
            std::fs::create_dir_all(&data_dir)?;
            app.manage(AppState {
                cloud: cloud.with_data_dir(data_dir),
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![commands::app_info])
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: the window could not start: {err}");
            ExitCode::from(crate::cli::EXIT_FAILED)
        }
    }
}
