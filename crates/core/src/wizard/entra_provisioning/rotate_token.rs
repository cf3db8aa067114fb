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
use crate::secret::Secret;
use crate::secrets::keys;
use crate::unity::{check_scim_endpoint, parse_pasted_token, UnityAdminClient};
use crate::wizard::context::journal::now;
use crate::wizard::context::journal_readers::{journal_job_id, stored_scim_token};
use crate::wizard::context::wizard_context::WizardContext;
use crate::wizard::entra_provisioning::credentials::write_job_secrets;

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

/// A token the API road made, to revoke later (or now, if it never went into use).
struct Minted {
    org_id: String,
    service_account_id: String,
    token_id: String,
    created_at: Option<String>,
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
    let (new, minted) =
        match &road {
            RotationRoad::Api(unity) => {
                let (org_id, service_account_id) =
                    match (&journal.unity.org_id, &journal.unity.service_account_id) {
                        (Some(org), Some(sa)) => (org.clone(), sa.clone()),
                        _ => return Err(Problem::not_found(
                            "Rotating the SCIM token",
                            "The journal names no Unity service account (the token was pasted).",
                            "Paste a new token from the Unity Dashboard instead.",
                        )),
                    };
                let created = unity
                    .create_bearer_token(
                        &org_id,
                        &service_account_id,
                        "Microsoft Entra ID provisioning (scim-setup, rotated)",
                        cancel,
                    )
                    .await?;
                let minted = Minted {
                    org_id,
                    service_account_id,
                    token_id: created.info.id,
                    created_at: created.info.created_at,
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
    let switched = switch_entra_to(ctx, graph, &sp_id, &job_id, &url, &old, &new, cancel).await;
    if let Err(problem) = switched {
        // Never used: a token nobody holds is a liability, so it goes; the old one stays.
        if let (RotationRoad::Api(unity), Some(m)) = (&road, &minted) {
            let _ = unity
                .revoke_bearer_token(&m.org_id, &m.service_account_id, &m.token_id, cancel)
                .await;
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
    old: &Secret,
    new: &Secret,
    cancel: &CancellationToken,
) -> Result<(), Problem> {
    check_scim_endpoint(&ctx.http, url, new, cancel).await?;
    graph
        .validate_credentials(sp_id, job_id, url, new, cancel)
        .await?;
    let key = token_key(ctx, url);
    let installed = async {
        write_job_secrets(ctx, graph, url, new, cancel).await?;
        graph
            .validate_saved_credentials(sp_id, job_id, cancel)
            .await?;
        ctx.secrets.set(&key, new)
    }
    .await;
    if let Err(problem) = installed {
        // Restoring is best effort on top of a failure: report the first problem.
        let _ = write_job_secrets(ctx, graph, url, old, cancel).await;
        let _ = ctx.secrets.set(&key, old);
        return Err(problem);
    }
    ctx.journal.update(|j| j.unity.token_key = Some(key))?;
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
