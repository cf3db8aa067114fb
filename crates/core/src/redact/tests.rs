//! Each encoding a server may quote a secret in, the generic `Bearer` scrub, and the
//! fail-closed cases. Every test registers its own values: the registry is process-wide.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;

use super::*;

fn registered(value: &str) -> &str {
    register(value);
    value
}

#[test]
fn the_raw_token_and_its_bearer_header_are_replaced() {
    let token = registered("raw-4f1d9c2b8e7a6Q1z");
    assert_eq!(
        redact_text(&format!("Authorization: Bearer {token} was refused")),
        "Authorization: Bearer [redacted] was refused"
    );
    assert_eq!(redact_text(&format!("token {token}.")), "token [redacted].");
}

#[test]
fn a_token_registered_with_its_bearer_prefix_is_found_bare() {
    registered("Bearer pasted-77aa99bb33cc2R2y");
    assert_eq!(redact_text("saw pasted-77aa99bb33cc2R2y"), "saw [redacted]");
}

#[test]
fn the_json_escaped_forms_are_replaced() {
    registered("json/esc\"aped+9d8c7b6a3S3x");
    assert_eq!(
        redact_text(r#"{"detail":"bad token json/esc\"aped+9d8c7b6a3S3x"}"#),
        r#"{"detail":"bad token [redacted]"}"#
    );
    assert_eq!(
        redact_text(r#"{"detail":"json\/esc\"aped+9d8c7b6a3S3x"}"#),
        r#"{"detail":"[redacted]"}"#
    );
}

#[test]
fn the_url_encoded_forms_are_replaced() {
    registered("url/enc+oded=1a2b3c4d4T4w");
    assert_eq!(
        redact_text("GET /cb?token=url%2Fenc%2Boded%3D1a2b3c4d4T4w&x=1"),
        "GET /cb?token=[redacted]&x=1"
    );
}

#[test]
fn base64_at_any_offset_and_in_both_alphabets_is_replaced() {
    let token = registered("b64-secret-value-5U5v");
    for prefix in ["", ":", "u:", "us:"] {
        let basic = STANDARD.encode(format!("{prefix}{token}"));
        let text = format!("Authorization: Basic {basic}");
        let redacted = redact_text(&text);
        assert!(redacted.contains(REDACTED), "{prefix:?}: {redacted}");
        assert_ne!(redacted, WITHHELD, "{prefix:?}");
        assert!(!redacted.contains(&basic), "{prefix:?}: {redacted}");
    }
    let url_safe = URL_SAFE_NO_PAD.encode(format!("x{token}y"));
    assert!(redact_text(&url_safe).contains(REDACTED));
}

#[test]
fn the_html_escaped_form_is_replaced() {
    registered("html<&>tok'en6V6u");
    assert_eq!(
        redact_text("<p>html&lt;&amp;&gt;tok&#39;en6V6u</p>"),
        "<p>[redacted]</p>"
    );
}

#[test]
fn a_bearer_value_the_redactor_never_saw_is_hidden_when_it_looks_like_a_credential() {
    assert_eq!(
        redact_text(
            "Authorization: Bearer eyJhbGciOi.unknown.sig, then \"bearer zzzzzzzzzzzzzzzzzz\""
        ),
        "Authorization: Bearer [redacted], then \"bearer [redacted]\""
    );
    // Ordinary words after "Bearer" and a last-four hint stay readable.
    assert_eq!(
        redact_text("The Bearer token ends in …7Q2a"),
        "The Bearer token ends in …7Q2a"
    );
}

#[test]
fn a_form_that_cannot_be_replaced_withholds_the_whole_text() {
    registered("fail/closed+7W7t-abcdef");
    // Lower-case percent hex and JSON \u escapes are forms the replacement does not list;
    // the final check decodes them, sees the token and drops the text.
    assert_eq!(redact_text("token=fail%2fclosed%2b7W7t-abcdef"), WITHHELD);
    assert_eq!(
        redact_text(r#"{"t":"\u0066ail/closed+7W7t-abcdef"}"#),
        WITHHELD
    );
}

#[test]
fn text_without_secrets_is_borrowed_unchanged() {
    let text = "The SCIM endpoint answered 401 Unauthorized.";
    assert!(matches!(redact_text(text), Cow::Borrowed(same) if same == text));
}

#[test]
fn short_values_are_not_registered() {
    register("abc");
    assert_eq!(redact_text("abc abcdef"), "abc abcdef");
}

#[test]
fn every_string_of_a_structure_is_redacted() {
    let token = registered("structured-8X8s-1234");
    let value = serde_json::json!({"a": [format!("x {token}")], "b": {"c": token}, "n": 1});
    let clean: serde_json::Value = redact_serde(&value).expect("round trips");
    assert_eq!(
        clean,
        serde_json::json!({"a": ["x [redacted]"], "b": {"c": "[redacted]"}, "n": 1})
    );
}

#[test]
fn a_structure_that_does_not_survive_the_round_trip_is_withheld() {
    #[derive(Debug, serde::Serialize, serde::Deserialize)]
    enum Tag {
        #[serde(rename = "tag-9Y9r-abcdefgh")]
        Only,
    }
    register("tag-9Y9r-abcdefgh");
    assert_eq!(redact_serde(&Tag::Only).map(|_| ()), Err(Withheld));
}

#[test]
fn a_withheld_text_replaces_the_string_inside_a_structure() {
    registered("nested-withheld-0Z0q-abcdef");
    let mut value = serde_json::json!({"m": "nested%2dwithheld-0Z0q-abcdef"});
    redact_json(&mut value);
    assert_eq!(value, serde_json::json!({"m": WITHHELD}));
}

/// A JSON body quoted inside another JSON string (Entra's message quoting a SCIM answer that
/// escaped "/" as "\/") doubles each backslash: that form is replaced too.
#[test]
fn a_token_escaped_twice_for_json_is_replaced() {
    let token = registered("twice/escaped+token-5Q1x");
    let once = token.replace('/', "\\/");
    let twice = once.replace('\\', "\\\\");
    assert_eq!(
        redact_text(&format!("json {twice} end")),
        "json [redacted] end"
    );
    let plain_twice =
        serde_json::to_string(&serde_json::to_string(token).expect("json")).expect("json");
    assert!(
        !redact_text(&plain_twice).contains("escaped+token"),
        "{plain_twice}"
    );
}
