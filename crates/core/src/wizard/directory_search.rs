//! Step 4's directory picker: users and groups matching what the person types, searched
//! together (entra-graph.md §5, `$search` with ConsistencyLevel), as one list of rows. A
//! group row says how many members it has, as the portal's picker does, so the admin sees
//! what choosing it means.

use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::on_demand::PrincipalKind;
use crate::entra::types::{DirectoryGroup, DirectoryUser};
use crate::entra::GraphClient;
use crate::problem::Problem;

/// How many rows of each kind a search returns when the caller does not say.
pub const DEFAULT_SEARCH_TOP: u32 = 200;

/// The first groups of a search whose members are counted (one Graph call each); later
/// rows show no count, so a broad search does not turn into hundreds of calls.
pub const COUNTED_GROUPS: usize = 20;

/// Member counts asked of Graph at the same time.
const COUNTS_AT_ONCE: usize = 4;

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
    /// A group's direct members, when counted (the first groups of a search, when Graph
    /// answered); never for a user.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub member_count: Option<u32>,
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
            member_count: None,
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
            member_count: None,
        }
    }
}

/// Users, then groups, whose names match `text` (trimmed; empty lists the first ones), the
/// first [`COUNTED_GROUPS`] groups with their member counts. `top` (default 200) is clamped
/// to 1..=5000 rows of each kind.
///
/// Errors: Graph's Problems (sign-in, permission, throttling), `cancelled`. A count Graph
/// refuses is left out rather than failing the search.
pub async fn search_directory(
    graph: &GraphClient,
    text: &str,
    top: Option<u32>,
    cancel: &CancellationToken,
) -> Result<Vec<DirectoryEntry>, Problem> {
    let text = text.trim();
    let top = top.unwrap_or(DEFAULT_SEARCH_TOP).clamp(1, 5000);
    let groups = async {
        let groups: Vec<DirectoryEntry> = graph
            .search_groups(text, top, cancel)
            .await?
            .into_iter()
            .map(DirectoryEntry::from)
            .collect();
        Ok::<_, Problem>(with_member_counts(graph, groups, cancel).await)
    };
    let (users, groups) = tokio::join!(graph.search_users(text, top, cancel), groups);
    let mut entries: Vec<DirectoryEntry> = users?.into_iter().map(DirectoryEntry::from).collect();
    entries.extend(groups?);
    Ok(entries)
}

/// The group rows with the first [`COUNTED_GROUPS`] counted, in their order.
async fn with_member_counts(
    graph: &GraphClient,
    mut groups: Vec<DirectoryEntry>,
    cancel: &CancellationToken,
) -> Vec<DirectoryEntry> {
    let ids: Vec<String> = groups
        .iter()
        .take(COUNTED_GROUPS)
        .map(|group| group.id.clone())
        .collect();
    let counts: Vec<Option<u64>> = stream::iter(ids)
        .map(|id| async move { graph.count_group_members(&id, cancel).await.ok() })
        .buffered(COUNTS_AT_ONCE)
        .collect()
        .await;
    for (group, count) in groups.iter_mut().zip(counts) {
        group.member_count = count.map(|n| u32::try_from(n).unwrap_or(u32::MAX));
    }
    groups
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
