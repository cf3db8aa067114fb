//! Rotating the SCIM bearer token without downtime. The new token is checked against Unity, tested
//! by Entra, saved in the job's secrets and tested again from there; only then does it replace the
//! old one in the keychain and is the old one revoked. Until that point any failure puts Entra's
//! secrets back as they were: the old token stays in use, nothing of it is revoked
//! (docs/unity-admin-contract.md;
//! <https://learn.microsoft.com/graph/api/synchronization-serviceprincipal-put-synchronization>).

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::entra::GraphClient;
use crate::problem::Problem;
use crate::progress::NoProgress;
use crate::secret::Secret;
use crate::secrets::keys;
use crate::unity::{check_scim_endpoint, parse_pasted_token, UnityAdminClient};
use crate::wizard::context::crash_points::{crash_point, CrashPoint};
use crate::wizard::context::intents::{CreateIntent, IntentKind};
use crate::wizard::context::journal::now;
use crate::wizard::context::journal_readers::{journal_job_id, stored_scim_token};
use crate::wizard::context::step_id::StepId;
use crate::wizard::context::wizard_context::WizardContext;
use crate::wizard::entra_provisioning::credentials::write_job_secrets;
use crate::wizard::unity_credentials::bearer_token::{store_scim_token, ROTATED_TOKEN_DESCRIPTION};
use crate::wizard::unity_credentials::reconcile::reconcile_token_intents;

/// Where the new token comes from.
pub enum RotationRoad<'a> {
    /// Minted for the journal's service account through Unity's admin API.
    Api(&'a UnityAdminClient),
    /// Created by the admin in the Dashboard and pasted; the old one is revoked there.
    Pasted(&'a str),
}

/// What a rotation did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RotationOutcome {
    /// `api` or `guided`.
    pub road: String,
    pub new_token_last_four: String,
    #[ts(optional = nullable)]
    pub old_token_last_four: Option<String>,
    /// The old token no longer works anywhere.
    pub old_token_revoked: bool,
    /// What is left for the admin to do, if anything.
    #[ts(optional = nullable)]
    pub follow_up: Option<String>,
    pub tested_at: String,
    /// Tokens an interrupted earlier run left and this rotation revoked, one line each
    /// ("Revoked bearer token …7Q2a: made by an interrupted run, …").
    #[serde(default)]
    pub reconciled: Vec<String>,
}

/// The stored token as the window and the CLI show it (never the token).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TokenFacts {
    #[ts(optional = nullable)]
    pub last_four: Option<String>,
    #[ts(optional = nullable)]
    pub road: Option<String>,
    /// When it was made or pasted (RFC 3339).
    #[ts(optional = nullable)]
    pub created_at: Option<String>,
    /// Whole days since then.
    #[ts(optional = nullable, type = "number")]
    pub age_days: Option<i64>,
    /// The newest successful check, by the app or by Entra's Test Connection.
    #[ts(optional = nullable)]
    pub last_checked_at: Option<String>,
}

