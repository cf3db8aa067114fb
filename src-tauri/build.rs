fn main() {
    // Declaring our commands makes each one need an explicit grant in capabilities/.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_info",
        "cancel_operation",
        "first_paint",
        "journal_state",
        "check_prerequisites",
        "unity_sign_in",
        "unity_ensure_credentials",
        "unity_accept_pasted",
        "unity_dashboard_links",
        "open_dashboard_page",
        "connector_resolve",
        "entra_sign_in",
        "entra_account",
        "entra_search_apps",
        "entra_use_app",
        "entra_test_connection",
        "entra_save_and_start",
        "entra_job_status",
        "directory_search",
        "list_assigned",
        "assign_principals",
        "provision_now",
        "run_diagnosis",
        "diagnose_job",
        "diagnose_logs",
        "export_report",
        "settings_get",
        "settings_save",
        "sign_out",
    ]);
    if let Err(err) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
    {
        panic!("tauri build script failed: {err:#}");
    }
}
