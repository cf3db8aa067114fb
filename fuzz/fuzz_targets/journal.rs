//! The journal file in the data folder (a torn or hand-edited one included): opened the way
//! the app opens it at start. An unreadable journal is set aside and a fresh one started;
//! never a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use scim_core::wizard::{Journal, JournalStore};
use scim_core::CloudProfile;

fn folder() -> &'static std::path::Path {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir =
            std::env::temp_dir().join(format!("scim-setup-fuzz-journal-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(journal) = serde_json::from_slice::<Journal>(data) {
        let text = serde_json::to_string(&journal).unwrap_or_default();
        let again: Journal = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(journal, again, "the journal does not round-trip");
    }
    let dir = folder();
    let _ = std::fs::write(dir.join(JournalStore::FILE_NAME), data);
    let profile = CloudProfile::global();
    match JournalStore::open(dir, &profile) {
        Ok(store) => {
            let _ = store.snapshot();
        }
        Err(problem) => assert_eq!(problem.kind_name(), "storage"),
    }
});
