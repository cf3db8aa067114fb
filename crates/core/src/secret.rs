//! `Secret` keeps tokens out of logs, reports and the UI by construction: it prints only
//! its last four characters and does not implement `Serialize`. Every value is registered
//! with the redactor (`crate::redact`) as it is created, so a server that quotes it back
//! cannot carry it into a message either. A secret the webview sends (a pasted token) is
//! deserialized straight into a `Secret`, so no printable `String` holds it on the way.

use std::fmt;

use serde::de::{Deserialize, Deserializer, Error, Visitor};
use ts_rs::TS;

/// A secret string (bearer token, refresh token, access token).
///
/// `Debug` and `Display` print `…` and the last four characters; there is no `Serialize`
/// impl, so a struct that holds one cannot be sent to the webview or written to a report by
/// accident. Call [`Secret::expose`] only where the value must leave the process (an HTTP
/// header, the keychain).
///
/// It deserializes from a JSON string (the webview's pasted token); in TypeScript it is a
/// `string` that only ever travels UI → engine.
#[derive(Clone, PartialEq, Eq, TS)]
#[ts(export)]
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

impl<'de> Deserialize<'de> for Secret {
    /// Errors: serde's `invalid type` when the value is not a string (the error names the
    /// type it got, never the value).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SecretVisitor;
        impl Visitor<'_> for SecretVisitor {
            type Value = Secret;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a secret as a string")
            }
            fn visit_str<E: Error>(self, value: &str) -> Result<Secret, E> {
                Ok(Secret::new(value))
            }
            fn visit_string<E: Error>(self, value: String) -> Result<Secret, E> {
                Ok(Secret::new(value))
            }
        }
        deserializer.deserialize_str(SecretVisitor)
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
    fn a_secret_deserializes_from_a_json_string_and_prints_only_its_last_four() {
        let s: Secret = serde_json::from_str(r#""pasted-token-7Q2a""#).expect("a string");
        assert_eq!(s.expose(), "pasted-token-7Q2a");
        assert_eq!(format!("{s:?}"), "Secret(…7Q2a)");
        let wrong = serde_json::from_str::<Secret>("42").expect_err("not a string");
        assert!(wrong.to_string().contains("expected a secret as a string"));
    }

    #[test]
    fn short_secrets_do_not_panic() {
        assert_eq!(Secret::new("ab").last_four(), "ab");
        assert_eq!(Secret::new("").to_string(), "…");
    }
}
