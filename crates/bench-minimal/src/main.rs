//! The start-up benchmark's floor (`scripts/bench.sh`): an empty Tauri window built with the
//! same Tauri, WebKitGTK and release profile as scim-setup. Its page sends the same
//! `first_paint` mark as scim-setup's UI, so the two start-up figures compare like for like.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

/// The page has painted: writes `painted_at_ms` (the page's clock at the frame after its first
/// render; this call's arrival when not given) and `page_origin_ms` (the page's
/// `performance.timeOrigin`), both Unix milliseconds, to the file named by
/// `SCIM_SETUP_BENCH_MARK`, as scim-setup's `first_paint` does; without it, does nothing.
#[tauri::command]
fn first_paint(painted_at_ms: Option<f64>, page_origin_ms: Option<f64>) {
    if let Some(path) = std::env::var_os("SCIM_SETUP_BENCH_MARK") {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let mark = format!(
            "{:.3} {:.3}\n",
            painted_at_ms.unwrap_or(now.as_secs_f64() * 1000.0),
            page_origin_ms.unwrap_or(0.0)
        );
        let _ = std::fs::write(path, mark);
    }
}

fn main() -> ExitCode {
    let result = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![first_paint])
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: the window could not start: {err}");
            ExitCode::FAILURE
        }
    }
}
