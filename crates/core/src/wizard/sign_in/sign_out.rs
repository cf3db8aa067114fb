//! Signing out, one thing at a time: the Microsoft sign-in, the Unity sign-in, and the SCIM
//! bearer token are three separate actions (plus all of them at once), each saying first
//! what it will remove ([`plan_sign_out`]) and then what it removed ([`sign_out`]). Which
//! keychain entries go, which journal steps are forgotten, so the next run asks again. Ids of
//! what was created (org, app, job) stay: they are facts about the clouds, not about who is
//! signed in.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::auth::providers::unity_endpoints;
use crate::problem::Problem;
use crate::secrets::keys;
use crate::wizard::context::step_id::StepId;
use crate::wizard::context::wizard_context::WizardContext;

/// What to forget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SignOutScope {
    /// The Microsoft sign-in only.
    Microsoft,
    /// The Unity sign-in only (the SCIM bearer token stays: Entra keeps using it).
    Unity,
    /// The SCIM bearer token kept in the keychain (step 1 is done again to get one).
    ScimToken,
    /// All three.
    Everything,
}

impl SignOutScope {
    fn microsoft(self) -> bool {
        matches!(self, Self::Microsoft | Self::Everything)
    }

    fn unity(self) -> bool {
        matches!(self, Self::Unity | Self::Everything)
    }

    fn scim_token(self) -> bool {
        matches!(self, Self::ScimToken | Self::Everything)
    }
}

/// What a sign-out removed (from [`sign_out`]) or would remove (from [`plan_sign_out`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SignOutOutcome {
    /// What was removed from the keychain, in words ("Microsoft sign-in", "SCIM bearer
    /// token …7Q2a"); only entries that existed.
    pub removed: Vec<String>,
    /// The steps the journal no longer counts as done.
    pub forgotten_steps: Vec<StepId>,
    /// Where the secrets were kept ("the OS keychain", "memory (this run only)").
    pub store: String,
}

/// The steps that depend on a Microsoft sign-in being remembered.
const MICROSOFT_STEPS: [StepId; 1] = [StepId::SignInMicrosoft];
/// The steps that depend on the Unity sign-in.
const UNITY_STEPS: [StepId; 1] = [StepId::SignInUnity];
/// The steps that depend on the SCIM bearer token being kept.
const SCIM_TOKEN_STEPS: [StepId; 2] = [StepId::UnityCredentials, StepId::ConnectorUrl];

/// The keychain entries `scope` covers, with a label for people, and the steps it forgets.
fn entries(ctx: &WizardContext, scope: SignOutScope) -> (Vec<(String, String)>, Vec<StepId>) {
    let profile = &ctx.profile;
    let journal = ctx.journal.snapshot();
    let mut entries = Vec::new();
    let mut steps = Vec::new();
    if scope.microsoft() {
        let key =
            keys::microsoft_refresh(&profile.microsoft.authority, &profile.microsoft.client_id);
        let who = journal
            .entra
            .account
            .as_deref()
            .map(|account| format!(" ({account})"))
            .unwrap_or_default();
        entries.push((key, format!("Microsoft sign-in{who}")));
        steps.extend(MICROSOFT_STEPS);
    }
    if scope.unity() {
        if let Ok(endpoints) = unity_endpoints(profile) {
            let key = keys::unity_refresh(&profile.unity.auth, &endpoints.client_id);
            entries.push((key, "Unity sign-in".to_string()));
        }
        steps.extend(UNITY_STEPS);
    }
    if scope.scim_token() {
        if let Some(key) = journal.unity.token_key.clone() {
            let last_four = journal.unity.token_last_four.clone().unwrap_or_default();
            entries.push((key, format!("SCIM bearer token …{last_four}")));
        }
        steps.extend(SCIM_TOKEN_STEPS);
    }
    (entries, steps)
}

/// What [`sign_out`] would remove for `scope`, without removing anything: for the
/// confirmation the window and the CLI show first. `removed` lists only entries that exist.
///
/// Errors: `secretStore` when the keychain cannot be read.
pub fn plan_sign_out(ctx: &WizardContext, scope: SignOutScope) -> Result<SignOutOutcome, Problem> {
    let (entries, forgotten_steps) = entries(ctx, scope);
    let mut removed = Vec::new();
    for (key, label) in entries {
        if ctx.secrets.get(&key)?.is_some() {
            removed.push(label);
        }
    }
    Ok(SignOutOutcome {
        removed,
        forgotten_steps,
        store: ctx.secrets.describe().to_string(),
    })
}

/// Forgets what `scope` names: this run's sessions, their refresh tokens (and for
/// [`SignOutScope::ScimToken`] the SCIM bearer token) in the SecretStore, and the journal's
/// marks of the steps that depend on them.
///
/// Errors: `secretStore` when the keychain cannot be read or written, `storage` when the
/// journal cannot be written.
pub fn sign_out(ctx: &WizardContext, scope: SignOutScope) -> Result<SignOutOutcome, Problem> {
    let (entries, forgotten_steps) = entries(ctx, scope);
    if scope.microsoft() {
        ctx.sessions.forget_microsoft();
    }
    if scope.unity() {
        ctx.sessions.forget_unity();
    }
    let mut removed = Vec::new();
    for (key, label) in entries {
        if ctx.secrets.get(&key)?.is_some() {
            ctx.secrets.delete(&key)?;
            removed.push(label);
        }
    }
    ctx.journal.update(|j| {
        if scope.scim_token() {
            j.unity.token_key = None;
            j.unity.token_last_four = None;
            j.unity.token_id = None;
            j.unity.token_checked_at = None;
        }
        j.forget_steps(&forgotten_steps);
    })?;
    tracing::info!(?scope, removed = removed.len(), "signed out");
    Ok(SignOutOutcome {
        removed,
        forgotten_steps,
        store: ctx.secrets.describe().to_string(),
    })
}
