//! Reading back what a run left on disk: the tests that check no secret reached a file read
//! every file a data folder (or a whole private HOME) holds.

use std::path::{Path, PathBuf};

/// Every file under `dir`, in all its subfolders.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}
