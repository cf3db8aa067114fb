//! Intent before every create: what a step is about to make in either cloud is written to the
//! journal (file and folder synced) before the request leaves, with what the made thing will
//! be recognised by afterwards; once made, the same journal write records its id and clears
//! the intent. A kill at any instant thus leaves either nothing open or an intent the next run
//! looks up (`unity_credentials::reconcile` for tokens, the `ensure_*` lookups for the rest).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::problem::Problem;
use crate::wizard::context::journal::{now, Journal, JournalStore};

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

impl Journal {
    /// The open intents of `kind`.
    pub fn open_intents(&self, kind: IntentKind) -> impl Iterator<Item = &CreateIntent> {
        self.intents.iter().filter(move |i| i.kind == kind)
    }
}

impl JournalStore {
    /// Writes `intent` to the journal (fsync of the file and its folder) before the create it
    /// announces. Errors: `storage` when the journal cannot be written; then nothing may be
    /// created, since a kill after the create would leave it unknown.
    pub fn begin_intent(&self, intent: &CreateIntent) -> Result<(), Problem> {
        self.update(|journal| journal.intents.push(intent.clone()))
            .map(|_| ())
    }

    /// In one journal write: `record` what was made (or found) and clear the open intents of
    /// `kind` that `matches`. Errors: `storage` when the journal cannot be written.
    pub fn finish_intents(
        &self,
        kind: IntentKind,
        matches: impl Fn(&CreateIntent) -> bool,
        record: impl FnOnce(&mut Journal),
    ) -> Result<Journal, Problem> {
        self.update(|journal| {
            record(journal);
            journal
                .intents
                .retain(|intent| intent.kind != kind || !matches(intent));
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::CloudProfile;

    #[test]
    fn an_intent_is_on_disk_before_the_create_and_gone_after_its_record() {
        let dir = tempfile::tempdir().expect("tempdir");
        let profile = CloudProfile::global();
        let store = JournalStore::open(dir.path(), &profile).expect("open");
        let kinds = [
            IntentKind::ServiceAccount,
            IntentKind::BearerToken,
            IntentKind::EnterpriseApp,
            IntentKind::ProvisioningJob,
            IntentKind::Assignment,
            IntentKind::EntraSecret,
        ];
        for kind in kinds {
            let mut intent = CreateIntent::new(kind, format!("{kind:?} name"));
            intent.org_id = Some("org".into());
            store.begin_intent(&intent).expect("begin");
            // A kill now: a fresh process reads the intent back from the file.
            let reread = JournalStore::open(dir.path(), &profile).expect("reopen");
            assert_eq!(
                reread.snapshot().open_intents(kind).collect::<Vec<_>>(),
                vec![&intent],
                "{kind:?}"
            );
        }
        for kind in kinds {
            store
                .finish_intents(
                    kind,
                    |i| i.recognised_by == format!("{kind:?} name"),
                    |j| j.entra.job_id = Some(format!("{kind:?}")),
                )
                .expect("finish");
            let reread = JournalStore::open(dir.path(), &profile)
                .expect("reopen")
                .snapshot();
            assert_eq!(reread.open_intents(kind).count(), 0, "{kind:?} cleared");
            assert_eq!(reread.entra.job_id, Some(format!("{kind:?}")), "recorded");
        }
    }

    /// Backward compatibility: journals written before intents existed (and before the
    /// Entra token fields) still read, with nothing open.
    #[test]
    fn journals_without_intents_still_read() {
        for old in [
            r#"{"version":1,"profileName":"global"}"#,
            r#"{"version":1,"entra":{"jobId":"j"},"unity":{"tokenId":"t"}}"#,
            r#"{"version":1,"intents":[]}"#,
        ] {
            let journal: Journal = serde_json::from_str(old).expect(old);
            assert!(journal.intents.is_empty(), "{old}");
            assert!(journal.entra.secret_token_id.is_none(), "{old}");
        }
        let with_intent = r#"{"intents":[{"kind":"bearerToken","recognisedBy":"d","startedAt":"2026-01-01T00:00:00Z"}]}"#;
        let journal: Journal = serde_json::from_str(with_intent).expect("intent");
        assert_eq!(journal.open_intents(IntentKind::BearerToken).count(), 1);
    }
}
