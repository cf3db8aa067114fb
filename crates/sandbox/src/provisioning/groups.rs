//! Groups as Entra pushes them
//! (<https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups>):
//! find by `displayName` with
//! `excludedAttributes=members`, create empty if missing, then add members by PATCH.

use serde_json::{json, Value};

use super::{call, status_name, Target};
use crate::state::SharedApp;

/// Ensures the group exists and holds `members` (SCIM user ids); returns its SCIM id.
/// `Err((errorCode, reason))` in the provisioning-log vocabulary.
pub(crate) async fn ensure_group(
    app: &SharedApp,
    target: &Target,
    name: &str,
    external_id: &str,
    members: &[String],
    compliant: bool,
) -> Result<String, (String, String)> {
    let fail = |status: u16, text: &str, what: &str| {
        let short: String = text.chars().take(300).collect();
        (
            "SystemForCrossDomainIdentityManagementBadRequest".to_string(),
            format!(
                "Failed to {what} Group '{name}': HTTP {status} ({}): {short}",
                status_name(status)
            ),
        )
    };
    let filter: String =
        url::form_urlencoded::byte_serialize(format!("displayName eq \"{name}\"").as_bytes())
            .collect();
    let found = match call(
        app,
        target,
        reqwest::Method::GET,
        &format!("/Groups?excludedAttributes=members&filter={filter}"),
        None,
    )
    .await
    {
        Ok(r) if r.status == 200 => {
            let resources = r
                .body
                .as_ref()
                .and_then(|b| b.get("Resources"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if resources.len() > 1 {
                return Err((
                    "SystemForCrossDomainIdentityManagementMultipleEntriesInResponse".into(),
                    format!(
                        "The query for group '{name}' returned {} entries.",
                        resources.len()
                    ),
                ));
            }
            resources
                .first()
                .and_then(|g| g.get("id"))
                .and_then(Value::as_str)
                .map(str::to_string)
        }
        Ok(r) => return Err(fail(r.status, &r.text, "query")),
        Err(f) => return Err((f.code.to_string(), f.details)),
    };
    let id = match found {
        Some(id) => id,
        None => {
            let body = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group", "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
                "externalId": external_id, "displayName": name, "members": []});
            match call(app, target, reqwest::Method::POST, "/Groups", Some(&body)).await {
                Ok(r) if r.status == 201 || r.status == 200 => r
                    .body
                    .as_ref()
                    .and_then(|b| b.get("id"))
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_default(),
                Ok(r) => return Err(fail(r.status, &r.text, "create")),
                Err(f) => return Err((f.code.to_string(), f.details)),
            }
        }
    };
    if !members.is_empty() {
        let value: Vec<Value> = members
            .iter()
            .map(|m| json!({"$ref": null, "value": m}))
            .collect();
        let op = if compliant { "add" } else { "Add" };
        let patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": op, "path": "members", "value": value}]});
        match call(
            app,
            target,
            reqwest::Method::PATCH,
            &format!("/Groups/{id}"),
            Some(&patch),
        )
        .await
        {
            Ok(r) if (200..300).contains(&r.status) => {}
            Ok(r) => return Err(fail(r.status, &r.text, "update")),
            Err(f) => return Err((f.code.to_string(), f.details)),
        }
    }
    Ok(id)
}
