//! Entra's Test Connection, replayed exactly: a query for a user whose userName is a random GUID,
//! which must answer 200 with an empty ListResponse, and the group query Entra makes for a random
//! group
//! (<https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups>).

use serde_json::Value;

use super::auth_checks::test_connection_query;
use crate::diagnose::calls::exchange::{
    common_failure, refusal, with_scim_detail, Auth, Exchange, LIST_RESPONSE,
};
use crate::diagnose::calls::probe::Probe;
use crate::diagnose::output::explain::FailureKind;
use crate::diagnose::output::report::{Check, CheckResult};

pub const TEST_CONNECTION_USERS: Check = Check {
    id: "test-connection-users",
    title: "Entra's Test Connection query for a random user",
};
pub const TEST_CONNECTION_GROUPS: Check = Check {
    id: "test-connection-groups",
    title: "Entra's query for a random group",
};

pub(crate) async fn check_users(probe: &Probe, guid: &str) -> CheckResult {
    let filter = test_connection_query(guid);
    let exchange = probe
        .get("Users", &[("filter", &filter)], Auth::Token)
        .await;
    let result = CheckResult::new(TEST_CONNECTION_USERS).with_exchange(&exchange);
    if let Some((kind, detail)) = common_failure(&exchange, probe.timeout) {
        return result.fail(kind, with_scim_detail(&detail, &exchange));
    }
    match exchange.status {
        Some(404) => result.fail(FailureKind::WrongBaseUrl, "(HTTP 404)"),
        Some(400) => result.fail(
            FailureKind::FilterRejected,
            with_scim_detail("(HTTP 400)", &exchange),
        ),
        Some(200) => judge_empty_list(result, &exchange),
        Some(_) => {
            let (kind, detail) = refusal(&exchange, probe.timeout);
            result.fail(
                kind,
                format!("{detail} Entra expects 200 with an empty ListResponse."),
            )
        }
        None => CheckResult::skipped(TEST_CONNECTION_USERS, "cancelled"),
    }
}

pub(crate) async fn check_groups(probe: &Probe, guid: &str) -> CheckResult {
    let filter = format!("displayName eq \"{guid}\"");
    let exchange = probe
        .get(
            "Groups",
            &[("excludedAttributes", "members"), ("filter", &filter)],
            Auth::Token,
        )
        .await;
    let result = CheckResult::new(TEST_CONNECTION_GROUPS).with_exchange(&exchange);
    if let Some((kind, detail)) = common_failure(&exchange, probe.timeout) {
        return result.fail(kind, with_scim_detail(&detail, &exchange));
    }
    match exchange.status {
        Some(404) | Some(501) => result.warn(
            FailureKind::GroupsNotOffered,
            format!("(HTTP {})", exchange.status.unwrap_or_default()),
        ),
        Some(400) => result.warn(
            FailureKind::FilterRejected,
            with_scim_detail("(HTTP 400 on the displayName filter)", &exchange),
        ),
        Some(200) => judge_empty_list(result, &exchange),
        Some(_) => {
            let (kind, detail) = refusal(&exchange, probe.timeout);
            result.fail(
                kind,
                format!("{detail} Entra expects 200 with an empty ListResponse."),
            )
        }
        None => CheckResult::skipped(TEST_CONNECTION_GROUPS, "cancelled"),
    }
}

/// A 200 must be a ListResponse with nothing in it, labelled application/scim+json.
pub(crate) fn judge_empty_list(result: CheckResult, exchange: &Exchange) -> CheckResult {
    let Some(json) = exchange.json.as_ref().filter(|j| j.is_object()) else {
        let what = exchange
            .content_type
            .as_deref()
            .unwrap_or("no content type");
        return result.fail(
            FailureKind::NotScimResponse,
            format!("(the body is not a JSON object; {what})"),
        );
    };
    let total = json.get("totalResults").and_then(Value::as_u64);
    let resources = json
        .get("Resources")
        .and_then(Value::as_array)
        .map(Vec::len)
        .unwrap_or(0);
    let Some(total) = total else {
        return result.fail(
            FailureKind::NotScimResponse,
            "(no numeric totalResults in the answer)",
        );
    };
    if total > 0 || resources > 0 {
        return result.fail(
            FailureKind::TestUserFound,
            format!("(totalResults {total}, {resources} resources for a random GUID)"),
        );
    }
    let result = result.fact("totalResults", total.to_string());
    if !exchange.has_schema(LIST_RESPONSE) {
        return result.warn(
            FailureKind::NotScimResponse,
            "(schemas does not name urn:ietf:params:scim:api:messages:2.0:ListResponse)",
        );
    }
    if !is_scim_json(exchange.content_type.as_deref()) {
        return result.warn(
            FailureKind::WrongContentType,
            format!(
                "(Content-Type: {})",
                exchange.content_type.as_deref().unwrap_or("none")
            ),
        );
    }
    result
}

pub(crate) fn is_scim_json(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| ct.to_ascii_lowercase().starts_with("application/scim+json"))
}
