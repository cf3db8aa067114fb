//! The token: its form before any call (a pasted `Bearer `, quotes, an expired JWT), then the
//! endpoint's verdict on it, and the endpoint's answer without one (it should be 401).

use base64::Engine;
use serde_json::Value;

use crate::diagnose::calls::exchange::{
    common_failure, strip_bearer, with_scim_detail, Auth, ERROR,
};
use crate::diagnose::calls::probe::Probe;
use crate::diagnose::output::explain::FailureKind;
use crate::diagnose::output::report::{Check, CheckResult};
use crate::Secret;

pub const TOKEN_FORMAT: Check = Check {
    id: "token-format",
    title: "The token looks like a token as issued",
};
pub const AUTH_TOKEN_ACCEPTED: Check = Check {
    id: "auth-token-accepted",
    title: "The endpoint accepts the token",
};
pub const AUTH_WITHOUT_TOKEN: Check = Check {
    id: "auth-without-token",
    title: "Without a token the endpoint answers 401",
};

pub(crate) fn has_bearer_prefix(token: &Secret) -> bool {
    strip_bearer(token.expose()) != token.expose().trim()
}

/// `exp` of a JWT, if the token is one. Unity's long-lived tokens may not be JWTs at all.
fn jwt_expiry(token: &str) -> Option<i64> {
    let mut parts = token.split('.');
    let (_, payload, _) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice::<Value>(&bytes)
        .ok()?
        .get("exp")?
        .as_i64()
}

/// Judged without any call, so it runs first and costs nothing.
pub(crate) fn check_token_format(token: &Secret, now_unix: i64) -> CheckResult {
    let result = CheckResult::new(TOKEN_FORMAT).fact("token", token.to_string());
    if token.is_empty() {
        return result.fail(FailureKind::TokenMalformed, "(the token is empty)");
    }
    if has_bearer_prefix(token) {
        return result.fail(FailureKind::BearerPrefixPasted, "");
    }
    let bare = strip_bearer(token.expose());
    if bare
        .chars()
        .any(|c| c.is_whitespace() || c == '"' || c == '\'')
    {
        return result.fail(FailureKind::TokenMalformed, "");
    }
    match jwt_expiry(bare) {
        Some(exp) if exp <= now_unix => result.fail(
            FailureKind::TokenExpired,
            format!("(its exp claim is {})", rfc3339(exp)),
        ),
        Some(exp) if exp - now_unix < 30 * 86_400 => result.fact("expires", rfc3339(exp)).warn(
            FailureKind::TokenExpiresSoon,
            format!("(its exp claim is {})", rfc3339(exp)),
        ),
        Some(exp) => result.fact("expires", rfc3339(exp)),
        None => result,
    }
}

fn rfc3339(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.to_rfc3339())
        .unwrap_or_else(|| unix.to_string())
}

/// The Test Connection query: what both auth checks send, with and without the token.
pub(crate) fn test_connection_query(guid: &str) -> String {
    format!("userName eq \"{guid}\"")
}

