//! `Secret` keeps tokens out of logs, reports and the UI by construction: it prints only
//! its last four characters and does not implement `Serialize`. Every value is registered
//! with the redactor (`crate::redact`) as it is created, so a server that quotes it back
//! cannot carry it into a message either.

use std::fmt;

/// A secret string (bearer token, refresh token, access token).
///
/// `Debug` and `Display` print `…` and the last four characters; there is no `Serialize`
/// impl, so a struct that holds one cannot be sent to the webview or written to a report by
/// accident. Call [`Secret::expose`] only where the value must leave the process (an HTTP
/// header, the keychain).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value` and registers it with [`crate::redact`], so every text the engine
    /// quotes from a server is cleaned of it from now on.
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        crate::redact::register(&value);
        Self(value)
    }

    /// The whole value, for the one place that must send or store it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The last four characters, the way the UI names a stored token ("ends in …7Q2a").
    pub fn last_four(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        let start = chars.len().saturating_sub(4);
        chars[start..].iter().collect()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(…{})", self.last_four())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "…{}", self.last_four())
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_show_only_the_last_four() {
        let s = Secret::new("eyJhbGciOi-very-secret-7Q2a");
        assert_eq!(format!("{s}"), "…7Q2a");
        assert_eq!(format!("{s:?}"), "Secret(…7Q2a)");
        assert!(!format!("{s:?} {s}").contains("very-secret"));
    }

    #[test]
    fn short_secrets_do_not_panic() {
        assert_eq!(Secret::new("ab").last_four(), "ab");
        assert_eq!(Secret::new("").to_string(), "…");
    }
}
