//! The one session manager for Microsoft and Unity sign-in, shared by the window and the CLI:
//! this run's session first, else a quiet resume from the keychain's refresh token, else a
//! new sign-in. Tokens stay inside; callers get API clients and non-secret facts.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::auth::{
    resume_microsoft, resume_unity, sign_in_microsoft_anew, sign_in_unity, BrowserLauncher,
    MicrosoftSignIn, MicrosoftTenant, OAuthSession, SignInMethod,
};
use crate::entra::GraphClient;
use crate::problem::Problem;
use crate::unity::{UnityAdminClient, UnityOrganization};
use crate::wizard::context::sessions::{lock, EntraAccount, MicrosoftSession};
use crate::wizard::context::step_id::StepId;
use crate::wizard::context::wizard_context::WizardContext;

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

impl WizardContext {
    /// Chooses the Microsoft tenant for this run's sign-in (the `{tenant}` of
    /// <https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow>): the CLI's
    /// `--tenant`, the window's tenant field. A choice other than the current session's
    /// ends that session for this run, and a saved sign-in made at another tenant is not
    /// resumed: the next [`WizardContext::sign_in_microsoft`] signs in anew at `tenant`
    /// (and its refresh token replaces the saved one).
    pub fn choose_microsoft_tenant(&self, tenant: MicrosoftTenant) {
        let mut session = lock(&self.sessions.microsoft);
        if session
            .as_ref()
            .is_some_and(|found| found.account.tenant_choice != tenant)
        {
            *session = None;
        }
        drop(session);
        tracing::info!(tenant = %tenant, "Microsoft tenant chosen");
        *lock(&self.sessions.tenant) = Some(tenant);
    }

    /// The tenant a Microsoft sign-in goes to now: this run's choice, else the one the
    /// saved sign-in was made at (the journal's), else `organizations`.
    pub fn microsoft_tenant(&self) -> MicrosoftTenant {
        lock(&self.sessions.tenant)
            .clone()
            .unwrap_or_else(|| self.saved_microsoft_tenant())
    }

    /// The tenant the saved sign-in was made at; `organizations` when the journal does not
    /// say or says something unreadable (it is a hint, never trusted blindly).
    fn saved_microsoft_tenant(&self) -> MicrosoftTenant {
        self.journal
            .snapshot()
            .entra
            .tenant_choice
            .and_then(|text| MicrosoftTenant::parse(&text).ok())
            .unwrap_or_default()
    }

    /// The Microsoft session: this run's, else a quiet resume from the keychain when the
    /// saved sign-in was made at the tenant chosen now.
    async fn microsoft(
        &self,
        cancel: &CancellationToken,
    ) -> Result<Option<MicrosoftSession>, Problem> {
        if let Some(found) = lock(&self.sessions.microsoft).clone() {
            return Ok(Some(found));
        }
        let tenant = self.microsoft_tenant();
        if tenant != self.saved_microsoft_tenant() {
            return Ok(None);
        }
        match resume_microsoft(
            &self.http,
            &self.profile,
            &tenant,
            self.secrets.clone(),
            cancel,
        )
        .await?
        {
            Some(signed_in) => {
                let session = self.describe_microsoft(signed_in, tenant, cancel).await;
                self.sessions.remember_microsoft(session);
                Ok(lock(&self.sessions.microsoft).clone())
            }
            None => Ok(None),
        }
    }

