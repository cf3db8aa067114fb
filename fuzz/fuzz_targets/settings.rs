//! The app's settings file in the data folder (torn, hand-edited or hostile), through start-up
//! as the window and the CLI run it (`startup::resolve`: the strict read, the profile choice,
//! a custom profile loaded from the path the file names), then checked and saved again as the
//! window's Settings does. Either a start-up Problem that points at the settings or the
//! profile, past which the window still opens with the defaults (`resolve_defaults`), or
//! settings that round-trip through a save; never a panic, and a client ID handed to a
//! profile is trimmed and never blank.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use scim_core::settings::{ProfileChoice, WindowSettings, FILE_NAME};
use scim_core::startup::{
    load_settings, resolve, resolve_defaults, StartupProblemKind, StartupRequest,
};

fn folder() -> &'static std::path::Path {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir =
            std::env::temp_dir().join(format!("scim-setup-fuzz-settings-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        dir
    })
}

fn assert_client_id(id: &str) {
    assert!(!id.trim().is_empty() && id.trim() == id, "client ID {id:?}");
}

fuzz_target!(|data: &[u8]| {
    let dir = folder();
    let _ = std::fs::write(dir.join(FILE_NAME), data);
    let request = StartupRequest {
        data_dir: Some(dir.to_path_buf()),
        ..StartupRequest::default()
    };
    let startup = match resolve(&request) {
        Ok(startup) => startup,
        Err(problem) => {
            assert!(
                matches!(
                    problem.kind,
                    StartupProblemKind::SettingsUnreadable
                        | StartupProblemKind::ProfileMissing
                        | StartupProblemKind::ProfileUnreadable
                ),
                "{problem:?}"
            );
            assert!(
                problem.blocking && problem.repair_in_settings,
                "{problem:?}"
            );
            assert!(!problem.problem.info().cause.is_empty());
            // The window still opens, with the defaults, to show the problem and repair it
            // in Settings; the lenient read (the log level at start) still gives something.
            let fallback = resolve_defaults(&request)
                .unwrap_or_else(|problem| panic!("no way past {problem:?}"));
            assert_eq!(fallback.settings, WindowSettings::default());
            let _ = WindowSettings::load(dir);
            return;
        }
    };
    let settings = startup.settings;
    assert_eq!(load_settings(dir).ok().as_ref(), Some(&settings));
    assert_eq!(WindowSettings::load(dir), settings);

    let text = serde_json::to_string(&settings).unwrap_or_default();
    let again: WindowSettings = serde_json::from_str(&text).unwrap_or_default();
    assert_eq!(settings, again, "the settings do not round-trip");

    match &startup.choice {
        ProfileChoice::Sandbox => assert!(startup.profile.is_none()),
        ProfileChoice::Custom(path) => {
            assert!(
                !path.as_os_str().is_empty(),
                "a custom profile without a path"
            );
        }
        ProfileChoice::BuiltIn(_) => {}
    }
    if let Some(profile) = &startup.profile {
        assert_client_id(&profile.microsoft.client_id);
        if let Some(id) = &profile.unity.client_id {
            assert_client_id(id);
        }
    }
    let _ = settings.request_timeout();

    // What Settings does on save: check, write, and read back the same settings.
    match settings.save(dir) {
        Ok(_) => assert_eq!(load_settings(dir).ok(), Some(settings)),
        Err(problem) => assert!(
            matches!(problem.kind_name(), "badInput" | "storage"),
            "{problem:?}"
        ),
    }
});
