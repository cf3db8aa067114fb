//! Reads the command table from `src/app/commands/` (see `build/command_table.rs`), declares
//! every command to `tauri_build` (so each needs an explicit grant in capabilities/), and
//! writes the table's generated half into OUT_DIR for `src/app/command_table.rs`.

#[path = "build/command_table.rs"]
mod command_table;

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=src/app/commands");
    println!("cargo:rerun-if-changed=build/command_table.rs");
    let commands = command_table::read(&PathBuf::from("src/app/commands"))
        .unwrap_or_else(|why| panic!("reading the command table failed: {why}"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(
        out.join("command_table.rs"),
        command_table::rust_source(&commands),
    )
    .expect("writing the command table");

    // tauri_build keeps the list for the whole build; a build script runs once, so leaking
    // it is the plain way to give it the 'static lifetime it asks for.
    let names: Vec<&'static str> = commands
        .iter()
        .map(|c| &*Box::leak(c.name.clone().into_boxed_str()))
        .collect();
    let manifest = tauri_build::AppManifest::new().commands(names.leak());
    if let Err(err) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
    {
        panic!("tauri build script failed: {err:#}");
    }
}
