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

    /// Signs in quietly with a stored refresh token; `None` when there is none or it no
    /// longer works (then the stale entry is removed and an interactive sign-in follows).
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
        match refresh(&http, &endpoints, &saved, cancel).await {
            Ok(tokens) => {
                let session = Self::start(http, endpoints, store, store_key, tokens.clone())?;
                Ok(Some((session, tokens)))
            }
            Err(problem) if problem.kind_name() == "cancelled" => Err(problem),
            Err(problem) => {
                tracing::info!(
                    kind = problem.kind_name(),
                    "the saved sign-in no longer works; signing in again"
                );
                store.delete(&store_key)?;
                Ok(None)
            }
        }
    }

    /// Forgets the session here and in the keychain (sign out).
    pub fn forget(&self) -> Result<(), Problem> {
        self.store.delete(&self.store_key)
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
        match refresh(&self.http, &self.endpoints, &refresh_token, cancel).await {
            Ok(fresh) => {
                if let Some(rotated) = &fresh.refresh_token {
                    self.store.set(&self.store_key, rotated)?;
                }
                *tokens = fresh;
                Ok(tokens.access_token.clone())
            }
            Err(problem) => {
                if problem.kind_name() == "signInRequired" {
                    let _ = self.store.delete(&self.store_key);
                }
                Err(problem)
            }
        }
    }

    async fn invalidate(&self) {
        let mut tokens = self.tokens.lock().await;
        tokens.expires_at = Instant::now();
    }
}
