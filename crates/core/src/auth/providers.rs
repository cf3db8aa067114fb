//! Microsoft and Unity sign-in as the steps use them. Microsoft: first against the chosen
//! tenant (`organizations` unless a tenant ID or verified domain is given), then every refresh
//! against the signed-in tenant (`tid`), authorities from the profile so national clouds
//! work. Unity: per docs/unity-admin-contract.md.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::browser::BrowserLauncher;
use super::errors::Provider;
use super::oauth::{
    sign_in_with_browser, sign_in_with_device_code, DeviceCodePrompt, OAuthEndpoints, TokenSet,
};
use super::session::OAuthSession;
use super::tenant::MicrosoftTenant;
use crate::http::Http;
use crate::problem::Problem;
use crate::profile::CloudProfile;
use crate::secrets::{keys, SecretStore};

/// How long a person has to finish a browser sign-in.
pub const BROWSER_SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);

/// The delegated permissions the steps need, on the profile's Graph (each Graph call's page names
/// its permission; all of them: <https://learn.microsoft.com/graph/permissions-reference>).
pub fn microsoft_scopes(profile: &CloudProfile) -> Vec<String> {
    let resource = profile.graph_scope_resource();
    let mut scopes = vec![
        "openid".to_string(),
        "profile".to_string(),
        "offline_access".to_string(),
    ];
    for permission in [
        "Application.ReadWrite.All",
        "Synchronization.ReadWrite.All",
        "AppRoleAssignment.ReadWrite.All",
        "User.ReadBasic.All",
        "GroupMember.Read.All",
        "AuditLog.Read.All",
    ] {
        scopes.push(format!("{resource}/{permission}"));
    }
    scopes
}

/// The v2 endpoints of the profile's Microsoft authority for the `tenant` path segment
/// (`organizations`, a tenant ID or a verified domain, as in
/// <https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow>), with the client
/// ID, scopes and redirect of the profile.
pub fn microsoft_endpoints(profile: &CloudProfile, tenant: &str) -> OAuthEndpoints {
    let base = format!(
        "{}/{tenant}/oauth2/v2.0",
        profile.microsoft.authority.trim_end_matches('/')
    );
    OAuthEndpoints {
        provider: Provider::Microsoft,
        client_id: profile.microsoft.client_id.clone(),
        authorize_url: format!("{base}/authorize"),
        token_url: format!("{base}/token"),
        device_code_url: Some(format!("{base}/devicecode")),
        scopes: microsoft_scopes(profile),
        redirect_template: profile.microsoft_redirect().to_string(),
    }
}

/// Unity's OAuth endpoints (docs/unity-admin-contract.md) from the profile.
///
/// Errors: `badInput` when the profile has no Unity client ID (then only the guided road
/// exists).
pub fn unity_endpoints(profile: &CloudProfile) -> Result<OAuthEndpoints, Problem> {
    let Some(client_id) = profile
        .unity
        .client_id
        .clone()
        .filter(|id| !id.trim().is_empty())
    else {
        return Err(Problem::bad_input(
            Provider::Unity.action(),
            "This cloud profile has no Unity client ID, and Unity publishes none for third-party apps.",
            "Take the guided road (paste the token and connector URL from the Unity Dashboard), or add unity.clientId to a custom profile.",
        ));
    };
    let auth = profile.unity.auth.trim_end_matches('/');
    Ok(OAuthEndpoints {
        provider: Provider::Unity,
        client_id,
        authorize_url: format!("{auth}/v1/oauth2/authorize"),
        token_url: format!("{auth}/v1/oauth2/token"),
        device_code_url: None,
        scopes: Vec::new(),
        redirect_template: profile.unity_redirect().to_string(),
    })
}

