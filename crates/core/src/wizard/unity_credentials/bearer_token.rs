//! Step 1's bearer token: the keychain's token reused while Unity still lists one ending the
//! same way, else a new one minted and stored (and revoked again if it cannot be stored, so
//! no token is left that nobody can read). The mint is announced in the journal first, so a
//! kill between mint and keychain is reconciled by the next run (`reconcile.rs`).

use tokio_util::sync::CancellationToken;

use crate::problem::Problem;
use crate::progress::ProgressSink;
use crate::secret::Secret;
use crate::secrets::keys;
use crate::unity::UnityAdminClient;
use crate::wizard::context::crash_points::{crash_point, CrashPoint};
use crate::wizard::context::intents::{CreateIntent, IntentKind};
use crate::wizard::context::progress::{note, WizardProgress};
use crate::wizard::context::step_id::StepId;
use crate::wizard::context::wizard_context::WizardContext;

/// The description of the tokens step 1 mints: how a later run recognises them as this app's.
pub(crate) const TOKEN_DESCRIPTION: &str = "Microsoft Entra ID provisioning (scim-setup)";
/// The description of the tokens a rotation mints.
pub(crate) const ROTATED_TOKEN_DESCRIPTION: &str =
    "Microsoft Entra ID provisioning (scim-setup, rotated)";

/// Writes the SCIM bearer token to the SecretStore under `key`, between its two crash points.
/// Every keychain write of the SCIM token goes through here.
///
/// Errors: the SecretStore's Problems.
pub(crate) fn store_scim_token(
    ctx: &WizardContext,
    key: &str,
    token: &Secret,
) -> Result<(), Problem> {
    crash_point(CrashPoint::BeforeKeychainWrite);
    ctx.secrets.set(key, token)?;
    crash_point(CrashPoint::AfterKeychainWrite);
    Ok(())
}

/// The token step 1 ends with, in the SecretStore under `key`: facts only, never the token.
pub(crate) struct StoredBearerToken {
    /// Unity's id for the token.
    pub(crate) id: String,
    /// When Unity made it (RFC 3339), when Unity says.
    pub(crate) created_at: Option<String>,
    pub(crate) last_four: String,
    /// Minted by this call rather than reused.
    pub(crate) created: bool,
    /// The SecretStore key it is filed under.
    pub(crate) key: String,
}

/// A bearer token for the service account `account_id`: the stored one while Unity still
/// lists a token ending the same way (the journal's `known_token_id` first), else a new one
/// stored in the SecretStore. Notes which on `progress`.
///
/// Errors: the admin API's Problems (listing, creating); the SecretStore's Problems, after
/// the new token has been revoked again.
pub(crate) async fn ensure_bearer_token(
    ctx: &WizardContext,
    unity: &UnityAdminClient,
    org_id: &str,
    account_id: &str,
    known_token_id: Option<&str>,
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> Result<StoredBearerToken, Problem> {
    let key = keys::unity_scim_token(org_id, account_id);
    let listed = unity.list_bearer_tokens(org_id, account_id, cancel).await?;
    let stored = ctx.secrets.get(&key)?;
    // Reuse the keychain's token only while Unity still lists one ending the same way
    // (the journal's token id first); otherwise it was revoked and a new one is needed.
    let reusable = stored.as_ref().and_then(|token| {
        let last_four = token.last_four();
        let matching: Vec<_> = listed
            .iter()
            .filter(|info| info.last_four.as_deref() == Some(last_four.as_str()))
            .collect();
        matching
            .iter()
            .find(|info| known_token_id == Some(info.id.as_str()))
            .or(matching.first())
            .map(|info| (*info).clone())
    });
    let (token_info, last_four, token_created) = match (reusable, stored) {
        (Some(info), Some(token)) => (info, token.last_four(), false),
        _ => {
            // Intent before the create: a kill between mint and keychain leaves this open,
            // and the next run finds the token by its description and time and revokes it.
            let mut intent = CreateIntent::new(IntentKind::BearerToken, TOKEN_DESCRIPTION);
            intent.org_id = Some(org_id.to_string());
            intent.service_account_id = Some(account_id.to_string());
            ctx.journal.begin_intent(&intent)?;
            crash_point(CrashPoint::BeforeBearerToken);
            let minted = unity
                .create_bearer_token(org_id, account_id, TOKEN_DESCRIPTION, cancel)
                .await?;
            crash_point(CrashPoint::AfterBearerToken);
            if let Err(problem) = store_scim_token(ctx, &key, &minted.token) {
                // A token nobody can read again is a liability: revoke it before giving up.
                let _ = unity
                    .revoke_bearer_token(org_id, account_id, &minted.info.id, cancel)
                    .await;
                return Err(problem);
            }
            let last_four = minted.token.last_four();
            ctx.journal.finish_intents(
                IntentKind::BearerToken,
                |open| open == &intent,
                |j| {
                    j.unity.token_id = Some(minted.info.id.clone());
                    j.unity.token_last_four = Some(last_four.clone());
                    j.unity.token_key = Some(key.clone());
                    j.unity.token_created_at = minted.info.created_at.clone();
                },
            )?;
            (minted.info, last_four, true)
        }
    };
    note(
        progress,
        StepId::UnityCredentials,
        format!(
            "Bearer token …{last_four} {}",
            if token_created {
                "created and stored"
            } else {
                "reused from the keychain"
            }
        ),
    );
    Ok(StoredBearerToken {
        id: token_info.id,
        created_at: token_info.created_at,
        last_four,
        created: token_created,
        key,
    })
}
