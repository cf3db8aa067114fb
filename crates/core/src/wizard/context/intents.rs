//! Intent before every create: what a step is about to make in either cloud is written to the
//! journal (file and folder synced) before the request leaves, with what the made thing will
//! be recognised by afterwards; once made, the same journal write records its id and clears
//! the intent. A kill at any instant thus leaves either nothing open or an intent the next run
//! looks up (`unity_credentials::reconcile` for tokens, the `ensure_*` lookups for the rest).
//! This file holds the record; `journal_intents` the journal's operations on it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::wizard::context::timestamps::now;

/// What kind of thing an intent is about to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum IntentKind {
    /// A Unity service account, recognised by its name.
    ServiceAccount,
    /// A Unity bearer token, recognised by its description, its service account and the
    /// time window of its `createdAt`.
    BearerToken,
    /// A non-gallery enterprise app, recognised by its display name.
    EnterpriseApp,
    /// A provisioning job on the app, recognised by its template id.
    ProvisioningJob,
    /// An app role assignment, recognised by the principal's object id.
    Assignment,
    /// A write of the job's secrets in Entra with a given token (recognised by its id and last
    /// four). Entra's secret values cannot be read back through Graph, so while this intent is
    /// open Entra may hold either this token or the one the journal last recorded.
    EntraSecret,
}

/// One create about to happen (or that happened without its outcome being recorded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CreateIntent {
    pub kind: IntentKind,
    /// What the made thing is recognised by afterwards: the token's description, the
    /// account's or the app's name, the job's template id, the principal's id.
    pub recognised_by: String,
    /// When the intent was written (RFC 3339); a token's `createdAt` falls after it.
    pub started_at: String,
    /// The Unity organization (service accounts, tokens).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub org_id: Option<String>,
    /// The service account a token is minted for.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub service_account_id: Option<String>,
    /// The enterprise app's service principal (jobs, assignments, Entra's secrets).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub service_principal_id: Option<String>,
    /// The token being written into Entra's secrets (`entraSecret`): Unity's id, when known.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub token_id: Option<String>,
    /// The token being written into Entra's secrets: its last four characters.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub token_last_four: Option<String>,
    /// A rotation's old token (Unity's id), to be revoked once neither the keychain nor
    /// Entra holds it.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub replaces_token_id: Option<String>,
}

impl CreateIntent {
    /// An intent of `kind`, recognised by `recognised_by`, started now; the other fields empty.
    pub fn new(kind: IntentKind, recognised_by: impl Into<String>) -> Self {
        Self {
            kind,
            recognised_by: recognised_by.into(),
            started_at: now(),
            org_id: None,
            service_account_id: None,
            service_principal_id: None,
            token_id: None,
            token_last_four: None,
            replaces_token_id: None,
        }
    }
}
