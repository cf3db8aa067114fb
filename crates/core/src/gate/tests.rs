//! The gate over families of hostile quotes: each kind of terminal sequence, each bidi
//! control, secrets hidden or split by them, and bounds at every kind of char boundary.

use super::*;

/// Terminal sequences a server could quote (ECMA-48): CSI clear screen and colours, cursor
/// moves, OSC set-title ended by BEL and by ST, DCS, the 8-bit CSI and OSC, a reset, and
/// save-cursor (an ESC before any letter is a two-byte sequence, ECMA-48 5.3).
const SEQUENCES: [&str; 11] = [
    "\u{1b}[2J\u{1b}[H",
    "\u{1b}[31;1m",
    "\u{1b}[0m",
    "\u{1b}[10;20H",
    "\u{1b}]0;pwned title\u{7}",
    "\u{1b}]2;pwned title\u{1b}\\",
    "\u{1b}Pq#0;2;0;0;0\u{1b}\\",
    "\u{9b}2J",
    "\u{9d}0;title\u{9c}",
    "\u{1b}c",
    "\u{1b}7",
];

const BIDI: [char; 12] = [
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
];

fn has_no_controls(text: &str) {
    assert!(is_clean(text), "{text:?}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{9b}'),
        "{text:?}"
    );
}

#[test]
fn every_terminal_sequence_is_removed_whole() {
    for sequence in SEQUENCES {
        let quoted = format!("before{sequence}after");
        assert_eq!(block(&quoted), "beforeafter", "{sequence:?}");
        assert_eq!(line(&quoted), "beforeafter", "{sequence:?}");
    }
}

#[test]
fn every_c0_c1_and_del_character_is_removed_but_a_block_keeps_newline_and_tab() {
    let controls = (0u32..0x20)
        .chain([0x7f])
        .chain(0x80..0xa0)
        .filter_map(char::from_u32);
    for c in controls {
        let quoted = format!("a{c}b\nc\td");
        let shown = block(&quoted);
        has_no_controls(&shown);
        // The sequence openers may swallow what follows them; everything else leaves the
        // text around it as it was.
        if !matches!(
            c,
            '\u{1b}' | '\u{9b}' | '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}'
        ) {
            let expected = if c == '\n' || c == '\t' {
                format!("a{c}b\nc\td")
            } else {
                "ab\nc\td".to_string()
            };
            assert_eq!(shown, expected, "U+{:04X}", c as u32);
        }
        assert!(!line(&quoted).contains(['\n', '\t']), "U+{:04X}", c as u32);
    }
}

#[test]
fn every_bidi_control_is_removed() {
    for c in BIDI {
        let quoted = format!("user{c}gpj.exe");
        assert_eq!(block(&quoted), "usergpj.exe", "U+{:04X}", c as u32);
        assert_eq!(line(&quoted), "usergpj.exe", "U+{:04X}", c as u32);
    }
}

#[test]
fn a_secret_split_by_a_control_sequence_or_bidi_control_is_still_redacted() {
    let token = "gate-split-token-9a8b7c6d";
    crate::redact::register(token);
    let (head, tail) = token.split_at(10);
    let splitters = SEQUENCES
        .iter()
        .map(|s| s.to_string())
        .chain(BIDI.iter().map(|c| c.to_string()))
        .chain(["\u{0}".to_string(), "\u{7f}".to_string()]);
    for splitter in splitters {
        // A sequence that eats the text after it (an unterminated OSC) would eat the tail too.
        let quoted = format!("request-id: req-{head}{splitter}{tail} end\u{7}");
        for shown in [block(&quoted), line(&quoted)] {
            assert!(
                !shown.contains(head) || !shown.contains(tail),
                "{splitter:?}: {shown}"
            );
            assert!(!shown.contains(token), "{splitter:?}: {shown}");
            has_no_controls(&shown);
        }
    }
}

#[test]
fn markup_is_kept_for_the_face_to_escape() {
    // The gate is not an HTML escaper: the HTML report escapes markup (maud); the CLI prints
    // it as text. It only loses the control bytes.
    assert_eq!(
        block("<script>alert(1)</script>\u{1b}[2J"),
        "<script>alert(1)</script>"
    );
}

