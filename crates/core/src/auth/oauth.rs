//! The OAuth legs with the `oauth2` crate: authorization code + PKCE (S256) through the
//! loopback listener, device code, and refresh. Provider-neutral: the endpoints, client ID
//! and scopes come from the profile through `OAuthEndpoints`.

use std::time::{Duration, Instant};

use base64::Engine;
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, CsrfToken, DeviceAuthorizationUrl, ExtraTokenFields,
    PkceCodeChallenge, RedirectUrl, RefreshToken, RequestTokenError, Scope, StandardErrorResponse,
    StandardRevocableToken, StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::browser::BrowserLauncher;
use super::errors::{explain, Provider};
use super::loopback::LoopbackListener;
use crate::http::Http;
use crate::problem::Problem;
use crate::secret::Secret;

/// Where and how to sign in to one provider.
#[derive(Debug, Clone)]
pub struct OAuthEndpoints {
    pub provider: Provider,
    pub client_id: String,
    pub authorize_url: String,
    pub token_url: String,
    pub device_code_url: Option<String>,
    pub scopes: Vec<String>,
    /// The registered redirect without a port (`http://localhost`, `http://127.0.0.1/callback`).
    pub redirect_template: String,
}

/// `id_token` rides along with Microsoft's token reply; it carries the `tid` to use next.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IdTokenField {
    #[serde(default)]
    pub id_token: Option<String>,
}

impl ExtraTokenFields for IdTokenField {}

type Reply = StandardTokenResponse<IdTokenField, BasicTokenType>;

/// Tokens from one sign-in or refresh.
#[derive(Debug, Clone)]
pub struct TokenSet {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    pub expires_at: Instant,
    /// Claims of the id token (unverified: used to route the next request, never to trust).
    pub id_claims: Option<serde_json::Value>,
}

impl TokenSet {
    fn from_reply(reply: &Reply) -> Self {
        // Default one hour when the server omits expires_in (Microsoft sends 3599).
        let lifetime = reply.expires_in().unwrap_or(Duration::from_secs(3600));
        Self {
            access_token: Secret::new(reply.access_token().secret().clone()),
            refresh_token: reply
                .refresh_token()
                .map(|rt| Secret::new(rt.secret().clone())),
            expires_at: Instant::now() + lifetime,
            id_claims: reply
                .extra_fields()
                .id_token
                .as_deref()
                .and_then(decode_claims),
        }
    }

    pub fn claim(&self, name: &str) -> Option<String> {
        self.id_claims
            .as_ref()?
            .get(name)?
            .as_str()
            .map(str::to_string)
    }
}

/// The payload of a JWT, without verifying it.
pub fn decode_claims(jwt: &str) -> Option<serde_json::Value> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn config_problem(provider: Provider, what: &str, value: &str) -> Problem {
    Problem::bad_input(
        provider.action(),
        format!("The {what} {value:?} in the cloud profile is not a valid URL."),
        "Fix the cloud profile.",
    )
}

fn token_problem<
    RE: std::error::Error + 'static,
    T: oauth2::ErrorResponseType + AsRef<str> + std::fmt::Display + 'static,
>(
    provider: Provider,
    err: RequestTokenError<RE, StandardErrorResponse<T>>,
) -> Problem {
    let action = provider.action();
    match err {
        RequestTokenError::ServerResponse(response) => explain(
            provider,
            response.error().as_ref(),
            response.error_description().map(String::as_str),
        ),
        RequestTokenError::Request(inner) => Problem::unreachable(
            action,
            format!("Could not reach the sign-in service: {inner}."),
            "Check the network connection and the profile's sign-in URL.",
        ),
        // The raw body is never shown: a half-readable success reply would contain tokens.
        RequestTokenError::Parse(_, _) => Problem::server(
            action,
            "The sign-in service answered in a shape the app cannot read.",
            "Check that the profile's sign-in URL points at the right service.",
        ),
        RequestTokenError::Other(why) => {
            Problem::server(action, format!("The sign-in failed: {why}."), "Try again.")
        }
    }
}

/// Authorization code + PKCE through the loopback listener and the given browser.
pub async fn sign_in_with_browser(
    http: &Http,
    endpoints: &OAuthEndpoints,
    launcher: &dyn BrowserLauncher,
    extra_params: &[(&str, &str)],
    timeout: Duration,
    cancel: &CancellationToken,
) -> Result<TokenSet, Problem> {
    let provider = endpoints.provider;
    let listener = LoopbackListener::bind(&endpoints.redirect_template).await?;
    let redirect = RedirectUrl::new(listener.redirect_uri().to_string())
        .map_err(|_| config_problem(provider, "redirect URI", listener.redirect_uri()))?;
    let client = oauth2::Client::<
        BasicErrorResponse,
        Reply,
        BasicTokenIntrospectionResponse,
        StandardRevocableToken,
        BasicRevocationErrorResponse,
    >::new(ClientId::new(endpoints.client_id.clone()))
    .set_auth_uri(
        AuthUrl::new(endpoints.authorize_url.clone())
            .map_err(|_| config_problem(provider, "authorize URL", &endpoints.authorize_url))?,
    )
    .set_token_uri(
        TokenUrl::new(endpoints.token_url.clone())
            .map_err(|_| config_problem(provider, "token URL", &endpoints.token_url))?,
    )
    .set_redirect_uri(redirect);

    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    // The verifier and the code are secrets too: an error page that quotes them is redacted.
    crate::redact::register(verifier.secret());
    let mut request = client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(endpoints.scopes.iter().cloned().map(Scope::new))
        .set_pkce_challenge(challenge);
    for (name, value) in extra_params {
        request = request.add_extra_param(*name, *value);
    }
    let (url, state) = request.url();

    let waiting = listener.wait(provider, state.secret(), timeout, cancel);
    let opening = launcher.open(url.as_str(), cancel);
    tokio::pin!(waiting);
    // The browser is opened while the listener already waits; a launcher failure (e.g. an
    // error page instead of a redirect) ends the sign-in at once with its explanation.
    let code = tokio::select! {
        code = &mut waiting => code?,
        opened = opening => {
            opened?;
            waiting.await?
        }
    };
    crate::redact::register(&code);
    let reply = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(http.client())
        .await
        .map_err(|err| token_problem(provider, err))?;
    Ok(TokenSet::from_reply(&reply))
}

