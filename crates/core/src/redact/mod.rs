//! The one redactor: every text that quotes a server (Entra's `validateCredentials` and
//! `provisionOnDemand` messages, Graph, SCIM and OAuth error bodies) passes [`redact_text`]
//! before it reaches a `Problem`, the UI, the CLI, a log line or a report.
//!
//! Why a process-wide registry: [`Secret::new`](crate::Secret::new) registers its value here
//! (and the OAuth legs register codes and PKCE verifiers), so the redactor knows every secret
//! the engine has held without each caller threading a list through. A list passed by hand is
//! only as good as the caller who remembers it; a registry fed by the one constructor of the
//! one secret type cannot be forgotten. Values are never removed: a token quoted after it was
//! dropped must still be hidden, and a process holds a handful of them.
//!
//! It fails closed: after replacing every known encoding, the result is decoded once more
//! (percent, JSON and HTML escapes, any case of hex); if a secret still shows, or the registry
//! cannot be read, the whole text is replaced by [`WITHHELD`], never passed through.

mod encodings;

use std::borrow::Cow;
use std::sync::{Arc, LazyLock, RwLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

pub use encodings::SHORTEST_SECRET;

/// What a secret is replaced with.
pub const REDACTED: &str = "[redacted]";

/// What a whole text is replaced with when it cannot be proven free of secrets.
pub const WITHHELD: &str =
    "[text withheld: it quoted a secret in a form that could not be redacted]";

/// Every secret the process has held: the bare values (for the final check) and every
/// encoded form (for replacement), searched at once.
#[derive(Default)]
struct Registry {
    bare: Vec<String>,
    needles: Vec<String>,
    searcher: Option<Arc<AhoCorasick>>,
}

static REGISTRY: LazyLock<RwLock<Registry>> = LazyLock::new(|| RwLock::new(Registry::default()));

/// Makes `value` (a token, refresh token, authorization code, PKCE verifier…) known to the
/// redactor, in every encoding it may be quoted in: as is, without a `Bearer ` prefix,
/// JSON-escaped, percent-encoded, HTML-escaped and base64 (standard and URL-safe, at any
/// offset). Values shorter than [`SHORTEST_SECRET`] characters are ignored: no credential is
/// that short, and hiding them would shred ordinary words.
pub fn register(value: &str) {
    let Some(bare) = encodings::bare(value) else {
        return;
    };
    // A poisoned lock is recovered: adding a value can only make redaction stricter.
    let mut registry = REGISTRY
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if registry.bare.iter().any(|known| known == bare) {
        return;
    }
    registry.bare.push(bare.to_string());
    let mut needles = std::mem::take(&mut registry.needles);
    for needle in encodings::needles(value) {
        if !needles.contains(&needle) {
            needles.push(needle);
        }
    }
    registry.searcher = AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&needles)
        .ok()
        .map(Arc::new);
    registry.needles = needles;
}

/// `text` with every registered secret (in any encoding) and every credential-looking
/// `Bearer …` value replaced by [`REDACTED`]; or [`WITHHELD`] when a secret would still show
/// or the registry cannot be read. Borrows `text` when there was nothing to hide.
pub fn redact_text(text: &str) -> Cow<'_, str> {
    if text.is_empty() {
        return Cow::Borrowed(text);
    }
    let Ok(registry) = REGISTRY.read() else {
        return Cow::Borrowed(WITHHELD);
    };
    if !registry.needles.is_empty() && registry.searcher.is_none() {
        // The search could not be built: nothing can be proven, so nothing is quoted.
        return Cow::Borrowed(WITHHELD);
    }
    let replaced = match &registry.searcher {
        Some(searcher) if searcher.is_match(text) => {
            Cow::Owned(searcher.replace_all(text, &vec![REDACTED; registry.needles.len()]))
        }
        _ => Cow::Borrowed(text),
    };
    let scrubbed = match encodings::scrub_bearer_values(&replaced) {
        Some(owned) => Cow::Owned(owned),
        None => replaced,
    };
    if encodings::still_shows_a_secret(&scrubbed, &registry.bare) {
        return Cow::Borrowed(WITHHELD);
    }
    scrubbed
}

/// [`redact_text`] into an owned `String`, for struct fields.
pub fn redact_owned(text: impl Into<String>) -> String {
    let text = text.into();
    match redact_text(&text) {
        Cow::Borrowed(same) if same.len() == text.len() && same == text => text,
        other => other.into_owned(),
    }
}

/// Redacts every string inside a JSON value in place, keys included.
pub fn redact_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(text) => *text = redact_owned(std::mem::take(text)),
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_json),
        serde_json::Value::Object(map) => {
            let entries = std::mem::take(map);
            for (key, mut item) in entries {
                redact_json(&mut item);
                map.insert(redact_owned(key), item);
            }
        }
        _ => {}
    }
}

/// Why a structured value could not be redacted (it did not survive its JSON round trip);
/// the caller must drop it, not use the original.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the value could not be checked for secrets")]
pub struct Withheld;

/// Every string anywhere in `item` redacted, by a round trip through JSON. Fails closed: when
/// the round trip fails, the caller gets [`Withheld`] instead of the unredacted original.
pub fn redact_serde<T: serde::Serialize + serde::de::DeserializeOwned>(
    item: &T,
) -> Result<T, Withheld> {
    let mut value = serde_json::to_value(item).map_err(|_| Withheld)?;
    redact_json(&mut value);
    serde_json::from_value(value).map_err(|_| Withheld)
}

#[cfg(test)]
mod tests;
