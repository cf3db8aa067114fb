//! The one session manager for Microsoft and Unity sign-in, shared by the window and the CLI:
//! this run's session first, else a quiet resume from the keychain's refresh token, else a
//! new sign-in. Tokens stay inside; callers get API clients and non-secret facts.

use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::progress::StepId;
use super::WizardContext;
use crate::auth::{
    resume_microsoft, resume_unity, sign_in_microsoft, sign_in_unity, BrowserLauncher,
    MicrosoftSignIn, OAuthSession, SignInMethod,
};
use crate::entra::GraphClient;
use crate::problem::Problem;
use crate::unity::{UnityAdminClient, UnityOrganization};

/// Who is signed in to Microsoft, and in which tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EntraAccount {
    #[ts(optional = nullable)]
    pub tenant_id: Option<String>,
    /// The signed-in account's user principal name.
    #[ts(optional = nullable)]
    pub account: Option<String>,
    /// Signed in quietly with the saved session.
    pub resumed: bool,
}

/// Who is signed in to Unity, and the organizations the account can administer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UnitySignInOutcome {
    /// Signed in quietly with the saved session.
    pub resumed: bool,
    #[ts(optional = nullable)]
    pub account: Option<String>,
    pub organizations: Vec<UnityOrganization>,
}

/// A Microsoft session with the facts learned at sign-in.
#[derive(Clone)]
struct MicrosoftSession {
    session: Arc<OAuthSession>,
    account: EntraAccount,
    directory_roles: Vec<String>,
}

