//! Signing in: authorization code + PKCE on a loopback redirect, device code for Microsoft,
//! refresh before expiry, and the provider's errors explained.

mod token_source;

pub use token_source::{AccessTokenSource, StaticToken};
