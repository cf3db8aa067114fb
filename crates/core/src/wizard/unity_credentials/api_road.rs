//! Steps 1 and 2 on the Unity side: a checked pair (SCIM base URL, bearer token), by the API
//! road (service account, role, token, all looked up before anything is created) or by the
//! guided road (pasted values, checked at once). The token goes to the SecretStore only.

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::problem::Problem;
use crate::progress::ProgressSink;
use crate::secrets::keys;
use crate::unity::{
    check_scim_endpoint, parse_connector_input, parse_pasted_token, ScimEndpointCheck,
    UnityAdminClient, UnityOrganization, SCIM_AUTHENTICATOR_ROLE,
};
use crate::wizard::context::journal::now;
use crate::wizard::context::journal_readers::stored_scim_token;
use crate::wizard::context::progress::{note, WizardProgress};
use crate::wizard::context::step_id::StepId;
use crate::wizard::context::wizard_context::crash_point;
use crate::wizard::context::wizard_context::WizardContext;

pub const DEFAULT_SERVICE_ACCOUNT_NAME: &str = "Entra ID provisioning (scim-setup)";

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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConnectorUrlOutcome {
    pub url: String,
    /// `fetched` (from Unity's SSO settings), `derived` (from the org ID) or `pasted`.
    pub source: String,
    pub check: ScimEndpointCheck,
    pub token_last_four: String,
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
/// in the keychain when Unity still lists it.
pub async fn ensure_unity_credentials(
    ctx: &WizardContext,
    unity: &UnityAdminClient,
    options: &UnityOptions,
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> Result<UnityCredentialsOutcome, Problem> {
    let step = StepId::UnityCredentials;
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
    let find = |accounts: &[crate::unity::ServiceAccount]| {
        accounts
            .iter()
            .find(|a| {
                journal.unity.service_account_id.as_deref() == Some(a.id.as_str()) && a.name == name
            })
            .or_else(|| accounts.iter().find(|a| a.name == name))
            .cloned()
    };
    let accounts = unity.list_service_accounts(&org_id, cancel).await?;
    let (account, created) = match find(&accounts) {
        Some(account) => (account, false),
        None => {
            let description =
                "Used by Microsoft Entra ID to provision users over SCIM. Created by scim-setup.";
            match unity
                .create_service_account(&org_id, &name, description, cancel)
                .await
            {
                Ok(account) => {
                    crash_point("serviceAccount");
                    (account, true)
                }
                // Taken meanwhile, or the create's answer was lost: look again before anything else.
                Err(problem)
                    if matches!(problem.kind_name(), "conflict" | "timeout" | "unreachable") =>
                {
                    let accounts = unity.list_service_accounts(&org_id, cancel).await?;
                    (find(&accounts).ok_or(problem)?, false)
                }
                Err(problem) => return Err(problem),
            }
        }
    };
    note(
        progress,
        step,
        format!(
            "Service account \u{201c}{}\u{201d} {}",
            account.name,
            if created { "created" } else { "found" }
        ),
    );
    ctx.journal.update(|j| {
        j.unity.road = Some("api".into());
        j.unity.org_id = Some(org_id.clone());
        j.unity.org_name = Some(org.name.clone());
        j.unity.service_account_id = Some(account.id.clone());
        j.unity.service_account_name = Some(account.name.clone());
    })?;

    let mut roles = unity
        .organization_roles(&org_id, &account.id, cancel)
        .await?;
    let role_added = !roles.iter().any(|r| r == SCIM_AUTHENTICATOR_ROLE);
    if role_added {
        roles.push(SCIM_AUTHENTICATOR_ROLE.to_string());
        unity
            .set_organization_roles(&org_id, &account.id, &roles, cancel)
            .await?;
        note(
            progress,
            step,
            "Gave the service account the SCIM Authenticator role",
        );
    }

    let key = keys::unity_scim_token(&org_id, &account.id);
    let listed = unity
        .list_bearer_tokens(&org_id, &account.id, cancel)
        .await?;
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
            .find(|info| journal.unity.token_id.as_deref() == Some(info.id.as_str()))
            .or(matching.first())
            .map(|info| (*info).clone())
    });
    let (token_info, last_four, token_created) = match (reusable, stored) {
        (Some(info), Some(token)) => (info, token.last_four(), false),
        _ => {
            let minted = unity
                .create_bearer_token(
                    &org_id,
                    &account.id,
                    "Microsoft Entra ID provisioning (scim-setup)",
                    cancel,
                )
                .await?;
            if let Err(problem) = ctx.secrets.set(&key, &minted.token) {
                // A token nobody can read again is a liability: revoke it before giving up.
                let _ = unity
                    .revoke_bearer_token(&org_id, &account.id, &minted.info.id, cancel)
                    .await;
                return Err(problem);
            }
            crash_point("bearerToken");
            (minted.info, minted.token.last_four(), true)
        }
    };
    let (token_id, token_created_at) = (token_info.id, token_info.created_at);
    note(
        progress,
        step,
        format!(
            "Bearer token …{last_four} {}",
            if token_created {
                "created and stored"
            } else {
                "reused from the keychain"
            }
        ),
    );
    ctx.journal.update(|j| {
        j.unity.token_id = Some(token_id.clone());
        j.unity.token_last_four = Some(last_four.clone());
        j.unity.token_key = Some(key.clone());
        j.unity.token_created_at = token_created_at.clone();
    })?;
    ctx.journal.mark_done(StepId::UnityCredentials)?;
    Ok(UnityCredentialsOutcome {
        org_id,
        org_name: org.name,
        service_account_id: account.id,
        service_account_name: account.name,
        service_account_created: created,
        role_added,
        token_id,
        token_last_four: last_four,
        token_created,
        token_stored_in: ctx.secrets.describe().to_string(),
    })
}

