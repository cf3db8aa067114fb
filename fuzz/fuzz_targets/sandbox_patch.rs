//! The sandbox SCIM server's PATCH parser and applier (RFC 7644 §3.5.2): any PatchOp body a
//! client sends, applied to a user. Input: the body, or `resource\0body`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scim_sandbox::fuzzing::apply_patch;

const USER: &[u8] = br#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"1","userName":"a@contoso.com","active":true,"name":{"givenName":"A","familyName":"B"},"emails":[{"value":"a@contoso.com","type":"work","primary":true}],"members":[{"value":"2"}]}"#;

fuzz_target!(|data: &[u8]| {
    let (resource, body) = match data.iter().position(|b| *b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (USER, data),
    };
    let _ = apply_patch(resource, body);
});
