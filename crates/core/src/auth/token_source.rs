//! What an API client needs from a sign-in: a current access token, refreshed when needed.
//! The trait lives beside the authorized-request helper in `crate::http`, which uses it.

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

pub use crate::http::AccessTokenSource;
use crate::problem::Problem;
use crate::secret::Secret;

/// A fixed token, for tests and for callers that obtained one elsewhere.
pub struct StaticToken(pub Secret);

#[async_trait]
impl AccessTokenSource for StaticToken {
    async fn access_token(&self, _cancel: &CancellationToken) -> Result<Secret, Problem> {
        Ok(self.0.clone())
    }
}
