//! What Unity checks on a resource before it stores it: the body is a SCIM object of the right
//! schema, a user's domain is one of the org's validated domains and its userName is unique,
//! a group's name is unique and its members are users of the org.

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::filter::{self, get_ci};
use super::{Kind, ScimStore, GROUP_SCHEMA, USER_SCHEMA};
use crate::http::scim_error;
use crate::state::SharedApp;

pub(super) fn parse_body(body: &Bytes) -> Result<Value, Response> {
    serde_json::from_slice::<Value>(body)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| {
            scim_error(
                StatusCode::BAD_REQUEST,
                Some("invalidSyntax"),
                "The request body is not a JSON object.",
            )
        })
}

/// Strips what the server owns and normalises what Entra's legacy dialect sends as strings.
pub(super) fn clean(kind: Kind, mut body: Value) -> Result<Value, Response> {
    let schema = match kind {
        Kind::User => USER_SCHEMA,
        Kind::Group => GROUP_SCHEMA,
    };
    let has_schema = get_ci(&body, "schemas")
        .and_then(Value::as_array)
        .is_some_and(|s| {
            s.iter()
                .any(|u| u.as_str().is_some_and(|u| u.eq_ignore_ascii_case(schema)))
        });
    if !has_schema {
        return Err(scim_error(
            StatusCode::BAD_REQUEST,
            Some("invalidValue"),
            &format!("schemas must contain {schema}."),
        ));
    }
    if let Some(o) = body.as_object_mut() {
        o.retain(|k, _| !k.eq_ignore_ascii_case("id") && !k.eq_ignore_ascii_case("meta"));
        if kind == Kind::User {
            let active = o.keys().find(|k| k.eq_ignore_ascii_case("active")).cloned();
            match active.and_then(|k| o.get(&k).cloned().map(|v| (k, v))) {
                Some((k, Value::String(s))) => {
                    o.insert(k, Value::Bool(!s.eq_ignore_ascii_case("false")));
                }
                Some(_) => {}
                None => {
                    o.insert("active".into(), Value::Bool(true));
                }
            }
        }
    }
    Ok(body)
}

/// Unity's own checks for a user: userName present, its domain validated, userName unique.
pub(super) fn validate_user(
    app: &SharedApp,
    store: &ScimStore,
    body: &Value,
    except: Option<&str>,
) -> Result<(), Response> {
    let user_name = get_ci(body, "userName")
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or_default();
    if user_name.is_empty() {
        return Err(scim_error(
            StatusCode::BAD_REQUEST,
            Some("invalidValue"),
            "userName is required.",
        ));
    }
    if store.rfc_only {
        // Unity's domain rule is off for third-party compliance runs (see /_sandbox/scim).
        return unique_user_name(store, user_name, except);
    }
    let email = filter::resolve(body, "emails.value")
        .into_iter()
        .find_map(Value::as_str)
        .map(str::to_string);
    let address = if user_name.contains('@') {
        Some(user_name.to_string())
    } else {
        email
    };
    let Some(domain) = address
        .as_deref()
        .and_then(|a| a.rsplit_once('@'))
        .map(|(_, d)| d.to_ascii_lowercase())
    else {
        return Err(scim_error(
            StatusCode::BAD_REQUEST,
            Some("invalidValue"),
            "The user has no email address (userName or emails) in a domain of this organization.",
        ));
    };
    // UNCONFIRMED (Unity's docs do not say): Unity's exact status/text; 400 invalidValue is the plausible shape.
    if !app.unity().domain_validated(&domain) {
        return Err(scim_error(StatusCode::BAD_REQUEST, Some("invalidValue"), &format!(
            "The domain {domain} of user {user_name} is not a validated domain of this organization. \
Validate the domain in Unity (Administration > Single sign on) or provision users of a validated domain.")));
    }
    unique_user_name(store, user_name, except)
}

fn unique_user_name(
    store: &ScimStore,
    user_name: &str,
    except: Option<&str>,
) -> Result<(), Response> {
    if store.conflict(Kind::User, "userName", user_name, except) {
        return Err(scim_error(
            StatusCode::CONFLICT,
            Some("uniqueness"),
            &format!("A user with userName {user_name} already exists."),
        ));
    }
    Ok(())
}

/// Group rules: displayName present and unique; every member an existing user of the org.
pub(super) fn validate_group(
    base: &str,
    store: &ScimStore,
    body: &mut Value,
    except: Option<&str>,
) -> Result<(), Response> {
    let name = get_ci(body, "displayName")
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    if name.is_empty() {
        return Err(scim_error(
            StatusCode::BAD_REQUEST,
            Some("invalidValue"),
            "displayName is required.",
        ));
    }
    if store.conflict(Kind::Group, "displayName", &name, except) {
        return Err(scim_error(
            StatusCode::CONFLICT,
            Some("uniqueness"),
            &format!("A group named {name} already exists."),
        ));
    }
    let members = get_ci(body, "members")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut normalised = Vec::new();
    for m in members {
        let id = get_ci(&m, "value")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let display = match store.get(Kind::User, &id) {
            Some(user) => get_ci(&user.body, "displayName").or_else(|| get_ci(&user.body, "userName")).cloned().unwrap_or(Value::Null),
            None if store.rfc_only => Value::Null,
            None => {
                return Err(scim_error(StatusCode::BAD_REQUEST, Some("invalidValue"), &format!(
                    "Member {id:?} is not a user of this organization; provision the user first (Unity accepts only users in validated domains).")))
            }
        };
        // Keep what the client sent; fill in what it left out.
        let mut member = m.as_object().cloned().unwrap_or_default();
        let missing = |member: &serde_json::Map<String, Value>, k: &str| {
            member.get(k).is_none_or(Value::is_null)
        };
        if missing(&member, "display") && !display.is_null() {
            member.insert("display".into(), display);
        }
        if missing(&member, "type") {
            member.insert("type".into(), json!("User"));
        }
        if missing(&member, "$ref") {
            member.insert("$ref".into(), json!(format!("{base}/Users/{id}")));
        }
        normalised.push(Value::Object(member));
    }
    if let Some(o) = body.as_object_mut() {
        let key = o
            .keys()
            .find(|k| k.eq_ignore_ascii_case("members"))
            .cloned()
            .unwrap_or_else(|| "members".into());
        o.insert(key, Value::Array(normalised));
    }
    Ok(())
}

pub(super) fn validate(
    app: &SharedApp,
    kind: Kind,
    store: &ScimStore,
    body: &mut Value,
    except: Option<&str>,
) -> Result<(), Response> {
    super::canonical::canonicalize(kind, body);
    match kind {
        Kind::User => validate_user(app, store, body, except),
        Kind::Group => validate_group(&app.scim_base_url(), store, body, except),
    }
}
