//! Calls made on behalf of a signed-in person (Graph, Unity's admin API): a current access
//! token on every call, and when the service answers 401 the token is dropped, refreshed and
//! the call sent once more, so a token that expired in flight (RFC 6750 §3.1, `invalid_token`)
//! is not the person's problem. Both API clients send through [`send_authorized`].

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use super::{Http, Request, Response};
use crate::problem::Problem;
use crate::secret::Secret;

/// What an API client needs from a sign-in: a current access token, refreshed when needed.
/// Implemented by `auth`'s OAuth session and `StaticToken`.
#[async_trait]
pub trait AccessTokenSource: Send + Sync {
    /// A token valid for at least the next minute; refreshes first when it is about to expire.
    async fn access_token(&self, cancel: &CancellationToken) -> Result<Secret, Problem>;

    /// The service said 401: forget the cached access token so the next call refreshes.
    async fn invalidate(&self) {}

    /// The service refused `token` with a 401: forget it, unless it has already been
    /// replaced (another call saw the same 401 and refreshed first), so calls in flight
    /// together renew the session once, not once each.
    async fn reject(&self, token: &Secret) {
        let _ = token;
        self.invalidate().await;
    }
}

/// Sends `request` with a bearer token from `tokens`; on a 401 rejects that token and sends
/// once more with a fresh one (never more than once, so a refused sign-in cannot loop).
///
/// Returns the last response whatever its status (a second 401 included: the caller words
/// it). Errors: the token source's `Problem` (sign-in required, cancelled), or the transport
/// failure as a `Problem` for `action` with the request named in its detail.
pub async fn send_authorized(
    http: &Http,
    tokens: &dyn AccessTokenSource,
    request: &Request,
    action: &str,
    cancel: &CancellationToken,
) -> Result<Response, Problem> {
    let mut refreshed = false;
    loop {
        let token = tokens.access_token(cancel).await?;
        let attempt = request.clone().bearer(&token);
        let response = http
            .send(&attempt, cancel)
            .await
            .map_err(|err| err.into_problem(action, &attempt.describe()))?;
        if response.status == 401 && !refreshed {
            refreshed = true;
            tokens.reject(&token).await;
            continue;
        }
        return Ok(response);
    }
}
