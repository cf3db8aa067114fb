//! Every user and group the endpoint returned, judged the way Entra deserializes it
//! (RFC 7643 §2, §4): attribute names without dots (`name.givenName` belongs inside `name`), booleans as
//! booleans, complex attributes (`name`, the enterprise extension, `manager`) as objects and
//! multi-valued ones as arrays of objects. An answer that breaks this fails in Entra with
//! SystemForCrossDomainIdentityManagementServiceIncompatible.

use serde_json::Value;

use crate::diagnose::calls::exchange::{Exchange, LIST_RESPONSE};
use crate::diagnose::output::explain::{quoted, FailureKind};
use crate::diagnose::output::report::{Check, CheckResult};

pub const RESOURCE_SHAPE: Check = Check {
    id: "resource-shape",
    title: "Every user and group returned reads as Entra deserializes it",
};

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const BOOLEANS: &[&str] = &["active", "primary"];
const COMPLEX: &[&str] = &["name", "manager", "meta"];
const MULTI_VALUED: &[&str] = &[
    "emails",
    "phoneNumbers",
    "addresses",
    "members",
    "groups",
    "roles",
    "ims",
    "photos",
    "entitlements",
    "x509Certificates",
];

fn is(name: &str, list: &[&str]) -> bool {
    list.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// What Entra could not read in one resource, in words; empty when it reads fine.
pub(crate) fn unreadable(resource: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(object) = resource.as_object() {
        judge_object(object, "", &mut problems);
    }
    problems
}

fn judge_object(object: &serde_json::Map<String, Value>, at: &str, problems: &mut Vec<String>) {
    for (key, value) in object {
        let path = if at.is_empty() {
            key.clone()
        } else {
            format!("{at}.{key}")
        };
        let urn = key.to_ascii_lowercase().starts_with("urn:");
        if key.contains('.') && !urn {
            problems.push(format!(
                "the key {} has a dot in its name (it belongs inside {})",
                quoted(key),
                quoted(key.split('.').next().unwrap_or(key))
            ));
            continue;
        }
        if value.is_null() {
            continue;
        }
        if is(key, BOOLEANS) && !value.is_boolean() {
            problems.push(format!("{} is {value}, not a boolean", quoted(&path)));
        } else if (urn && key.eq_ignore_ascii_case(ENTERPRISE)) || is(key, COMPLEX) {
            match value.as_object() {
                Some(inner) => judge_object(inner, &path, problems),
                None => problems.push(format!(
                    "{} is {value}, not an object{}",
                    quoted(&path),
                    if key.eq_ignore_ascii_case("manager") {
                        " ({\"value\": \"<id>\"})"
                    } else {
                        ""
                    }
                )),
            }
        } else if is(key, MULTI_VALUED) {
            match value.as_array() {
                Some(items) => {
                    for item in items {
                        match item.as_object() {
                            Some(inner) => judge_object(inner, &path, problems),
                            None => problems.push(format!(
                                "an item of {} is {item}, not an object",
                                quoted(&path)
                            )),
                        }
                    }
                }
                None => problems.push(format!("{} is not a list", quoted(&path))),
            }
        }
    }
}

/// The resources in one answer: the items of a ListResponse, or the resource itself.
fn resources(exchange: &Exchange) -> Vec<&Value> {
    let Some(json) = exchange.json.as_ref().filter(|j| j.is_object()) else {
        return Vec::new();
    };
    if exchange.has_schema(LIST_RESPONSE) {
        return json
            .get("Resources")
            .and_then(Value::as_array)
            .map(|items| items.iter().collect())
            .unwrap_or_default();
    }
    if json.get("id").is_some() {
        vec![json]
    } else {
        Vec::new()
    }
}

fn is_resource_call(exchange: &Exchange) -> bool {
    let request = exchange.evidence.request.as_str();
    let path = request.split('?').next().unwrap_or(request);
    path.contains("/Users") || path.contains("/Groups")
}

/// Judges every user and group in every successful answer of the run.
pub(crate) fn audit_resource_shapes(log: &[Exchange]) -> CheckResult {
    let answers: Vec<&Exchange> = log
        .iter()
        .filter(|e| e.status.is_some_and(|s| (200..300).contains(&s)) && is_resource_call(e))
        .collect();
    let mut judged = 0usize;
    let mut result = CheckResult::new(RESOURCE_SHAPE);
    let mut bad = Vec::new();
    for exchange in answers {
        for resource in resources(exchange) {
            judged += 1;
            let problems = unreadable(resource);
            if problems.is_empty() {
                continue;
            }
            for problem in problems {
                if !bad.contains(&problem) {
                    bad.push(problem);
                }
            }
            if result.evidence.len() < 3 {
                result = result.with_evidence(exchange.evidence.clone());
            }
        }
    }
    if judged == 0 {
        return CheckResult::skipped(RESOURCE_SHAPE, "no call returned a user or a group");
    }
    result = result.fact("resources read", judged.to_string());
    if bad.is_empty() {
        return result;
    }
    let count = bad.len();
    for problem in bad {
        result = result.fact("Entra cannot read", problem);
    }
    result.fail(
        FailureKind::ResourceNotReadable,
        format!("({count} problems; the facts list each)"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_well_formed_user_reads_and_each_slip_is_named() {
        let good = json!({"id": "1", "userName": "a", "active": true, "name": {"givenName": "A"},
            "emails": [{"type": "work", "value": "a@x", "primary": true}],
            ENTERPRISE: {"manager": {"value": "2"}, "department": "D"},
            "meta": {"resourceType": "User"}});
        assert!(unreadable(&good).is_empty(), "{:?}", unreadable(&good));
        let bad = json!({"id": "1", "name.givenName": "A", "active": "True",
            ENTERPRISE: {"manager": "2"}, "emails": ["a@x"]});
        let problems = unreadable(&bad);
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems
            .iter()
            .any(|p| p.contains("\u{201c}name.givenName\u{201d} has a dot")));
        assert!(problems.iter().any(|p| p.contains("not a boolean")));
        assert!(problems
            .iter()
            .any(|p| p.contains("manager") && p.contains("not an object")));
    }
}
