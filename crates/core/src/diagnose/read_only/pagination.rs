//! Listing with RFC 7644 pagination: `startIndex=1&count=1` gives at most one user and the
//! numbers a client pages by; `count=0` gives only `totalResults`. The first user also tells
//! the write checks which domain the organization has validated.

use serde_json::Value;

use crate::diagnose::calls::exchange::{common_failure, Auth, LIST_RESPONSE};
use crate::diagnose::calls::probe::Probe;
use crate::diagnose::output::explain::FailureKind;
use crate::diagnose::output::report::{Check, CheckResult};

pub const PAGINATION_FIRST_PAGE: Check = Check {
    id: "pagination-first-page",
    title: "startIndex=1&count=1 returns one page of one",
};
pub const PAGINATION_COUNT_ZERO: Check = Check {
    id: "pagination-count-zero",
    title: "count=0 returns only totalResults",
};

pub(crate) struct FirstPage {
    pub check: CheckResult,
    /// The domain of a listed user's userName: one the organization accepts.
    pub user_domain: Option<String>,
}

pub(crate) async fn check_first_page(probe: &Probe) -> FirstPage {
    let exchange = probe
        .get("Users", &[("startIndex", "1"), ("count", "1")], Auth::Token)
        .await;
    let result = CheckResult::new(PAGINATION_FIRST_PAGE).with_exchange(&exchange);
    let done = |check| FirstPage {
        check,
        user_domain: None,
    };
    if let Some((kind, detail)) = common_failure(&exchange, probe.timeout) {
        return done(result.fail(kind, detail));
    }
    match exchange.status {
        Some(200) => {}
        Some(status) => {
            return done(result.warn(FailureKind::PaginationBroken, format!("(HTTP {status})")))
        }
        None => return done(CheckResult::skipped(PAGINATION_FIRST_PAGE, "cancelled")),
    }
    let json = exchange.json.unwrap_or_default();
    let resources = json
        .get("Resources")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let number = |name: &str| json.get(name).and_then(Value::as_u64);
    let result = result
        .fact("totalResults", opt(number("totalResults")))
        .fact("itemsPerPage", opt(number("itemsPerPage")))
        .fact("startIndex", opt(number("startIndex")));
    let user_domain = resources
        .first()
        .and_then(|user| user.get("userName"))
        .and_then(Value::as_str)
        .and_then(|name| name.rsplit_once('@'))
        .map(|(_, domain)| domain.to_ascii_lowercase());
    let problem = if !crate::diagnose::calls::exchange::has_schema(Some(&json), LIST_RESPONSE) {
        Some("(not a ListResponse)".to_string())
    } else if number("totalResults").is_none() {
        Some("(no numeric totalResults)".to_string())
    } else if resources.len() > 1 || number("itemsPerPage").is_some_and(|n| n > 1) {
        Some(format!("({} resources for count=1)", resources.len()))
    } else if number("startIndex").is_some_and(|n| n != 1) {
        Some("(startIndex in the answer is not 1)".to_string())
    } else if resources
        .iter()
        .any(|r| r.get("id").and_then(Value::as_str).is_none())
    {
        Some("(a listed resource has no id)".to_string())
    } else {
        None
    };
    let check = match problem {
        Some(detail) => result.warn(FailureKind::PaginationBroken, detail),
        None => result,
    };
    FirstPage { check, user_domain }
}

pub(crate) async fn check_count_zero(probe: &Probe) -> CheckResult {
    let exchange = probe.get("Users", &[("count", "0")], Auth::Token).await;
    let result = CheckResult::new(PAGINATION_COUNT_ZERO).with_exchange(&exchange);
    if let Some((kind, detail)) = common_failure(&exchange, probe.timeout) {
        return result.fail(kind, detail);
    }
    match exchange.status {
        Some(200) => {}
        Some(status) => {
            return result.warn(FailureKind::PaginationBroken, format!("(HTTP {status})"))
        }
        None => return CheckResult::skipped(PAGINATION_COUNT_ZERO, "cancelled"),
    }
    let json = exchange.json.unwrap_or_default();
    let resources = json
        .get("Resources")
        .and_then(Value::as_array)
        .map(Vec::len)
        .unwrap_or(0);
    match json.get("totalResults").and_then(Value::as_u64) {
        None => result.warn(FailureKind::PaginationBroken, "(no numeric totalResults)"),
        Some(_) if resources > 0 => result.warn(
            FailureKind::PaginationBroken,
            format!("({resources} resources for count=0)"),
        ),
        Some(total) => result.fact("totalResults", total.to_string()),
    }
}

fn opt(value: Option<u64>) -> String {
    value
        .map(|v| v.to_string())
        .unwrap_or_else(|| "absent".to_string())
}
