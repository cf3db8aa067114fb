//! Entry points for the fuzz targets in `fuzz/` (docs/fuzzing.md), and only for them: each runs one
//! crate-private parser on raw input exactly as the engine does, so the parsers themselves
//! stay private. Not part of the engine's API.

use crate::diagnose::CheckResult;
use crate::entra::on_demand::parse_reply;
use crate::wizard::{OnDemandSubject, PrincipalKind, ProvisionOnDemandOutcome};
use crate::Secret;

/// The Tenant URL shape checks Diagnose runs first (`diagnose/read_only/url_shape.rs`): scheme,
/// path and query, for a URL as pasted. Returns the three check results. Never panics.
pub fn tenant_url_checks(pasted: &str) -> Vec<CheckResult> {
    crate::diagnose::read_only::url_shape::check_url(pasted).checks
}

/// The Secret Token format check Diagnose runs before any call
/// (`diagnose/read_only/auth_checks.rs`), with `now_unix` (seconds since 1970) as the clock.
/// Never panics.
pub fn token_format_check(pasted: &str, now_unix: i64) -> CheckResult {
    crate::diagnose::read_only::auth_checks::check_token_format(
        &Secret::new(pasted.to_string()),
        now_unix,
    )
}

/// A provisionOnDemand response body (Graph's provisionOnDemand page) read and explained the way step 4
/// shows it, steps and all, for a user labelled `label`. Never panics.
pub fn on_demand_outcome(body: &[u8], label: &str) -> ProvisionOnDemandOutcome {
    let subject = OnDemandSubject {
        object_id: "00000000-0000-0000-0000-000000000000".to_string(),
        kind: PrincipalKind::User,
        label: label.to_string(),
        members: Vec::new(),
        member_of: None,
    };
    crate::wizard::provision::verdicts::explain(subject, parse_reply(body), &[])
}
