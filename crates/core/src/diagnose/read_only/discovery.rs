//! Discovery (`/ServiceProviderConfig`, `/ResourceTypes`, `/Schemas`): Entra's non-gallery
//! apps do not read it, so a gap is a warning, but what it advertises (PATCH, filters, ETags,
//! bulk, auth schemes) explains much of how the endpoint behaves.

use serde_json::Value;

use crate::diagnose::calls::exchange::{common_failure, has_schema, Auth, Exchange, LIST_RESPONSE};
use crate::diagnose::calls::probe::Probe;
use crate::diagnose::output::explain::FailureKind;
use crate::diagnose::output::report::{Check, CheckResult};

pub const DISCOVERY_CONFIG: Check = Check {
    id: "discovery-service-provider-config",
    title: "/ServiceProviderConfig says what the endpoint supports",
};
pub const DISCOVERY_RESOURCE_TYPES: Check = Check {
    id: "discovery-resource-types",
    title: "/ResourceTypes lists User (and Group)",
};
pub const DISCOVERY_SCHEMAS: Check = Check {
    id: "discovery-schemas",
    title: "/Schemas lists the schemas",
};

const SPC: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";

/// Fetches one discovery endpoint; `None` with the finished check when it is not usable.
async fn fetch(
    probe: &Probe,
    check: Check,
    path: &str,
) -> Result<(Exchange, CheckResult), CheckResult> {
    let exchange = probe.get(path, &[], Auth::Token).await;
    let result = CheckResult::new(check).with_exchange(&exchange);
    if let Some((kind, detail)) = common_failure(&exchange, probe.timeout) {
        // The transport and auth checks name these; here they only mean "not available".
        return Err(match kind {
            FailureKind::Hang | FailureKind::Throttled | FailureKind::ServerError => {
                result.fail(kind, detail)
            }
            _ => result.warn(FailureKind::DiscoveryMissing, detail),
        });
    }
    match exchange.status {
        Some(200)
            if exchange
                .json
                .as_ref()
                .is_some_and(|j| j.is_object() || j.is_array()) =>
        {
            Ok((exchange, result))
        }
        Some(status) => Err(result.warn(
            FailureKind::DiscoveryMissing,
            format!("(GET /{path} answered HTTP {status})"),
        )),
        None => Err(CheckResult::skipped(check, "cancelled")),
    }
}

pub(crate) async fn check_service_provider_config(probe: &Probe) -> CheckResult {
    let (exchange, mut result) = match fetch(probe, DISCOVERY_CONFIG, "ServiceProviderConfig").await
    {
        Ok(found) => found,
        Err(result) => return result,
    };
    let json = exchange.json.unwrap_or_default();
    let supported = |name: &str| match json
        .get(name)
        .and_then(|v| v.get("supported"))
        .and_then(Value::as_bool)
    {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not said",
    };
    for name in ["patch", "filter", "etag", "bulk", "sort", "changePassword"] {
        result = result.fact(name, supported(name));
    }
    if let Some(max) = json.pointer("/filter/maxResults").and_then(Value::as_u64) {
        result = result.fact("filter.maxResults", max.to_string());
    }
    let schemes: Vec<String> = json
        .get("authenticationSchemes")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|s| {
                    s.get("type")
                        .or_else(|| s.get("name"))
                        .and_then(Value::as_str)
                })
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    result = result.fact(
        "authenticationSchemes",
        if schemes.is_empty() {
            "not said".to_string()
        } else {
            schemes.join(", ")
        },
    );
    if !has_schema(Some(&json), SPC) {
        return result.warn(
            FailureKind::DiscoveryMissing,
            format!("(schemas does not name {SPC})"),
        );
    }
    if supported("patch") == "no" {
        return result.warn(
            FailureKind::DiscoveryMissing,
            "(it says patch is not supported, but Entra updates and disables users with PATCH)",
        );
    }
    result
}

/// `/ResourceTypes` and `/Schemas` answer a ListResponse (some servers a bare array).
fn listed(json: &Value) -> Option<&Vec<Value>> {
    if has_schema(Some(json), LIST_RESPONSE) {
        json.get("Resources").and_then(Value::as_array)
    } else {
        json.as_array()
    }
}

pub(crate) async fn check_resource_types(probe: &Probe) -> CheckResult {
    let (exchange, result) = match fetch(probe, DISCOVERY_RESOURCE_TYPES, "ResourceTypes").await {
        Ok(found) => found,
        Err(result) => return result,
    };
    let json = exchange.json.unwrap_or_default();
    let Some(items) = listed(&json) else {
        return result.warn(FailureKind::DiscoveryMissing, "(not a ListResponse)");
    };
    let names: Vec<String> = items
        .iter()
        .filter_map(|t| {
            t.get("name")
                .or_else(|| t.get("id"))
                .and_then(Value::as_str)
        })
        .map(str::to_string)
        .collect();
    let result = result.fact("resource types", names.join(", "));
    if !names.iter().any(|n| n.eq_ignore_ascii_case("User")) {
        return result.warn(FailureKind::DiscoveryMissing, "(User is not listed)");
    }
    result
}

pub(crate) async fn check_schemas(probe: &Probe) -> CheckResult {
    let (exchange, result) = match fetch(probe, DISCOVERY_SCHEMAS, "Schemas").await {
        Ok(found) => found,
        Err(result) => return result,
    };
    let json = exchange.json.unwrap_or_default();
    let Some(items) = listed(&json) else {
        return result.warn(FailureKind::DiscoveryMissing, "(not a ListResponse)");
    };
    let ids: Vec<String> = items
        .iter()
        .filter_map(|s| s.get("id").and_then(Value::as_str))
        .map(str::to_string)
        .collect();
    result.fact("schemas", ids.join(", "))
}
