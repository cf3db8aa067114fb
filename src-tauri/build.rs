fn main() {
    // Declaring our commands makes each one need an explicit grant in capabilities/.
    let manifest = tauri_build::AppManifest::new().commands(&["app_info"]);
    if let Err(err) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        panic!("tauri build script failed: {err:#}");
    }
}
