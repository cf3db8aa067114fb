//! The sandbox SCIM server's filter parser (RFC 7644 §3.4.2.2): any `filter=` a client sends,
//! evaluated against a user. The first line is the filter, the rest the resource JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scim_sandbox::fuzzing::filter_matches;

const USER: &[u8] = br#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"1","userName":"a@contoso.com","active":true,"name":{"givenName":"A","familyName":"B"},"emails":[{"value":"a@contoso.com","type":"work","primary":true}],"externalId":"x","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"7"}}"#;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (filter, resource) = text.split_once('\n').unwrap_or((&text, ""));
    let resource = if resource.is_empty() {
        USER
    } else {
        resource.as_bytes()
    };
    let _ = filter_matches(filter, resource);
});
