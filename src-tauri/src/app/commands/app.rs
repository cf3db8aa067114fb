//! The app itself: its facts, cancelling a long operation, and the start-up benchmark's mark.

use std::time::{SystemTime, UNIX_EPOCH};

use scim_core::unity::DashboardFacts;
use scim_core::wizard::MAX_GROUP_MEMBERS;
use tauri::State;

use crate::app::info::{AppInfo, ProfileSummary};
use crate::app::state::AppState;

/// Version, active cloud profile, sandbox flag, secret store and data folder of this run.
#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    let cloud = &state.cloud;
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        profile: ProfileSummary::of(&state.ctx.profile),
        sandbox: cloud.is_embedded_sandbox(),
        simulated_sign_in: cloud.is_simulated(),
        secret_store: state.ctx.secrets.describe().to_string(),
        data_dir: cloud.data_dir.display().to_string(),
        reports_dir: cloud.reports_dir().display().to_string(),
        startup_problems: state.startup_problems.clone(),
        dashboard: DashboardFacts::current(),
        max_group_members: MAX_GROUP_MEMBERS,
    }
}

/// Cancels the operation the UI started under `operation_id`; false when it already ended.
#[tauri::command]
pub fn cancel_operation(state: State<'_, AppState>, operation_id: String) -> bool {
    state.operations.cancel(&operation_id)
}

/// What the operation the UI started under `operation_id` waits for now (another scim-setup
/// holding the data folder, a service's throttling, a slow answer), in the engine's words;
/// `None` when it waits for nothing or has ended. For the commands without a progress channel.
#[tauri::command]
pub fn operation_waiting(state: State<'_, AppState>, operation_id: String) -> Option<String> {
    state.operations.waiting(&operation_id)
}

/// The UI's first view has painted: the start-up benchmark's mark (`scripts/bench.sh`). Writes
/// `painted_at_ms` (when the page ran the frame after its first view's commit, by the page's
/// clock, `performance.timeOrigin + performance.now()`, Unix ms; the time this call arrives
/// when not given), then `page_origin_ms` (the page's `performance.timeOrigin`: when WebKit
/// began loading it; 0 when not given), to the file named by `SCIM_SETUP_BENCH_MARK`. The
/// paint is what a person sees, so the page's own clock is used rather than this call's
/// arrival, which waits behind the first view's other IPC calls; the origin lets the bench
/// split the start-up into the native part (process, GTK, WebKit) and the page's own.
/// Without that variable it does nothing.
#[tauri::command]
pub fn first_paint(painted_at_ms: Option<f64>, page_origin_ms: Option<f64>) {
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
