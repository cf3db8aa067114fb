//! This run's sign-in sessions, Microsoft and Unity, as the context holds them, and who is
//! signed in to Microsoft. The refresh tokens live in the SecretStore; how a session is found,
//! resumed or made anew is the session manager's (`sign_in/session_manager.rs`).

use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::auth::{MicrosoftTenant, OAuthSession};

/// Who is signed in to Microsoft, and in which tenant: its ID, and its name and domain
/// when Graph's `/organization` gives them, so a person can tell tenants apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EntraAccount {
    /// The signed-in tenant's ID (the token's `tid` claim).
    #[ts(optional = nullable)]
    pub tenant_id: Option<String>,
    /// The tenant's name, e.g. "Contoso"; absent when Graph would not say.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub tenant_name: Option<String>,
    /// The tenant's default verified domain, e.g. `contoso.com`; absent when not known.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub tenant_domain: Option<String>,
    /// The tenant the sign-in was asked for: `organizations`, a tenant ID or a domain.
    /// Always sent; optional in TypeScript so views written before it still type-check.
    #[serde(default)]
    #[ts(as = "Option<MicrosoftTenant>", optional)]
    pub tenant_choice: MicrosoftTenant,
    /// The signed-in account's user principal name.
    #[ts(optional = nullable)]
    pub account: Option<String>,
    /// Signed in quietly with the saved session.
    pub resumed: bool,
}

impl EntraAccount {
    /// One line for people: "admin@contoso.com in Contoso (contoso.com)", falling back to
    /// the tenant ID when the name is not known.
    pub fn describe(&self) -> String {
        let account = self.account.as_deref().unwrap_or("an unnamed account");
        let tenant = match (&self.tenant_name, &self.tenant_domain, &self.tenant_id) {
            (Some(name), Some(domain), _) => format!("{name} ({domain})"),
            (Some(name), None, Some(id)) => format!("{name} ({id})"),
            (Some(name), None, None) => name.clone(),
            (None, Some(domain), Some(id)) => format!("{domain} ({id})"),
            (None, Some(domain), None) => domain.clone(),
            (None, None, Some(id)) => format!("tenant {id}"),
            (None, None, None) => "an unknown tenant".to_string(),
        };
        format!("{account} in {tenant}")
    }
}

/// A Microsoft session with the facts learned at sign-in.
#[derive(Clone)]
pub(crate) struct MicrosoftSession {
    pub(crate) session: Arc<OAuthSession>,
    pub(crate) account: EntraAccount,
    pub(crate) directory_roles: Vec<String>,
}

/// This run's signed-in sessions. The refresh tokens themselves live in the SecretStore.
#[derive(Default)]
pub struct SignInSessions {
    pub(crate) microsoft: Mutex<Option<MicrosoftSession>>,
    pub(crate) unity: Mutex<Option<Arc<OAuthSession>>>,
    /// The tenant chosen for this run (CLI `--tenant`, the window's field); `None` means
    /// the one the saved sign-in was made at.
    pub(crate) tenant: Mutex<Option<MicrosoftTenant>>,
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

impl SignInSessions {
    pub(crate) fn remember_microsoft(&self, session: MicrosoftSession) -> EntraAccount {
        let account = session.account.clone();
        *lock(&self.microsoft) = Some(session);
        account
    }

    /// Forgets this run's Microsoft session (its keychain entry is the caller's to remove).
    pub fn forget_microsoft(&self) {
        *lock(&self.microsoft) = None;
    }

    /// Forgets this run's Unity session (its keychain entry is the caller's to remove).
    pub fn forget_unity(&self) {
        *lock(&self.unity) = None;
    }
}
