//! The forms a secret takes when a server quotes it, and the decodings the final check looks
//! through. Pure functions; the registry in `mod.rs` holds the state.

use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine as _;

/// Secrets shorter than this many characters are not registered (no credential is).
pub const SHORTEST_SECRET: usize = 8;

/// A `Bearer …` value this long (or longer) is hidden even when the redactor never saw it.
const SHORTEST_BEARER_VALUE: usize = 16;

/// The value without surrounding space and without a pasted `Bearer ` prefix; `None` when
/// too short to be a credential.
pub(super) fn bare(value: &str) -> Option<&str> {
    let trimmed = value.trim();
    let bare = match trimmed.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => trimmed[7..].trim_start(),
        _ => trimmed,
    };
    (bare.chars().count() >= SHORTEST_SECRET).then_some(bare)
}

/// Every encoded form of `value` worth replacing, longest first is not required (the
/// searcher matches leftmost-longest).
pub(super) fn needles(value: &str) -> Vec<String> {
    let Some(bare) = bare(value) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for form in [value.trim(), bare] {
        out.push(form.to_string());
        if let Ok(quoted) = serde_json::to_string(form) {
            let escaped = quoted[1..quoted.len() - 1].to_string();
            // PHP and .NET also escape "/" in JSON strings.
            let escaped_slash = escaped.replace('/', "\\/");
            // A JSON body quoted inside another JSON string (Entra's messages quote the SCIM
            // server's answer) escapes each backslash once more.
            for once in [&escaped_slash, &escaped] {
                if let Ok(twice) = serde_json::to_string(once) {
                    out.push(twice[1..twice.len() - 1].to_string());
                }
            }
            out.push(escaped_slash);
            out.push(escaped);
        }
        out.push(url::form_urlencoded::byte_serialize(form.as_bytes()).collect());
        out.push(
            percent_encoding::utf8_percent_encode(form, percent_encoding::NON_ALPHANUMERIC)
                .to_string(),
        );
        out.push(html_escape(form));
    }
    out.extend(base64_cores(bare));
    out.retain(|needle| !needle.is_empty());
    out.dedup();
    out
}

/// The part of any base64 text that encodes `bare`, at each of the three byte offsets it may
/// start at, in the standard and the URL-safe alphabets (`Basic` credentials, JWT-style
/// wrapping). The characters that mix in neighbouring bytes are left out, so the core is the
/// same whatever surrounds the secret.
fn base64_cores(bare: &str) -> Vec<String> {
    let len = bare.len();
    let mut cores = Vec::new();
    for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
        for offset in 0..3 {
            let mut bytes = vec![0u8; offset];
            bytes.extend_from_slice(bare.as_bytes());
            let encoded = engine.encode(&bytes);
            let start = (8 * offset).div_ceil(6);
            let end = 8 * (offset + len) / 6;
            if let Some(core) = encoded.get(start..end) {
                cores.push(core.to_string());
            }
        }
    }
    cores
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Hides what follows `Bearer ` when it looks like a credential (a long run of token
/// characters), for tokens the redactor never saw. `None` when nothing changed.
pub(super) fn scrub_bearer_values(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = lower[from..].find("bearer ") {
        let value_start = from + found + "bearer ".len();
        let value_len = text[value_start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || "-._~+/=".contains(c)))
            .unwrap_or(text.len() - value_start);
        if value_len >= SHORTEST_BEARER_VALUE {
            out.push_str(&text[copied..value_start]);
            out.push_str(super::REDACTED);
            copied = value_start + value_len;
        }
        from = value_start + value_len;
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// True when `text`, read through percent, JSON and HTML decoding (in either order), still
/// contains one of `secrets`: the replacement missed a form, so the text must not be quoted.
pub(super) fn still_shows_a_secret(text: &str, secrets: &[String]) -> bool {
    if secrets.is_empty() {
        return false;
    }
    let percent = percent_decode(text);
    let views = [
        html_unescape(&json_unescape(&percent)),
        percent_decode(&json_unescape(&html_unescape(text))),
        // A JSON body quoted inside another JSON string: two levels of escapes.
        json_unescape(&json_unescape(&percent)),
        text.to_string(),
    ];
    views
        .iter()
        .any(|view| secrets.iter().any(|secret| view.contains(secret.as_str())))
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// Undoes JSON string escapes (`\"`, `\/`, `\uXXXX`, surrogate pairs); anything else is kept.
fn json_unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let Ok(unit) = u16::from_str_radix(&hex, 16) else {
                    out.push_str("\\u");
                    out.push_str(&hex);
                    continue;
                };
                let mut units = vec![unit];
                if (0xD800..0xDC00).contains(&unit) && chars.peek() == Some(&'\\') {
                    let rest: String = chars.clone().take(6).collect();
                    if let Some(low) = rest
                        .strip_prefix("\\u")
                        .and_then(|h| u16::from_str_radix(h, 16).ok())
                    {
                        units.push(low);
                        chars.by_ref().take(6).for_each(drop);
                    }
                }
                out.push_str(&String::from_utf16_lossy(&units));
            }
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Undoes the HTML entities a server may escape a token with (named basics and numeric).
fn html_unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|end| *end <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
