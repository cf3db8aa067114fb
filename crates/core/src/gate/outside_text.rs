//! A type for text that came from outside (a server's header or body, a file a person gave
//! us): it can be parsed or compared, but shown only through the gate.

/// Text from outside the app. It implements neither `Display` nor a raw `Serialize`: the only
/// ways to show it are [`OutsideText::shown`] and [`OutsideText::shown_line`] (and its
/// `Serialize` and `Debug`, which go through them), so a quote cannot reach a face ungated.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct OutsideText(String);

impl OutsideText {
    /// Wraps `raw`, as received.
    pub fn new(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }

    /// Wraps bytes as received; bytes that are not UTF-8 become U+FFFD.
    pub fn from_bytes(raw: &[u8]) -> Self {
        Self(String::from_utf8_lossy(raw).into_owned())
    }

    /// The text as a block a person may read ([`super::block`]).
    pub fn shown(&self) -> String {
        super::block(&self.0)
    }

    /// The text as one line a person may read ([`super::line`]).
    pub fn shown_line(&self) -> String {
        super::line(&self.0)
    }

    /// The text as received, to parse or compare, never to show.
    pub fn raw_for_parsing(&self) -> &str {
        &self.0
    }

    /// True when there is no text.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for OutsideText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("OutsideText")
            .field(&self.shown_line())
            .finish()
    }
}

impl serde::Serialize for OutsideText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.shown())
    }
}
