//! The admin contract's bodies (docs/unity-admin-contract.md). The ones the window shows derive
//! `TS`; none holds a token except `NewBearerToken`, which cannot be serialized.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::secret::Secret;

/// The organization role Entra's service account needs ("SCIM Authenticator").
pub const SCIM_AUTHENTICATOR_ROLE: &str = "scim-authenticator";

#[derive(Debug, Clone, Deserialize)]
pub struct UnityUser {
    pub sub: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UnityOrganization {
    pub id: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub genesis_id: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub role: Option<String>,
}

impl UnityOrganization {
    /// The id SCIM URLs use ("Genesis ID of the organization").
    pub fn scim_id(&self) -> &str {
        self.genesis_id.as_deref().unwrap_or(&self.id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SsoSettings {
    #[serde(default)]
    pub sso_enabled: bool,
    #[serde(default)]
    pub domains: Vec<SsoDomain>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub scim: Option<ScimSettings>,
}

impl SsoSettings {
    /// The domains Unity reports as `VALIDATED` (only their users can be provisioned).
    pub fn validated_domains(&self) -> Vec<&str> {
        self.domains
            .iter()
            .filter(|d| d.status.eq_ignore_ascii_case("VALIDATED"))
            .map(|d| d.domain.as_str())
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SsoDomain {
    pub domain: String,
    #[serde(default)]
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ScimSettings {
    #[serde(default)]
    pub enabled: bool,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub base_connector_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ServiceAccount {
    pub id: String,
    pub name: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub description: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub created_at: Option<String>,
}

/// A listed bearer token: facts only, never the token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BearerTokenInfo {
    pub id: String,
    /// What the token was made for, as given when it was minted; this app's tokens say
    /// "Microsoft Entra ID provisioning (scim-setup…)" (docs/unity-admin-contract.md).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub description: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub created_at: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub expires_at: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub last_four: Option<String>,
}

/// A token just minted: the only moment its value is known. Not serializable on purpose.
#[derive(Debug, Clone)]
pub struct NewBearerToken {
    pub info: BearerTokenInfo,
    pub token: Secret,
}

#[derive(Deserialize)]
pub(super) struct Results<T> {
    #[serde(default = "Vec::new")]
    pub(super) results: Vec<T>,
    #[serde(default)]
    pub(super) next: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Roles {
    #[serde(default)]
    pub(super) roles: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CreatedToken {
    pub(super) id: String,
    pub(super) token: String,
    #[serde(default)]
    pub(super) created_at: Option<String>,
    #[serde(default)]
    pub(super) expires_at: Option<String>,
}

/// RFC 9457 problem details, as the contract says Unity answers errors.
#[derive(Debug, Default, Deserialize)]
pub(super) struct UnityProblem {
    #[serde(default)]
    pub(super) title: Option<String>,
    #[serde(default)]
    pub(super) detail: Option<String>,
    #[serde(default)]
    pub(super) code: Option<serde_json::Value>,
}
