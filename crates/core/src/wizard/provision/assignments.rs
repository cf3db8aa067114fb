//! Who is assigned to the enterprise app (each user with their UPN and the assigned groups that
//! also keep them in scope, each group with its member count, as the portal's "Users and groups"
//! page shows them), and assigning more with the right `appRoleId`
//! (<https://learn.microsoft.com/graph/api/serviceprincipal-post-approleassignedto>). Looks first:
//! assigning twice is an error in Graph.

use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::create_or_find::create_or_find_again;
use crate::entra::types::{AppRole, AppRoleAssignment};
use crate::entra::GraphClient;
use crate::problem::{Problem, ProblemKind};
use crate::wizard::context::crash_points::{crash_point, CrashPoint};
use crate::wizard::context::intents::{CreateIntent, IntentKind};
use crate::wizard::context::journal_readers::journal_sp_id;
use crate::wizard::context::on_demand_outcome::PrincipalKind;
use crate::wizard::context::wizard_context::WizardContext;

/// Graph's "default access" role, for apps that define no roles.
const DEFAULT_ACCESS_ROLE: &str = "00000000-0000-0000-0000-000000000000";

/// Assignments whose UPN or member count is read (one Graph call each); the rest of a long
/// list shows the name Graph gave with the assignment.
pub const DETAILED_ASSIGNMENTS: usize = 200;

/// Reads of UPNs and member counts asked of Graph at the same time.
const READS_AT_ONCE: usize = 4;

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
    let sp_id = journal_sp_id(ctx)?;
    let existing = graph.list_assignments(&sp_id, cancel).await?;
    let settles = |intent: &crate::wizard::context::intents::CreateIntent| {
        intent.recognised_by.eq_ignore_ascii_case(principal_id)
    };
    if let Some(found) = existing
        .iter()
        .find(|a| a.principal_id.eq_ignore_ascii_case(principal_id))
    {
        // Found: an intent an interrupted run left for it is settled.
        if ctx
            .journal
            .snapshot()
            .open_intents(IntentKind::Assignment)
            .any(settles)
        {
            ctx.journal
                .finish_intents(IntentKind::Assignment, settles, |_| {})?;
        }
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
    // Intent before the create: a kill after it is settled by the listing above.
    let mut intent = CreateIntent::new(IntentKind::Assignment, principal_id);
    intent.service_principal_id = Some(sp_id.clone());
    ctx.journal.begin_intent(&intent)?;
    crash_point(CrashPoint::BeforeAssignment);
    // A duplicate (made meanwhile, or a lost answer): look again rather than fail.
    let (assignment, created) = create_or_find_again(
        graph.add_assignment(&sp_id, principal_id, &role, cancel),
        &[
            ProblemKind::Conflict,
            ProblemKind::Rejected,
            ProblemKind::Timeout,
            ProblemKind::Unreachable,
        ],
        || async {
            let existing = graph.list_assignments(&sp_id, cancel).await?;
            Ok(existing
                .into_iter()
                .find(|a| a.principal_id.eq_ignore_ascii_case(principal_id)))
        },
    )
    .await?;
    crash_point(CrashPoint::AfterAssignment);
    ctx.journal
        .finish_intents(IntentKind::Assignment, settles, |_| {})?;
    Ok(outcome(&assignment, created))
}

fn outcome(assignment: &AppRoleAssignment, created: bool) -> AssignmentOutcome {
    AssignmentOutcome {
        assignment_id: assignment.id.clone(),
        principal_id: assignment.principal_id.clone(),
        app_role_id: assignment.app_role_id.clone(),
        created,
    }
}

/// Everyone assigned to the app (users, groups), as Graph lists them.
pub async fn list_assignments(
    ctx: &WizardContext,
    graph: &GraphClient,
    cancel: &CancellationToken,
) -> Result<Vec<AppRoleAssignment>, Problem> {
    let sp_id = journal_sp_id(ctx)?;
    graph.list_assignments(&sp_id, cancel).await
}

/// One user or group assigned to the app, as step 4's list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AssignedPrincipal {
    /// The assignment's id: what unassigning removes.
    pub assignment_id: String,
    /// The user's or group's object id.
    pub principal_id: String,
    /// `user` or `group`; anything else Graph lists (a service principal) reads as a user.
    pub kind: PrincipalKind,
    pub display_name: String,
    /// A user's UPN, when read.
    #[ts(optional = nullable)]
    pub user_principal_name: Option<String>,
    /// A group's direct members, when counted.
    #[ts(optional = nullable)]
    pub member_count: Option<u32>,
    #[ts(optional = nullable)]
    pub assigned_at: Option<String>,
    /// For a user: the groups assigned to the app that they are a direct member of, by name.
    /// Through them they stay in scope when this assignment goes, so Entra does not disable
    /// them. Empty when they are in none; absent when not read (a group, a user past the first
    /// [`DETAILED_ASSIGNMENTS`], or Graph refused).
    #[ts(optional = nullable)]
    pub in_assigned_groups: Option<Vec<String>>,
}

