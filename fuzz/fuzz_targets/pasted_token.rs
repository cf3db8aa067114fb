//! A pasted Unity bearer token (Entra's Secret Token): step 1's parse and Diagnose's format
//! check. What is accepted has no whitespace, and no check result carries the token itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scim_core::fuzzing::token_format_check;
use scim_core::unity::guided::parse_pasted_token;

fuzz_target!(|data: &[u8]| {
    let Ok(pasted) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(token) = parse_pasted_token(pasted) {
        assert!(!token.expose().is_empty());
        assert!(!token.expose().chars().any(char::is_whitespace));
    }
    let check = token_format_check(pasted, 1_780_000_000);
    let shown = serde_json::to_string(&check).unwrap_or_default();
    let bare = pasted.trim();
    if bare.len() >= 12 && !bare.contains('"') && !bare.contains('\\') {
        assert!(!shown.contains(bare), "the check shows the token");
    }
});
