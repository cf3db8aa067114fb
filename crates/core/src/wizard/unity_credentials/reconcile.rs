//! Reconciling bearer tokens an interrupted run may have minted: for each open `bearerToken`
//! intent in the journal, the service account's tokens are listed, and one this app minted in
//! the intent's time window (or the old token a rotation meant to replace) that neither the
//! keychain nor Entra holds is revoked, with a line saying so. Runs before step 1 creates
//! anything, and again once Entra's secrets are settled (after they are saved, after a rotation).
//!
//! How "Entra holds" is known: Graph documents writing a job's secrets
//! (<https://learn.microsoft.com/graph/api/synchronization-serviceprincipal-put-synchronization>)
//! but no way to read a saved `SecretToken`'s value back, so Entra cannot be asked. The
//! journal records which token (id and last four) each successful write saved; a write that
//! was announced (`entraSecret` intent) and not recorded may or may not have landed, so while
//! one is open both the recorded token and the announced one count as held. When in doubt a
//! token is kept: a token too many costs a later clean-up, a token revoked too many stops
//! provisioning.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use tokio_util::sync::CancellationToken;

use crate::problem::{Problem, ProblemKind};
use crate::progress::ProgressSink;
use crate::secrets::keys;
use crate::unity::{BearerTokenInfo, UnityAdminClient};
use crate::wizard::context::intents::{CreateIntent, IntentKind};
use crate::wizard::context::journal::Journal;
use crate::wizard::context::progress::{note, WizardProgress};
use crate::wizard::context::step_id::StepId;
use crate::wizard::context::wizard_context::WizardContext;

/// Every description this app gives its tokens starts so (step 1's and a rotation's).
const OUR_DESCRIPTION_PREFIX: &str = "Microsoft Entra ID provisioning (scim-setup";

/// How much earlier than the intent Unity's clock may date the token (clocks differ).
const CLOCK_SKEW: Duration = Duration::minutes(2);
/// How long after its intent a create can still land: the create call's retries and
/// timeouts end well within this, so a later token is not the interrupted run's.
const CREATE_WINDOW: Duration = Duration::minutes(15);

/// What the reconcile found, for tests and the caller's summary.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct ReconcileOutcome {
    /// Last four of each token revoked.
    pub(crate) revoked: Vec<String>,
    /// The line said for each (also reported on `progress`).
    pub(crate) lines: Vec<String>,
    /// Intents still open because Entra's side is not settled yet.
    pub(crate) still_open: usize,
}

/// Which tokens the keychain and Entra hold, by Unity id and last four.
struct Holders {
    keychain_last_four: Option<String>,
    entra: Vec<(Option<String>, Option<String>)>,
}

impl Holders {
    fn keychain_holds(&self, token: &BearerTokenInfo) -> bool {
        self.keychain_last_four.is_some() && self.keychain_last_four == token.last_four
    }

