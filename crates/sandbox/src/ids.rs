//! Identifiers and secrets. Directory objects get deterministic ids that encode their index
//! (so a million users need no id map); everything secret is random per run.

use base64::Engine;
use rand::RngCore;

pub(crate) fn new_guid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// `n` random bytes, base64url without padding.
pub(crate) fn secret(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A GUID of a family (`kind`, 8 hex digits) that carries an index in its last 12 digits.
pub(crate) fn indexed_guid(kind: u32, index: u64) -> String {
    format!("{kind:08x}-5a4d-4b0c-9d1e-{index:012x}")
}

/// The index of an `indexed_guid` of the family `kind`, if `id` is one.
pub(crate) fn index_of(kind: u32, id: &str) -> Option<u64> {
    let prefix = format!("{kind:08x}-5a4d-4b0c-9d1e-");
    let rest = id.to_ascii_lowercase();
    let tail = rest.strip_prefix(&prefix)?;
    if tail.len() != 12 {
        return None;
    }
    u64::from_str_radix(tail, 16).ok()
}

pub(crate) fn sha256_b64url(input: &[u8]) -> String {
    use sha2::Digest;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(input))
}

pub(crate) fn now_iso() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexed_guids_round_trip() {
        let id = indexed_guid(0x0e5e_0001, 999_999);
        assert_eq!(index_of(0x0e5e_0001, &id), Some(999_999));
        assert_eq!(index_of(0x0e5e_0002, &id), None);
        assert!(uuid::Uuid::parse_str(&id).is_ok());
    }
}
