//! Audits over every call the diagnosis made: each non-2xx must be a SCIM Error (`schemas`
//! with the Error URN, `status` a string equal to the HTTP status, a `scimType` from RFC
//! 7644's list); each JSON answer labelled application/scim+json; timing and `Retry-After`.
//! Plus the one call made only to see an error: GET of an id that does not exist.

use std::time::Duration;

use serde_json::Value;

use super::test_connection::is_scim_json;
use crate::diagnose::calls::exchange::{common_failure, Auth, Exchange, Transport, ERROR};
use crate::diagnose::calls::probe::Probe;
use crate::diagnose::output::explain::FailureKind;
use crate::diagnose::output::report::{Check, CheckResult};

pub const UNKNOWN_USER_404: Check = Check {
    id: "unknown-user-404",
    title: "An unknown user id answers 404",
};
pub const ERROR_SHAPE: Check = Check {
    id: "error-shape",
    title: "Every error answer is a SCIM Error",
};
pub const CONTENT_TYPES: Check = Check {
    id: "content-types",
    title: "JSON answers are application/scim+json",
};
pub const RESPONSE_TIMES: Check = Check {
    id: "response-times",
    title: "Answers are quick and not throttled",
};

/// RFC 7644 §3.12.
const SCIM_TYPES: &[&str] = &[
    "invalidFilter",
    "tooMany",
    "uniqueness",
    "mutability",
    "invalidSyntax",
    "invalidPath",
    "noTarget",
    "invalidValue",
    "invalidVers",
    "sensitive",
];

/// Answers slower than this are flagged (Entra's own timeout is not published).
pub(crate) const SLOW: Duration = Duration::from_secs(2);

pub(crate) async fn check_unknown_user(probe: &Probe, guid: &str) -> CheckResult {
    let exchange = probe.get(&format!("Users/{guid}"), &[], Auth::Token).await;
    let result = CheckResult::new(UNKNOWN_USER_404).with_exchange(&exchange);
    if let Some((kind, detail)) = common_failure(&exchange, probe.timeout) {
        return result.fail(kind, detail);
    }
    match exchange.status {
        Some(404) => result,
        Some(status) => result.warn(FailureKind::UnknownUserNot404, format!("(HTTP {status})")),
        None => CheckResult::skipped(UNKNOWN_USER_404, "cancelled"),
    }
}

/// Which rules of RFC 7644 §3.12 one error answer breaks, each named; empty when it is a
/// SCIM error.
pub(crate) fn error_body_problems(exchange: &Exchange) -> Vec<String> {
    let status = exchange.status.unwrap_or_default();
    let Some(json) = exchange.json.as_ref().filter(|j| j.is_object()) else {
        return vec![match exchange.content_type.as_deref() {
            Some(ct) if exchange.evidence.body_excerpt.is_some() => format!(
                "the body must be a JSON SCIM error, not {}",
                ct.split(';').next().unwrap_or(ct).trim()
            ),
            _ => "the body must be a JSON SCIM error, not empty".to_string(),
        }];
    };
    let mut problems = Vec::new();
    match json.get("schemas") {
        None => problems.push(format!("schemas must be present and name {ERROR}")),
        Some(_) if !exchange.has_schema(ERROR) => {
            problems.push(format!("schemas must name {ERROR}"))
        }
        Some(_) => {}
    }
    match json.get("status") {
        Some(Value::String(s)) if s == &status.to_string() => {}
        Some(Value::String(s)) => problems.push(format!(
            "status must equal the HTTP status {status}, not {}",
            crate::diagnose::output::explain::quoted(s)
        )),
        Some(Value::Number(n)) => problems.push(format!(
            "status must be a string (\"{status}\"), not the number {n}"
        )),
        Some(other) => problems.push(format!("status must be a string, not {other}")),
        None => problems.push(format!("status must be present (\"{status}\")")),
    }
    match json.get("detail") {
        None | Some(Value::String(_)) | Some(Value::Null) => {}
        Some(other) => problems.push(format!("detail must be a string, not {other}")),
    }
    if let Some(scim_type) = json.get("scimType") {
        match scim_type.as_str() {
            Some(t) if SCIM_TYPES.contains(&t) => {}
            _ => problems.push(format!(
                "scimType must be one of RFC 7644's ({}), not {scim_type}",
                SCIM_TYPES.join(", ")
            )),
        }
    }
    problems
}

