//! The Start view's prerequisite checks, live: Unity SSO on and domains validated (when
//! signed in to Unity), an enterprise app for Unity and an admin role for the signed-in
//! account (when signed in to Microsoft). Without a sign-in a check says how to make it.

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::problem::Problem;
use crate::wizard::context::wizard_context::WizardContext;

/// Which prerequisite a check is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum PrerequisiteId {
    /// Unity SSO is enabled for the organization (Unity requires it for SCIM).
    UnitySso,
    /// At least one of the organization's domains is validated.
    UnityDomains,
    /// An Entra enterprise app for Unity exists.
    EntraApp,
    /// The signed-in Microsoft account holds a role that may configure provisioning.
    EntraAdminRole,
}

/// A check's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum PrerequisiteState {
    Ok,
    Missing,
    /// Not checked yet: the sign-in it needs has not happened.
    Unknown,
}

/// One prerequisite, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PrerequisiteCheck {
    pub id: PrerequisiteId,
    pub title: String,
    pub state: PrerequisiteState,
    /// What was found, or what to do, in plain words.
    pub detail: String,
}

/// Directory roles that may configure an app's provisioning (Microsoft Learn, "Configure
/// automatic user provisioning"): Global, Application and Cloud Application Administrator.
const PROVISIONING_ADMIN_ROLES: [(&str, &str); 3] = [
    (
        "62e90394-69f5-4237-9190-012177145e10",
        "Global Administrator",
    ),
    (
        "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
        "Application Administrator",
    ),
    (
        "158c047a-c907-4556-b7ef-446551a6b5f7",
        "Cloud Application Administrator",
    ),
];

fn check(
    id: PrerequisiteId,
    state: PrerequisiteState,
    detail: impl Into<String>,
) -> PrerequisiteCheck {
    let title = match id {
        PrerequisiteId::UnitySso => "Unity: single sign-on is on",
        PrerequisiteId::UnityDomains => "Unity: domains validated",
        PrerequisiteId::EntraApp => "Entra: an enterprise app for Unity",
        PrerequisiteId::EntraAdminRole => "Entra: an admin role that may set up provisioning",
    };
    PrerequisiteCheck {
        id,
        title: title.to_string(),
        state,
        detail: detail.into(),
    }
}

/// Runs every prerequisite check the current sign-ins allow, in a fixed order (Unity SSO,
/// Unity domains, Entra app, Entra admin role).
///
/// Errors: a Problem from Unity's SSO settings or Graph's service principal search.
pub async fn check_prerequisites(
    ctx: &WizardContext,
    cancel: &CancellationToken,
) -> Result<Vec<PrerequisiteCheck>, Problem> {
    use PrerequisiteId as Id;
    use PrerequisiteState as State;
    let mut checks = Vec::new();
    let org_id = ctx.journal.snapshot().unity.org_id;
    match (ctx.unity_admin_if_signed_in(cancel).await?, org_id) {
        (Some(unity), Some(org_id)) => {
            let sso = unity.sso_settings(&org_id, cancel).await?;
            checks.push(match sso.sso_enabled {
                true => check(
                    Id::UnitySso,
                    State::Ok,
                    "SSO is enabled for the organization.",
                ),
                false => check(
                    Id::UnitySso,
                    State::Missing,
                    concat!(
                        "Turn on SSO in the Unity Dashboard (",
                        crate::unity_dashboard!(sso),
                        "); Unity requires it for SCIM."
                    ),
                ),
            });
            let validated = sso.validated_domains();
            checks.push(match validated.is_empty() {
                true => check(Id::UnityDomains, State::Missing, "No validated domain: users of unvalidated domains are refused. Validate your domains in the Unity Dashboard."),
                false => check(Id::UnityDomains, State::Ok, format!("Validated: {}.", validated.join(", "))),
            });
        }
        _ => {
            let later = "Checked once you sign in to Unity in step 1.";
            checks.push(check(Id::UnitySso, State::Unknown, later));
            checks.push(check(Id::UnityDomains, State::Unknown, later));
        }
    }
    let Some(roles) = ctx.microsoft_directory_roles(cancel).await? else {
        let later = "Checked once you sign in to Microsoft in step 3.";
        checks.push(check(Id::EntraApp, State::Unknown, later));
        checks.push(check(Id::EntraAdminRole, State::Unknown, later));
        return Ok(checks);
    };
    let graph = ctx.graph(cancel).await?;
    let apps = graph.search_service_principals("Unity", 10, cancel).await?;
    checks.push(if apps.is_empty() {
        check(
            Id::EntraApp,
            State::Missing,
            "No enterprise app named like \u{201c}Unity\u{201d}; step 3 can create one.",
        )
    } else {
        let names: Vec<&str> = apps.iter().map(|a| a.display_name.as_str()).collect();
        check(
            Id::EntraApp,
            State::Ok,
            format!("Found: {}.", names.join(", ")),
        )
    });
    checks.push(admin_role_check(&roles));
    Ok(checks)
}

/// The admin-role verdict from the account's directory role template ids.
fn admin_role_check(roles: &[String]) -> PrerequisiteCheck {
    let held: Vec<&str> = PROVISIONING_ADMIN_ROLES
        .iter()
        .filter(|(id, _)| roles.iter().any(|r| r.eq_ignore_ascii_case(id)))
        .map(|(_, name)| *name)
        .collect();
    let needed =
        "Global Administrator, Application Administrator or Cloud Application Administrator";
    match (held.is_empty(), roles.is_empty()) {
        (false, _) => check(
            PrerequisiteId::EntraAdminRole,
            PrerequisiteState::Ok,
            format!("Signed in as {}.", held.join(", ")),
        ),
        (true, true) => check(
            PrerequisiteId::EntraAdminRole,
            PrerequisiteState::Unknown,
            format!("The sign-in does not list your directory roles; setting up provisioning needs {needed} (or ownership of the app)."),
        ),
        (true, false) => check(
            PrerequisiteId::EntraAdminRole,
            PrerequisiteState::Missing,
            format!("Your account holds none of {needed}; ask one of them to run the setup, or to make you an owner of the app."),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_admin_role_comes_from_the_role_template_ids() {
        let global = vec!["62e90394-69f5-4237-9190-012177145e10".to_string()];
        assert_eq!(admin_role_check(&global).state, PrerequisiteState::Ok);
        assert!(admin_role_check(&global)
            .detail
            .contains("Global Administrator"));
        let reader = vec!["b79fbf4d-3ef9-4689-8143-76b194e85509".to_string()];
        assert_eq!(admin_role_check(&reader).state, PrerequisiteState::Missing);
        assert_eq!(admin_role_check(&[]).state, PrerequisiteState::Unknown);
    }

    #[test]
    fn a_check_serializes_its_typed_state() {
        let json = serde_json::to_value(check(
            PrerequisiteId::UnitySso,
            PrerequisiteState::Missing,
            "x",
        ))
        .expect("json");
        assert_eq!(json["id"], "unitySso");
        assert_eq!(json["state"], "missing");
    }
}