    /// Held when the id matches, or the last four does (fail safe: a shared last four keeps).
    fn entra_holds(&self, token: &BearerTokenInfo) -> bool {
        self.entra.iter().any(|(id, last_four)| {
            id.as_deref() == Some(token.id.as_str())
                || (last_four.is_some() && *last_four == token.last_four)
        })
    }
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// True when `token` may be the one `intent`'s run minted (or the one it replaces): this
/// app's description, and a `createdAt` in the intent's window. A token without a readable
/// `createdAt` is not claimed: it cannot be placed in the window.
fn made_by(intent: &CreateIntent, token: &BearerTokenInfo) -> bool {
    if intent.replaces_token_id.as_deref() == Some(token.id.as_str()) {
        return true;
    }
    let ours = token
        .description
        .as_deref()
        .is_some_and(|d| d.starts_with(OUR_DESCRIPTION_PREFIX));
    let (Some(started), Some(created)) = (
        parse_time(&intent.started_at),
        token.created_at.as_deref().and_then(parse_time),
    ) else {
        return false;
    };
    ours && created >= started - CLOCK_SKEW && created <= started + CREATE_WINDOW
}

fn entra_holders(journal: &Journal) -> Vec<(Option<String>, Option<String>)> {
    let recorded = (
        journal.entra.secret_token_id.clone(),
        journal.entra.secret_token_last_four.clone(),
    );
    std::iter::once(recorded)
        .chain(
            journal
                .open_intents(IntentKind::EntraSecret)
                .map(|w| (w.token_id.clone(), w.token_last_four.clone())),
        )
        .filter(|(id, last_four)| id.is_some() || last_four.is_some())
        .collect()
}

/// Settles every open `bearerToken` intent: revokes the tokens an interrupted run minted
/// that neither the keychain nor Entra holds (a `note` on `progress` under `step` for each),
/// points the journal at the keychain's token, and clears each intent unless Entra's side is
/// still unsettled (an `entraSecret` write open, or a token of the intent held by Entra and
/// not by the keychain, which the next save of the keychain's token would orphan).
///
/// Errors: the SecretStore's and the journal's. A listing or a revoke that fails is logged
/// and its intent left open for the next run (an account that is gone settles its intents).
/// Housekeeping never blocks the step it runs before.
pub(crate) async fn reconcile_token_intents(
    ctx: &WizardContext,
    unity: &UnityAdminClient,
    step: StepId,
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> Result<ReconcileOutcome, Problem> {
    let journal = ctx.journal.snapshot();
    let intents: Vec<CreateIntent> = journal
        .open_intents(IntentKind::BearerToken)
        .cloned()
        .collect();
    let mut outcome = ReconcileOutcome::default();
    let accounts: BTreeSet<(String, String)> = intents
        .iter()
        .filter_map(|i| Some((i.org_id.clone()?, i.service_account_id.clone()?)))
        .collect();
    let writes_open = journal.open_intents(IntentKind::EntraSecret).count() > 0;
    let mut settled: Vec<CreateIntent> = intents
        .iter()
        .filter(|i| i.org_id.is_none() || i.service_account_id.is_none())
        .cloned()
        .collect();
    let mut keychain_record = None;
    let mut revoked_ids = BTreeSet::new();
    for (org_id, account_id) in accounts {
        let key = keys::unity_scim_token(&org_id, &account_id);
        let holders = Holders {
            keychain_last_four: ctx.secrets.get(&key)?.map(|t| t.last_four()),
            entra: entra_holders(&journal),
        };
        let of_account = |i: &&CreateIntent| {
            i.org_id.as_deref() == Some(org_id.as_str())
                && i.service_account_id.as_deref() == Some(account_id.as_str())
        };
        let listed = match unity.list_bearer_tokens(&org_id, &account_id, cancel).await {
            Ok(listed) => listed,
            // The account (or the organization) is gone, and its tokens with it.
            Err(problem) if problem.kind() == ProblemKind::NotFound => {
                settled.extend(intents.iter().filter(of_account).cloned());
                continue;
            }
            // Housekeeping must not block the step: the intent stays open for the next run.
            Err(problem) => {
                tracing::warn!(
                    kind = problem.kind_name(),
                    "could not list the tokens an interrupted run may have made; the next run looks again"
                );
                outcome.still_open += intents.iter().filter(of_account).count();
                continue;
            }
        };
        for intent in intents.iter().filter(of_account) {
            let mut open = writes_open;
            for token in listed.iter().filter(|t| made_by(intent, t)) {
                let (in_keychain, in_entra) =
                    (holders.keychain_holds(token), holders.entra_holds(token));
                if in_entra && !in_keychain {
                    open = true;
                }
                if in_keychain || in_entra || revoked_ids.contains(&token.id) {
                    continue;
                }
                let last_four = token.last_four.clone().unwrap_or_default();
                match unity
                    .revoke_bearer_token(&org_id, &account_id, &token.id, cancel)
                    .await
                {
                    Ok(()) => {
                        let line = format!(
                            "Revoked bearer token …{last_four}: made by an interrupted run, held by neither the keychain nor Entra"
                        );
                        tracing::info!("{line}");
                        note(progress, step, line.clone());
                        outcome.lines.push(line);
                        outcome.revoked.push(last_four);
                        revoked_ids.insert(token.id.clone());
                    }
                    Err(problem) => {
                        tracing::warn!(
                            kind = problem.kind_name(),
                            "could not revoke a bearer token an interrupted run made; the next run tries again"
                        );
                        open = true;
                    }
                }
            }
            if open {
                outcome.still_open += 1;
            } else {
                settled.push(intent.clone());
            }
        }
        // The journal names the keychain's token (a kill after the keychain write left the
        // old id there, and a rotation would revoke the wrong one).
        if journal.unity.service_account_id.as_deref() == Some(account_id.as_str()) {
            let mut in_keychain = listed.iter().filter(|t| holders.keychain_holds(t));
            if let (Some(token), None) = (in_keychain.next(), in_keychain.next()) {
                if journal.unity.token_id.as_deref() != Some(token.id.as_str()) {
                    keychain_record = Some((token.clone(), key.clone()));
                }
            }
        }
    }
    if settled.is_empty() && keychain_record.is_none() {
        return Ok(outcome);
    }
    ctx.journal.finish_intents(
        IntentKind::BearerToken,
        |open| settled.contains(open),
        |j| {
            if let Some((token, key)) = keychain_record {
                j.unity.token_id = Some(token.id);
                j.unity.token_last_four = token.last_four;
                j.unity.token_created_at = token.created_at;
                j.unity.token_key = Some(key);
            }
        },
    )?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(id: &str, description: Option<&str>, created_at: Option<&str>) -> BearerTokenInfo {
        BearerTokenInfo {
            id: id.into(),
            description: description.map(str::to_string),
            created_at: created_at.map(str::to_string),
            expires_at: None,
            last_four: Some(format!("{id:0>4}")),
        }
    }

    fn intent_at(started_at: &str) -> CreateIntent {
        let mut intent = CreateIntent::new(IntentKind::BearerToken, "d");
        intent.started_at = started_at.into();
        intent
    }

    /// Only tokens this app minted, within the intent's window, are claimed: a family of
    /// descriptions and times on either side of the window's edges.
    #[test]
    fn a_token_is_claimed_only_with_our_description_inside_the_window() {
        let intent = intent_at("2026-12-01T10:00:00Z");
        let ours = Some("Microsoft Entra ID provisioning (scim-setup)");
        let rotated = Some("Microsoft Entra ID provisioning (scim-setup, rotated)");
        let cases = [
            (ours, Some("2026-12-01T10:00:01Z"), true),
            (rotated, Some("2026-12-01T10:14:00Z"), true),
            (ours, Some("2026-12-01T09:58:30Z"), true),
            (ours, Some("2026-12-01T09:57:00Z"), false),
            (ours, Some("2026-12-01T10:16:00Z"), false),
            (ours, None, false),
            (ours, Some("not a time"), false),
            (
                Some("Okta provisioning"),
                Some("2026-12-01T10:00:01Z"),
                false,
            ),
            (
                Some("Microsoft Entra ID provisioning"),
                Some("2026-12-01T10:00:01Z"),
                false,
            ),
            (None, Some("2026-12-01T10:00:01Z"), false),
            (Some(""), Some("2026-12-01T10:00:01Z"), false),
        ];
        for (description, created, claimed) in cases {
            assert_eq!(
                made_by(&intent, &token("1", description, created)),
                claimed,
                "{description:?} at {created:?}"
            );
        }
    }

    #[test]
    fn a_rotations_old_token_is_claimed_whatever_its_age() {
        let mut intent = intent_at("2026-12-01T10:00:00Z");
        intent.replaces_token_id = Some("old".into());
        let old = token("old", Some("anything"), Some("2020-01-01T00:00:00Z"));
        assert!(made_by(&intent, &old));
        assert!(!made_by(&intent, &token("other", None, None)));
    }

    /// Held by Entra: the recorded token, and while a write is open also the one it writes,
    /// matched by id or by last four.
    #[test]
    fn entra_holds_the_recorded_token_and_any_announced_one() {
        let mut journal = Journal::default();
        journal.entra.secret_token_id = Some("e1".into());
        journal.entra.secret_token_last_four = Some("00e1".into());
        let mut write = CreateIntent::new(IntentKind::EntraSecret, "w");
        write.token_last_four = Some("00w2".into());
        journal.intents.push(write);
        let holders = Holders {
            keychain_last_four: Some("00k3".into()),
            entra: entra_holders(&journal),
        };
        for (id, held) in [("e1", true), ("w2", true), ("k3", false), ("x9", false)] {
            assert_eq!(holders.entra_holds(&token(id, None, None)), held, "{id}");
        }
        assert!(holders.keychain_holds(&token("k3", None, None)));
        assert!(!holders.keychain_holds(&token("e1", None, None)));
        let nobody = Holders {
            keychain_last_four: None,
            entra: entra_holders(&Journal::default()),
        };
        let unknown = BearerTokenInfo {
            last_four: None,
            ..token("z", None, None)
        };
        assert!(!nobody.keychain_holds(&unknown) && !nobody.entra_holds(&unknown));
    }
}
