//! A Graph error answer (the OData envelope, <https://learn.microsoft.com/graph/errors>) for every
//! status, turned into the `Problem` a person reads. Input: two bytes of status, then the body.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use scim_core::entra::{graph_problem, parse_test_connection_failure, GraphError};
use scim_core::http::Response;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data {
        [high, low, rest @ ..] => (u16::from_be_bytes([*high, *low]) % 600, rest),
        _ => (400, data),
    };
    let response = Response {
        status,
        headers: Default::default(),
        body: body.to_vec(),
        request_id: None,
        client_request_id: "00000000-0000-0000-0000-000000000000".into(),
        elapsed: Duration::from_millis(12),
        attempts: 1,
        request: "GET https://graph.microsoft.com/v1.0/servicePrincipals".into(),
    };
    let problem = graph_problem("Reading the enterprise apps", &response);
    let info = problem.info();
    assert!(!info.cause.is_empty() && !info.fix.is_empty());
    // `Some(` in a cause means an `Option` was printed with `{:?}`, unless the server's own
    // words (raw, or its JSON message once unescaped) carried it.
    let quoted = String::from_utf8_lossy(body).contains("Some(")
        || GraphError::from_response(&response)
            .is_some_and(|error| format!("{} {}", error.code, error.message).contains("Some("));
    assert!(quoted || !info.cause.contains("Some("), "{}", info.cause);
    // validateCredentials' failure text, as Test Connection explains it.
    if let Some(error) = GraphError::from_response(&response) {
        let _ = parse_test_connection_failure(&error);
    }
});
