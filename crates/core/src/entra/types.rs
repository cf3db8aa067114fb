//! Graph resources as the engine reads them (Graph's v1.0 `$metadata` and each resource's page
//! under <https://learn.microsoft.com/graph/api/resources/synchronization-overview>).
//! Every field the service may omit is optional, so a sparse `$select` still parses. The
//! ones the window shows derive `TS`; Graph is camelCase already, so wire = IPC names.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppRole {
    pub id: String,
    #[serde(default)]
    pub allowed_member_types: Vec<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub display_name: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub value: Option<String>,
    #[serde(default = "yes")]
    pub is_enabled: bool,
}

fn yes() -> bool {
    true
}

/// An enterprise app (service principal). Its `id` is the one every sync URL uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ServicePrincipal {
    pub id: String,
    #[serde(default)]
    pub app_id: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub app_roles: Vec<AppRole>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub app_role_assignment_required: Option<bool>,
    /// Null for apps made under App registrations, which cannot provision
    /// (<https://learn.microsoft.com/entra/identity/app-provisioning/known-issues>).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub application_template_id: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub preferred_single_sign_on_mode: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// `instantiate`'s reply. Old beta examples say `objectId`; read both.
#[derive(Debug, Clone, Deserialize)]
pub struct InstantiatedApp {
    pub application: Option<DirectoryObjectRef>,
    #[serde(rename = "servicePrincipal")]
    pub service_principal: Option<DirectoryObjectRef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryObjectRef {
    #[serde(alias = "objectId")]
    pub id: String,
    #[serde(default)]
    pub app_id: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DirectoryUser {
    pub id: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub display_name: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub user_principal_name: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub mail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DirectoryGroup {
    pub id: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub display_name: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub mail: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub security_enabled: Option<bool>,
}

/// A member of a group as `/groups/{id}/members` returns it (users, groups, devices…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryMember {
    pub id: String,
    #[serde(rename = "@odata.type", default)]
    pub odata_type: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub user_principal_name: Option<String>,
}

impl DirectoryMember {
    pub fn is_user(&self) -> bool {
        match &self.odata_type {
            Some(kind) => kind.eq_ignore_ascii_case("#microsoft.graph.user"),
            None => self.user_principal_name.is_some(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppRoleAssignment {
    pub id: String,
    pub app_role_id: String,
    pub principal_id: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub principal_display_name: Option<String>,
    /// `User`, `Group` or `ServicePrincipal`.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub principal_type: Option<String>,
    #[serde(default)]
    pub resource_id: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub created_date_time: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncTemplate {
    pub id: String,
    #[serde(default)]
    pub default: bool,
    #[serde(default)]
    pub factory_tag: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncSchedule {
    #[serde(default)]
    pub expiration: Option<String>,
    #[serde(default)]
    pub interval: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncError {
    #[serde(default)]
    #[ts(optional = nullable)]
    pub code: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub message: Option<String>,
    #[serde(default)]
    pub tenant_actionable: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncExecution {
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub time_began: Option<String>,
    #[serde(default)]
    pub time_ended: Option<String>,
    #[serde(default)]
    pub count_exported: Option<i64>,
    #[serde(default)]
    pub count_entitled_for_provisioning: Option<i64>,
    #[serde(default)]
    pub error: Option<SyncError>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncQuarantine {
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub current_began: Option<String>,
    #[serde(default)]
    pub next_attempt: Option<String>,
    #[serde(default)]
    pub series_count: Option<i64>,
    #[serde(default)]
    pub error: Option<SyncError>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub last_execution: Option<SyncExecution>,
    #[serde(default)]
    pub quarantine: Option<SyncQuarantine>,
    #[serde(default)]
    pub steady_state_first_achieved_time: Option<String>,
    #[serde(default)]
    pub troubleshooting_url: Option<String>,
    #[serde(default)]
    pub synchronized_entry_count_by_type: Vec<StringKeyLong>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StringKeyLong {
    pub key: String,
    #[serde(default)]
    pub value: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncJob {
    pub id: String,
    #[serde(default)]
    pub template_id: Option<String>,
    #[serde(default)]
    pub schedule: Option<SyncSchedule>,
    #[serde(default)]
    pub status: Option<SyncStatus>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncSchema {
    #[serde(default)]
    pub synchronization_rules: Vec<SyncRule>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncRule {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub source_directory_name: Option<String>,
    #[serde(default)]
    pub target_directory_name: Option<String>,
    #[serde(default)]
    pub object_mappings: Vec<ObjectMapping>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMapping {
    #[serde(default)]
    pub source_object_name: Option<String>,
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub attribute_mappings: Vec<AttributeMapping>,
}

/// One attribute mapping of an object mapping (`attributeMapping` in the CSDL): where a
/// target attribute's value comes from, and whether Entra matches on it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttributeMapping {
    #[serde(default)]
    pub target_attribute_name: String,
    /// 0: not a matching attribute; 1 is tried first, then 2, …
    #[serde(default)]
    pub matching_priority: i32,
    #[serde(default)]
    pub source: Option<AttributeMappingSource>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttributeMappingSource {
    /// The source attribute (`Attribute`) or function (`Function`) name.
    #[serde(default)]
    pub name: String,
    /// `Attribute`, `Constant` or `Function`.
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub expression: Option<String>,
}

impl AttributeMapping {
    /// The Entra user property this mapping copies as is, if it is a plain attribute mapping.
    pub fn direct_source(&self) -> Option<&str> {
        self.source
            .as_ref()
            .filter(|s| s.kind.eq_ignore_ascii_case("Attribute") && !s.name.is_empty())
            .map(|s| s.name.as_str())
    }
}

impl SyncSchema {
    /// The attribute mappings of the rule's user mapping (the rule provisionOnDemand names),
    /// enabled or not.
    pub fn user_attribute_mappings(&self) -> Vec<AttributeMapping> {
        let rule_id = self.user_rule_id();
        self.synchronization_rules
            .iter()
            .filter(|rule| Some(rule.id.as_str()) == rule_id)
            .flat_map(|rule| rule.object_mappings.iter())
            .find(|mapping| {
                mapping
                    .source_object_name
                    .as_deref()
                    .is_some_and(|name| name.eq_ignore_ascii_case("User"))
            })
            .map(|mapping| mapping.attribute_mappings.clone())
            .unwrap_or_default()
    }

    /// The rule that provisions Entra users
    /// (<https://learn.microsoft.com/graph/api/synchronization-synchronizationschema-get>): source
    /// "Azure Active Directory" with a User mapping. Names vary, so they are not matched; ids pass
    /// through unchanged.
    pub fn user_rule_id(&self) -> Option<&str> {
        let has_user = |rule: &SyncRule| {
            rule.object_mappings.iter().any(|mapping| {
                mapping
                    .source_object_name
                    .as_deref()
                    .is_some_and(|name| name.eq_ignore_ascii_case("User"))
            })
        };
        self.synchronization_rules
            .iter()
            .find(|rule| {
                has_user(rule)
                    && rule
                        .source_directory_name
                        .as_deref()
                        .is_some_and(|name| name.eq_ignore_ascii_case("Azure Active Directory"))
            })
            .or_else(|| {
                self.synchronization_rules
                    .iter()
                    .find(|rule| has_user(rule))
            })
            .or_else(|| self.synchronization_rules.first())
            .map(|rule| rule.id.as_str())
    }
}

/// One row of `/auditLogs/provisioning`, trimmed to what an admin reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProvisioningLogEntry {
    pub id: String,
    #[serde(default)]
    pub activity_date_time: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub job_id: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub cycle_id: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub change_id: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub provisioning_action: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub status: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub error_code: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub reason: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub source_display_name: Option<String>,
    /// `sourceIdentity.details.UserPrincipalName`, where the service reports it.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub source_user_principal_name: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub target_id: Option<String>,
    #[serde(default)]
    pub steps: Vec<LogStep>,
    /// The Entra object's id (`sourceIdentity.id`).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub source_id: Option<String>,
    /// `User` or `Group` (`sourceIdentity.identityType`).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub identity_type: Option<String>,
    /// True for a person's Provision on demand (started by an admin, not by a cycle).
    #[serde(default)]
    pub on_demand: bool,
    /// The failure in Unity's terms, when `reason` quotes Unity's SCIM error; `reason` stays
    /// the raw text.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub unity: Option<super::unity_causes::UnityExplanation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LogStep {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub step_type: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub details: BTreeMap<String, String>,
}