/// This run's signed-in sessions. The refresh tokens themselves live in the SecretStore.
#[derive(Default)]
pub struct SignInSessions {
    microsoft: Mutex<Option<MicrosoftSession>>,
    unity: Mutex<Option<Arc<OAuthSession>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

impl SignInSessions {
    fn remember_microsoft(&self, signed_in: MicrosoftSignIn) -> EntraAccount {
        let account = EntraAccount {
            tenant_id: signed_in.tenant_id,
            account: signed_in.account,
            resumed: signed_in.resumed,
        };
        *lock(&self.microsoft) = Some(MicrosoftSession {
            session: signed_in.session,
            account: account.clone(),
            directory_roles: signed_in.directory_roles,
        });
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

impl WizardContext {
    /// The Microsoft session: this run's, else a quiet resume from the keychain.
    async fn microsoft(
        &self,
        cancel: &CancellationToken,
    ) -> Result<Option<MicrosoftSession>, Problem> {
        if let Some(found) = lock(&self.sessions.microsoft).clone() {
            return Ok(Some(found));
        }
        match resume_microsoft(&self.http, &self.profile, self.secrets.clone(), cancel).await? {
            Some(signed_in) => {
                self.sessions.remember_microsoft(signed_in);
                Ok(lock(&self.sessions.microsoft).clone())
            }
            None => Ok(None),
        }
    }

    /// Who is signed in to Microsoft, resuming quietly from the keychain after a restart;
    /// `None` when nobody is.
    ///
    /// Errors: `cancelled`; `storage` when the keychain cannot be read.
    pub async fn microsoft_account(
        &self,
        cancel: &CancellationToken,
    ) -> Result<Option<EntraAccount>, Problem> {
        Ok(self.microsoft(cancel).await?.map(|found| found.account))
    }

    /// The signed-in account's directory role template ids (the `wids` claim), or `None`
    /// when nobody is signed in to Microsoft.
    ///
    /// Errors: as [`WizardContext::microsoft_account`].
    pub async fn microsoft_directory_roles(
        &self,
        cancel: &CancellationToken,
    ) -> Result<Option<Vec<String>>, Problem> {
        Ok(self
            .microsoft(cancel)
            .await?
            .map(|found| found.directory_roles))
    }

    /// Step 3's sign-in (entra-graph.md §1): this run's session, else the saved one, else
    /// `method`. Journals the tenant and account and marks `signInMicrosoft` done.
    ///
    /// Errors: the sign-in's Problems (consent, timeout, cancelled), `storage`.
    pub async fn sign_in_microsoft(
        &self,
        method: SignInMethod<'_>,
        cancel: &CancellationToken,
    ) -> Result<EntraAccount, Problem> {
        let account = match self.microsoft(cancel).await? {
            Some(found) => found.account,
            None => {
                let signed_in = sign_in_microsoft(
                    &self.http,
                    &self.profile,
                    self.secrets.clone(),
                    method,
                    cancel,
                )
                .await?;
                self.sessions.remember_microsoft(signed_in)
            }
        };
        self.journal.update(|j| {
            j.entra.tenant_id = account.tenant_id.clone();
            j.entra.account = account.account.clone();
        })?;
        self.journal.mark_done(StepId::SignInMicrosoft)?;
        Ok(account)
    }

    /// Microsoft Graph as the signed-in admin (quietly resumed when needed).
    ///
    /// Errors: `signInRequired` when nobody is signed in to Microsoft; `cancelled`, `storage`.
    pub async fn graph(&self, cancel: &CancellationToken) -> Result<GraphClient, Problem> {
        let found = self.microsoft(cancel).await?.ok_or_else(|| {
            Problem::sign_in_required(
                "Calling Microsoft Graph",
                "You are not signed in to Microsoft.",
                "Sign in to Microsoft in step 3 (Entra provisioning).",
            )
        })?;
        Ok(GraphClient::new(
            self.http.clone(),
            self.profile.graph_base(),
            found.session,
        ))
    }

    /// The Unity session: this run's, else a quiet resume from the keychain.
    async fn unity(
        &self,
        cancel: &CancellationToken,
    ) -> Result<Option<Arc<OAuthSession>>, Problem> {
        if let Some(found) = lock(&self.sessions.unity).clone() {
            return Ok(Some(found));
        }
        let resumed = resume_unity(&self.http, &self.profile, self.secrets.clone(), cancel).await?;
        Ok(resumed.map(|signed_in| {
            *lock(&self.sessions.unity) = Some(signed_in.session.clone());
            signed_in.session
        }))
    }

    fn unity_client(&self, session: Arc<OAuthSession>) -> UnityAdminClient {
        UnityAdminClient::new(
            self.http.clone(),
            &self.profile.unity.auth,
            &self.profile.unity.api,
            session,
        )
    }

    /// The Unity admin API as the signed-in admin, or `None` when nobody is signed in to
    /// Unity (quietly resumed when a refresh token is saved).
    ///
    /// Errors: `cancelled`, `storage`.
    pub async fn unity_admin_if_signed_in(
        &self,
        cancel: &CancellationToken,
    ) -> Result<Option<UnityAdminClient>, Problem> {
        Ok(self.unity(cancel).await?.map(|s| self.unity_client(s)))
    }

    /// The Unity admin API as the signed-in admin (unity-admin-contract.md).
    ///
    /// Errors: `signInRequired` when nobody is signed in to Unity; `cancelled`, `storage`.
    pub async fn unity_admin(
        &self,
        cancel: &CancellationToken,
    ) -> Result<UnityAdminClient, Problem> {
        self.unity_admin_if_signed_in(cancel).await?.ok_or_else(|| {
            Problem::sign_in_required(
                "Calling the Unity admin API",
                "You are not signed in to Unity.",
                "Sign in to Unity in step 1, or take the guided road (paste the connector URL and token).",
            )
        })
    }

    /// Step 1's sign-in on the API road: this run's session, else the saved one, else the
    /// browser; then who signed in and their organizations. Marks `signInUnity` done.
    ///
    /// Errors: `badInput` without a Unity client ID; the sign-in's Problems; the admin
    /// API's Problems; `storage`.
    pub async fn sign_in_unity(
        &self,
        launcher: &dyn BrowserLauncher,
        cancel: &CancellationToken,
    ) -> Result<UnitySignInOutcome, Problem> {
        let (session, resumed) = match self.unity(cancel).await? {
            Some(session) => (session, true),
            None => {
                let signed_in = sign_in_unity(
                    &self.http,
                    &self.profile,
                    self.secrets.clone(),
                    launcher,
                    cancel,
                )
                .await?;
                *lock(&self.sessions.unity) = Some(signed_in.session.clone());
                (signed_in.session, signed_in.resumed)
            }
        };
        let unity = self.unity_client(session);
        let user = unity.current_user(cancel).await?;
        let organizations = unity.organizations(&user.sub, cancel).await?;
        self.journal.mark_done(StepId::SignInUnity)?;
        Ok(UnitySignInOutcome {
            resumed,
            account: user.email.or(user.name),
            organizations,
        })
    }
}
