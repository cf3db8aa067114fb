//! Step 4's directory picker: users and groups matching what the person types, searched
//! together (entra-graph.md §5, `$search` with ConsistencyLevel), as one list of rows.

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::on_demand::PrincipalKind;
use crate::entra::types::{DirectoryGroup, DirectoryUser};
use crate::entra::GraphClient;
use crate::problem::Problem;

/// How many rows of each kind a search returns when the caller does not say.
pub const DEFAULT_SEARCH_TOP: u32 = 200;

/// One row of the directory picker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DirectoryEntry {
    /// The Entra object id.
    pub id: String,
    pub kind: PrincipalKind,
    pub display_name: String,
    /// The UPN or mail for a user, the mail (or "Group") for a group.
    pub detail: String,
}

impl From<DirectoryUser> for DirectoryEntry {
    fn from(user: DirectoryUser) -> Self {
        DirectoryEntry {
            display_name: user
                .display_name
                .clone()
                .or(user.user_principal_name.clone())
                .unwrap_or_else(|| user.id.clone()),
            detail: user.user_principal_name.or(user.mail).unwrap_or_default(),
            kind: PrincipalKind::User,
            id: user.id,
        }
    }
}

impl From<DirectoryGroup> for DirectoryEntry {
    fn from(group: DirectoryGroup) -> Self {
        DirectoryEntry {
            display_name: group
                .display_name
                .clone()
                .unwrap_or_else(|| group.id.clone()),
            detail: group.mail.unwrap_or_else(|| "Group".to_string()),
            kind: PrincipalKind::Group,
            id: group.id,
        }
    }
}

/// Users, then groups, whose names match `text` (trimmed; empty lists the first ones).
/// `top` (default 200) is clamped to 1..=5000 rows of each kind.
///
/// Errors: Graph's Problems (sign-in, permission, throttling), `cancelled`.
pub async fn search_directory(
    graph: &GraphClient,
    text: &str,
    top: Option<u32>,
    cancel: &CancellationToken,
) -> Result<Vec<DirectoryEntry>, Problem> {
    let text = text.trim();
    let top = top.unwrap_or(DEFAULT_SEARCH_TOP).clamp(1, 5000);
    let (users, groups) = tokio::join!(
        graph.search_users(text, top, cancel),
        graph.search_groups(text, top, cancel)
    );
    let mut entries: Vec<DirectoryEntry> = users?.into_iter().map(DirectoryEntry::from).collect();
    entries.extend(groups?.into_iter().map(DirectoryEntry::from));
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_fall_back_to_what_graph_gave() {
        let user: DirectoryUser =
            serde_json::from_value(serde_json::json!({"id": "u1", "mail": "a@contoso.com"}))
                .expect("user");
        let row = DirectoryEntry::from(user);
        assert_eq!(
            (row.display_name.as_str(), row.detail.as_str()),
            ("u1", "a@contoso.com")
        );
        let group: DirectoryGroup =
            serde_json::from_value(serde_json::json!({"id": "g1", "displayName": "Sales"}))
                .expect("group");
        let row = DirectoryEntry::from(group);
        assert_eq!(
            (row.kind, row.detail.as_str()),
            (PrincipalKind::Group, "Group")
        );
    }
}
