//! The plan: every check a diagnosis reports, in report order. The UI shows it before the
//! first call, and the report lists each planned check once, run or skipped.

use crate::diagnose::output::report::Check;
use crate::diagnose::read_only::auth_checks::{
    AUTH_TOKEN_ACCEPTED, AUTH_WITHOUT_TOKEN, TOKEN_FORMAT,
};
use crate::diagnose::read_only::discovery::{
    DISCOVERY_CONFIG, DISCOVERY_RESOURCE_TYPES, DISCOVERY_SCHEMAS,
};
use crate::diagnose::read_only::error_shape::{
    CONTENT_TYPES, ERROR_SHAPE, RESPONSE_TIMES, UNKNOWN_USER_404,
};
use crate::diagnose::read_only::match_queries::{MATCH_EXTERNAL_ID, MATCH_GROUP_QUOTED_NAME};
use crate::diagnose::read_only::network::{DNS, TCP_CONNECT, TLS_CERTIFICATE, TLS_VERSION};
use crate::diagnose::read_only::pagination::{PAGINATION_COUNT_ZERO, PAGINATION_FIRST_PAGE};
use crate::diagnose::read_only::resource_shape::RESOURCE_SHAPE;
use crate::diagnose::read_only::test_connection::{TEST_CONNECTION_GROUPS, TEST_CONNECTION_USERS};
use crate::diagnose::read_only::url_shape::{URL_HTTPS, URL_PATH, URL_QUERY};
use crate::diagnose::write::lifecycle::write_check_plan;

/// Judged without a call: the Tenant URL's shape and the token's form.
pub(super) const LOCAL: [Check; 4] = [URL_HTTPS, URL_PATH, URL_QUERY, TOKEN_FORMAT];
/// Whether Entra could connect at all.
pub(super) const NETWORK: [Check; 4] = [DNS, TCP_CONNECT, TLS_CERTIFICATE, TLS_VERSION];
/// Entra's first calls, asked together: they decide whether the rest is worth asking.
pub(super) const FIRST_CALLS: [Check; 3] = [
    AUTH_TOKEN_ACCEPTED,
    AUTH_WITHOUT_TOKEN,
    TEST_CONNECTION_USERS,
];
/// Entra's other read-only calls, asked together once the first ones pass.
pub(super) const SECOND_CALLS: [Check; 9] = [
    TEST_CONNECTION_GROUPS,
    MATCH_EXTERNAL_ID,
    MATCH_GROUP_QUOTED_NAME,
    DISCOVERY_CONFIG,
    DISCOVERY_RESOURCE_TYPES,
    DISCOVERY_SCHEMAS,
    PAGINATION_FIRST_PAGE,
    PAGINATION_COUNT_ZERO,
    UNKNOWN_USER_404,
];
/// Judged over every call the run made, without another call.
pub(super) const AUDITS: [Check; 4] = [ERROR_SHAPE, CONTENT_TYPES, RESOURCE_SHAPE, RESPONSE_TIMES];

/// The read-only checks in report order: the phases in the order they run.
pub fn read_only_plan() -> Vec<Check> {
    [
        &LOCAL[..],
        &NETWORK[..],
        &FIRST_CALLS[..],
        &SECOND_CALLS[..],
        &AUDITS[..],
    ]
    .concat()
}

/// The whole plan: the read-only checks, then the write checks when they are asked for.
pub(crate) fn plan(write_checks: bool) -> Vec<Check> {
    let mut plan = read_only_plan();
    if write_checks {
        plan.extend(write_check_plan());
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::output::explain::FailureKind;

    /// docs/diagnose.md is the guide support staff read: it must list every check and every
    /// failure kind the engine can report.
    #[test]
    fn the_guide_lists_every_check_and_every_failure_kind() {
        let guide = include_str!("../../../../../docs/diagnose.md");
        for check in plan(true) {
            assert!(
                guide.contains(&format!("`{}`", check.id)),
                "docs/diagnose.md does not list {}",
                check.id
            );
        }
        for kind in FailureKind::ALL {
            let name = serde_json::to_string(kind).unwrap_or_default();
            let name = name.trim_matches('"');
            assert!(
                guide.contains(&format!("`{name}`")),
                "docs/diagnose.md does not list {name}"
            );
        }
    }
}
