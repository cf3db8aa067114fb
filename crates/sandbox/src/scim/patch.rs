//! RFC 7644 §3.5.2 PATCH in both of Entra's dialects
//! (<https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility>):
//! the legacy one (capitalised `Replace`, `active` as the string "False", member removal by `value`
//! array) and the `aadOptscim062020` one (lower-case ops, booleans, pathless multi-attribute
//! `replace` with dotted/URN keys, member removal by `members[value eq "…"]`). Operations are
//! atomic: the caller applies them to a copy and keeps it only if all succeed.

use serde_json::{Map, Value};

use super::filter::{self, get_ci, Filter};

pub(crate) const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

#[derive(Debug)]
pub(crate) struct PatchError {
    pub scim_type: &'static str,
    pub detail: String,
}

fn err(scim_type: &'static str, detail: impl Into<String>) -> PatchError {
    PatchError {
        scim_type,
        detail: detail.into(),
    }
}

#[derive(Debug)]
struct PathSpec {
    urn: Option<String>,
    attr: String,
    filter: Option<Filter>,
    sub: Option<String>,
}

fn parse_path(path: &str) -> Result<PathSpec, PatchError> {
    let path = path.trim();
    if path.is_empty() {
        return Err(err("invalidPath", "empty path"));
    }
    // The whole extension object, e.g. `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`.
    if path.eq_ignore_ascii_case(crate::scim::ENTERPRISE_SCHEMA) {
        return Ok(PathSpec {
            urn: None,
            attr: path.to_string(),
            filter: None,
            sub: None,
        });
    }
    if let Some(open) = path.find('[') {
        // A `]` only before the `[` is a missing `]` (found by fuzzing: it sliced backwards).
        let close = path
            .rfind(']')
            .filter(|close| *close > open)
            .ok_or_else(|| err("invalidPath", format!("missing ] in {path:?}")))?;
        let (urn, attr) = filter::split_urn(&path[..open]);
        let inner = filter::parse(&path[open + 1..close])
            .map_err(|e| err("invalidPath", format!("{path:?}: {e}")))?;
        let tail = &path[close + 1..];
        let sub = match tail.strip_prefix('.') {
            Some(s) if !s.is_empty() => Some(s.to_string()),
            None if tail.is_empty() => None,
            _ => {
                return Err(err(
                    "invalidPath",
                    format!("invalid text after ] in {path:?}"),
                ))
            }
        };
        return Ok(PathSpec {
            urn,
            attr,
            filter: Some(inner),
            sub,
        });
    }
    let (urn, rest) = filter::split_urn(path);
    let (attr, sub) = match rest.split_once('.') {
        Some((a, s)) => (a.to_string(), Some(s.to_string())),
        None => (rest, None),
    };
    if attr.is_empty()
        || !attr
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '-')
    {
        return Err(err(
            "invalidPath",
            format!("invalid attribute in path {path:?}"),
        ));
    }
    Ok(PathSpec {
        urn,
        attr,
        filter: None,
        sub,
    })
}

/// The key actually used in `object` for `name` (case-insensitive), or `name` itself.
fn key_in(object: &Map<String, Value>, name: &str) -> String {
    object
        .keys()
        .find(|k| k.eq_ignore_ascii_case(name))
        .cloned()
        .unwrap_or_else(|| name.to_string())
}

/// Entra's legacy dialect sends booleans as "True"/"False"; store real booleans.
fn normalise(attr: &str, value: Value) -> Value {
    let boolean = ["active", "primary"]
        .iter()
        .any(|b| attr.eq_ignore_ascii_case(b));
    match (&value, boolean) {
        (Value::String(s), true) if s.eq_ignore_ascii_case("true") => Value::Bool(true),
        (Value::String(s), true) if s.eq_ignore_ascii_case("false") => Value::Bool(false),
        _ => value,
    }
}

fn container<'a>(
    resource: &'a mut Value,
    urn: &Option<String>,
    create: bool,
) -> Option<&'a mut Map<String, Value>> {
    let root = resource.as_object_mut()?;
    match urn {
        None => Some(root),
        Some(u) => {
            let key = key_in(root, u);
            if !root.contains_key(&key) {
                if !create {
                    return None;
                }
                root.insert(key.clone(), Value::Object(Map::new()));
            }
            root.get_mut(&key)?.as_object_mut()
        }
    }
}

