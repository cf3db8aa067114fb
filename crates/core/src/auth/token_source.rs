//! What an API client needs from a sign-in: a current access token, refreshed when needed.

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use crate::problem::Problem;
use crate::secret::Secret;

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

/// A fixed token, for tests and for callers that obtained one elsewhere.
pub struct StaticToken(pub Secret);

#[async_trait]
impl AccessTokenSource for StaticToken {
    async fn access_token(&self, _cancel: &CancellationToken) -> Result<Secret, Problem> {
        Ok(self.0.clone())
    }
}