/// Step 2 on the API road: the connector URL from Unity's SSO settings (or derived from the
/// org ID), shape-checked, then probed with the token like Entra's Test Connection.
pub async fn ensure_connector_url(
    ctx: &WizardContext,
    unity: &UnityAdminClient,
    progress: &dyn ProgressSink<WizardProgress>,
    cancel: &CancellationToken,
) -> Result<ConnectorUrlOutcome, Problem> {
    let step = StepId::ConnectorUrl;
    let journal = ctx.journal.snapshot();
    let org_id = journal.unity.org_id.clone().ok_or_else(|| {
        Problem::not_found(
            "Finding the SCIM connector URL",
            "No organization chosen yet.",
            "Do step 1 first.",
        )
    })?;
    let settings = unity.sso_settings(&org_id, cancel).await?;
    if !settings.sso_enabled {
        note(progress, step, "Warning: single sign-on is not enabled for this organization; Unity requires it for SCIM");
    }
    let validated = settings.validated_domains();
    note(
        progress,
        step,
        format!(
            "Validated domains: {}",
            if validated.is_empty() {
                "none".to_string()
            } else {
                validated.join(", ")
            }
        ),
    );
    let fetched = settings
        .scim
        .as_ref()
        .and_then(|scim| scim.base_connector_url.clone());
    let (input, source) = match fetched {
        Some(url) if !url.trim().is_empty() => (url, "fetched"),
        _ => (org_id.clone(), "derived"),
    };
    let url = parse_connector_input(&ctx.profile, &input)?;
    let token = stored_scim_token(ctx)?;
    let check = check_scim_endpoint(&ctx.http, &url, &token, cancel).await?;
    let validated: Vec<String> = validated.iter().map(|d| d.to_string()).collect();
    ctx.journal.update(|j| {
        j.unity.scim_url = Some(url.clone());
        j.unity.token_checked_at = Some(check.checked_at.clone());
        j.unity.validated_domains = validated;
    })?;
    ctx.journal.mark_done(StepId::ConnectorUrl)?;
    Ok(ConnectorUrlOutcome {
        url,
        source: source.to_string(),
        check,
        token_last_four: token.last_four(),
    })
}

/// The guided road: what the admin pasted, cleaned, checked against the endpoint at once,
/// then the token filed in the SecretStore under its URL.
pub async fn accept_pasted_credentials(
    ctx: &WizardContext,
    pasted_url: &str,
    pasted_token: &str,
    cancel: &CancellationToken,
) -> Result<ConnectorUrlOutcome, Problem> {
    let url = parse_connector_input(&ctx.profile, pasted_url)?;
    let token = parse_pasted_token(pasted_token)?;
    let check = check_scim_endpoint(&ctx.http, &url, &token, cancel).await?;
    let key = keys::pasted_scim_token(&url);
    ctx.secrets.set(&key, &token)?;
    ctx.journal.update(|j| {
        j.unity.road = Some("guided".into());
        j.unity.scim_url = Some(url.clone());
        j.unity.token_key = Some(key.clone());
        j.unity.token_last_four = Some(token.last_four());
        j.unity.token_checked_at = Some(check.checked_at.clone());
        j.unity.token_id = None;
        j.unity.token_created_at = Some(now());
    })?;
    ctx.journal.mark_done(StepId::UnityCredentials)?;
    ctx.journal.mark_done(StepId::ConnectorUrl)?;
    Ok(ConnectorUrlOutcome {
        url,
        source: "pasted".into(),
        check,
        token_last_four: token.last_four(),
    })
}
