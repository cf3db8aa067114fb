//! Who is assigned to the enterprise app, and assigning more with the right `appRoleId`
//! (entra-graph.md §5). Looks first: assigning twice is an error in Graph.

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::WizardContext;
use crate::entra::types::{AppRole, AppRoleAssignment};
use crate::entra::GraphClient;
use crate::problem::Problem;

/// Graph's "default access" role, for apps that define no roles.
const DEFAULT_ACCESS_ROLE: &str = "00000000-0000-0000-0000-000000000000";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AssignmentOutcome {
    pub assignment_id: String,
    pub principal_id: String,
    pub app_role_id: String,
    pub created: bool,
}

/// The app role to grant: the enabled role for users named "User" (non-gallery apps), any
/// enabled user role except msiam_access, else default access.
pub fn pick_app_role(roles: &[AppRole]) -> String {
    let for_users: Vec<&AppRole> = roles
        .iter()
        .filter(|r| {
            r.is_enabled
                && r.allowed_member_types
                    .iter()
                    .any(|t| t.eq_ignore_ascii_case("User"))
        })
        .collect();
    for_users
        .iter()
        .find(|r| r.display_name.as_deref() == Some("User"))
        .or_else(|| {
            for_users.iter().find(|r| {
                r.value.as_deref() != Some("msiam_access")
                    && r.display_name.as_deref() != Some("msiam_access")
            })
        })
        .or_else(|| for_users.first())
        .map(|r| r.id.clone())
        .unwrap_or_else(|| DEFAULT_ACCESS_ROLE.to_string())
}

/// Assigns the principal to the app unless it already is (any role counts).
pub async fn ensure_assignment(
    ctx: &WizardContext,
    graph: &GraphClient,
    principal_id: &str,
    cancel: &CancellationToken,
) -> Result<AssignmentOutcome, Problem> {
    let sp_id = super::entra_steps::journal_sp_id(ctx)?;
    let existing = graph.list_assignments(&sp_id, cancel).await?;
    if let Some(found) = existing
        .iter()
        .find(|a| a.principal_id.eq_ignore_ascii_case(principal_id))
    {
        return Ok(outcome(found, false));
    }
    let sp = graph
        .get_service_principal(&sp_id, cancel)
        .await?
        .ok_or_else(|| {
            Problem::not_found(
                "Assigning to the app",
                "The enterprise app no longer exists.",
                "Do the Entra step again.",
            )
        })?;
    let role = pick_app_role(&sp.app_roles);
    match graph
        .add_assignment(&sp_id, principal_id, &role, cancel)
        .await
    {
        Ok(created) => Ok(outcome(&created, true)),
        // A duplicate (made meanwhile, or a lost answer): look again rather than fail.
        Err(problem)
            if matches!(
                problem.kind_name(),
                "conflict" | "rejected" | "timeout" | "unreachable"
            ) =>
        {
            let existing = graph.list_assignments(&sp_id, cancel).await?;
            existing
                .iter()
                .find(|a| a.principal_id.eq_ignore_ascii_case(principal_id))
                .map(|a| outcome(a, false))
                .ok_or(problem)
        }
        Err(problem) => Err(problem),
    }
}

fn outcome(assignment: &AppRoleAssignment, created: bool) -> AssignmentOutcome {
    AssignmentOutcome {
        assignment_id: assignment.id.clone(),
        principal_id: assignment.principal_id.clone(),
        app_role_id: assignment.app_role_id.clone(),
        created,
    }
}

/// Everyone assigned to the app (users, groups), for the window's list.
pub async fn list_assignments(
    ctx: &WizardContext,
    graph: &GraphClient,
    cancel: &CancellationToken,
) -> Result<Vec<AppRoleAssignment>, Problem> {
    let sp_id = super::entra_steps::journal_sp_id(ctx)?;
    graph.list_assignments(&sp_id, cancel).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_role_is_preferred_over_msiam_access() {
        let role = |id: &str, name: &str| AppRole {
            id: id.into(),
            allowed_member_types: vec!["User".into()],
            display_name: Some(name.into()),
            value: None,
            is_enabled: true,
        };
        assert_eq!(
            pick_app_role(&[role("m", "msiam_access"), role("u", "User")]),
            "u"
        );
        assert_eq!(pick_app_role(&[role("m", "msiam_access")]), "m");
        assert_eq!(pick_app_role(&[]), DEFAULT_ACCESS_ROLE);
    }
}