/// What the person must do to finish a device-code sign-in. No secret in here: the user
/// code is useless without the device code, which never leaves the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeviceCodePrompt {
    pub user_code: String,
    pub verification_uri: String,
    #[ts(type = "number")]
    pub expires_in_secs: u64,
    pub message: String,
}

/// Device code (RFC 8628): `on_prompt` shows the code; polling honours `interval`.
pub async fn sign_in_with_device_code(
    http: &Http,
    endpoints: &OAuthEndpoints,
    on_prompt: &(dyn Fn(DeviceCodePrompt) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<TokenSet, Problem> {
    let provider = endpoints.provider;
    let Some(device_url) = endpoints.device_code_url.clone() else {
        return Err(Problem::bad_input(
            provider.action(),
            "This service offers no device-code sign-in.",
            "Sign in with the browser instead.",
        ));
    };
    let client = oauth2::Client::<
        BasicErrorResponse,
        Reply,
        BasicTokenIntrospectionResponse,
        StandardRevocableToken,
        BasicRevocationErrorResponse,
    >::new(ClientId::new(endpoints.client_id.clone()))
    .set_token_uri(
        TokenUrl::new(endpoints.token_url.clone())
            .map_err(|_| config_problem(provider, "token URL", &endpoints.token_url))?,
    )
    .set_device_authorization_url(
        DeviceAuthorizationUrl::new(device_url.clone())
            .map_err(|_| config_problem(provider, "device-code URL", &device_url))?,
    );
    let details: oauth2::StandardDeviceAuthorizationResponse = tokio::select! {
        _ = cancel.cancelled() => return Err(Problem::cancelled_while(provider.action())),
        details = client
            .exchange_device_code()
            .add_scopes(endpoints.scopes.iter().cloned().map(Scope::new))
            .request_async(http.client()) => details.map_err(|err| token_problem(provider, err))?,
    };
    crate::redact::register(details.device_code().secret());
    let uri = details.verification_uri().to_string();
    let code = details.user_code().secret().clone();
    on_prompt(DeviceCodePrompt {
        message: format!("To sign in, open {uri} and enter the code {code}."),
        user_code: code,
        verification_uri: uri,
        expires_in_secs: details.expires_in().as_secs(),
    });
    let reply = tokio::select! {
        _ = cancel.cancelled() => return Err(Problem::cancelled_while(provider.action())),
        reply = client
            .exchange_device_access_token(&details)
            .request_async(http.client(), tokio::time::sleep, None) => reply.map_err(|err| token_problem(provider, err))?,
    };
    Ok(TokenSet::from_reply(&reply))
}

/// Redeems a refresh token. Providers rotate them: store the new one from the reply.
pub async fn refresh(
    http: &Http,
    endpoints: &OAuthEndpoints,
    refresh_token: &Secret,
    cancel: &CancellationToken,
) -> Result<TokenSet, Problem> {
    let provider = endpoints.provider;
    let client = oauth2::Client::<
        BasicErrorResponse,
        Reply,
        BasicTokenIntrospectionResponse,
        StandardRevocableToken,
        BasicRevocationErrorResponse,
    >::new(ClientId::new(endpoints.client_id.clone()))
    .set_token_uri(
        TokenUrl::new(endpoints.token_url.clone())
            .map_err(|_| config_problem(provider, "token URL", &endpoints.token_url))?,
    );
    let token = RefreshToken::new(refresh_token.expose().to_string());
    let request = client
        .exchange_refresh_token(&token)
        .add_scopes(endpoints.scopes.iter().cloned().map(Scope::new));
    let reply = tokio::select! {
        _ = cancel.cancelled() => return Err(Problem::cancelled_while(provider.action())),
        reply = request.request_async(http.client()) => reply.map_err(|err| token_problem(provider, err))?,
    };
    let mut tokens = TokenSet::from_reply(&reply);
    if tokens.refresh_token.is_none() {
        tokens.refresh_token = Some(refresh_token.clone());
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_tenant_from_an_id_token() {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(br#"{"tid":"t-1","preferred_username":"a@b"}"#);
        let claims = decode_claims(&format!("h.{payload}.s")).expect("claims");
        assert_eq!(claims["tid"], "t-1");
        assert!(decode_claims("not-a-jwt").is_none());
    }
}
