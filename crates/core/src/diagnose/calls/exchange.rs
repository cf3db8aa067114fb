//! What one call to the endpoint was and what its answer means: the exchange as recorded, the
//! URNs Entra's requests and answers carry, and the judgements every check shares (the
//! transport broke, a proxy answered, the token was refused, what the server said).

use std::time::Duration;

use reqwest::Method;
use serde_json::Value;

use crate::diagnose::output::explain::FailureKind;
use crate::diagnose::output::report::{CheckResult, Evidence};

/// What goes into `Authorization`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// `Bearer <token as given>`, exactly as Entra builds it from Secret Token.
    Token,
    /// `Bearer <token without a pasted "Bearer " prefix>`: to tell whether stripping it helps.
    StrippedToken,
    None,
}

/// The token without a leading `Bearer ` (any case), as the endpoint expects it.
pub(crate) fn strip_bearer(token: &str) -> &str {
    let trimmed = token.trim();
    match trimmed.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => trimmed[7..].trim_start(),
        _ => trimmed,
    }
}

/// How a call ended at the transport level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Transport {
    Answered,
    TimedOut,
    Cancelled,
    Refused(String),
    Tls(String),
    Dropped(String),
    /// The body passed the size bound (the bound in words, "32 MB") and was not read.
    TooLarge(String),
}

/// One call and its answer.
#[derive(Debug, Clone)]
pub(crate) struct Exchange {
    /// `GET`, `PATCH`, …: a 405 means something else on a GET than on a PATCH.
    pub method: Method,
    pub transport: Transport,
    pub status: Option<u16>,
    pub content_type: Option<String>,
    pub json: Option<Value>,
    pub evidence: Evidence,
    /// A GET refused in a way one header may explain (an HTML 403, a 406), sent again with
    /// that header: the proof of the cause, not a guess.
    pub retried: Option<Retried>,
}

/// The same GET sent again with one more header, and what it got.
#[derive(Debug, Clone)]
pub(crate) struct Retried {
    /// `User-Agent: …` or `Accept: …`, as sent.
    pub header: String,
    pub status: Option<u16>,
    pub evidence: Evidence,
}

impl Retried {
    /// The retry got a proper answer (anything but the refusal, a transport failure or 5xx).
    pub(crate) fn got_through(&self, refused: u16) -> bool {
        self.status
            .is_some_and(|s| s != refused && !(500..600).contains(&s))
    }
}

impl Exchange {
    pub(crate) fn is_json(&self) -> bool {
        self.json.is_some()
    }

    pub(crate) fn is_html(&self) -> bool {
        self.content_type
            .as_deref()
            .is_some_and(|ct| ct.to_ascii_lowercase().contains("text/html"))
    }

    /// Whether the body is a SCIM error (its `schemas` names the Error URN).
    pub(crate) fn is_scim_error(&self) -> bool {
        self.has_schema(ERROR)
    }

    /// Whether the JSON's `schemas` holds this URN.
    pub(crate) fn has_schema(&self, urn: &str) -> bool {
        has_schema(self.json.as_ref(), urn)
    }
}

pub(crate) fn has_schema(json: Option<&Value>, urn: &str) -> bool {
    json.and_then(|j| j.get("schemas"))
        .and_then(Value::as_array)
        .is_some_and(|s| {
            s.iter()
                .any(|v| v.as_str().is_some_and(|v| v.eq_ignore_ascii_case(urn)))
        })
}

pub(crate) const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub(crate) const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
pub(crate) const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

impl CheckResult {
    /// Adds the call's evidence, and the evidence of its comparison retry when there was one.
    pub(crate) fn with_exchange(self, exchange: &Exchange) -> Self {
        let result = self.with_evidence(exchange.evidence.clone());
        match &exchange.retried {
            Some(retried) => result.with_evidence(retried.evidence.clone()),
            None => result,
        }
    }
}

