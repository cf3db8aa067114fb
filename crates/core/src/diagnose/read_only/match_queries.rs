//! The other match queries Entra sends besides Test Connection's
//! (<https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups>):
//! users by `externalId` when the mapping matches on it, and groups by a `displayName` as people
//! type it, with spaces and quotes. Read-only: both look for something that does not exist.

use super::test_connection::judge_empty_list;
use crate::diagnose::calls::exchange::{common_failure, refusal, Auth};
use crate::diagnose::calls::probe::Probe;
use crate::diagnose::output::explain::FailureKind;
use crate::diagnose::output::report::{Check, CheckResult};

pub const MATCH_EXTERNAL_ID: Check = Check {
    id: "match-external-id",
    title: "Entra's match query on externalId",
};
pub const MATCH_GROUP_QUOTED_NAME: Check = Check {
    id: "match-group-quoted-name",
    title: "Entra's group query for a name with spaces and a quote",
};

/// `GET /Users?filter=externalId eq "<guid>"`: 200 with an empty ListResponse.
pub(crate) async fn check_external_id(probe: &Probe, guid: &str) -> CheckResult {
    let filter = format!("externalId eq \"{guid}\"");
    let exchange = probe
        .get("Users", &[("filter", &filter)], Auth::Token)
        .await;
    let result = CheckResult::new(MATCH_EXTERNAL_ID).with_exchange(&exchange);
    if let Some((kind, detail)) = common_failure(&exchange, probe.timeout) {
        return result.fail(kind, detail);
    }
    match exchange.status {
        Some(200) => judge_empty_list(result, &exchange),
        Some(400..=499) if exchange.status != Some(404) => {
            let (_, detail) = refusal(&exchange, probe.timeout);
            result.fail(FailureKind::ExternalIdFilterRejected, detail)
        }
        Some(_) => {
            let (kind, detail) = refusal(&exchange, probe.timeout);
            result.fail(kind, detail)
        }
        None => CheckResult::skipped(MATCH_EXTERNAL_ID, "cancelled"),
    }
}

/// The group name Entra would send for a group called `scim-setup check "quoted" <guid>`:
/// spaces, and quotes escaped with a backslash inside the filter's string.
pub(crate) fn quoted_group_name(guid: &str) -> String {
    format!("scim-setup check \"quoted\" {guid}")
}

/// `displayName eq "…"` with the value escaped as a SCIM filter string (RFC 7644 §3.4.2.2).
pub(crate) fn display_name_filter(name: &str) -> String {
    format!(
        "displayName eq \"{}\"",
        name.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

/// `GET /Groups?excludedAttributes=members&filter=displayName eq "… \"quoted\" …"`.
pub(crate) async fn check_group_quoted_name(probe: &Probe, guid: &str) -> CheckResult {
    let filter = display_name_filter(&quoted_group_name(guid));
    let exchange = probe
        .get(
            "Groups",
            &[("excludedAttributes", "members"), ("filter", &filter)],
            Auth::Token,
        )
        .await;
    let result = CheckResult::new(MATCH_GROUP_QUOTED_NAME).with_exchange(&exchange);
    if let Some((kind, detail)) = common_failure(&exchange, probe.timeout) {
        return result.fail(kind, detail);
    }
    match exchange.status {
        Some(200) => {
            let judged = judge_empty_list(result, &exchange);
            // Finding something for a random name means the quote cut the value short.
            if judged.failure == Some(FailureKind::TestUserFound) {
                let mut again = CheckResult::new(MATCH_GROUP_QUOTED_NAME).with_exchange(&exchange);
                again = again.fail(
                    FailureKind::QuotedFilterRejected,
                    "(a query for a random group name found groups: the escaped quote was not read as part of the value)",
                );
                return again;
            }
            judged
        }
        Some(404) | Some(501) => CheckResult::skipped(
            MATCH_GROUP_QUOTED_NAME,
            "the endpoint does not offer /Groups (see test-connection-groups)",
        ),
        Some(400..=499) => {
            let (_, detail) = refusal(&exchange, probe.timeout);
            result.fail(FailureKind::QuotedFilterRejected, detail)
        }
        Some(_) => {
            let (kind, detail) = refusal(&exchange, probe.timeout);
            result.fail(kind, detail)
        }
        None => CheckResult::skipped(MATCH_GROUP_QUOTED_NAME, "cancelled"),
    }
}
