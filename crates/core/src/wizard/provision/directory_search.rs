//! Step 4's directory picker: users and groups matching what the person types, searched together
//! (`$search` with ConsistencyLevel, <https://learn.microsoft.com/graph/aad-advanced-queries>), as
//! one list of rows. A group row says how many members it has, as the portal's picker does, so the
//! admin sees what choosing it means. The rows are reported as soon as Graph lists them; the counts
//! follow, one call per group, so counting never delays the rows.

use std::sync::Mutex;

use futures::future::{abortable, AbortHandle};
use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::entra::types::{DirectoryGroup, DirectoryUser};
use crate::entra::GraphClient;
use crate::problem::Problem;
use crate::progress::ProgressSink;
use crate::wizard::context::on_demand_outcome::PrincipalKind;

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

/// What a search reports while it runs: first its rows, then each counted group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
#[ts(export)]
pub enum DirectorySearchEvent {
    /// Every row found (users, then groups), before any member is counted: shown at once.
    #[serde(rename_all = "camelCase")]
    Found { entries: Vec<DirectoryEntry> },
    /// One group's direct members, as Graph counted them after the rows were reported.
    #[serde(rename_all = "camelCase")]
    MemberCount { group_id: String, member_count: u32 },
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
/// to 1..=5000 rows of each kind. `progress` hears [`DirectorySearchEvent::Found`] as soon as
/// both lists are in, then a [`DirectorySearchEvent::MemberCount`] per counted group; the
/// answer is the rows with the counts filled in.
///
/// Errors: Graph's Problems (sign-in, permission, throttling), `cancelled`. A count Graph
/// refuses is left out rather than failing the search.
pub async fn search_directory(
    graph: &GraphClient,
    text: &str,
    top: Option<u32>,
    progress: &dyn ProgressSink<DirectorySearchEvent>,
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
    progress.report(DirectorySearchEvent::Found {
        entries: entries.clone(),
    });
    count_members(graph, &mut entries, progress, cancel).await;
    Ok(entries)
}

/// Counts the members of the first [`COUNTED_GROUPS`] group rows, [`COUNTS_AT_ONCE`] at a
/// time, reporting each as it comes and writing it into its row.
async fn count_members(
    graph: &GraphClient,
    entries: &mut [DirectoryEntry],
    progress: &dyn ProgressSink<DirectorySearchEvent>,
    cancel: &CancellationToken,
) {
    let ids: Vec<String> = entries
        .iter()
        .filter(|entry| entry.kind == PrincipalKind::Group)
        .take(COUNTED_GROUPS)
        .map(|group| group.id.clone())
        .collect();
    let mut counts = stream::iter(ids)
        .map(|id| async move {
            let count = graph.count_group_members(&id, cancel).await.ok();
            (id, count)
        })
        .buffered(COUNTS_AT_ONCE);
    while let Some((group_id, count)) = counts.next().await {
        let Some(count) = count else { continue };
        let member_count = u32::try_from(count).unwrap_or(u32::MAX);
        if let Some(row) = entries
            .iter_mut()
            .find(|row| row.kind == PrincipalKind::Group && row.id == group_id)
        {
            row.member_count = Some(member_count);
        }
        progress.report(DirectorySearchEvent::MemberCount {
            group_id,
            member_count,
        });
    }
}

/// One window's picker search. Each keystroke starts a search at once, with no debounce, so
/// the rows arrive one Graph round trip after the key; in exchange a newer search aborts the
/// one before it (its Graph calls in flight are dropped and its remaining member counts are
/// never sent). Someone typing a name then costs Graph the two `$search` requests of each key
/// plus the few counts that began before the next key, not the twenty-two calls of a whole
/// search per key: well inside a tenant's throttling limits.
#[derive(Default)]
pub struct SearchSlot {
    current: Mutex<Option<AbortHandle>>,
}

impl SearchSlot {
    /// Runs `search` as this slot's current search, aborting the one it replaces. A search
    /// that a newer one aborts ends at once with a `cancelled` Problem.
    pub async fn run<T>(
        &self,
        search: impl std::future::Future<Output = Result<T, Problem>>,
    ) -> Result<T, Problem> {
        let (search, handle) = abortable(search);
        let older = match self.current.lock() {
            Ok(mut current) => current.replace(handle),
            Err(poisoned) => poisoned.into_inner().replace(handle),
        };
        if let Some(older) = older {
            older.abort();
        }
        search.await.unwrap_or_else(|_| {
            Err(Problem::cancelled(
                "Searching the directory",
                "A newer search replaced it.",
                "Nothing to do: the newer search's rows are shown.",
            ))
        })
    }
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
