//! Removal of terminal control sequences and Unicode bidirectional controls from quoted text
//! (ECMA-48 section 5 for the sequences, Unicode UAX #9 section 2 for the bidi controls).

use std::borrow::Cow;

/// Whether a quote is a block (newlines and tabs kept) or one line (they become spaces).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Layout {
    Block,
    Line,
}

/// The bidirectional formatting characters of UAX #9 (section 2): the embeddings and
/// overrides U+202A–U+202E, the isolates U+2066–U+2069, the marks U+200E, U+200F and the
/// Arabic letter mark U+061C.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// True for a character the gate removes in `layout` (not counting what a sequence it opens
/// swallows): C0 except newline and tab in a block, DEL, C1, and the bidi controls.
pub(super) fn is_removed(c: char, layout: Layout) -> bool {
    match c {
        '\n' | '\t' => layout == Layout::Line,
        c if c.is_control() => true, // C0, DEL and C1 (Unicode general category Cc)
        c => is_bidi_control(c),
    }
}

/// `text` without control sequences, control characters and bidi controls; in
/// [`Layout::Line`], newlines and tabs become one space each. Borrows when nothing changes.
///
/// A control written as a JSON escape (`\u001b[2J`, `\u009b`, `\u0007`) counts as the
/// control it encodes: Entra quotes a SCIM server's JSON body as text, so a server's escape
/// sequence (and a token split by one) arrives in that form.
pub(super) fn strip(text: &str, layout: Layout) -> Cow<'_, str> {
    let decoded = decode_escaped_controls(text);
    let text = decoded.as_ref();
    if !text.chars().any(|c| is_removed(c, layout)) {
        return match decoded {
            Cow::Borrowed(same) => Cow::Borrowed(same),
            Cow::Owned(owned) => Cow::Owned(owned),
        };
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' if layout == Layout::Line => out.push(' '),
            '\n' | '\t' => out.push(c),
            // ESC opens a sequence (ECMA-48 5.3): CSI `ESC [`, OSC `ESC ]`, the string
            // controls `ESC P`, `ESC X`, `ESC ^`, `ESC _`, or an escape with one final byte.
            '\u{1b}' => match chars.peek().copied() {
                Some('[') => {
                    chars.next();
                    skip_csi(&mut chars);
                }
                Some(']' | 'P' | 'X' | '^' | '_') => {
                    chars.next();
                    skip_string(&mut chars);
                }
                Some(next) if (' '..='~').contains(&next) => {
                    chars.next();
                }
                _ => {}
            },
            // Their 8-bit forms (C1): CSI U+009B, OSC U+009D, DCS U+0090, SOS U+0098,
            // PM U+009E, APC U+009F.
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            c if is_removed(c, layout) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `text` with each JSON escape of a control character other than newline, tab and carriage
/// return (`\u0000`–`\u001f`, `\u007f`–`\u009f`, any case of hex) replaced by that
/// character, so [`strip`] removes it and the sequence it opens. Borrows when there is none.
fn decode_escaped_controls(text: &str) -> Cow<'_, str> {
    if !text.contains("\\u00") && !text.contains("\\U00") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let escape = rest.get(at..at + 6);
        let control = escape
            .filter(|e| matches!(e.as_bytes()[1], b'u' | b'U'))
            .map(|e| &e[2..])
            .filter(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .and_then(char::from_u32)
            .filter(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'));
        match control {
            Some(c) => {
                out.push(c);
                rest = &rest[at + 6..];
            }
            None => {
                out.push('\\');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Skips a CSI's parameter bytes (0x30–0x3F), intermediate bytes (0x20–0x2F) and its final
/// byte (0x40–0x7E), as ECMA-48 5.4 defines them; stops at anything else.
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(&c) = chars.peek() {
        match c {
            '\u{30}'..='\u{3f}' | '\u{20}'..='\u{2f}' => {
                chars.next();
            }
            '\u{40}'..='\u{7e}' => {
                chars.next();
                return;
            }
            _ => return,
        }
    }
}

/// Skips a control string up to its terminator: ST (`ESC \` or U+009C), or BEL, which
/// terminals also accept after OSC. An unterminated string runs to the end of the text.
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}