/// What the server said about a refusal, in its own words: a SCIM error's `detail`, another
/// JSON error's message, an HTML page's title or heading, or the start of a text body.
pub(crate) fn server_said(exchange: &Exchange) -> Option<String> {
    let words = match &exchange.json {
        Some(json) => ["detail", "message", "Message", "error_description", "error"]
            .iter()
            .find_map(|key| json.get(key).and_then(Value::as_str))
            .map(str::to_string),
        None => {
            let body = exchange
                .evidence
                .body_excerpt
                .as_deref()
                .unwrap_or_default();
            if exchange.is_html() || body.trim_start().starts_with('<') {
                html_headline(body)
            } else {
                Some(body.to_string())
            }
        }
    }?;
    let words: String = words.split_whitespace().collect::<Vec<_>>().join(" ");
    let words: String = words.chars().take(200).collect();
    (!words.is_empty()).then_some(words)
}

/// The text of an HTML page's `<title>` or first `<h1>`, and the text after it: what a
/// person sees on the page ("403 Forbidden Request blocked.").
fn html_headline(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let inner = |tag: &str| -> Option<String> {
        let open = lower.find(&format!("<{tag}"))?;
        let start = open + lower[open..].find('>')? + 1;
        let end = start + lower[start..].find(&format!("</{tag}"))?;
        Some(html[start..end].trim().to_string())
    };
    let text = strip_tags(html);
    let headline = inner("title").or_else(|| inner("h1"))?;
    // The sentence after the heading often says why ("Request blocked.").
    let after = text
        .split_once(headline.as_str())
        .map(|(_, rest)| rest.trim().to_string())
        .unwrap_or_default();
    Some(if after.is_empty() || after.len() > 160 {
        headline
    } else {
        format!("{headline} {after}")
    })
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// "(HTTP 400, scimType invalidFilter) The server said: “…”": the status and what the server
/// gave as its reason, so no message stops at "unexpected status" when the server said why.
pub(crate) fn status_and_words(exchange: &Exchange) -> String {
    let status = exchange
        .status
        .map_or_else(|| "no HTTP answer".to_string(), |s| format!("HTTP {s}"));
    let scim_type = exchange
        .json
        .as_ref()
        .and_then(|j| j.get("scimType"))
        .and_then(Value::as_str)
        .map(|t| format!(", scimType {t}"))
        .unwrap_or_default();
    let media = match (&exchange.json, exchange.content_type.as_deref()) {
        (None, Some(ct)) => format!(", {}", ct.split(';').next().unwrap_or(ct).trim()),
        _ => String::new(),
    };
    match server_said(exchange) {
        Some(words) => {
            format!("({status}{scim_type}{media}) The server said: \u{201c}{words}\u{201d}")
        }
        None if exchange.evidence.body_excerpt.is_none() && exchange.status.is_some() => {
            format!("({status}{media}, empty body)")
        }
        None => format!("({status}{scim_type}{media})"),
    }
}

/// A refusal the check did not expect: the server's own SCIM error when it gave one
/// (`ScimErrorReturned`), otherwise the status with whatever the server said.
pub(crate) fn refusal(exchange: &Exchange, timeout: Duration) -> (FailureKind, String) {
    if let Some(found) = common_failure(exchange, timeout) {
        return found;
    }
    if exchange.is_scim_error() {
        (FailureKind::ScimErrorReturned, status_and_words(exchange))
    } else {
        (FailureKind::UnexpectedStatus, status_and_words(exchange))
    }
}

/// A refusal that is the server's own answer to this very request (a SCIM error or another
/// status): `Ok` with its words, for the check to name under its own kind. `Err` with the
/// shared failure (transport, proxy, verb, token, throttle…) when that explains it better.
pub(crate) fn own_refusal(
    exchange: &Exchange,
    timeout: Duration,
) -> Result<String, (FailureKind, String)> {
    match refusal(exchange, timeout) {
        (FailureKind::ScimErrorReturned | FailureKind::UnexpectedStatus, detail) => Ok(detail),
        other => Err(other),
    }
}

impl CheckResult {
    /// Fails the check as `own` when the server refused this request itself, or with the
    /// shared failure that explains the refusal better.
    pub(crate) fn refused(self, own: FailureKind, exchange: &Exchange, timeout: Duration) -> Self {
        match own_refusal(exchange, timeout) {
            Ok(detail) => self.fail(own, detail),
            Err((kind, detail)) => self.fail(kind, detail),
        }
    }
}

/// The failure most exchanges share, whatever the check: the transport broke, the answer was
/// a web page, a throttle, a server error, a refused token, something in front of the SCIM
/// service. `None` means the check judges it.
pub(crate) fn common_failure(
    exchange: &Exchange,
    timeout: Duration,
) -> Option<(FailureKind, String)> {
    match &exchange.transport {
        Transport::Answered => {}
        Transport::TimedOut => {
            return Some((
                FailureKind::Hang,
                // Who, what and the bound: one try, as Entra makes each call, and no more.
                format!(
                    "(no answer to {} within {} s, one try as Entra makes it)",
                    exchange.evidence.request,
                    timeout.as_secs_f32()
                ),
            ));
        }
        Transport::Cancelled => return None,
        Transport::Refused(e) => return Some((FailureKind::UnreachableHost, format!("({e})"))),
        Transport::Tls(e) => return Some((FailureKind::TlsHandshakeFailed, format!("({e})"))),
        Transport::Dropped(e) => return Some((FailureKind::ConnectionDropped, format!("({e})"))),
        Transport::TooLarge(limit) => {
            return Some((
                FailureKind::AnswerTooLarge,
                format!("(larger than {limit})"),
            ))
        }
    }
    let status = exchange.status.unwrap_or_default();
    let seen = |what: &str| format!("(HTTP {status}{what})");
    let words = status_and_words(exchange);
    let retry = |retried: &Retried| {
        format!(
            " The same request with {} answered {}.",
            retried.header,
            retried
                .status
                .map_or_else(|| "nothing".to_string(), |s| format!("HTTP {s}"))
        )
    };
    let writes = exchange.method != Method::GET;
    match status {
        300..=399 => Some((
            FailureKind::LoginPage,
            seen(&format!(
                ", redirect to {}",
                exchange
                    .evidence
                    .location
                    .as_deref()
                    .unwrap_or("an unnamed place")
            )),
        )),
        200..=299 if exchange.is_html() => Some((FailureKind::LoginPage, seen(", text/html"))),
        401 => Some((FailureKind::TokenRejected, words)),
        403 if exchange.is_scim_error() => Some((FailureKind::MissingRole, words)),
        403 => match &exchange.retried {
            Some(retried) if retried.got_through(403) => Some((
                FailureKind::UserAgentRequired,
                format!(
                    "{words} (sent without a User-Agent, as Entra sends it).{}",
                    retry(retried)
                ),
            )),
            Some(retried) => Some((
                FailureKind::BlockedByProxy,
                format!("{words}{}", retry(retried)),
            )),
            None => Some((FailureKind::BlockedByProxy, words)),
        },
        405 | 501 if writes && !exchange.is_scim_error() => Some((
            FailureKind::MethodBlocked,
            format!("{} answered {words}", exchange.method),
        )),
        405 if writes => Some((
            FailureKind::ScimErrorReturned,
            format!("{} answered {words}", exchange.method),
        )),
        406 => Some((
            FailureKind::NotAcceptable,
            match &exchange.retried {
                Some(retried) => format!("{words} (sent with Accept: */*).{}", retry(retried)),
                None => words,
            },
        )),
        429 => Some((
            FailureKind::Throttled,
            seen(&match &exchange.evidence.retry_after {
                Some(after) => format!(", Retry-After: {after}"),
                None => ", no Retry-After".to_string(),
            }),
        )),
        // A GET answered "not implemented": the check knows what that means (no /Groups).
        501 => None,
        500..=599 => Some((FailureKind::ServerError, words)),
        _ if exchange.is_html() => Some((FailureKind::LoginPage, seen(", text/html"))),
        _ => None,
    }
}

/// Appends what the server said (a SCIM error's `detail`, another error's message, an HTML
/// page's heading) unless `detail` already quotes it: it often names the cause.
pub(crate) fn with_scim_detail(detail: &str, exchange: &Exchange) -> String {
    match server_said(exchange) {
        Some(_) if detail.contains("The server said") => detail.to_string(),
        Some(said) => format!("{detail} The server said: \u{201c}{said}\u{201d}"),
        None => detail.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(method: Method, status: u16, content_type: &str, body: &str) -> Exchange {
        Exchange {
            method,
            transport: Transport::Answered,
            status: Some(status),
            content_type: Some(content_type.into()),
            json: serde_json::from_str(body).ok(),
            evidence: Evidence {
                request: "GET https://h/Users".into(),
                status: Some(status),
                content_type: Some(content_type.into()),
                body_excerpt: (!body.is_empty()).then(|| body.to_string()),
                ..Evidence::default()
            },
            retried: None,
        }
    }

    fn retried(status: u16) -> Option<Retried> {
        Some(Retried {
            header: "User-Agent: scim-setup-diagnose".into(),
            status: Some(status),
            evidence: Evidence::default(),
        })
    }

    const HTML_403: &str = "<html><body><h1>403 Forbidden</h1>Request blocked.</body></html>";
    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn an_html_403_is_the_proxy_not_the_role_and_the_retry_proves_the_user_agent() {
        let mut blocked = answer(Method::GET, 403, "text/html", HTML_403);
        let (kind, detail) = common_failure(&blocked, SECOND).expect("a failure");
        assert_eq!(kind, FailureKind::BlockedByProxy);
        assert!(
            detail.contains("403 Forbidden Request blocked."),
            "{detail}"
        );
        blocked.retried = retried(200);
        let (kind, detail) = common_failure(&blocked, SECOND).expect("a failure");
        assert_eq!(kind, FailureKind::UserAgentRequired);
        assert!(
            detail.contains("with User-Agent: scim-setup-diagnose answered HTTP 200"),
            "{detail}"
        );
        let scim = answer(
            Method::GET,
            403,
            "application/scim+json",
            r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"403","detail":"no role"}"#,
        );
        assert_eq!(
            common_failure(&scim, SECOND).map(|f| f.0),
            Some(FailureKind::MissingRole)
        );
    }

    #[test]
    fn a_verb_blocked_by_the_web_server_is_named_on_writes_only() {
        let page = "<html><head><title>405 - HTTP verb used to access this page is not allowed.</title></head></html>";
        let patch = answer(Method::PATCH, 405, "text/html", page);
        let (kind, detail) = common_failure(&patch, SECOND).expect("a failure");
        assert_eq!(kind, FailureKind::MethodBlocked);
        assert!(
            detail.starts_with("PATCH answered (HTTP 405, text/html) The server said"),
            "{detail}"
        );
        let get = answer(Method::GET, 501, "application/scim+json", "");
        assert_eq!(common_failure(&get, SECOND), None);
    }

    #[test]
    fn a_406_says_what_the_accept_header_changes() {
        let mut refused = answer(Method::GET, 406, "text/plain", "");
        refused.retried = Some(Retried {
            header: "Accept: application/scim+json".into(),
            status: Some(200),
            evidence: Evidence::default(),
        });
        let (kind, detail) = common_failure(&refused, SECOND).expect("a failure");
        assert_eq!(kind, FailureKind::NotAcceptable);
        assert_eq!(
            detail,
            "(HTTP 406, text/plain, empty body) (sent with Accept: */*). The same request with Accept: application/scim+json answered HTTP 200."
        );
    }

    #[test]
    fn a_refusal_quotes_the_server_and_never_debug_text() {
        let filter = answer(
            Method::GET,
            400,
            "application/scim+json",
            r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","scimType":"invalidFilter","detail":"The filter is not supported."}"#,
        );
        assert_eq!(
            refusal(&filter, SECOND),
            (
                FailureKind::ScimErrorReturned,
                "(HTTP 400, scimType invalidFilter) The server said: \u{201c}The filter is not supported.\u{201d}".to_string()
            )
        );
        let plain = answer(
            Method::PATCH,
            400,
            "application/json",
            r#"{"detail":"No valid fields to update"}"#,
        );
        let (kind, detail) = refusal(&plain, SECOND);
        assert_eq!(kind, FailureKind::UnexpectedStatus);
        assert!(detail.contains("No valid fields to update"), "{detail}");
        assert!(!detail.contains("Some("), "{detail}");
    }

    #[test]
    fn strips_a_pasted_bearer_prefix_in_any_case() {
        assert_eq!(strip_bearer("Bearer abc"), "abc");
        assert_eq!(strip_bearer("bearer  abc"), "abc");
        assert_eq!(strip_bearer("abc"), "abc");
        assert_eq!(strip_bearer("Bear"), "Bear");
    }
}
