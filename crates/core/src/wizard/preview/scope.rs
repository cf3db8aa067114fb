//! Who is in the job's scope, read from Graph the way the provisioning service sees it: users
//! assigned directly or through a group (direct members only; Entra does not follow nested groups),
//! or every user when the job syncs all
//! (<https://learn.microsoft.com/entra/identity/app-provisioning/how-provisioning-works>).

use std::collections::HashSet;

use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::entra::types::AttributeMapping;
use crate::entra::GraphClient;
use crate::http::{encode_path_segment, encode_query_value};
use crate::problem::Problem;
use crate::progress::ProgressSink;
use crate::wizard::preview::report::{PreviewProgress, PreviewStage};

/// Graph allows 999 per page on `/users` and `/groups/{id}/members`.
const PAGE: u32 = 999;

/// The user properties to read: the ones every preview needs plus each mapping's source.
pub(crate) fn user_select(mappings: &[AttributeMapping]) -> String {
    let mut names: Vec<String> = [
        "id",
        "userPrincipalName",
        "displayName",
        "accountEnabled",
        "mail",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for source in mappings.iter().filter_map(AttributeMapping::direct_source) {
        // Only plain Graph property names; extension attributes and the like are not selectable.
        let plain = source.chars().all(|c| c.is_ascii_alphanumeric());
        if plain && !names.iter().any(|n| n.eq_ignore_ascii_case(source)) {
            names.push(source.to_string());
        }
    }
    names.join(",")
}

/// Reads every user in scope (deduplicated by id), reporting progress per page.
pub(crate) async fn users_in_scope(
    graph: &GraphClient,
    sp_id: &str,
    sync_all: bool,
    select: &str,
    progress: &dyn ProgressSink<PreviewProgress>,
    cancel: &CancellationToken,
) -> Result<Vec<Value>, Problem> {
    let mut seen = HashSet::new();
    let mut users = Vec::new();
    let mut keep = |page: Vec<Value>, users: &mut Vec<Value>| {
        for user in page {
            let is_user = user
                .get("@odata.type")
                .and_then(Value::as_str)
                .is_none_or(|kind| kind.eq_ignore_ascii_case("#microsoft.graph.user"));
            let id = user.get("id").and_then(Value::as_str).map(str::to_string);
            if let (true, Some(id)) = (is_user, id) {
                if seen.insert(id) {
                    users.push(user);
                }
            }
        }
    };
    let report = |users: usize| {
        progress.report(PreviewProgress {
            stage: PreviewStage::ReadingScope,
            done: users as u64,
            total: None,
        })
    };
    if sync_all {
        let path = format!("/users?$select={}&$top={PAGE}", encode_query_value(select));
        let mut pager = graph.pager::<Value>(&path, false, "Reading the tenant's users");
        while let Some(page) = pager.next_page(cancel).await? {
            keep(page, &mut users);
            report(users.len());
        }
        return Ok(users);
    }
    for assignment in graph.list_assignments(sp_id, cancel).await? {
        let kind = assignment.principal_type.as_deref().unwrap_or("User");
        if kind.eq_ignore_ascii_case("Group") {
            let path = format!(
                "/groups/{}/members?$select={}&$top={PAGE}",
                encode_path_segment(&assignment.principal_id),
                encode_query_value(select)
            );
            let mut pager =
                graph.pager::<Value>(&path, false, "Listing an assigned group's members");
            while let Some(page) = pager.next_page(cancel).await? {
                keep(page, &mut users);
                report(users.len());
            }
        } else if kind.eq_ignore_ascii_case("User") {
            let path = format!(
                "/users/{}?$select={}",
                encode_path_segment(&assignment.principal_id),
                encode_query_value(select)
            );
            let user: Value = graph
                .get_json(&path, "Reading an assigned user", cancel)
                .await?;
            keep(vec![user], &mut users);
            report(users.len());
        }
    }
    Ok(users)
}