fn parse_time(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// The journal's facts about the stored token.
pub fn token_facts(ctx: &WizardContext) -> TokenFacts {
    let journal = ctx.journal.snapshot();
    let created_at = journal.unity.token_created_at.clone();
    let age_days = created_at
        .as_deref()
        .and_then(parse_time)
        .map(|t| (chrono::Utc::now() - t).num_days());
    let last_checked_at = [
        journal.unity.token_checked_at.clone(),
        journal.entra.tested_at.clone(),
    ]
    .into_iter()
    .flatten()
    .filter_map(|t| parse_time(&t).map(|parsed| (parsed, t)))
    .max_by_key(|(parsed, _)| *parsed)
    .map(|(_, t)| t);
    TokenFacts {
        last_four: journal.unity.token_last_four,
        road: journal.unity.road,
        created_at,
        age_days,
        last_checked_at,
    }
}

/// A token the API road made, to revoke later (or now, if it never went into use), and the
/// journal's intent that announced it.
struct Minted {
    org_id: String,
    service_account_id: String,
    token_id: String,
    created_at: Option<String>,
    intent: CreateIntent,
}

/// Clears the rotation's intent once the token it names is settled (in use, or revoked).
fn settle(ctx: &WizardContext, minted: &Minted) -> Result<(), Problem> {
    ctx.journal
        .finish_intents(
            IntentKind::BearerToken,
            |open| open == &minted.intent,
            |_| {},
        )
        .map(|_| ())
}

/// Rotates the SCIM token. On the API road the old token is revoked last; on the guided
/// road the outcome says where to revoke it. An `Err` means Entra and the keychain still
/// hold the old token.
pub async fn rotate_scim_token(
    ctx: &WizardContext,
    graph: &GraphClient,
    road: RotationRoad<'_>,
    cancel: &CancellationToken,
) -> Result<RotationOutcome, Problem> {
    let (sp_id, job_id) = journal_job_id(ctx)?;
    let journal = ctx.journal.snapshot();
    let url = journal.unity.scim_url.clone().ok_or_else(|| {
        Problem::not_found(
            "Rotating the SCIM token",
            "No SCIM connector URL has been set up yet.",
            "Do steps 1 and 2 first.",
        )
    })?;
    let old = stored_scim_token(ctx)?;
    // An interrupted earlier run may have left a token nobody holds: settle that first.
    let mut reconciled = Vec::new();
    if let RotationRoad::Api(unity) = &road {
        let step = StepId::SaveCredentials;
        reconciled = reconcile_token_intents(ctx, unity, step, &NoProgress, cancel)
            .await?
            .lines;
    }
    let journal = ctx.journal.snapshot();
    let (new, minted) = match &road {
        RotationRoad::Api(unity) => {
            let (org_id, service_account_id) =
                match (&journal.unity.org_id, &journal.unity.service_account_id) {
                    (Some(org), Some(sa)) => (org.clone(), sa.clone()),
                    _ => {
                        return Err(Problem::not_found(
                            "Rotating the SCIM token",
                            "The journal names no Unity service account (the token was pasted).",
                            "Paste a new token from the Unity Dashboard instead.",
                        ))
                    }
                };
            // Intent before the create, naming the old token it replaces: a kill at any
            // point after is settled by the next run's reconcile.
            let mut intent = CreateIntent::new(IntentKind::BearerToken, ROTATED_TOKEN_DESCRIPTION);
            intent.org_id = Some(org_id.clone());
            intent.service_account_id = Some(service_account_id.clone());
            intent.replaces_token_id = journal.unity.token_id.clone();
            ctx.journal.begin_intent(&intent)?;
            crash_point(CrashPoint::BeforeBearerToken);
            let created = unity
                .create_bearer_token(
                    &org_id,
                    &service_account_id,
                    ROTATED_TOKEN_DESCRIPTION,
                    cancel,
                )
                .await?;
            crash_point(CrashPoint::AfterBearerToken);
            let minted = Minted {
                org_id,
                service_account_id,
                token_id: created.info.id,
                created_at: created.info.created_at,
                intent,
            };
            (created.token, Some(minted))
        }
        RotationRoad::Pasted(text) => (parse_pasted_token(text)?, None),
    };
    if new == old {
        return Err(Problem::bad_input(
            "Rotating the SCIM token",
            "The new token is the one already in use.",
            "Create a new bearer token in the Dashboard and paste that one.",
        ));
    }
    let ids = TokenIds {
        old: journal.unity.token_id.as_deref(),
        new: minted.as_ref().map(|m| m.token_id.as_str()),
    };
    let switched =
        switch_entra_to(ctx, graph, &sp_id, &job_id, &url, (&old, &new), ids, cancel).await;
    if let Err(problem) = switched {
        // Never used: a token nobody holds is a liability, so it goes; the old one stays.
        if let (RotationRoad::Api(unity), Some(m)) = (&road, &minted) {
            let revoked = unity
                .revoke_bearer_token(&m.org_id, &m.service_account_id, &m.token_id, cancel)
                .await;
            // Left open when the revoke failed: the next run's reconcile tries again.
            if revoked.is_ok() {
                settle(ctx, m)?;
            }
        }
        return Err(problem);
    }
    let tested_at = now();
    let mut outcome = RotationOutcome {
        road: if minted.is_some() { "api" } else { "guided" }.into(),
        new_token_last_four: new.last_four(),
        old_token_last_four: Some(old.last_four()),
        old_token_revoked: false,
        follow_up: None,
        tested_at: tested_at.clone(),
        reconciled,
    };
    match (&road, &minted) {
        (RotationRoad::Api(unity), Some(m)) => {
            let old_id = journal.unity.token_id.clone();
            let revoked = match &old_id {
                Some(id) => unity
                    .revoke_bearer_token(&m.org_id, &m.service_account_id, id, cancel)
                    .await
                    .is_ok(),
                None => false,
            };
            outcome.old_token_revoked = revoked;
            if !revoked {
                outcome.follow_up = Some(format!(
                    "The new token is in use, but the old token …{} could not be revoked: revoke it in the Unity Dashboard (Administration › Service accounts).",
                    old.last_four()
                ));
            }
            ctx.journal.update(|j| {
                j.unity.token_id = Some(m.token_id.clone());
                j.unity.token_created_at = m.created_at.clone().or_else(|| Some(tested_at.clone()));
            })?;
            // The new token is in use; the old one revoked, or (if that failed) left to the
            // next run's reconcile, which revokes it once neither holder has it.
            if revoked {
                settle(ctx, m)?;
            }
            // Earlier interrupted runs' tokens can be settled now that Entra's side is.
            let again =
                reconcile_token_intents(ctx, unity, StepId::SaveCredentials, &NoProgress, cancel)
                    .await?;
            outcome.reconciled.extend(again.lines);
        }
        _ => {
            outcome.follow_up = Some(format!(
                "Revoke the old token …{} in the Unity Dashboard (Administration › Service accounts › Bearer tokens).",
                old.last_four()
            ));
            ctx.journal
                .update(|j| j.unity.token_created_at = Some(tested_at.clone()))?;
        }
    }
    ctx.journal.update(|j| {
        j.unity.token_last_four = Some(new.last_four());
        j.unity.token_checked_at = Some(tested_at.clone());
        j.entra.tested_at = Some(tested_at.clone());
        j.entra.secrets_saved_at = Some(tested_at.clone());
    })?;
    Ok(outcome)
}

/// Unity's ids for the old and the new token, when known (the API road).
#[derive(Clone, Copy)]
struct TokenIds<'a> {
    old: Option<&'a str>,
    new: Option<&'a str>,
}

