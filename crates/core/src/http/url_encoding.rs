//! Percent-encoding for the pieces the engine puts into URLs: query values (OData `$filter`,
//! SCIM `filter`) and path segments (object ids, job ids). Built on the `percent-encoding`
//! crate so every client encodes the same way (RFC 3986 §2.3: only unreserved characters
//! stay as they are).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`), so a space
/// becomes `%20` (which OData and SCIM servers all read) and `/`, `?`, `#`, `&`, `'` cannot
/// end a segment or a value early.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `value` percent-encoded for a query string (`filter=…`, `$search=…`), UTF-8 first.
/// Returns the encoded text; never fails.
pub fn encode_query_value(value: &str) -> String {
    utf8_percent_encode(value, NOT_UNRESERVED).to_string()
}

/// `value` percent-encoded as one path segment, so an id such as `scim.abc.d-1` stays
/// readable while a `/` in it cannot reach another path. Returns the encoded text.
pub fn encode_path_segment(value: &str) -> String {
    utf8_percent_encode(value, NOT_UNRESERVED).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unreserved_characters_stay() {
        assert_eq!(
            encode_query_value("displayName eq 'Unity SCIM'"),
            "displayName%20eq%20%27Unity%20SCIM%27"
        );
        assert_eq!(
            encode_query_value("userName eq \"a+b@x.com\""),
            "userName%20eq%20%22a%2Bb%40x.com%22"
        );
        assert_eq!(encode_query_value("Zoë ~"), "Zo%C3%AB%20~");
        assert_eq!(encode_path_segment("scim.abc.d-1"), "scim.abc.d-1");
        assert_eq!(encode_path_segment("a/b?c#d"), "a%2Fb%3Fc%23d");
    }

    #[test]
    fn matches_a_byte_by_byte_reading_of_rfc_3986() {
        // Every byte value, one at a time: unreserved stays, the rest is %XX in capitals.
        for byte in 0u8..=0x7f {
            let text = (byte as char).to_string();
            let expected = if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                text.clone()
            } else {
                format!("%{byte:02X}")
            };
            assert_eq!(encode_query_value(&text), expected, "byte {byte}");
        }
    }
}
