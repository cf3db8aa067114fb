//! Signing in: authorization code + PKCE on a loopback redirect, device code for Microsoft,
//! refresh before expiry, and the provider's errors explained.

pub mod browser;
pub mod errors;
pub mod loopback;
pub mod oauth;
pub mod providers;
pub mod session;
pub mod tenant;
pub mod token_endpoint;
mod token_source;

pub use browser::{BrowserLauncher, FollowRedirectsLauncher, SystemBrowser};
pub use errors::Provider;
pub use oauth::{DeviceCodePrompt, OAuthEndpoints, TokenSet};
pub use providers::{
    resume_microsoft, resume_unity, sign_in_microsoft, sign_in_microsoft_anew, sign_in_unity,
    MicrosoftSignIn, SignInMethod, UnitySignIn,
};
pub use session::OAuthSession;
pub use tenant::MicrosoftTenant;
pub use token_source::{AccessTokenSource, StaticToken};