/// Unity accepts `new`, Entra's Test Connection passes with it, it is saved in the job's
/// secrets and passes again from there, and the keychain gets it. Any failure after the save
/// puts the old token back in Entra (and in the keychain).
#[allow(clippy::too_many_arguments)]
async fn switch_entra_to(
    ctx: &WizardContext,
    graph: &GraphClient,
    sp_id: &str,
    job_id: &str,
    url: &str,
    (old, new): (&Secret, &Secret),
    ids: TokenIds<'_>,
    cancel: &CancellationToken,
) -> Result<(), Problem> {
    check_scim_endpoint(&ctx.http, url, new, cancel).await?;
    graph
        .validate_credentials(sp_id, job_id, url, new, cancel)
        .await?;
    let key = token_key(ctx, url);
    let installed = async {
        write_job_secrets(ctx, graph, url, new, ids.new, cancel).await?;
        graph
            .validate_saved_credentials(sp_id, job_id, cancel)
            .await?;
        store_scim_token(ctx, &key, new)
    }
    .await;
    if let Err(problem) = installed {
        // Restoring is best effort on top of a failure: report the first problem.
        let _ = write_job_secrets(ctx, graph, url, old, ids.old, cancel).await;
        let _ = store_scim_token(ctx, &key, old);
        return Err(problem);
    }
    // The keychain and Entra hold the new token now: the journal says so at once.
    ctx.journal.update(|j| {
        j.unity.token_key = Some(key);
        j.unity.token_last_four = Some(new.last_four());
        if let Some(id) = ids.new {
            j.unity.token_id = Some(id.to_string());
        }
    })?;
    Ok(())
}

/// Where the token lives in the keychain: the journal's key, else the guided road's.
fn token_key(ctx: &WizardContext, url: &str) -> String {
    ctx.journal
        .snapshot()
        .unity
        .token_key
        .unwrap_or_else(|| keys::pasted_scim_token(url))
}