pub(crate) async fn check_token_accepted(probe: &Probe, token: &Secret, guid: &str) -> CheckResult {
    let filter = test_connection_query(guid);
    let exchange = probe
        .get("Users", &[("filter", &filter)], Auth::Token)
        .await;
    let result = CheckResult::new(AUTH_TOKEN_ACCEPTED).with_exchange(&exchange);
    match common_failure(&exchange, probe.timeout) {
        Some((FailureKind::TokenRejected, detail)) => {
            if has_bearer_prefix(token) {
                let retry = probe
                    .get("Users", &[("filter", &filter)], Auth::StrippedToken)
                    .await;
                let works = retry.status.is_some_and(|s| (200..300).contains(&s));
                return result
                    .with_evidence(retry.evidence)
                    .fact(
                        "without the \"Bearer \" prefix",
                        if works { "accepted" } else { "refused too" },
                    )
                    .fail(FailureKind::BearerPrefixPasted, detail);
            }
            let asks_basic = exchange.evidence.www_authenticate.as_deref().is_some_and(|w| {
                let w = w.to_ascii_lowercase();
                w.starts_with("basic") && !w.contains("bearer")
            });
            if asks_basic {
                return result.fail(FailureKind::BasicAuthOnly, detail);
            }
            let expired = jwt_expiry(token.expose())
                .is_some_and(|exp| exp <= chrono::Utc::now().timestamp());
            let kind = if expired {
                FailureKind::TokenExpired
            } else {
                FailureKind::TokenRejected
            };
            result.fail(kind, with_scim_detail(&detail, &exchange))
        }
        Some((kind, detail)) => result.fail(kind, with_scim_detail(&detail, &exchange)),
        None => match exchange.status {
            Some(404) => CheckResult::skipped(
                AUTH_TOKEN_ACCEPTED,
                "the URL answered 404, so the token could not be judged (see test-connection-users)",
            )
            .with_exchange(&exchange),
            Some(status) => result.fact("status", status.to_string()),
            None => CheckResult::skipped(AUTH_TOKEN_ACCEPTED, "cancelled"),
        },
    }
}

pub(crate) async fn check_without_token(probe: &Probe, guid: &str) -> CheckResult {
    let filter = test_connection_query(guid);
    let exchange = probe.get("Users", &[("filter", &filter)], Auth::None).await;
    let result = CheckResult::new(AUTH_WITHOUT_TOKEN).with_exchange(&exchange);
    match (exchange.status, common_failure(&exchange, probe.timeout)) {
        (Some(401), _) => result.fact(
            "SCIM error body",
            if exchange.has_schema(ERROR) {
                "yes"
            } else {
                "no"
            },
        ),
        (Some(403), _) => result.fact("status", "403 (refused, though 401 is the SCIM answer)"),
        (Some(404), _) => CheckResult::skipped(
            AUTH_WITHOUT_TOKEN,
            "the URL answered 404 (see test-connection-users)",
        )
        .with_exchange(&exchange),
        (_, Some((kind, detail))) => result.fail(kind, detail),
        (Some(status), None) if (200..300).contains(&status) => result.warn(
            FailureKind::NoAuthRequired,
            format!("(HTTP {status} without a token)"),
        ),
        (Some(status), None) => result.warn(
            FailureKind::UnexpectedStatus,
            format!("(HTTP {status} instead of 401)"),
        ),
        (None, None) => CheckResult::skipped(AUTH_WITHOUT_TOKEN, "cancelled"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(exp: i64) -> String {
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.sig",
            engine.encode(br#"{"alg":"none"}"#),
            engine.encode(format!(r#"{{"exp":{exp}}}"#))
        )
    }

    #[test]
    fn token_format_names_each_slip() {
        let now = 1_800_000_000;
        let kind = |t: &str| check_token_format(&Secret::new(t), now).failure;
        assert_eq!(
            kind("Bearer abcdef123"),
            Some(FailureKind::BearerPrefixPasted)
        );
        assert_eq!(kind("\"abcdef123\""), Some(FailureKind::TokenMalformed));
        assert_eq!(kind(&jwt(now - 10)), Some(FailureKind::TokenExpired));
        assert_eq!(
            kind(&jwt(now + 86_400)),
            Some(FailureKind::TokenExpiresSoon)
        );
        assert_eq!(kind(&jwt(now + 365 * 86_400)), None);
        assert_eq!(kind("opaque-long-lived-token"), None);
    }

    #[test]
    fn token_format_never_shows_the_token() {
        let token = Secret::new("Bearer very-secret-token-7Q2a");
        let json = serde_json::to_string(&check_token_format(&token, 0)).expect("json");
        assert!(!json.contains("very-secret"), "{json}");
        assert!(json.contains("…7Q2a"));
    }
}
