//! What a diagnosis is asked to probe: the Tenant URL and Secret Token as Entra holds them,
//! whether to run the write checks, the per-call timeout, and what tests and private CAs need.

use std::net::SocketAddr;
use std::time::Duration;

use crate::http::ScimBounds;
use crate::Secret;

/// Per-call timeout unless the caller sets one: Entra's own bound on a SCIM endpoint's answer
/// (`http::ScimBounds::ENTRA`), the same the setup path's SCIM checks use, so Diagnose calls
/// an endpoint hanging when Entra would, and not before.
pub const DEFAULT_TIMEOUT: Duration = ScimBounds::ENTRA.per_call;

/// What to diagnose. Holds the token, so it is neither `Serialize` nor printed in full.
#[derive(Debug, Clone)]
pub struct DiagnoseRequest {
    /// Entra's Tenant URL (the SCIM base connector URL).
    pub url: String,
    /// Entra's Secret Token, exactly as it would be pasted.
    pub token: Secret,
    /// Also create, change and delete a test user (and group): side effects, cleaned up.
    pub write_checks: bool,
    /// Per call; the first call that waits it out makes the checks still to come skip.
    pub timeout: Duration,
    /// A domain the organization validated, for the test user. Without it, the domain of a
    /// listed user is used; without any, the write checks are skipped.
    pub test_domain: Option<String>,
    /// DER certificates trusted besides the public CAs (a private CA on purpose, tests).
    pub extra_roots_der: Vec<Vec<u8>>,
    /// Host → addresses, like curl's `--resolve`; an empty list makes the host not resolve.
    pub dns_overrides: Vec<(String, Vec<SocketAddr>)>,
}

impl DiagnoseRequest {
    /// A read-only diagnosis of `url` with `token` (as pasted, not trimmed), with the SCIM
    /// endpoint's per-call bound ([`ScimBounds::from_env`]), the public CAs and the system's DNS.
    pub fn new(url: impl Into<String>, token: Secret) -> Self {
        Self {
            url: url.into(),
            token,
            write_checks: false,
            timeout: ScimBounds::from_env().per_call,
            test_domain: None,
            extra_roots_der: Vec::new(),
            dns_overrides: Vec::new(),
        }
    }
}
