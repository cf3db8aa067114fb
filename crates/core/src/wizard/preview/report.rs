//! The preview's shapes: what Start would do to one user and why, the counts per class, the
//! whole report, and the progress streamed while it is read. They cross to the window (ts-rs)
//! and are the `preview --json` document, so the scope, classify and export files share them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What Start would do to one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum PreviewAction {
    Create,
    Update,
    InSync,
    Conflict,
    Skip,
    /// Disable or delete: a Unity account whose Entra user left scope.
    Remove,
}

impl PreviewAction {
    /// The JSON spelling (`inSync`), also used in CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            PreviewAction::Create => "create",
            PreviewAction::Update => "update",
            PreviewAction::InSync => "inSync",
            PreviewAction::Conflict => "conflict",
            PreviewAction::Skip => "skip",
            PreviewAction::Remove => "remove",
        }
    }
}

/// One attribute Entra would write: Unity's value now (`from`) and Entra's (`to`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AttributeChange {
    pub attribute: String,
    #[ts(optional = nullable)]
    pub from: Option<String>,
    #[ts(optional = nullable)]
    pub to: Option<String>,
}

/// One user's verdict; the JSON shape is a contract (`preview --json` prints it): extend, do
/// not rename.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PreviewUser {
    pub user_principal_name: String,
    #[ts(optional = nullable)]
    pub display_name: Option<String>,
    pub action: PreviewAction,
    /// Why, in plain words.
    pub reason: String,
    pub changes: Vec<AttributeChange>,
}

/// Counts per class.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PreviewSummary {
    pub create: u32,
    pub update: u32,
    pub in_sync: u32,
    pub conflict: u32,
    pub skip: u32,
    pub remove: u32,
}

impl PreviewSummary {
    /// Counts `users` by what Start would do to each.
    pub(crate) fn count(users: &[PreviewUser]) -> Self {
        let mut summary = Self::default();
        for user in users {
            let slot = match user.action {
                PreviewAction::Create => &mut summary.create,
                PreviewAction::Update => &mut summary.update,
                PreviewAction::InSync => &mut summary.in_sync,
                PreviewAction::Conflict => &mut summary.conflict,
                PreviewAction::Skip => &mut summary.skip,
                PreviewAction::Remove => &mut summary.remove,
            };
            *slot += 1;
        }
        summary
    }
}

/// The whole preview: `{"summary", "users"}` as the issue fixes it, plus context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PreviewReport {
    pub summary: PreviewSummary,
    pub users: Vec<PreviewUser>,
    /// True when the job syncs every user of the tenant (`SyncAll`), not only those assigned.
    pub sync_all: bool,
    /// Users in scope in Entra and accounts read from Unity.
    pub in_scope: u32,
    pub unity_accounts: u32,
    /// What the preview could not check, in plain words.
    pub notes: Vec<String>,
    pub generated_at: String,
}

/// Where the preview is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum PreviewStage {
    ReadingMappings,
    ReadingScope,
    ReadingUnity,
    Classifying,
    CheckingRemovals,
}

/// Streamed while the preview runs; `total` is known for Unity's pages and classification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PreviewProgress {
    pub stage: PreviewStage,
    #[ts(type = "number")]
    pub done: u64,
    #[ts(optional = nullable, type = "number")]
    pub total: Option<u64>,
}