/// Everyone assigned to the app, each user with their UPN and the assigned groups they are in,
/// each group with its member count (for the first [`DETAILED_ASSIGNMENTS`]). A detail Graph
/// refuses (a user deleted meanwhile, no permission) is left out rather than failing the list.
pub async fn list_assigned_principals(
    ctx: &WizardContext,
    graph: &GraphClient,
    cancel: &CancellationToken,
) -> Result<Vec<AssignedPrincipal>, Problem> {
    let assignments = list_assignments(ctx, graph, cancel).await?;
    let detailed = assignments.len().min(DETAILED_ASSIGNMENTS);
    let groups = &assigned_groups(&assignments);
    let mut principals: Vec<AssignedPrincipal> = stream::iter(assignments.into_iter().enumerate())
        .map(|(index, assignment)| async move {
            let mut principal = AssignedPrincipal::from(assignment);
            if index < detailed {
                add_detail(graph, &mut principal, groups, cancel).await;
            }
            principal
        })
        .buffered(READS_AT_ONCE)
        .collect()
        .await;
    // Groups first, then people, each by name, as the list reads best.
    principals.sort_by_key(|p| (p.kind == PrincipalKind::User, p.display_name.to_lowercase()));
    Ok(principals)
}

/// The groups assigned to the app, each once: (object id, name).
fn assigned_groups(assignments: &[AppRoleAssignment]) -> Vec<(String, String)> {
    let mut groups: Vec<(String, String)> = Vec::new();
    for assignment in assignments.iter().filter(|a| {
        a.principal_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("group"))
    }) {
        if !groups
            .iter()
            .any(|(id, _)| id.eq_ignore_ascii_case(&assignment.principal_id))
        {
            let name = assignment
                .principal_display_name
                .clone()
                .unwrap_or_else(|| assignment.principal_id.clone());
            groups.push((assignment.principal_id.clone(), name));
        }
    }
    groups
}

/// Which of the app's assigned groups (`assigned_groups`: id, name) the user is a direct
/// member of, by name: the groups that keep them in scope without their own assignment.
/// No Graph call when no group is assigned; `None` when Graph refuses the user's groups.
pub async fn assigned_groups_of_user(
    graph: &GraphClient,
    user_id: &str,
    assigned_groups: &[(String, String)],
    cancel: &CancellationToken,
) -> Option<Vec<String>> {
    if assigned_groups.is_empty() {
        return Some(Vec::new());
    }
    let direct = graph.user_direct_groups(user_id, cancel).await.ok()?;
    Some(
        assigned_groups
            .iter()
            .filter(|(id, _)| direct.iter().any(|g| g.id.eq_ignore_ascii_case(id)))
            .map(|(_, name)| name.clone())
            .collect(),
    )
}

async fn add_detail(
    graph: &GraphClient,
    principal: &mut AssignedPrincipal,
    assigned_groups: &[(String, String)],
    cancel: &CancellationToken,
) {
    match principal.kind {
        PrincipalKind::User => {
            if let Ok(Some(user)) = graph.user_by_id(&principal.principal_id, cancel).await {
                principal.user_principal_name = user.user_principal_name;
            }
            principal.in_assigned_groups =
                assigned_groups_of_user(graph, &principal.principal_id, assigned_groups, cancel)
                    .await;
        }
        PrincipalKind::Group => {
            if let Ok(count) = graph
                .count_group_members(&principal.principal_id, cancel)
                .await
            {
                principal.member_count = Some(u32::try_from(count).unwrap_or(u32::MAX));
            }
        }
    }
}

impl From<AppRoleAssignment> for AssignedPrincipal {
    fn from(assignment: AppRoleAssignment) -> Self {
        let group = assignment
            .principal_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("group"));
        AssignedPrincipal {
            display_name: assignment
                .principal_display_name
                .unwrap_or_else(|| assignment.principal_id.clone()),
            kind: if group {
                PrincipalKind::Group
            } else {
                PrincipalKind::User
            },
            assignment_id: assignment.id,
            principal_id: assignment.principal_id,
            user_principal_name: None,
            member_count: None,
            assigned_at: assignment.created_date_time,
            in_assigned_groups: None,
        }
    }
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
