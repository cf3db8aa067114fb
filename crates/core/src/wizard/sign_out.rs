//! Signing out, per cloud: which keychain entries go, which journal steps are forgotten, so
//! the next run asks again. Ids of what was created (org, app, job) stay: they are facts
//! about the clouds, not about who is signed in.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::progress::StepId;
use super::WizardContext;
use crate::auth::providers::unity_endpoints;
use crate::problem::Problem;
use crate::secrets::keys;

/// Which sign-ins to forget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SignOutScope {
    /// The Microsoft sign-in only.
    Microsoft,
    /// The Unity sign-in and the SCIM bearer token.
    Unity,
    /// Both.
    Everything,
}

/// What a sign-out removed.
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
/// The steps that depend on the Unity sign-in or the SCIM token.
const UNITY_STEPS: [StepId; 3] = [
    StepId::SignInUnity,
    StepId::UnityCredentials,
    StepId::ConnectorUrl,
];

/// Forgets the sign-ins in `scope`: this run's sessions, their refresh tokens (and for Unity
/// the SCIM bearer token) in the SecretStore, and the journal's marks of the steps that
/// depend on them.
///
/// Errors: `storage` when the keychain or the journal cannot be written.
pub fn sign_out(ctx: &WizardContext, scope: SignOutScope) -> Result<SignOutOutcome, Problem> {
    let profile = &ctx.profile;
    let journal = ctx.journal.snapshot();
    let microsoft = matches!(scope, SignOutScope::Microsoft | SignOutScope::Everything);
    let unity = matches!(scope, SignOutScope::Unity | SignOutScope::Everything);
    let mut entries = Vec::new();
    let mut forgotten_steps = Vec::new();
    if microsoft {
        ctx.sessions.forget_microsoft();
        let key =
            keys::microsoft_refresh(&profile.microsoft.authority, &profile.microsoft.client_id);
        entries.push((key, "Microsoft sign-in".to_string()));
        forgotten_steps.extend(MICROSOFT_STEPS);
    }
    if unity {
        ctx.sessions.forget_unity();
        if let Ok(endpoints) = unity_endpoints(profile) {
            let key = keys::unity_refresh(&profile.unity.auth, &endpoints.client_id);
            entries.push((key, "Unity sign-in".to_string()));
        }
        if let Some(key) = journal.unity.token_key.clone() {
            let last_four = journal.unity.token_last_four.clone().unwrap_or_default();
            entries.push((key, format!("SCIM bearer token …{last_four}")));
        }
        forgotten_steps.extend(UNITY_STEPS);
    }
    let mut removed = Vec::new();
    for (key, label) in entries {
        if ctx.secrets.get(&key)?.is_some() {
            ctx.secrets.delete(&key)?;
            removed.push(label);
        }
    }
    ctx.journal.update(|j| {
        if unity {
            j.unity.token_key = None;
            j.unity.token_last_four = None;
            j.unity.token_id = None;
            j.unity.token_checked_at = None;
        }
        j.forget_steps(&forgotten_steps);
    })?;
    Ok(SignOutOutcome {
        removed,
        forgotten_steps,
        store: ctx.secrets.describe().to_string(),
    })
}
