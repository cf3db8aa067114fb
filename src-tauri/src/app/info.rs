//! Facts about the running app the window shows in its header and status bar. The
//! TypeScript twins in ui/src/ipc/bindings are generated from these (ts-rs).

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
    pub data_dir: String,
}

/// The active cloud profile's endpoints, for Settings and the status bar. No secrets.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProfileSummary {
    pub name: String,
    pub microsoft_authority: String,
    pub graph: String,
    pub unity_auth: String,
    pub unity_api: String,
    pub unity_scim: String,
    /// The sandbox's SCIM base connector URL; absent for real clouds.
    pub scim_base_url: Option<String>,
}
