//! Where things are in the Unity Dashboard, written once: the menu path a person follows
//! ("Administration > Single sign on > SCIM") and the deep link the guided road opens. Every
//! explanation, the CLI and the window (through [`DashboardFacts`] in the generated bindings)
//! read them from here. Menu names follow Unity's own page on service accounts and roles:
//! https://docs.unity.com/en-us/cloud/accounts/create-service-account

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::problem::Problem;
use crate::profile::CloudProfile;

/// The Dashboard's words as literals, so `concat!` can build the static texts of a catalogue
/// (Diagnose's rows) from them; code that formats at run time uses the constants below.
#[macro_export]
#[doc(hidden)]
macro_rules! unity_dashboard {
    (scim_authenticator) => {
        "SCIM Authenticator"
    };
    (sso) => {
        "Administration > Single sign on"
    };
    (sso_scim) => {
        "Administration > Single sign on > SCIM"
    };
    (sso_domains) => {
        "Administration > Single sign on > Domains"
    };
    (bearer_tokens) => {
        "Administration > Service accounts > the account > Bearer tokens"
    };
    (organization_roles) => {
        "Administration > Service accounts > the account > Manage organization roles"
    };
}

/// The organization role, as the Dashboard names it, that lets a service account's token
/// call SCIM (the admin API's id for it is [`super::SCIM_AUTHENTICATOR_ROLE`]).
pub const SCIM_AUTHENTICATOR: &str = unity_dashboard!(scim_authenticator);
/// Where single sign-on is turned on.
pub const SSO_MENU: &str = unity_dashboard!(sso);
/// Where the SCIM base connector URL is shown.
pub const SSO_SCIM_MENU: &str = unity_dashboard!(sso_scim);
/// Where the organization's email domains are validated.
pub const SSO_DOMAINS_MENU: &str = unity_dashboard!(sso_domains);
/// Where a service account's bearer tokens are created and revoked.
pub const BEARER_TOKENS_MENU: &str = unity_dashboard!(bearer_tokens);
/// Where a service account is given organization roles.
pub const ORGANIZATION_ROLES_MENU: &str = unity_dashboard!(organization_roles);

/// The Dashboard's words the window shows, sent once through the generated bindings so the
/// UI holds no copy of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DashboardFacts {
    /// "SCIM Authenticator".
    pub scim_authenticator: String,
    /// "Administration > Single sign on".
    pub sso_menu: String,
    /// "Administration > Single sign on > SCIM".
    pub sso_scim_menu: String,
    /// "Administration > Single sign on > Domains".
    pub sso_domains_menu: String,
    /// "Administration > Service accounts > the account > Bearer tokens".
    pub bearer_tokens_menu: String,
    /// "Administration > Service accounts > the account > Manage organization roles".
    pub organization_roles_menu: String,
}

impl DashboardFacts {
    /// The catalogue above, as owned strings for IPC.
    pub fn current() -> Self {
        Self {
            scim_authenticator: SCIM_AUTHENTICATOR.to_string(),
            sso_menu: SSO_MENU.to_string(),
            sso_scim_menu: SSO_SCIM_MENU.to_string(),
            sso_domains_menu: SSO_DOMAINS_MENU.to_string(),
            bearer_tokens_menu: BEARER_TOKENS_MENU.to_string(),
            organization_roles_menu: ORGANIZATION_ROLES_MENU.to_string(),
        }
    }
}

/// Dashboard pages for each guided step. The organization page always works; the pages
/// under it follow the Dashboard's menu and may move when Unity changes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DashboardLinks {
    pub organization: String,
    pub service_accounts: String,
    pub single_sign_on: String,
}

/// The deep links for the organization `org_id` (its list when `None`) under the profile's
/// Dashboard. Returns `None` when the profile has no Dashboard (a custom profile).
pub fn dashboard_links(profile: &CloudProfile, org_id: Option<&str>) -> Option<DashboardLinks> {
    let base = profile.unity.dashboard.as_deref()?.trim_end_matches('/');
    let org = match org_id {
        Some(id) if !id.trim().is_empty() => format!(
            "{base}/home/organizations/{}",
            crate::http::encode_path_segment(id.trim())
        ),
        _ => format!("{base}/home/organizations"),
    };
    Some(DashboardLinks {
        service_accounts: format!("{org}/administration/service-accounts"),
        single_sign_on: format!("{org}/administration/single-sign-on"),
        organization: org,
    })
}

/// A Unity Dashboard page the guided road opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum DashboardPage {
    Organization,
    ServiceAccounts,
    SingleSignOn,
}

/// The URL of one Dashboard page for the organization (its list when `org_id` is `None`).
///
/// Errors: `notFound` when the profile has no Unity Dashboard.
pub fn dashboard_page_url(
    profile: &CloudProfile,
    page: DashboardPage,
    org_id: Option<&str>,
) -> Result<String, Problem> {
    let links = dashboard_links(profile, org_id).ok_or_else(|| {
        Problem::not_found(
            "Opening the Unity Dashboard",
            "This cloud profile has no Unity Dashboard.",
            "Open the Dashboard yourself, or use a profile with unity.dashboard.",
        )
    })?;
    Ok(match page {
        DashboardPage::Organization => links.organization,
        DashboardPage::ServiceAccounts => links.service_accounts,
        DashboardPage::SingleSignOn => links.single_sign_on,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_links_come_from_the_profile() {
        let links = dashboard_links(&CloudProfile::global(), Some("42")).expect("links");
        assert!(links
            .service_accounts
            .ends_with("/home/organizations/42/administration/service-accounts"));
        assert!(links
            .single_sign_on
            .ends_with("/home/organizations/42/administration/single-sign-on"));
        let mut no_dashboard = CloudProfile::global();
        no_dashboard.unity.dashboard = None;
        assert!(dashboard_links(&no_dashboard, Some("42")).is_none());
    }

    #[test]
    fn menu_paths_nest_under_administration() {
        for path in [SSO_SCIM_MENU, SSO_DOMAINS_MENU] {
            assert!(path.starts_with(SSO_MENU), "{path}");
        }
        for path in [SSO_MENU, BEARER_TOKENS_MENU, ORGANIZATION_ROLES_MENU] {
            assert!(path.starts_with("Administration > "), "{path}");
        }
        assert_eq!(
            DashboardFacts::current().sso_domains_menu,
            "Administration > Single sign on > Domains"
        );
    }
}
