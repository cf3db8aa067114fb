//! What the window asks of the desktop, always from Rust: the system's Save and Open dialogs
//! (tauri-plugin-dialog) and showing a folder in the file manager (tauri-plugin-opener). The
//! webview holds no dialog or opener permission: it calls a command, and the command decides
//! which folder is opened or where a dialog starts. Round trips swap in a fake.

use std::path::{Path, PathBuf};

use scim_core::Problem;
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

/// A kind of file a dialog offers, e.g. "HTML report" with `["html"]`.
#[derive(Debug, Clone, Copy)]
pub struct FileKind {
    pub name: &'static str,
    pub extensions: &'static [&'static str],
}

/// The desktop's dialogs and file manager. The dialogs block until the person answers, so
/// they are called from async commands (a worker thread), never from the main thread.
pub trait Desktop: Send + Sync {
    /// Asks where to save, starting in `folder` with `file_name`; `None` when cancelled.
    fn save_file(
        &self,
        title: &str,
        folder: &Path,
        file_name: &str,
        kinds: &[FileKind],
    ) -> Option<PathBuf>;
    /// Asks for one existing file of `kind`; `None` when cancelled.
    fn pick_file(&self, title: &str, kind: FileKind) -> Option<PathBuf>;
    /// Shows `folder` in the file manager. `action` says what was being done, for the Problem.
    fn open_folder(&self, action: &str, folder: &Path) -> Result<(), Problem>;
}

/// The real desktop of the running app.
pub struct SystemDesktop(pub AppHandle);

impl Desktop for SystemDesktop {
    fn save_file(
        &self,
        title: &str,
        folder: &Path,
        file_name: &str,
        kinds: &[FileKind],
    ) -> Option<PathBuf> {
        let mut dialog = self
            .0
            .dialog()
            .file()
            .set_title(title)
            .set_directory(folder)
            .set_file_name(file_name);
        for kind in kinds {
            dialog = dialog.add_filter(kind.name, kind.extensions);
        }
        dialog.blocking_save_file()?.into_path().ok()
    }

    fn pick_file(&self, title: &str, kind: FileKind) -> Option<PathBuf> {
        self.0
            .dialog()
            .file()
            .set_title(title)
            .add_filter(kind.name, kind.extensions)
            .blocking_pick_file()?
            .into_path()
            .ok()
    }

    fn open_folder(&self, action: &str, folder: &Path) -> Result<(), Problem> {
        self.0
            .opener()
            .open_path(folder.display().to_string(), None::<&str>)
            .map_err(|err| {
                Problem::server(
                    action,
                    format!("The file manager could not be opened: {err}."),
                    format!("Open {} yourself.", folder.display()),
                )
            })
    }
}
