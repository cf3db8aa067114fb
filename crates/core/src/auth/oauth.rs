//! The OAuth legs: authorization code + PKCE (S256) through the loopback listener (the
//! `oauth2` crate builds the authorize URL and PKCE pair), device code, and refresh; every
//! token call goes through `token_endpoint` and so through the shared, logged HTTP client. Provider-neutral: the endpoints, client ID
//! and scopes come from the profile through `OAuthEndpoints`.

use std::time::{Duration, Instant};

use base64::Engine;
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthUrl, ClientId, CsrfToken, ExtraTokenFields, PkceCodeChallenge, RedirectUrl, Scope,
    StandardRevocableToken, StandardTokenResponse, TokenResponse,
};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::browser::BrowserLauncher;
use super::errors::{explain, Provider};
use super::loopback::LoopbackListener;
use super::token_endpoint::{post_form, TokenFailure};
use crate::http::{Http, Retry};
use crate::problem::{Problem, ProblemKind};
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
    let listener_redirect = listener.redirect_uri().to_string();
    let redirect = RedirectUrl::new(listener_redirect.clone())
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
    let form = vec![
        ("grant_type".to_string(), "authorization_code".to_string()),
        ("code".to_string(), code),
        ("redirect_uri".to_string(), listener_redirect),
        ("client_id".to_string(), endpoints.client_id.clone()),
        ("code_verifier".to_string(), verifier.secret().clone()),
    ];
    // A 429 or a connection that never opened did not use the code: those go again.
    let reply: Reply = post_form(
        http,
        provider,
        &endpoints.token_url,
        form,
        Retry::ThrottleOnly,
        cancel,
    )
    .await
    .map_err(|failure| failure.into_problem(provider))?;
    tracing::info!(provider = provider.action(), "signed in in the browser");
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

/// Device code (RFC 8628): `on_prompt` shows the code, then the token endpoint is polled at
/// the service's `interval` until the person finishes, declines or the code expires. A poll
/// that fails on the way (timeout, reset, 429, 5xx, a proxy's page) is retried after the
/// shared client's backoff; after `max_attempts` failed polls in a row the sign-in ends with
/// the network cause instead of polling an unreachable service for minutes.
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
    let form = vec![
        ("client_id".to_string(), endpoints.client_id.clone()),
        ("scope".to_string(), endpoints.scopes.join(" ")),
    ];
    let details: DeviceAuthorization = post_form(
        http,
        provider,
        &device_url,
        form,
        Retry::ThrottleOnly,
        cancel,
    )
    .await
    .map_err(|failure| failure.into_problem(provider))?;
    crate::redact::register(&details.device_code);
    let uri = details.verification_uri.clone();
    let code = details.user_code.clone();
    on_prompt(DeviceCodePrompt {
        message: format!("To sign in, open {uri} and enter the code {code}."),
        user_code: code,
        verification_uri: uri,
        expires_in_secs: details.expires_in,
    });
    tracing::info!(provider = provider.action(), "device-code sign-in started");
    let reply = poll_device_code(http, endpoints, &details, cancel).await?;
    tracing::info!(provider = provider.action(), "signed in with a device code");
    Ok(TokenSet::from_reply(&reply))
}

/// The device authorization reply (RFC 8628 §3.2). The device code is the secret half.
#[derive(Deserialize)]
struct DeviceAuthorization {
    /// Never logged: `DeviceAuthorization` has no `Debug`.
    device_code: String,
    user_code: String,
    #[serde(alias = "verification_url")]
    verification_uri: String,
    expires_in: u64,
    #[serde(default)]
    interval: Option<u64>,
}

/// RFC 8628 §3.4–3.5: `authorization_pending` polls again, `slow_down` adds 5 s, anything
/// else the provider says ends the sign-in; network trouble is retried a bounded number of
/// times.
async fn poll_device_code(
    http: &Http,
    endpoints: &OAuthEndpoints,
    details: &DeviceAuthorization,
    cancel: &CancellationToken,
) -> Result<Reply, Problem> {
    let provider = endpoints.provider;
    let deadline = Instant::now() + Duration::from_secs(details.expires_in);
    let mut interval = Duration::from_secs(details.interval.unwrap_or(5).max(1));
    let mut failed_polls = 0u32;
    let mut wait = interval;
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return Err(Problem::cancelled_while(provider.action())),
            _ = tokio::time::sleep(wait) => {}
        }
        if Instant::now() > deadline {
            return Err(explain(provider, "expired_token", None));
        }
        let form = vec![
            (
                "grant_type".to_string(),
                "urn:ietf:params:oauth:grant-type:device_code".to_string(),
            ),
            ("device_code".to_string(), details.device_code.clone()),
            ("client_id".to_string(), endpoints.client_id.clone()),
        ];
        let failure = match post_form::<Reply>(
            http,
            provider,
            &endpoints.token_url,
            form,
            Retry::Never,
            cancel,
        )
        .await
        {
            Ok(reply) => return Ok(reply),
            Err(failure) => failure,
        };
        wait = interval;
        match failure {
            TokenFailure::Refused(reply) if reply.error == "authorization_pending" => {
                failed_polls = 0;
            }
            TokenFailure::Refused(reply) if reply.error == "slow_down" => {
                failed_polls = 0;
                interval += Duration::from_secs(5);
                wait = interval;
            }
            TokenFailure::Trouble(problem) if problem.kind() != ProblemKind::Cancelled => {
                failed_polls += 1;
                tracing::warn!(
                    provider = provider.action(),
                    failed_polls,
                    cause = %problem.info().cause,
                    "a device-code poll failed"
                );
                if failed_polls >= http.config().max_attempts {
                    let mut problem = problem;
                    problem.info_mut().cause.push_str(&format!(
                        " The app gave up after {failed_polls} failed attempts to finish the sign-in."
                    ));
                    return Err(problem);
                }
                // RFC 8628 §3.5: back off when the connection fails.
                wait = interval.max(http.backoff(failed_polls));
            }
            failure => return Err(failure.into_problem(provider)),
        }
    }
}

/// Redeems a refresh token. Providers rotate them: store the new one from the reply.
/// Errors: [`TokenFailure::grant_ended`] says whether the provider ended the grant (then
/// delete the saved token) or the network or service was in the way (keep it).
pub async fn refresh(
    http: &Http,
    endpoints: &OAuthEndpoints,
    refresh_token: &Secret,
    cancel: &CancellationToken,
) -> Result<TokenSet, TokenFailure> {
    let mut form = vec![
        ("grant_type".to_string(), "refresh_token".to_string()),
        (
            "refresh_token".to_string(),
            refresh_token.expose().to_string(),
        ),
        ("client_id".to_string(), endpoints.client_id.clone()),
    ];
    if !endpoints.scopes.is_empty() {
        form.push(("scope".to_string(), endpoints.scopes.join(" ")));
    }
    let reply: Reply = post_form(
        http,
        endpoints.provider,
        &endpoints.token_url,
        form,
        Retry::ThrottleOnly,
        cancel,
    )
    .await?;
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
