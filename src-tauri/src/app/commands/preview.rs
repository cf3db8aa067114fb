//! Preview (steps 3 and 4): what Start would do to every user in the job's scope, read-only,
//! streamed stage by stage; and its export as CSV or JSON into the data folder's `reports/`.
//! The same engine function as `scim-setup preview` (`wizard::preview_provisioning`).

use scim_core::wizard::{
    self as engine, export_preview_into, PreviewExportFormat, PreviewProgress, PreviewReport,
};
use scim_core::Problem;
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;
use ts_rs::TS;

use super::channel_sink;
use crate::app::state::{lock, AppState};

/// Where an export was written.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PreviewExported {
    pub path: String,
}

/// Preview: classifies everyone in scope (create, update, in sync, conflict, skip, remove)
/// against Unity's SCIM server, each stage streamed on `on_progress`; cancel with
/// `cancel_operation`. Errors: `notFound` before step 3 chose an app and job; Graph's and
/// the SCIM server's Problems.
#[tauri::command]
pub async fn preview_provisioning(
    state: State<'_, AppState>,
    operation_id: String,
    on_progress: Channel<PreviewProgress>,
) -> Result<PreviewReport, Problem> {
    let op = state.operations.begin(&operation_id);
    // Its channel carries stages; a throttled or slow call is told through `operation_waiting`.
    let report = op
        .observed(async {
            let graph = state.ctx.graph(&op.token).await?;
            let sink = channel_sink(on_progress);
            engine::preview_provisioning(&state.ctx, &graph, &sink, &op.token).await
        })
        .await?;
    *lock(&state.last_preview) = Some(report.clone());
    Ok(report)
}

/// Writes the last preview shown as CSV or JSON into the data folder's `reports/` (Rust
/// picks the name; the webview names no path). Errors: `badInput` before any preview ran;
/// `storage` when the folder cannot be written.
#[tauri::command]
pub fn preview_export(
    state: State<'_, AppState>,
    format: PreviewExportFormat,
) -> Result<PreviewExported, Problem> {
    let report = lock(&state.last_preview).clone().ok_or_else(|| {
        Problem::bad_input(
            "Exporting the preview",
            "There is no preview to export yet.",
            "Run the preview first.",
        )
    })?;
    let path = export_preview_into(&report, format, &state.cloud.reports_dir())?;
    Ok(PreviewExported {
        path: path.display().to_string(),
    })
}
