//! Facts about the running app the window shows in its header, status bar and Settings. The
//! TypeScript twins in ui/src/ipc/bindings are generated from these (ts-rs). No secrets.

use scim_core::profile::CloudProfile;
use scim_core::unity::DashboardFacts;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    pub profile: ProfileSummary,
    /// True when the window runs against the embedded simulated clouds.
    pub sandbox: bool,
    /// True for any simulated cloud: sign-ins consent by themselves, no browser opens.
    pub simulated_sign_in: bool,
    /// Where secrets are kept: "the OS keychain" or "memory (this run only)".
    pub secret_store: String,
    pub data_dir: String,
    pub reports_dir: String,
    /// What start-up could not use, each with its cause and fix: a broken custom profile or
    /// settings file (the window opened on the defaults instead) or a journal set aside.
    pub startup_problems: Vec<scim_core::startup::StartupProblem>,
    /// The Unity Dashboard's words the window quotes (menu paths, the role's name), from the
    /// engine's one catalogue.
    pub dashboard: DashboardFacts,
    /// How many of a group's members one press provisions on demand (the engine's cap).
    pub max_group_members: usize,
}

/// The active cloud profile's endpoints, for Settings and the status bar. No secrets.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProfileSummary {
    pub name: String,
    pub microsoft_authority: String,
    pub graph: String,
    pub microsoft_client_id: String,
    pub unity_auth: String,
    pub unity_api: String,
    pub unity_scim: String,
    #[ts(optional = nullable)]
    pub unity_client_id: Option<String>,
    /// The sandbox's SCIM base connector URL; absent for real clouds.
    pub scim_base_url: Option<String>,
}

impl ProfileSummary {
    pub fn of(profile: &CloudProfile) -> Self {
        Self {
            name: profile.name.clone(),
            microsoft_authority: profile.microsoft.authority.clone(),
            graph: profile.microsoft.graph.clone(),
            microsoft_client_id: profile.microsoft.client_id.clone(),
            unity_auth: profile.unity.auth.clone(),
            unity_api: profile.unity.api.clone(),
            unity_scim: profile.unity.scim.clone(),
            unity_client_id: profile.unity.client_id.clone(),
            scim_base_url: profile.sandbox.as_ref().map(|s| s.scim_base_url.clone()),
        }
    }
}
