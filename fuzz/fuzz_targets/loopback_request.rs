//! The loopback sign-in listener's request parser: whatever a local process sends, only a GET
//! on the redirect path with exactly the expected state yields a callback, and the page is
//! one of the fixed texts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scim_core::auth::loopback::{judge, Callback};

const STATE: &str = "Zm9vYmFy-state";

fuzz_target!(|data: &[u8]| {
    let head = String::from_utf8_lossy(data);
    for path in ["/", "/callback"] {
        let verdict = judge(&head, path, STATE);
        assert!(!verdict.message.contains('<'), "the page reflects markup");
        if let Some(callback) = &verdict.callback {
            assert_eq!(verdict.status, 200);
            let line = head.lines().next().unwrap_or("");
            assert!(line.starts_with("GET "), "a callback without GET: {line:?}");
            assert!(
                line.contains(STATE) || line.contains("state="),
                "no state: {line:?}"
            );
            if let Callback::Code(code) = callback {
                assert!(!code.is_empty());
            }
        }
    }
});
