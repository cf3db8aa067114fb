//! A pasted Tenant URL (the SCIM base connector URL): Diagnose's shape checks and step 2's
//! connector-input parse, for the public clouds and a sandbox profile.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scim_core::fuzzing::tenant_url_checks;
use scim_core::unity::guided::parse_connector_input;
use scim_core::CloudProfile;

fuzz_target!(|data: &[u8]| {
    let Ok(pasted) = std::str::from_utf8(data) else {
        return;
    };
    assert_eq!(tenant_url_checks(pasted).len(), 3);
    let global = CloudProfile::global();
    if let Ok(url) = parse_connector_input(&global, pasted) {
        assert!(!url.is_empty());
        assert!(!url.chars().any(char::is_whitespace), "{url:?}");
    }
});
