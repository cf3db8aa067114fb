//! The journal's operations on create intents (`intents`): write one before a create, and
//! clear it with the record of what was made, each in one synced journal write.

use crate::problem::Problem;
use crate::wizard::context::intents::{CreateIntent, IntentKind};
use crate::wizard::context::journal::{Journal, JournalStore};

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
