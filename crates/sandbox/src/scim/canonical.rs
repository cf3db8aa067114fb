//! Attribute names as the schema spells them (RFC 7643 §2.1: names are case-insensitive, and
//! a server returns its schema's names): a create with `"UserName"` is stored and returned as
//! `userName`. The enterprise `manager` is always the complex `{"value": "<id>"}`, whether it
//! arrives as a bare id, an object or Entra's one-element list. Unknown attributes stay as sent.

use serde_json::{Map, Value};

use super::{Kind, ENTERPRISE_SCHEMA};

/// Core User attributes (RFC 7643 §4.1).
const USER: &[&str] = &[
    "schemas",
    "id",
    "externalId",
    "meta",
    "userName",
    "name",
    "displayName",
    "nickName",
    "profileUrl",
    "title",
    "userType",
    "preferredLanguage",
    "locale",
    "timezone",
    "active",
    "password",
    "emails",
    "phoneNumbers",
    "ims",
    "photos",
    "addresses",
    "groups",
    "entitlements",
    "roles",
    "x509Certificates",
];
/// Core Group attributes (RFC 7643 §4.2).
const GROUP: &[&str] = &[
    "schemas",
    "id",
    "externalId",
    "meta",
    "displayName",
    "members",
];
/// Enterprise User extension attributes (RFC 7643 §4.3).
const ENTERPRISE: &[&str] = &[
    "employeeNumber",
    "costCenter",
    "organization",
    "division",
    "department",
    "manager",
];
/// Sub-attributes of `name` (RFC 7643 §4.1.1).
const NAME: &[&str] = &[
    "formatted",
    "familyName",
    "givenName",
    "middleName",
    "honorificPrefix",
    "honorificSuffix",
];
/// Sub-attributes of the items of multi-valued attributes (RFC 7643 §2.4, §4.1.2 addresses,
/// members).
const ITEM: &[&str] = &[
    "value",
    "display",
    "type",
    "primary",
    "$ref",
    "formatted",
    "streetAddress",
    "locality",
    "region",
    "postalCode",
    "country",
];
/// Sub-attributes of `manager` (RFC 7643 §4.3).
const MANAGER: &[&str] = &["value", "$ref", "displayName"];
const META: &[&str] = &[
    "resourceType",
    "created",
    "lastModified",
    "location",
    "version",
];

fn spelled(name: &str, names: &[&'static str]) -> Option<&'static str> {
    names.iter().find(|n| n.eq_ignore_ascii_case(name)).copied()
}

/// Renames the keys of `object` found in `names` to the schema's spelling; `inner` says how
/// to treat each known attribute's value.
fn rename(
    object: &mut Map<String, Value>,
    names: &[&'static str],
    inner: impl Fn(&str, &mut Value),
) {
    let keys: Vec<String> = object.keys().cloned().collect();
    for key in keys {
        let Some(canonical) = spelled(&key, names) else {
            continue;
        };
        let Some(mut value) = object.remove(&key) else {
            continue;
        };
        inner(canonical, &mut value);
        object.insert(canonical.to_string(), value);
    }
}

fn items(value: &mut Value) {
    if let Some(list) = value.as_array_mut() {
        for item in list {
            if let Some(object) = item.as_object_mut() {
                rename(object, ITEM, |_, _| {});
            }
        }
    }
}

/// `{"value": id}` from a bare id, an object, or a one-element list of either.
fn manager(value: &mut Value) {
    if let Value::Array(list) = value {
        if list.len() == 1 {
            *value = list.remove(0);
        }
    }
    match value {
        Value::String(id) => {
            let mut object = Map::new();
            object.insert("value".into(), Value::String(std::mem::take(id)));
            *value = Value::Object(object);
        }
        Value::Object(object) => rename(object, MANAGER, |_, _| {}),
        _ => {}
    }
}

fn enterprise(value: &mut Value) {
    if let Some(object) = value.as_object_mut() {
        rename(object, ENTERPRISE, |name, inner| {
            if name == "manager" {
                manager(inner);
            }
        });
    }
}

/// Renames every known attribute of a User or Group body to the schema's spelling.
pub(super) fn canonicalize(kind: Kind, body: &mut Value) {
    let Some(object) = body.as_object_mut() else {
        return;
    };
    let names = match kind {
        Kind::User => USER,
        Kind::Group => GROUP,
    };
    rename(object, names, |name, value| match name {
        "name" => {
            if let Some(inner) = value.as_object_mut() {
                rename(inner, NAME, |_, _| {});
            }
        }
        "meta" => {
            if let Some(inner) = value.as_object_mut() {
                rename(inner, META, |_, _| {});
            }
        }
        "emails" | "phoneNumbers" | "ims" | "photos" | "addresses" | "groups" | "entitlements"
        | "roles" | "x509Certificates" | "members" => items(value),
        _ => {}
    });
    if kind != Kind::User {
        return;
    }
    // The extension under its URN's own spelling.
    if let Some(key) = object
        .keys()
        .find(|k| k.eq_ignore_ascii_case(ENTERPRISE_SCHEMA) && k.as_str() != ENTERPRISE_SCHEMA)
        .cloned()
    {
        if let Some(value) = object.remove(&key) {
            object.insert(ENTERPRISE_SCHEMA.to_string(), value);
        }
    }
    // Enterprise attributes written without their URN (`"manager": …`) belong in it.
    let strays: Vec<String> = object
        .keys()
        .filter(|k| ENTERPRISE.iter().any(|e| e.eq_ignore_ascii_case(k)))
        .cloned()
        .collect();
    for key in strays {
        if let Some(value) = object.remove(&key) {
            let extension = object
                .entry(ENTERPRISE_SCHEMA.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(extension) = extension.as_object_mut() {
                extension.insert(key, value);
            }
        }
    }
    if let Some(extension) = object.get_mut(ENTERPRISE_SCHEMA) {
        enterprise(extension);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_take_the_schemas_case_and_unknown_ones_stay() {
        let mut user = json!({"UserName": "a@contoso.com", "Active": true, "DisplayName": "A",
            "NAME": {"GIVENNAME": "A"}, "Emails": [{"Value": "a@contoso.com", "TYPE": "work"}],
            "favouriteColour": "Teal"});
        canonicalize(Kind::User, &mut user);
        assert_eq!(
            user,
            json!({"userName": "a@contoso.com", "active": true, "displayName": "A",
                "name": {"givenName": "A"}, "emails": [{"value": "a@contoso.com", "type": "work"}],
                "favouriteColour": "Teal"})
        );
    }

    #[test]
    fn manager_is_complex_however_it_arrives() {
        for written in [
            json!("m-1"),
            json!({"Value": "m-1"}),
            json!([{"$ref": null, "value": "m-1"}]),
        ] {
            let mut user = json!({"userName": "a", ENTERPRISE_SCHEMA: {"Manager": written}});
            canonicalize(Kind::User, &mut user);
            assert_eq!(user[ENTERPRISE_SCHEMA]["manager"]["value"], "m-1", "{user}");
        }
        let mut stray = json!({"userName": "a", "manager": "m-2"});
        canonicalize(Kind::User, &mut stray);
        assert_eq!(stray[ENTERPRISE_SCHEMA]["manager"], json!({"value": "m-2"}));
    }
}