/// How the person signs in interactively.
pub enum SignInMethod<'a> {
    Browser(&'a dyn BrowserLauncher),
    DeviceCode(&'a (dyn Fn(DeviceCodePrompt) + Send + Sync)),
}

/// A Microsoft sign-in: the session that hands out Graph tokens, and the facts to show.
pub struct MicrosoftSignIn {
    pub session: Arc<OAuthSession>,
    pub tenant_id: Option<String>,
    pub account: Option<String>,
    /// Directory role template ids of the signed-in account (the access token's `wids`
    /// claim); empty when the token does not say.
    pub directory_roles: Vec<String>,
    /// True when a saved refresh token was used and no one had to do anything.
    pub resumed: bool,
}

/// Signs in to Microsoft quietly with the refresh token saved in `store`, redeemed at
/// `tenant`'s token endpoint (the tenant the saved sign-in was made at).
///
/// Returns `None` when none is saved or the provider ended it (the stale entry is removed).
/// Errors: `cancelled`; a `secretStore` Problem from the keychain; a network or service
/// Problem (the saved sign-in is kept, see [`OAuthSession::resume`]).
pub async fn resume_microsoft(
    http: &Http,
    profile: &CloudProfile,
    tenant: &MicrosoftTenant,
    store: Arc<dyn SecretStore>,
    cancel: &CancellationToken,
) -> Result<Option<MicrosoftSignIn>, Problem> {
    let key = keys::microsoft_refresh(&profile.microsoft.authority, &profile.microsoft.client_id);
    let endpoints = microsoft_endpoints(profile, tenant.segment());
    match OAuthSession::resume(http.clone(), endpoints, store.clone(), key.clone(), cancel).await? {
        Some((_, tokens)) => finish_microsoft(http, profile, store, key, tokens, true).map(Some),
        None => Ok(None),
    }
}

/// Microsoft sign-in as every face does it: the saved session first, else `method` (browser with
/// PKCE on loopback, or device code), against `tenant` (`organizations`, or a tenant ID or verified
/// domain for a guest or MSP admin;
/// <https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow>).
///
/// Errors: the provider's sign-in Problems (consent, an unknown tenant, cancelled,
/// timeout), `secretStore`.
pub async fn sign_in_microsoft(
    http: &Http,
    profile: &CloudProfile,
    tenant: &MicrosoftTenant,
    store: Arc<dyn SecretStore>,
    method: SignInMethod<'_>,
    cancel: &CancellationToken,
) -> Result<MicrosoftSignIn, Problem> {
    if let Some(resumed) = resume_microsoft(http, profile, tenant, store.clone(), cancel).await? {
        return Ok(resumed);
    }
    sign_in_microsoft_anew(http, profile, tenant, store, method, cancel).await
}

/// An interactive Microsoft sign-in at `tenant`, without trying the saved one first (used
/// when the saved sign-in belongs to another tenant). The new refresh token replaces the
/// saved one.
///
/// Errors: as [`sign_in_microsoft`].
pub async fn sign_in_microsoft_anew(
    http: &Http,
    profile: &CloudProfile,
    tenant: &MicrosoftTenant,
    store: Arc<dyn SecretStore>,
    method: SignInMethod<'_>,
    cancel: &CancellationToken,
) -> Result<MicrosoftSignIn, Problem> {
    let key = keys::microsoft_refresh(&profile.microsoft.authority, &profile.microsoft.client_id);
    let endpoints = microsoft_endpoints(profile, tenant.segment());
    let tokens = match method {
        SignInMethod::Browser(launcher) => {
            sign_in_with_browser(
                http,
                &endpoints,
                launcher,
                &[("prompt", "select_account")],
                BROWSER_SIGN_IN_TIMEOUT,
                cancel,
            )
            .await?
        }
        SignInMethod::DeviceCode(on_prompt) => {
            sign_in_with_device_code(http, &endpoints, on_prompt, cancel).await?
        }
    };
    finish_microsoft(http, profile, store, key, tokens, false)
}

fn finish_microsoft(
    http: &Http,
    profile: &CloudProfile,
    store: Arc<dyn SecretStore>,
    key: String,
    tokens: TokenSet,
    resumed: bool,
) -> Result<MicrosoftSignIn, Problem> {
    let tenant_id = tokens.claim("tid");
    let account = tokens.claim("preferred_username");
    let directory_roles = super::oauth::decode_claims(tokens.access_token.expose())
        .and_then(|claims| claims.get("wids").cloned())
        .and_then(|wids| serde_json::from_value::<Vec<String>>(wids).ok())
        .unwrap_or_default();
    // Later refreshes name the tenant: a guest must, and it avoids a home-tenant detour.
    let endpoints = microsoft_endpoints(
        profile,
        tenant_id
            .as_deref()
            .unwrap_or(MicrosoftTenant::Organizations.segment()),
    );
    let session = OAuthSession::start(http.clone(), endpoints, store, key, tokens)?;
    Ok(MicrosoftSignIn {
        session: Arc::new(session),
        tenant_id,
        account,
        directory_roles,
        resumed,
    })
}

/// A Unity sign-in (API road).
pub struct UnitySignIn {
    pub session: Arc<OAuthSession>,
    /// True when a saved refresh token was used.
    pub resumed: bool,
}

/// Signs in to Unity quietly with the saved refresh token; `None` when there is none, it no
/// longer works, or the profile has no Unity client ID (then only the guided road exists).
///
/// Errors: `cancelled`, or a `storage` Problem from the keychain.
pub async fn resume_unity(
    http: &Http,
    profile: &CloudProfile,
    store: Arc<dyn SecretStore>,
    cancel: &CancellationToken,
) -> Result<Option<UnitySignIn>, Problem> {
    let Ok(endpoints) = unity_endpoints(profile) else {
        return Ok(None);
    };
    let key = keys::unity_refresh(&profile.unity.auth, &endpoints.client_id);
    Ok(
        OAuthSession::resume(http.clone(), endpoints, store, key, cancel)
            .await?
            .map(|(session, _)| UnitySignIn {
                session: Arc::new(session),
                resumed: true,
            }),
    )
}

/// Unity sign-in (docs/unity-admin-contract.md): the saved session first, else the browser with
/// PKCE on a loopback redirect.
///
/// Errors: `badInput` when the profile has no Unity client ID; the provider's sign-in
/// Problems; `storage`.
pub async fn sign_in_unity(
    http: &Http,
    profile: &CloudProfile,
    store: Arc<dyn SecretStore>,
    launcher: &dyn BrowserLauncher,
    cancel: &CancellationToken,
) -> Result<UnitySignIn, Problem> {
    let endpoints = unity_endpoints(profile)?;
    if let Some(resumed) = resume_unity(http, profile, store.clone(), cancel).await? {
        return Ok(resumed);
    }
    let key = keys::unity_refresh(&profile.unity.auth, &endpoints.client_id);
    let tokens = sign_in_with_browser(
        http,
        &endpoints,
        launcher,
        &[],
        BROWSER_SIGN_IN_TIMEOUT,
        cancel,
    )
    .await?;
    let session = OAuthSession::start(http.clone(), endpoints, store, key, tokens)?;
    Ok(UnitySignIn {
        session: Arc::new(session),
        resumed: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_clouds_get_their_own_authority_and_scopes() {
        let endpoints = microsoft_endpoints(&CloudProfile::usgov(), "organizations");
        assert_eq!(
            endpoints.authorize_url,
            "https://login.microsoftonline.us/organizations/oauth2/v2.0/authorize"
        );
        assert!(endpoints
            .scopes
            .contains(&"https://graph.microsoft.us/Synchronization.ReadWrite.All".to_string()));
        assert_eq!(endpoints.redirect_template, "http://localhost");
        let err = unity_endpoints(&CloudProfile::global()).expect_err("no unity client id");
        assert!(err.info().fix.contains("guided road"));
    }
}
