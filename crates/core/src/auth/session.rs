//! A signed-in session: hands out access tokens, refreshes them a few minutes before they
//! expire, and keeps the (rotating) refresh token in the SecretStore, never in a file.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

use super::oauth::{refresh, OAuthEndpoints, TokenSet};
use super::token_source::AccessTokenSource;
use crate::http::Http;
use crate::problem::Problem;
use crate::secret::Secret;
use crate::secrets::SecretStore;

/// Refresh when less than this is left, so a long step never starts with a dying token.
const REFRESH_MARGIN: Duration = Duration::from_secs(300);

pub struct OAuthSession {
    http: Http,
    endpoints: OAuthEndpoints,
    store: Arc<dyn SecretStore>,
    store_key: String,
    tokens: Mutex<TokenSet>,
}

impl OAuthSession {
    /// Wraps fresh tokens and files the refresh token in the store.
    pub fn start(
        http: Http,
        endpoints: OAuthEndpoints,
        store: Arc<dyn SecretStore>,
        store_key: String,
        tokens: TokenSet,
    ) -> Result<Self, Problem> {
        if let Some(refresh_token) = &tokens.refresh_token {
            store.set(&store_key, refresh_token)?;
        }
        Ok(Self {
            http,
            endpoints,
            store,
            store_key,
            tokens: Mutex::new(tokens),
        })
    }

    /// Signs in quietly with a stored refresh token. `Ok(None)` when there is none, or when
    /// the provider said the grant ended (`invalid_grant`, `interaction_required`, …): then
    /// the dead entry is removed and an interactive sign-in follows. Any other failure (a
    /// timeout, a refused or reset connection, 429, 5xx, a proxy's web page) keeps the saved
    /// token and ends with a Problem naming the network or service as the cause.
    pub async fn resume(
        http: Http,
        endpoints: OAuthEndpoints,
        store: Arc<dyn SecretStore>,
        store_key: String,
        cancel: &CancellationToken,
    ) -> Result<Option<(Self, TokenSet)>, Problem> {
        let Some(saved) = store.get(&store_key)? else {
            return Ok(None);
        };
        let provider = endpoints.provider;
        match refresh(&http, &endpoints, &saved, cancel).await {
            Ok(tokens) => {
                tracing::info!(provider = provider.action(), "resumed the saved sign-in");
                let session = Self::start(http, endpoints, store, store_key, tokens.clone())?;
                Ok(Some((session, tokens)))
            }
            Err(failure) if failure.grant_ended() => {
                let problem = failure.into_problem(provider);
                tracing::info!(
                    provider = provider.action(),
                    cause = %problem.info().cause,
                    "the provider ended the saved sign-in; removing it and signing in again"
                );
                store.delete(&store_key)?;
                Ok(None)
            }
            Err(failure) => {
                let problem = failure.into_problem_keeping_sign_in(provider);
                tracing::warn!(
                    provider = provider.action(),
                    cause = %problem.info().cause,
                    "could not renew the saved sign-in; it is kept"
                );
                Err(problem)
            }
        }
    }

    pub fn endpoints(&self) -> &OAuthEndpoints {
        &self.endpoints
    }
}

#[async_trait]
impl AccessTokenSource for OAuthSession {
    async fn access_token(&self, cancel: &CancellationToken) -> Result<Secret, Problem> {
        let mut tokens = self.tokens.lock().await;
        if tokens.expires_at > Instant::now() + REFRESH_MARGIN {
            return Ok(tokens.access_token.clone());
        }
        let Some(refresh_token) = tokens.refresh_token.clone() else {
            return Err(Problem::sign_in_required(
                self.endpoints.provider.action(),
                "The sign-in expired and cannot be renewed without you.",
                "Sign in again.",
            ));
        };
        let provider = self.endpoints.provider;
        match refresh(&self.http, &self.endpoints, &refresh_token, cancel).await {
            Ok(fresh) => {
                if let Some(rotated) = &fresh.refresh_token {
                    self.store.set(&self.store_key, rotated)?;
                }
                tracing::info!(provider = provider.action(), "renewed the access token");
                *tokens = fresh;
                Ok(tokens.access_token.clone())
            }
            Err(failure) if failure.grant_ended() => {
                let problem = failure.into_problem(provider);
                tracing::info!(
                    provider = provider.action(),
                    cause = %problem.info().cause,
                    "the provider ended the sign-in; removing the saved one"
                );
                if let Err(err) = self.store.delete(&self.store_key) {
                    tracing::warn!(cause = %err.info().cause, "could not remove the ended sign-in");
                }
                Err(problem)
            }
            Err(failure) => Err(failure.into_problem_keeping_sign_in(provider)),
        }
    }

    async fn invalidate(&self) {
        let mut tokens = self.tokens.lock().await;
        tokens.expires_at = Instant::now();
    }

    async fn reject(&self, token: &Secret) {
        let mut tokens = self.tokens.lock().await;
        if tokens.access_token == *token {
            tokens.expires_at = Instant::now();
        }
    }
}
