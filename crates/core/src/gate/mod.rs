//! The one gate for text from outside (servers, files, people): before a quote becomes a
//! `Problem`, progress, a log line, CLI output, the window or a report, it loses terminal
//! control sequences and Unicode bidirectional controls, every registered secret (through
//! `crate::redact`, in every encoding) and everything past a bounded length.
//!
//! Why each step, in this order:
//! - Control sequences first (ECMA-48 section 5: C0, C1, DEL, and the CSI/OSC/DCS strings they
//!   open): a server that quotes them would drive the admin's terminal (clear the screen, set
//!   the window title). Whole sequences are removed, not only the ESC byte, and before
//!   redaction, so a token split by an escape sequence is joined again and then found.
//! - Bidirectional overrides and isolates (Unicode UAX #9, section 2; the "Trojan Source"
//!   attack, CVE-2021-42574): they reorder what a person reads without changing the bytes.
//! - Redaction of every secret the engine has held (`crate::redact`), failing closed.
//! - A bound on length last, so a cut can never expose part of a secret the redactor would
//!   have recognised whole.

mod controls;
mod outside_text;

#[cfg(test)]
mod tests;

use std::borrow::Cow;

pub use outside_text::OutsideText;

/// How long a block of quoted text (a cause, a server's error message) may be, in bytes,
/// before it is cut: long enough for any error a service writes for people (Graph's and
/// Entra's messages are a few hundred bytes), short enough that a server cannot fill a screen
/// or a report.
pub const MAX_BLOCK_BYTES: usize = 4096;

/// How long a one-line quote (a request id, a header value, a code) may be, in bytes: request
/// ids are GUIDs (36 bytes); 256 leaves room for any vendor's format.
pub const MAX_LINE_BYTES: usize = 256;

/// `text` as a block that may be shown: control sequences and bidirectional controls removed
/// (newlines and tabs kept), every registered secret redacted, cut after
/// [`MAX_BLOCK_BYTES`] with a visible "… (N more bytes)".
pub fn block(text: &str) -> String {
    block_within(text, MAX_BLOCK_BYTES)
}

/// [`block`] with a caller's bound, in bytes (for a field a person reads at length, such as a
/// report's evidence).
pub fn block_within(text: &str, max_bytes: usize) -> String {
    let stripped = controls::strip(text, controls::Layout::Block);
    let redacted = crate::redact::redact_text(&stripped);
    bound(&redacted, max_bytes).into_owned()
}

/// `text` as one line that may be shown: like [`block`], but newlines and tabs become spaces
/// and the bound is [`MAX_LINE_BYTES`]. For header values, ids and codes.
pub fn line(text: &str) -> String {
    line_within(text, MAX_LINE_BYTES)
}

/// [`line`] with a caller's bound, in bytes (for a request line, whose URL may be long).
pub fn line_within(text: &str, max_bytes: usize) -> String {
    let stripped = controls::strip(text, controls::Layout::Line);
    let redacted = crate::redact::redact_text(&stripped);
    bound(&redacted, max_bytes).into_owned()
}

/// `text` cut to at most `max_bytes` bytes at a char boundary, with "… (N more bytes)" saying
/// how much was left out. Borrows `text` when it fits.
pub fn bound(text: &str, max_bytes: usize) -> Cow<'_, str> {
    if text.len() <= max_bytes {
        return Cow::Borrowed(text);
    }
    let mut cut = max_bytes;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    Cow::Owned(format!(
        "{}… ({} more bytes)",
        &text[..cut],
        text.len() - cut
    ))
}

/// Every string inside a JSON value (keys included) passed through [`block`], in place: for
/// values that are shown as a whole, such as a diagnosis or a report, never for a body that
/// is still to be parsed.
pub fn json_in_place(value: &mut serde_json::Value) {
    json_in_place_within(value, MAX_BLOCK_BYTES);
}

/// [`json_in_place`] with a caller's bound on each string, in bytes; `usize::MAX` for a body
/// that is still to be read as data (Graph's answers), where a cut would change a value.
pub fn json_in_place_within(value: &mut serde_json::Value, max_bytes: usize) {
    match value {
        serde_json::Value::String(text) => *text = block_within(text, max_bytes),
        serde_json::Value::Array(items) => items
            .iter_mut()
            .for_each(|item| json_in_place_within(item, max_bytes)),
        serde_json::Value::Object(map) => {
            let entries = std::mem::take(map);
            for (key, mut item) in entries {
                json_in_place_within(&mut item, max_bytes);
                map.insert(line_within(&key, max_bytes), item);
            }
        }
        _ => {}
    }
}

/// Every string anywhere in `item` through the gate ([`json_in_place`]), by a round trip
/// through JSON. Fails closed: when the round trip fails, the caller gets
/// [`Withheld`](crate::redact::Withheld) and must drop the value, not use the original.
pub fn gate_serde<T: serde::Serialize + serde::de::DeserializeOwned>(
    item: &T,
) -> Result<T, crate::redact::Withheld> {
    let mut value = serde_json::to_value(item).map_err(|_| crate::redact::Withheld)?;
    json_in_place(&mut value);
    serde_json::from_value(value).map_err(|_| crate::redact::Withheld)
}

/// True when `text` holds nothing the gate would remove (no control or bidirectional
/// character, except newline and tab): what tests of every face assert.
pub fn is_clean(text: &str) -> bool {
    !text
        .chars()
        .any(|c| controls::is_removed(c, controls::Layout::Block))
}