pub(crate) fn audit_error_shape(log: &[Exchange]) -> CheckResult {
    let errors: Vec<&Exchange> = log
        .iter()
        .filter(|e| e.transport == Transport::Answered && e.status.is_some_and(|s| s >= 400))
        .collect();
    if errors.is_empty() {
        return CheckResult::skipped(ERROR_SHAPE, "no call answered with an error");
    }
    let mut result = CheckResult::new(ERROR_SHAPE).fact("error answers", errors.len().to_string());
    let mut bad = Vec::new();
    for exchange in errors {
        let problems = error_body_problems(exchange);
        if !problems.is_empty() {
            bad.push(format!(
                "{} → {}: {} (RFC 7644 §3.12)",
                exchange.evidence.request,
                exchange.status.unwrap_or_default(),
                problems.join("; ")
            ));
            if result.evidence.len() < 5 {
                result = result.with_exchange(exchange);
            }
        }
    }
    if bad.is_empty() {
        return result;
    }
    let count = bad.len();
    for line in bad {
        result = result.fact("not a SCIM error", line);
    }
    result.warn(FailureKind::ErrorShape, format!("({count} error answers)"))
}

pub(crate) fn audit_content_types(log: &[Exchange]) -> CheckResult {
    let json_answers: Vec<&Exchange> = log
        .iter()
        .filter(|e| e.status.is_some_and(|s| (200..300).contains(&s)) && e.is_json())
        .collect();
    if json_answers.is_empty() {
        return CheckResult::skipped(CONTENT_TYPES, "no call answered with JSON");
    }
    let mut result =
        CheckResult::new(CONTENT_TYPES).fact("JSON answers", json_answers.len().to_string());
    let mut seen = Vec::new();
    for exchange in json_answers {
        if !is_scim_json(exchange.content_type.as_deref()) {
            let label = exchange
                .content_type
                .clone()
                .unwrap_or_else(|| "none".into());
            if !seen.contains(&label) {
                seen.push(label);
                result = result.with_exchange(exchange);
            }
        }
    }
    if seen.is_empty() {
        return result;
    }
    result.warn(
        FailureKind::WrongContentType,
        format!("(seen: {})", seen.join(", ")),
    )
}

pub(crate) fn audit_response_times(log: &[Exchange]) -> CheckResult {
    let answered: Vec<&Exchange> = log
        .iter()
        .filter(|e| e.transport == Transport::Answered)
        .collect();
    if answered.is_empty() {
        return CheckResult::skipped(RESPONSE_TIMES, "no call was answered");
    }
    let slowest = answered
        .iter()
        .map(|e| e.evidence.elapsed_ms)
        .max()
        .unwrap_or_default();
    let mut result = CheckResult::new(RESPONSE_TIMES)
        .fact("calls", answered.len().to_string())
        .fact("slowest", format!("{slowest} ms"));
    let throttled: Vec<&&Exchange> = answered.iter().filter(|e| e.status == Some(429)).collect();
    if !throttled.is_empty() {
        let after: Vec<String> = throttled
            .iter()
            .map(|e| {
                e.evidence
                    .retry_after
                    .clone()
                    .unwrap_or_else(|| "none".into())
            })
            .collect();
        for exchange in throttled.iter().take(3) {
            result = result.with_exchange(exchange);
        }
        return result.fact("Retry-After", after.join(", ")).warn(
            FailureKind::Throttled,
            format!(
                "({} of {} calls answered 429)",
                throttled.len(),
                answered.len()
            ),
        );
    }
    let slow: Vec<&&Exchange> = answered
        .iter()
        .filter(|e| u128::from(e.evidence.elapsed_ms) > SLOW.as_millis())
        .collect();
    if !slow.is_empty() {
        for exchange in slow.iter().take(3) {
            result = result.with_exchange(exchange);
        }
        return result.warn(
            FailureKind::SlowResponses,
            format!("({} calls over {} s)", slow.len(), SLOW.as_secs()),
        );
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::output::report::Evidence;
    use serde_json::json;

    fn answered(status: u16, json: Option<Value>) -> Exchange {
        Exchange {
            method: reqwest::Method::GET,
            transport: Transport::Answered,
            status: Some(status),
            content_type: Some("application/scim+json".into()),
            json,
            evidence: Evidence {
                request: "GET x".into(),
                status: Some(status),
                ..Evidence::default()
            },
            retried: None,
        }
    }

    #[test]
    fn a_scim_error_passes_and_a_numeric_status_is_flagged() {
        let good = answered(
            404,
            Some(json!({"schemas":[ERROR],"status":"404","detail":"no"})),
        );
        assert!(error_body_problems(&good).is_empty());
        let numeric = answered(404, Some(json!({"schemas":[ERROR],"status":404})));
        assert_eq!(error_body_problems(&numeric).len(), 1);
        let plain = answered(400, Some(json!({"error":"bad"})));
        assert!(error_body_problems(&plain).len() >= 2);
        let audit = audit_error_shape(&[good, numeric, plain]);
        assert_eq!(audit.failure, Some(FailureKind::ErrorShape));
    }

    #[test]
    fn throttling_is_reported_with_retry_after() {
        let mut limited = answered(429, None);
        limited.evidence.retry_after = Some("7".into());
        let audit = audit_response_times(&[answered(200, None), limited]);
        assert_eq!(audit.failure, Some(FailureKind::Throttled));
        assert!(audit
            .facts
            .iter()
            .any(|f| f.label == "Retry-After" && f.value == "7"));
    }
}
