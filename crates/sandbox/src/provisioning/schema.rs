//! The job schema of the non-gallery `scim` template: one rule (Entra users and groups to
//! `customappsso`) with Entra's default attribute mappings
//! (<https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups>).

use serde_json::{json, Value};

use crate::graph::sync_jobs::RULE_ID;

fn attr(source: &str, target: &str, matching: i32) -> Value {
    json!({"defaultValue": "", "exportMissingReferences": false, "flowBehavior": "FlowWhenChanged", "flowType": "Always",
        "matchingPriority": matching, "targetAttributeName": target,
        "source": {"expression": format!("[{source}]"), "name": source, "type": "Attribute", "parameters": []}})
}

pub(crate) fn schema_json(job_id: &str) -> Value {
    let active = json!({"defaultValue": "", "exportMissingReferences": false, "flowBehavior": "FlowWhenChanged", "flowType": "Always",
        "matchingPriority": 0, "targetAttributeName": "active",
        "source": {"expression": "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")", "name": "Switch", "type": "Function", "parameters": []}});
    let users = vec![
        attr("userPrincipalName", "userName", 1),
        active,
        attr("displayName", "displayName", 0),
        attr("jobTitle", "title", 0),
        attr("mail", "emails[type eq \"work\"].value", 0),
        attr("givenName", "name.givenName", 0),
        attr("surname", "name.familyName", 0),
        attr("mailNickname", "externalId", 0),
        attr(
            "department",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
            0,
        ),
    ];
    let groups = vec![
        attr("displayName", "displayName", 1),
        attr("objectId", "externalId", 0),
        attr("members", "members", 0),
    ];
    json!({"id": job_id, "version": "Date:2026-01-01T00:00:00Z~User:sandbox~RecordCount:16", "directories": [],
        "synchronizationRules": [{"id": RULE_ID, "name": "USER_TO_USER", "editable": true, "priority": 1,
            "sourceDirectoryName": "Azure Active Directory", "targetDirectoryName": "customappsso",
            "containerFilter": {"includedContainers": []}, "groupFilter": {"includedGroups": []}, "metadata": [],
            "objectMappings": [
                {"name": "Provision Azure Active Directory Users", "enabled": true, "flowTypes": "Add, Update, Delete",
                 "sourceObjectName": "User", "targetObjectName": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
                 "attributeMappings": users, "metadata": [], "scope": null},
                {"name": "Provision Azure Active Directory Groups", "enabled": true, "flowTypes": "Add, Update, Delete",
                 "sourceObjectName": "Group", "targetObjectName": "urn:ietf:params:scim:schemas:core:2.0:Group",
                 "attributeMappings": groups, "metadata": [], "scope": null}]}]})
}