fn same_element(a: &Value, b: &Value) -> bool {
    match (get_ci(a, "value"), get_ci(b, "value")) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn merge_or_set(slot: &mut Value, value: Value, add: bool) {
    match (slot, value) {
        (Value::Object(existing), Value::Object(new)) => {
            for (k, v) in new {
                let key = key_in(existing, &k);
                let v = normalise(&key, v);
                existing.insert(key, v);
            }
        }
        (Value::Array(existing), Value::Array(new)) if add => {
            for item in new {
                if !existing.iter().any(|e| same_element(e, &item)) {
                    existing.push(item);
                }
            }
        }
        (Value::Array(existing), item) if add && !item.is_array() => {
            if !existing.iter().any(|e| same_element(e, &item)) {
                existing.push(item);
            }
        }
        (slot, value) => *slot = value,
    }
}

/// For `attr[type eq "x"]` with no match, the element an add/replace should create.
fn seed_element(f: &Filter) -> Option<Value> {
    match f {
        Filter::Compare {
            path,
            op: filter::Op::Eq,
            value,
        } => {
            let mut m = Map::new();
            m.insert(path.clone(), value.clone());
            Some(Value::Object(m))
        }
        _ => None,
    }
}

fn apply_path(
    resource: &mut Value,
    op: &str,
    path: &str,
    value: Option<Value>,
) -> Result<(), PatchError> {
    let spec = parse_path(path)?;
    let remove = op == "remove";
    let Some(obj) = container(resource, &spec.urn, !remove) else {
        return Ok(()); // removing from an extension that is not there: nothing to do
    };
    let key = key_in(obj, &spec.attr);
    match (&spec.filter, &spec.sub) {
        (None, None) => {
            if remove {
                match (obj.get_mut(&key), value) {
                    (Some(Value::Array(items)), Some(Value::Array(gone))) => {
                        items.retain(|i| !gone.iter().any(|g| same_element(i, g)))
                    }
                    _ => {
                        obj.remove(&key);
                    }
                }
                return Ok(());
            }
            let value = normalise(
                &key,
                value.ok_or_else(|| {
                    err("invalidSyntax", format!("{op} of {path:?} needs a value"))
                })?,
            );
            match obj.get_mut(&key) {
                Some(slot) => merge_or_set(slot, value, op == "add"),
                None => {
                    obj.insert(key, value);
                }
            }
        }
        (None, Some(sub)) => {
            if remove {
                if let Some(Value::Object(inner)) = obj.get_mut(&key) {
                    let sk = key_in(inner, sub);
                    inner.remove(&sk);
                }
                return Ok(());
            }
            let value = value
                .ok_or_else(|| err("invalidSyntax", format!("{op} of {path:?} needs a value")))?;
            let slot = obj.entry(key).or_insert_with(|| Value::Object(Map::new()));
            let inner = slot.as_object_mut().ok_or_else(|| {
                err(
                    "invalidPath",
                    format!("{path:?}: {} is not complex", spec.attr),
                )
            })?;
            let sk = key_in(inner, sub);
            let value = normalise(&sk, value);
            inner.insert(sk, value);
        }
        (Some(f), sub) => {
            let slot = obj.entry(key).or_insert_with(|| Value::Array(Vec::new()));
            let items = slot.as_array_mut().ok_or_else(|| {
                err(
                    "invalidPath",
                    format!("{path:?}: {} is not multi-valued", spec.attr),
                )
            })?;
            if remove {
                match sub {
                    None => items.retain(|i| !filter::matches(f, i)),
                    Some(s) => items
                        .iter_mut()
                        .filter(|i| filter::matches(f, i))
                        .for_each(|i| {
                            if let Some(o) = i.as_object_mut() {
                                let sk = key_in(o, s);
                                o.remove(&sk);
                            }
                        }),
                }
                return Ok(());
            }
            let value = value
                .ok_or_else(|| err("invalidSyntax", format!("{op} of {path:?} needs a value")))?;
            if !items.iter().any(|i| filter::matches(f, i)) {
                // Entra replaces `emails[type eq "work"].value` even when none exists yet.
                let seed = seed_element(f)
                    .ok_or_else(|| err("noTarget", format!("no value matches {path:?}")))?;
                items.push(seed);
            }
            for item in items.iter_mut().filter(|i| filter::matches(f, i)) {
                match sub {
                    Some(s) => {
                        if let Some(o) = item.as_object_mut() {
                            let sk = key_in(o, s);
                            let v = normalise(&sk, value.clone());
                            o.insert(sk, v);
                        }
                    }
                    None => merge_or_set(item, value.clone(), false),
                }
            }
        }
    }
    Ok(())
}

/// Applies a PatchOp body to `resource` (a copy: on error the caller drops it).
pub(crate) fn apply(resource: &mut Value, body: &Value) -> Result<(), PatchError> {
    let schemas = body.get("schemas").and_then(Value::as_array);
    if !schemas.is_some_and(|s| {
        s.iter()
            .any(|u| u.as_str().is_some_and(|u| u.eq_ignore_ascii_case(PATCH_OP)))
    }) {
        return Err(err(
            "invalidSyntax",
            format!("schemas must contain {PATCH_OP}"),
        ));
    }
    let ops = get_ci(body, "Operations")
        .and_then(Value::as_array)
        .ok_or_else(|| err("invalidSyntax", "Operations must be an array"))?;
    if ops.is_empty() {
        return Err(err("invalidSyntax", "Operations is empty"));
    }
    for operation in ops {
        let op = get_ci(operation, "op")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        if !matches!(op.as_str(), "add" | "remove" | "replace") {
            return Err(err(
                "invalidSyntax",
                format!("op must be add, remove or replace, not {op:?}"),
            ));
        }
        let value = get_ci(operation, "value").cloned();
        match get_ci(operation, "path").and_then(Value::as_str) {
            Some(path) => apply_path(resource, &op, path, value)?,
            None if op == "remove" => return Err(err("noTarget", "remove needs a path")),
            None => {
                let Some(Value::Object(attrs)) = value else {
                    return Err(err(
                        "invalidValue",
                        format!("{op} without a path needs an object value"),
                    ));
                };
                for (name, v) in attrs {
                    apply_path(resource, &op, &name, Some(v))?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_close_bracket_before_the_open_one_is_an_invalid_path() {
        // The fuzz target sandbox_patch's crash: `emai]ls[type eq "w"` sliced backwards.
        let mut user = serde_json::json!({"userName": "a"});
        let body = serde_json::json!({
            "schemas": [PATCH_OP],
            "Operations": [{"op": "add", "path": "emai]ls[type eq \"w\"", "value": "x"}]
        });
        let refusal = apply(&mut user, &body).expect_err("refused");
        assert_eq!(refusal.scim_type, "invalidPath");
    }

    use super::*;
    use serde_json::json;

    fn user() -> Value {
        json!({"userName": "a@contoso.com", "active": true, "name": {"givenName": "A", "familyName": "B"},
            "emails": [{"type": "work", "value": "a@contoso.com", "primary": true}]})
    }

    fn patch(resource: &mut Value, ops: Value) -> Result<(), PatchError> {
        apply(resource, &json!({"schemas": [PATCH_OP], "Operations": ops}))
    }

    #[test]
    fn legacy_dialect() {
        let mut u = user();
        patch(
            &mut u,
            json!([{"op": "Replace", "path": "active", "value": "False"},
            {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "new@contoso.com"},
            {"op": "Replace", "path": "name.familyName", "value": "C"},
            {"op": "Add", "path": "nickName", "value": "Babs"}]),
        )
        .expect("applies");
        assert_eq!(u["active"], json!(false));
        assert_eq!(u["emails"][0]["value"], "new@contoso.com");
        assert_eq!(u["name"]["familyName"], "C");
        assert_eq!(u["nickName"], "Babs");
    }

    #[test]
    fn compliant_dialect() {
        let mut u = user();
        patch(&mut u, json!([{"op": "replace", "value": {"displayName": "D", "name.givenName": "G",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "42", "active": false}}])).expect("applies");
        assert_eq!(u["displayName"], "D");
        assert_eq!(u["name"]["givenName"], "G");
        assert_eq!(
            u["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["employeeNumber"],
            "42"
        );
        assert_eq!(u["active"], json!(false));
    }

    #[test]
    fn members_both_dialects() {
        let mut g = json!({"displayName": "G", "members": []});
        patch(&mut g, json!([{"op": "Add", "path": "members", "value": [{"$ref": null, "value": "u1"}, {"value": "u2"}, {"value": "u3"}]}])).expect("add");
        patch(
            &mut g,
            json!([{"op": "Add", "path": "members", "value": [{"value": "u1"}]}]),
        )
        .expect("idempotent add");
        assert_eq!(g["members"].as_array().map(Vec::len), Some(3));
        patch(
            &mut g,
            json!([{"op": "Remove", "path": "members", "value": [{"$ref": null, "value": "u1"}]}]),
        )
        .expect("legacy remove");
        patch(
            &mut g,
            json!([{"op": "remove", "path": "members[value eq \"u2\"]"}]),
        )
        .expect("compliant remove");
        assert_eq!(g["members"], json!([{"value": "u3"}]));
    }

    #[test]
    fn errors() {
        let mut u = user();
        assert_eq!(
            patch(
                &mut u,
                json!([{"op": "jump", "path": "active", "value": true}])
            )
            .map_err(|e| e.scim_type)
            .err(),
            Some("invalidSyntax")
        );
        assert_eq!(
            patch(&mut u, json!([{"op": "remove"}]))
                .map_err(|e| e.scim_type)
                .err(),
            Some("noTarget")
        );
        assert_eq!(
            patch(
                &mut u,
                json!([{"op": "add", "path": "emails[type eq", "value": 1}])
            )
            .map_err(|e| e.scim_type)
            .err(),
            Some("invalidPath")
        );
        assert!(apply(&mut u, &json!({"Operations": []})).is_err());
    }
}
