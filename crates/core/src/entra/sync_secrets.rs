//! The job's secrets
//! (<https://learn.microsoft.com/graph/api/synchronization-serviceprincipal-put-synchronization>):
//! tenant URL, token, scope and the deletion safeguards. The key names come from Microsoft's
//! provisioning docs and samples rather than the v1.0 enum, so this file is the only place that
//! spells them.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::{graph_problem, GraphClient};
use crate::http::{encode_path_segment, Request};
use crate::problem::Problem;
use crate::secret::Secret;

/// `synchronizationSecret` key names, spelled once.
pub mod keys {
    pub const BASE_ADDRESS: &str = "BaseAddress";
    pub const SECRET_TOKEN: &str = "SecretToken";
    /// `"true"`: every user and group of the tenant; `"false"`: only those assigned.
    pub const SYNC_ALL: &str = "SyncAll";
    /// A JSON string: notification e-mail and the accidental-deletion threshold.
    pub const SYNC_NOTIFICATION_SETTINGS: &str = "SyncNotificationSettings";
    /// `"True"`: users leaving scope keep their target account (no portal UI).
    pub const SKIP_OUT_OF_SCOPE_DELETIONS: &str = "SkipOutOfScopeDeletions";
}

/// The `restart` flag that pushes deletions held back by the threshold
/// (<https://learn.microsoft.com/graph/api/resources/synchronization-synchronizationjobrestartcriteria>).
pub const RESET_SCOPE_FORCE_DELETES: &str = "ForceDeletes";
/// Provisioning-log action of a deletion held back by the threshold
/// (<https://learn.microsoft.com/entra/identity/app-provisioning/accidental-deletions>).
pub const STAGED_DELETE_ACTION: &str = "stagedDelete";
/// Quarantine reason when a cycle hit the accidental-deletion threshold
/// (<https://learn.microsoft.com/entra/identity/app-provisioning/accidental-deletions>).
pub const TOO_MANY_DELETES: &str = "TooManyDeletes";

/// Accidental-deletion prevention as the job keeps it: the threshold and who is told
/// (`SyncNotificationSettings`), and whether leaving scope deletes (`SkipOutOfScopeDeletions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeletionProtection {
    /// A cycle with more deletions (disables included) than this holds them all back.
    /// 0 switches the threshold off.
    pub delete_threshold: u32,
    /// E-mail addresses told about quarantine and held-back deletions, `;`-separated as Entra
    /// keeps them. Empty: no notification.
    pub notify: String,
    /// Users removed from scope keep their Unity account.
    pub skip_out_of_scope_deletions: bool,
}

impl DeletionProtection {
    /// The `SyncNotificationSettings` value: a JSON object as a string.
    pub fn notification_settings(&self) -> String {
        let notify = self.notify.trim();
        json!({
            "Enabled": !notify.is_empty(),
            "Recipients": notify,
            "DeleteThresholdEnabled": self.delete_threshold > 0,
            "DeleteThresholdValue": self.delete_threshold,
        })
        .to_string()
    }

    /// Reads back what `notification_settings` and the skip flag wrote. Missing or
    /// unreadable values read as "off", never as a guess.
    pub fn from_saved(notification_settings: Option<&str>, skip: Option<&str>) -> Self {
        let settings: Value = notification_settings
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or(Value::Null);
        let enabled = |key: &str| settings.get(key).and_then(Value::as_bool) == Some(true);
        let threshold = if enabled("DeleteThresholdEnabled") {
            settings
                .get("DeleteThresholdValue")
                .and_then(|v| {
                    v.as_u64()
                        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                })
                .and_then(|v| u32::try_from(v).ok())
                .unwrap_or(0)
        } else {
            0
        };
        let notify = if enabled("Enabled") {
            settings
                .get("Recipients")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        } else {
            String::new()
        };
        Self {
            delete_threshold: threshold,
            notify,
            skip_out_of_scope_deletions: skip
                .is_some_and(|s| s.trim().eq_ignore_ascii_case("true")),
        }
    }
}

/// Everything written to the job's secrets in one PUT (PUT may replace the whole set, so
/// every key we want kept goes every time).
pub struct SyncSecretsWrite<'a> {
    pub base_address: &'a str,
    pub token: &'a Secret,
    pub sync_all: bool,
    pub protection: &'a DeletionProtection,
}

/// The non-secret part of the saved secrets, read back. The token itself is never read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SavedSyncSettings {
    #[ts(optional = nullable)]
    pub base_address: Option<String>,
    pub sync_all: bool,
    pub protection: DeletionProtection,
}

