//! Entry points for the fuzz targets in `fuzz/` (docs/fuzzing.md), and only for them: the SCIM
//! filter and PATCH parsers stay crate-private, these two functions run them on raw input
//! the way the sandbox's SCIM server does. Not part of the sandbox's API.

use serde_json::Value;

/// Parses `filter` as a SCIM filter (RFC 7644 §3.4.2.2) and, when it parses, evaluates it
/// against `resource` (JSON). Returns `None` when the filter does not parse (the server
/// answers 400 `invalidFilter`), else whether the resource matches. Never panics.
pub fn filter_matches(filter: &str, resource: &[u8]) -> Option<bool> {
    let parsed = crate::scim::filter::parse(filter).ok()?;
    let resource: Value = serde_json::from_slice(resource).unwrap_or(Value::Null);
    Some(crate::scim::filter::matches(&parsed, &resource))
}

/// Applies `body` (a SCIM PatchOp, RFC 7644 §3.5.2) to `resource`, both JSON, as the server's
/// PATCH handler does. Returns the patched resource, or the `scimType` of the refusal
/// (`invalidSyntax` for a body that is not JSON). Never panics.
pub fn apply_patch(resource: &[u8], body: &[u8]) -> Result<Value, &'static str> {
    let mut resource: Value = serde_json::from_slice(resource).unwrap_or(Value::Null);
    let body: Value = serde_json::from_slice(body).map_err(|_| "invalidSyntax")?;
    crate::scim::patch::apply(&mut resource, &body).map_err(|refusal| refusal.scim_type)?;
    Ok(resource)
}
