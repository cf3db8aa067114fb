//! Entra's default attribute mappings
//! (<https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups>)
//! from a directory user to a SCIM user, the PATCH bodies of both dialects, and the
//! provisioning-log error codes of SCIM answers.

use serde_json::{json, Value};

use super::{status_name, Failure};
use crate::scim::filter::{get_ci, resolve};
use crate::scim::{ENTERPRISE_SCHEMA, USER_SCHEMA};
use crate::seed::DirUser;

pub(super) const TARGET_SYSTEM: &str = "customappsso";

/// The SCIM user Entra's default mappings produce for `user`.
pub(crate) fn scim_user(user: &DirUser, active: bool) -> Value {
    json!({"schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA], "externalId": user.mail_nickname, "userName": user.upn, "active": active,
        "displayName": user.display_name, "title": user.job_title,
        "emails": [{"primary": true, "type": "work", "value": user.upn}], "meta": {"resourceType": "User"},
        "name": {"formatted": format!("{} {}", user.given_name, user.surname), "familyName": user.surname, "givenName": user.given_name},
        ENTERPRISE_SCHEMA: {"department": user.department}, "roles": []})
}

pub(super) fn text_at(v: &Value, path: &str) -> Option<String> {
    resolve(v, path).first().map(|x| {
        x.as_str()
            .map(str::to_string)
            .unwrap_or_else(|| x.to_string())
    })
}

pub(super) fn work_email(v: &Value) -> Option<String> {
    get_ci(v, "emails")?
        .as_array()?
        .iter()
        .find(|e| get_ci(e, "type").and_then(Value::as_str) == Some("work"))
        .and_then(|e| get_ci(e, "value")?.as_str().map(str::to_string))
}

/// Changed attributes: (SCIM path, old, new).
pub(super) fn diff(
    user: &DirUser,
    target: &Value,
) -> Vec<(String, Option<String>, Option<String>)> {
    let wanted = [
        ("displayName", user.display_name.clone()),
        ("title", user.job_title.clone()),
        ("name.givenName", user.given_name.clone()),
        ("name.familyName", user.surname.clone()),
        ("externalId", user.mail_nickname.clone()),
    ];
    let mut changes: Vec<_> = wanted
        .into_iter()
        .filter_map(|(path, new)| {
            let old = text_at(target, path);
            (old.as_deref() != Some(new.as_str())).then(|| (path.to_string(), old, Some(new)))
        })
        .collect();
    let email = work_email(target);
    if email.as_deref() != Some(user.upn.as_str()) {
        changes.push((
            "emails[type eq \"work\"].value".into(),
            email,
            Some(user.upn.clone()),
        ));
    }
    changes
}

/// PATCH body for `changes` in the dialect the Tenant URL asks for.
pub(crate) fn patch_body(
    changes: &[(String, Option<String>, Option<String>)],
    compliant: bool,
) -> Value {
    let ops: Vec<Value> = if compliant {
        let mut map = serde_json::Map::new();
        let mut ops = Vec::new();
        for (path, _, new) in changes {
            if path.contains('[') {
                ops.push(json!({"op": "replace", "path": path, "value": new}));
            } else if path == "active" {
                map.insert(path.clone(), json!(new.as_deref() == Some("True")));
            } else {
                map.insert(path.clone(), json!(new));
            }
        }
        if !map.is_empty() {
            ops.insert(0, json!({"op": "replace", "value": map}));
        }
        ops
    } else {
        changes
            .iter()
            .map(|(path, _, new)| json!({"op": "Replace", "path": path, "value": new}))
            .collect()
    };
    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops})
}

/// The provisioning-log error code for a SCIM answer
/// (<https://learn.microsoft.com/entra/identity/monitoring-health/concept-provisioning-logs>).
pub(super) fn export_error(
    reply_status: u16,
    text: &str,
    what: &str,
    upn: &str,
) -> (String, String) {
    let code = match reply_status {
        400 => "SystemForCrossDomainIdentityManagementBadRequest",
        401 => "Unauthorized",
        403 => "InsufficientRights",
        404 => "InvalidAnchor",
        409 => "EntryConflict",
        429 => "TooManyRequests",
        500..=599 => "InternalServerError",
        _ => "WebExceptionProtocolError",
    };
    let short: String = text.chars().take(400).collect();
    (code.into(), format!("Failed to {what} User '{upn}' in {TARGET_SYSTEM}; the SCIM endpoint returned an error response with the HTTP status code {reply_status} ({}). The response was: {short}", status_name(reply_status)))
}

pub(super) fn failure_error(f: &Failure) -> (String, String) {
    let code = if f.code.ends_with("Unavailable") {
        "Timeout".to_string()
    } else {
        f.code.to_string()
    };
    (code, f.details.clone())
}