    /// Adds the tenant's name and default domain (Graph `/organization`) to a sign-in. Best
    /// effort: when Graph refuses, the ID is shown, with the domain the person typed if any.
    async fn describe_microsoft(
        &self,
        signed_in: MicrosoftSignIn,
        tenant_choice: MicrosoftTenant,
        cancel: &CancellationToken,
    ) -> MicrosoftSession {
        let graph = GraphClient::new(
            self.http.clone(),
            self.profile.graph_base(),
            signed_in.session.clone(),
        );
        let organization = match graph.organization(cancel).await {
            Ok(found) => found,
            Err(problem) => {
                tracing::info!(cause = %problem.info().cause, "the tenant's name could not be read");
                None
            }
        };
        let tenant_name = organization
            .as_ref()
            .and_then(|org| org.display_name.clone());
        let tenant_domain = organization
            .as_ref()
            .and_then(|org| org.default_domain().map(str::to_string))
            .or_else(|| match &tenant_choice {
                MicrosoftTenant::Domain(domain) => Some(domain.clone()),
                _ => None,
            });
        MicrosoftSession {
            session: signed_in.session,
            account: EntraAccount {
                tenant_id: signed_in.tenant_id,
                tenant_name,
                tenant_domain,
                tenant_choice,
                account: signed_in.account,
                resumed: signed_in.resumed,
            },
            directory_roles: signed_in.directory_roles,
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

    /// Step 3's sign-in: this run's session, else the saved one (when
    /// it was made at the chosen tenant), else `method` at the chosen tenant
    /// ([`WizardContext::microsoft_tenant`]). Journals the tenant (ID, name, domain, choice)
    /// and account, and marks `signInMicrosoft` done.
    ///
    /// Errors: the sign-in's Problems (consent, an unknown tenant `AADSTS90002`, timeout,
    /// cancelled), `secretStore`, `storage`.
    pub async fn sign_in_microsoft(
        &self,
        method: SignInMethod<'_>,
        cancel: &CancellationToken,
    ) -> Result<EntraAccount, Problem> {
        let account = match self.microsoft(cancel).await? {
            Some(found) => found.account,
            None => {
                let tenant = self.microsoft_tenant();
                let signed_in = sign_in_microsoft_anew(
                    &self.http,
                    &self.profile,
                    &tenant,
                    self.secrets.clone(),
                    method,
                    cancel,
                )
                .await?;
                let session = self.describe_microsoft(signed_in, tenant, cancel).await;
                self.sessions.remember_microsoft(session)
            }
        };
        tracing::info!(
            tenant = account.tenant_id.as_deref().unwrap_or("unknown"),
            resumed = account.resumed,
            "signed in to Microsoft"
        );
        self.journal.update(|j| {
            j.entra.tenant_id = account.tenant_id.clone();
            j.entra.account = account.account.clone();
            j.entra.tenant_choice = (!account.tenant_choice.is_organizations())
                .then(|| account.tenant_choice.to_string());
            j.entra.tenant_name = account.tenant_name.clone();
            j.entra.tenant_domain = account.tenant_domain.clone();
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

    /// The Unity admin API as the signed-in admin (docs/unity-admin-contract.md).
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
        let outcome = self.unity_outcome(session, resumed, cancel).await?;
        self.journal.mark_done(StepId::SignInUnity)?;
        Ok(outcome)
    }

    /// Who is signed in to Unity and their organizations, resuming quietly from the keychain
    /// after a restart (never a browser); `None` when nobody is. Step 1 shows it on every
    /// visit, as step 3 shows [`WizardContext::microsoft_account`]; the CLI's `account` prints
    /// it.
    ///
    /// Errors: `cancelled`; `storage` when the keychain cannot be read; the admin API's
    /// Problems (docs/unity-admin-contract.md: who am I, the organizations).
    pub async fn unity_account(
        &self,
        cancel: &CancellationToken,
    ) -> Result<Option<UnitySignInOutcome>, Problem> {
        match self.unity(cancel).await? {
            Some(session) => Ok(Some(self.unity_outcome(session, true, cancel).await?)),
            None => Ok(None),
        }
    }

    async fn unity_outcome(
        &self,
        session: Arc<OAuthSession>,
        resumed: bool,
        cancel: &CancellationToken,
    ) -> Result<UnitySignInOutcome, Problem> {
        let unity = self.unity_client(session);
        let user = unity.current_user(cancel).await?;
        let organizations = unity.organizations(&user.sub, cancel).await?;
        Ok(UnitySignInOutcome {
            resumed,
            account: user.email.or(user.name),
            organizations,
        })
    }
}
