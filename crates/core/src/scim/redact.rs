//! Keeps the bearer token out of everything a diagnosis produces: every string of a report or
//! a progress event passes through `Redactor`, whatever field it sits in, so a server that
//! echoes the token back in a body cannot leak it.

use serde::Serialize;

use crate::Secret;

/// Replaces every form of the token (as given, without a pasted `Bearer ` prefix, JSON-escaped
/// and percent-encoded) with `…last4`. Holds the token, so it is neither `Debug` nor `Serialize`.
pub(crate) struct Redactor {
    needles: Vec<String>,
    hint: String,
}

impl Redactor {
    pub(crate) fn new(token: &Secret) -> Self {
        let raw = token.expose().trim();
        let mut needles = Vec::new();
        let mut add = |value: &str| {
            // Very short values would shred ordinary text; a real token is never that short.
            if value.len() >= 6 && !needles.iter().any(|n: &String| n == value) {
                needles.push(value.to_string());
            }
        };
        add(raw);
        let bare = super::auth_checks::strip_bearer(raw);
        add(bare);
        for value in [raw, bare] {
            if let Ok(escaped) = serde_json::to_string(value) {
                let escaped = escaped.trim_matches('"');
                add(escaped);
                // Some servers (PHP, .NET) also escape "/" in JSON strings.
                add(&escaped.replace('/', "\\/"));
            }
            let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
            add(&encoded);
        }
        // Longest first, so a prefix form never leaves the tail of a longer one behind.
        needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
        Self {
            needles,
            hint: token.to_string(),
        }
    }

    pub(crate) fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for needle in &self.needles {
            if out.contains(needle.as_str()) {
                out = out.replace(needle.as_str(), "[redacted token]");
            }
        }
        out
    }

    pub(crate) fn hint(&self) -> &str {
        &self.hint
    }

    /// The last line of defence: every string anywhere in a report or a progress event goes
    /// through `redact`, whichever field it sits in.
    pub(crate) fn redact_all<T: Serialize + serde::de::DeserializeOwned>(&self, item: T) -> T {
        let Ok(mut value) = serde_json::to_value(&item) else {
            return item;
        };
        self.redact_value(&mut value);
        serde_json::from_value(value).unwrap_or(item)
    }

    fn redact_value(&self, value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(text) => *text = self.redact(text),
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| self.redact_value(v)),
            serde_json::Value::Object(map) => map.values_mut().for_each(|v| self.redact_value(v)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redactor_removes_every_form_of_the_token() {
        let token = Secret::new("Bearer abc/def+ghi\"jkl-7Q2a");
        let redactor = Redactor::new(&token);
        let text = "echo: Bearer abc/def+ghi\"jkl-7Q2a and abc/def+ghi\"jkl-7Q2a and \
                    abc\\/def+ghi\\\"jkl-7Q2a and abc%2Fdef%2Bghi%22jkl-7Q2a";
        let redacted = redactor.redact(text);
        assert!(!redacted.contains("def+ghi"), "{redacted}");
        assert!(!redacted.contains("def%2Bghi"), "{redacted}");
        assert_eq!(redactor.hint(), "…7Q2a");
    }
}
