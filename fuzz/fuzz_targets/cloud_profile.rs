//! A cloud profile file (the JSON `scim-setup sandbox` prints, or an organization's own):
//! either a clear `Problem` or a profile whose every URL parses.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scim_core::CloudProfile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match CloudProfile::from_json(text) {
        Ok(profile) => {
            let _ = profile.graph_scope_resource();
            let _ = profile.microsoft_redirect();
            let _ = profile.unity_redirect();
            let _ = profile.is_sandbox();
        }
        Err(problem) => assert_eq!(problem.kind_name(), "badInput"),
    }
});