impl SavedSyncSettings {
    /// From the `{key, value}` pairs Graph returns; keys compare without case.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let get = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v.as_str())
        };
        Self {
            base_address: get(keys::BASE_ADDRESS).map(str::to_string),
            sync_all: get(keys::SYNC_ALL).is_some_and(|v| v.trim().eq_ignore_ascii_case("true")),
            protection: DeletionProtection::from_saved(
                get(keys::SYNC_NOTIFICATION_SETTINGS),
                get(keys::SKIP_OUT_OF_SCOPE_DELETIONS),
            ),
        }
    }
}

fn secrets_path(sp_id: &str) -> String {
    format!(
        "/servicePrincipals/{}/synchronization/secrets",
        encode_path_segment(sp_id)
    )
}

#[derive(Deserialize)]
struct Pairs {
    #[serde(default)]
    value: Vec<Pair>,
}

#[derive(Deserialize)]
struct Pair {
    #[serde(default)]
    key: String,
    #[serde(default)]
    value: Option<Value>,
}

impl GraphClient {
    /// `PUT …/synchronization/secrets` with the tenant URL, token, scope and safeguards
    /// (all values are strings). 204 on success.
    pub async fn put_sync_secrets(
        &self,
        sp_id: &str,
        write: &SyncSecretsWrite<'_>,
        cancel: &CancellationToken,
    ) -> Result<(), Problem> {
        let body = json!({ "value": [
            { "key": keys::BASE_ADDRESS, "value": write.base_address },
            { "key": keys::SECRET_TOKEN, "value": write.token.expose() },
            { "key": keys::SYNC_NOTIFICATION_SETTINGS, "value": write.protection.notification_settings() },
            { "key": keys::SYNC_ALL, "value": if write.sync_all { "true" } else { "false" } },
            { "key": keys::SKIP_OUT_OF_SCOPE_DELETIONS,
              "value": if write.protection.skip_out_of_scope_deletions { "True" } else { "False" } },
        ]});
        let request = Request::new(Method::PUT, self.url(&secrets_path(sp_id))).json(body);
        self.send_ok(
            request,
            "Saving the tenant URL, token and safeguards in Entra",
            cancel,
        )
        .await
        .map(|_| ())
    }

    /// `GET …/synchronization/secrets`: the saved keys (UNCONFIRMED in Graph's pages whether
    /// token values come back masked; they are never read here). A 404 reads as "none saved".
    pub async fn get_sync_secrets(
        &self,
        sp_id: &str,
        cancel: &CancellationToken,
    ) -> Result<SavedSyncSettings, Problem> {
        let action = "Reading the job's saved settings back from Entra";
        let response = self
            .send(Request::get(self.url(&secrets_path(sp_id))), action, cancel)
            .await?;
        if response.status == 404 {
            return Ok(SavedSyncSettings::from_pairs(&[]));
        }
        if !response.is_success() {
            return Err(graph_problem(action, &response));
        }
        let pairs: Pairs = response
            .json()
            .map_err(|_| response.unreadable(action, "the job's secrets"))?;
        let pairs: Vec<(String, String)> = pairs
            .value
            .into_iter()
            .filter(|pair| !pair.key.eq_ignore_ascii_case(keys::SECRET_TOKEN))
            .map(|pair| {
                let value = match pair.value {
                    Some(Value::String(s)) => s,
                    Some(Value::Null) | None => String::new(),
                    Some(other) => other.to_string(),
                };
                (pair.key, value)
            })
            .collect();
        Ok(SavedSyncSettings::from_pairs(&pairs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notification_settings_round_trip() {
        let protection = DeletionProtection {
            delete_threshold: 12,
            notify: "admin@contoso.com".into(),
            skip_out_of_scope_deletions: true,
        };
        let text = protection.notification_settings();
        let value: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(
            value,
            json!({"Enabled": true, "Recipients": "admin@contoso.com",
                   "DeleteThresholdEnabled": true, "DeleteThresholdValue": 12})
        );
        assert_eq!(
            DeletionProtection::from_saved(Some(&text), Some("True")),
            protection
        );
        let off = DeletionProtection::from_saved(
            Some("{\"Enabled\":false,\"DeleteThresholdEnabled\":false}"),
            None,
        );
        assert_eq!(off.delete_threshold, 0);
        assert!(off.notify.is_empty());
        assert!(!off.skip_out_of_scope_deletions);
        assert_eq!(
            DeletionProtection::from_saved(Some("not json"), Some("garbage")).delete_threshold,
            0
        );
    }
}
