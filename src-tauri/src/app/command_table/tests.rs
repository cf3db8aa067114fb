//! Keeps the generated command table, the UI and the capability file in step.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{COMMANDS_TS, COMMAND_NAMES};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repo root")
        .to_path_buf()
}

/// Writes `commands.ts` beside ts-rs's bindings (`TS_RS_EXPORT_DIR`, set in
/// `.cargo/config.toml`; the drift check points it at an empty folder). The name matches
/// the drift check's `export_bindings` filter.
#[test]
fn export_bindings_commands() {
    let dir = std::env::var_os("TS_RS_EXPORT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("ui/src/ipc/bindings"));
    std::fs::create_dir_all(&dir).expect("bindings folder");
    std::fs::write(dir.join("commands.ts"), COMMANDS_TS).expect("commands.ts");
}

/// `allow-journal-state` for `journal_state`: the permission tauri_build makes per command.
fn grant(command: &str) -> String {
    format!("allow-{}", command.replace('_', "-"))
}

/// The TypeScript function the generated module exports for `command`.
fn function(command: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in command.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Every word-like identifier in the window's own code (generated bindings left out).
fn identifiers_used_by_the_ui() -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    let mut stack = vec![repo().join("ui/src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("ui/src").flatten() {
            let path = entry.path();
            if path.is_dir() {
                if !path.ends_with("bindings") {
                    stack.push(path);
                }
                continue;
            }
            let name = path.to_string_lossy();
            let is_source =
                (name.ends_with(".ts") || name.ends_with(".tsx")) && !name.contains(".test.");
            if !is_source {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("source");
            words.extend(
                text.split(|c: char| !c.is_alphanumeric() && c != '_')
                    .filter(|w| !w.is_empty())
                    .map(str::to_string),
            );
        }
    }
    words
}

#[test]
fn the_window_calls_every_command_in_the_table() {
    let used = identifiers_used_by_the_ui();
    let unused: Vec<&str> = COMMAND_NAMES
        .iter()
        .copied()
        .filter(|c| !used.contains(&function(c)))
        .collect();
    assert!(
        unused.is_empty(),
        "commands no window code calls (remove them, or call them from ui/src): {unused:?}"
    );
}

/// Also: each grant is explained in capabilities/README.md.
#[test]
fn capabilities_grant_exactly_the_commands_in_the_table() {
    let path = repo().join("src-tauri/capabilities/main.json");
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("main.json"))
            .expect("main.json is JSON");
    let granted: BTreeSet<String> = file["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .map(|p| p.as_str().expect("a permission name").to_string())
        .collect();
    let wanted: BTreeSet<String> = COMMAND_NAMES.iter().map(|c| grant(c)).collect();
    let readme = std::fs::read_to_string(repo().join("src-tauri/capabilities/README.md"))
        .expect("capabilities/README.md");
    for permission in &wanted {
        assert!(
            readme.contains(&format!("`{permission}`")),
            "{permission} is not explained in capabilities/README.md"
        );
    }
    let missing: Vec<_> = wanted.difference(&granted).collect();
    let extra: Vec<_> = granted.difference(&wanted).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "capabilities/main.json must grant exactly the table's commands; missing {missing:?}, \
         not a command of ours {extra:?}"
    );
}

#[test]
fn every_argument_key_is_camel_case_and_every_command_is_typed() {
    for line in COMMANDS_TS.lines().filter(|l| l.contains("call<")) {
        assert!(!line.contains("call<any>"), "{line}");
    }
    assert!(COMMANDS_TS.contains(
        "export const journalState = (): Promise<JournalView> =>\n  call<JournalView>('journal_state');"
    ));
    assert!(COMMANDS_TS.contains("{ operationId, orgId, onProgress: channel(onProgress) }"));
}
