//! Step 1 on the API road: with the admin signed in to Unity, the organization chosen, then
//! the service account, its SCIM Authenticator role and a bearer token, each looked up
//! before anything is created (one `ensure_*` per thing, in the files beside this one). The
//! token goes to the SecretStore only; the journal names the rest.

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::problem::Problem;
use crate::progress::ProgressSink;
use crate::unity::{UnityAdminClient, UnityOrganization};
use crate::wizard::context::intents::IntentKind;
use crate::wizard::context::progress::{note, WizardProgress};
use crate::wizard::context::step_id::StepId;
use crate::wizard::context::wizard_context::WizardContext;
use crate::wizard::unity_credentials::bearer_token::ensure_bearer_token;
use crate::wizard::unity_credentials::reconcile::reconcile_token_intents;
use crate::wizard::unity_credentials::service_account::{
    ensure_scim_authenticator_role, ensure_service_account,
};

/// The service account's name when none is given.
pub const DEFAULT_SERVICE_ACCOUNT_NAME: &str = "Entra ID provisioning (scim-setup)";

/// What the API road is asked for: which organization and the service account's name.
#[derive(Debug, Clone, Default)]
pub struct UnityOptions {
    /// Which organization; needed only when the account belongs to several.
    pub org_id: Option<String>,
    pub service_account_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UnityCredentialsOutcome {
    pub org_id: String,
    pub org_name: String,
    pub service_account_id: String,
    pub service_account_name: String,
    pub service_account_created: bool,
    pub role_added: bool,
    pub token_id: String,
    pub token_last_four: String,
    pub token_created: bool,
    /// "the OS keychain" or "memory (this run only)".
    pub token_stored_in: String,
    /// Tokens an interrupted earlier run minted that neither the keychain nor Entra held,
    /// revoked before anything else, one line each (also reported as progress notes).
    #[serde(default)]
    pub reconciled: Vec<String>,
}

/// Picks the organization: the one asked for, the journal's, or the only one.
fn pick_org(
    orgs: Vec<UnityOrganization>,
    wanted: Option<&str>,
) -> Result<UnityOrganization, Problem> {
    let action = "Choosing the Unity organization";
    if let Some(wanted) = wanted {
        let listed: Vec<String> = orgs
            .iter()
            .map(|o| format!("{} ({})", o.name, o.id))
            .collect();
        return orgs
            .into_iter()
            .find(|o| o.id == wanted || o.genesis_id.as_deref() == Some(wanted))
            .ok_or_else(|| {
                Problem::not_found(
                    action,
                    format!("Your Unity account is not in organization {wanted}; it is in: {}.", listed.join(", ")),
                    "Pick one of the listed organizations, or sign in with an account of that organization.",
                )
            });
    }
    match orgs.len() {
        0 => Err(Problem::not_found(
            action,
            "Your Unity account belongs to no organization.",
            "Sign in with the Unity account that owns or manages the organization.",
        )),
        1 => orgs
            .into_iter()
            .next()
            .ok_or_else(|| Problem::server(action, "No organization.", "Try again.")),
        _ => Err(Problem::bad_input(
            action,
            format!(
                "Your Unity account belongs to several organizations: {}.",
                orgs.iter()
                    .map(|o| format!("{} ({})", o.name, o.id))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "Choose the organization to set up (its ID is the number in brackets).",
        )),
    }
}

/// The API road of step 1: sign-in is done; find or create everything, reusing the token
/// in the keychain when Unity still lists it. Journals the organization and the service
/// account once it exists, the token once it is stored, and marks `unityCredentials` done.
///
/// Errors: the admin API's Problems; `notFound` or `badInput` when the organization cannot
/// be chosen; the SecretStore's and the journal's Problems.
pub async fn ensure_unity_credentials(
    ctx: &WizardContext,
    unity: &UnityAdminClient,
    options: &UnityOptions,
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> Result<UnityCredentialsOutcome, Problem> {
    let step = StepId::UnityCredentials;
    // An interrupted run may have minted a token nobody holds: settle that before anything.
    let reconciled = reconcile_token_intents(ctx, unity, step, progress, cancel)
        .await?
        .lines;
    let journal = ctx.journal.snapshot();
    let user = unity.current_user(cancel).await?;
    let orgs = unity.organizations(&user.sub, cancel).await?;
    let wanted = options.org_id.clone().or(journal.unity.org_id.clone());
    let org = pick_org(orgs, wanted.as_deref())?;
    let org_id = org.id.clone();
    note(
        progress,
        step,
        format!("Organization: {} ({org_id})", org.name),
    );

    let name = options
        .service_account_name
        .clone()
        .unwrap_or_else(|| DEFAULT_SERVICE_ACCOUNT_NAME.to_string());
    let (account, created) = ensure_service_account(
        ctx,
        unity,
        &org_id,
        &name,
        journal.unity.service_account_id.as_deref(),
        progress,
        cancel,
    )
    .await?;
    // What was made (or found) is recorded, and the intent to make it cleared, in one write.
    ctx.journal.finish_intents(
        IntentKind::ServiceAccount,
        |intent| intent.recognised_by == name && intent.org_id.as_deref() == Some(org_id.as_str()),
        |j| {
            j.unity.road = Some("api".into());
            j.unity.org_id = Some(org_id.clone());
            j.unity.org_name = Some(org.name.clone());
            j.unity.service_account_id = Some(account.id.clone());
            j.unity.service_account_name = Some(account.name.clone());
        },
    )?;

    let role_added =
        ensure_scim_authenticator_role(unity, &org_id, &account.id, progress, cancel).await?;

    let token = ensure_bearer_token(
        ctx,
        unity,
        &org_id,
        &account.id,
        journal.unity.token_id.as_deref(),
        progress,
        cancel,
    )
    .await?;
    ctx.journal.update(|j| {
        j.unity.token_id = Some(token.id.clone());
        j.unity.token_last_four = Some(token.last_four.clone());
        j.unity.token_key = Some(token.key.clone());
        j.unity.token_created_at = token.created_at.clone();
    })?;
    ctx.journal.mark_done(StepId::UnityCredentials)?;
    Ok(UnityCredentialsOutcome {
        org_id,
        org_name: org.name,
        service_account_id: account.id,
        service_account_name: account.name,
        service_account_created: created,
        role_added,
        token_id: token.id,
        token_last_four: token.last_four,
        token_created: token.created,
        token_stored_in: ctx.secrets.describe().to_string(),
        reconciled,
    })
}