#[test]
fn long_quotes_are_cut_at_a_char_boundary_and_say_how_much_was_left_out() {
    for (unit, width) in [("a", 1), ("é", 2), ("€", 3), ("😀", 4)] {
        for extra in 0..5 {
            let quoted = unit.repeat(MAX_BLOCK_BYTES / width + 10 + extra);
            let shown = block(&quoted);
            let (kept, note) = shown.split_once('…').expect("a visible cut");
            assert!(kept.len() <= MAX_BLOCK_BYTES, "{unit}");
            assert!(
                kept.len() + width > MAX_BLOCK_BYTES,
                "{unit}: cut no earlier than needed"
            );
            assert_eq!(note, format!(" ({} more bytes)", quoted.len() - kept.len()));
            let line_shown = line(&quoted);
            assert!(line_shown.len() < MAX_LINE_BYTES + 40, "{unit}");
        }
    }
    assert_eq!(block("short"), "short");
    assert_eq!(bound("abc", 3), "abc");
    assert_eq!(bound("abcd", 3), "abc… (1 more bytes)");
}

#[test]
fn a_cut_never_exposes_part_of_a_secret() {
    let token = "gate-bound-token-5e4d3c2b1a";
    crate::redact::register(token);
    for at in 0..token.len() {
        let quoted = format!("{}{token}", "x".repeat(MAX_LINE_BYTES - at));
        let shown = line(&quoted);
        assert!(
            !shown.contains(&token[..token.len().min(12)]),
            "{at}: {shown}"
        );
    }
}

#[test]
fn outside_text_shows_only_through_the_gate() {
    let token = "gate-outside-token-1f2e3d4c";
    crate::redact::register(token);
    let text = OutsideText::new(format!("req-{token}\u{1b}]0;title\u{7}\u{202E}x"));
    assert_eq!(text.shown_line(), "req-[redacted]x");
    assert_eq!(
        serde_json::to_string(&text).expect("serializes"),
        "\"req-[redacted]x\""
    );
    let debug = format!("{text:?}");
    assert!(
        !debug.contains(token) && !debug.contains('\u{1b}'),
        "{debug}"
    );
    assert!(text.raw_for_parsing().contains(token));
}

#[test]
fn json_values_are_gated_in_every_string_and_key() {
    let token = "gate-json-token-0a9b8c7d";
    crate::redact::register(token);
    let mut value = serde_json::json!({
        format!("k\u{1b}[2J{token}"): ["\u{202E}fine", {"deep": format!("x{token}\u{9b}1m")}],
        "n": 3
    });
    json_in_place(&mut value);
    let text = value.to_string();
    assert!(!text.contains(token), "{text}");
    assert!(
        is_clean(&text) && !text.contains("\\u001b") && !text.contains("\\u009b"),
        "{text}"
    );
}

/// Entra quotes a SCIM server's JSON answer as text, so a server's escape sequences arrive
/// JSON-escaped (`\u001b[2J`): they count as the controls they encode, and a token split by
/// one is joined and redacted.
#[test]
fn json_escaped_controls_count_as_the_controls_they_encode() {
    let token = "gate-escaped-token-6c5b4a3f2e";
    crate::redact::register(token);
    let (head, tail) = token.split_at(9);
    for escape in [
        "\\u001b[31;1m",
        "\\u001B[2J",
        "\\u009b0m",
        "\\u001b]0;t\\u0007",
        "\\u0000",
    ] {
        let quoted = format!("Response Content: {{\"detail\":\"{head}{escape}{tail} ok\"}}");
        let shown = block(&quoted);
        assert!(
            !shown.contains(head) || !shown.contains(tail),
            "{escape}: {shown}"
        );
        assert!(
            !shown.contains("\\u001") && !shown.contains("\\u009"),
            "{escape}: {shown}"
        );
        assert!(shown.ends_with(" ok\"}"), "{escape}: {shown}");
    }
    // Newline, tab and carriage return escapes are text a block keeps; other backslashes stay.
    assert_eq!(
        block("a\\u000ab\\tc\\\\d\\u00zz"),
        "a\\u000ab\\tc\\\\d\\u00zz"
    );
}
