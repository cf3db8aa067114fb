//! The transport of a diagnosis: one HTTP call at a time the way Entra makes it, each bounded
//! by the timeout and the cancellation, recorded as redacted evidence and kept in a log that
//! the error-shape, content-type and timing checks audit at the end.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT,
};
use reqwest::Method;
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::explain::FailureKind;
use super::report::{CheckResult, Evidence, Redactor};
use crate::Secret;

/// What goes into `Authorization`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// `Bearer <token as given>`, exactly as Entra builds it from Secret Token.
    Token,
    /// `Bearer <token without a pasted "Bearer " prefix>`: to tell whether stripping it helps.
    StrippedToken,
    None,
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

/// Everything a check needs to call the endpoint.
pub(crate) struct Probe {
    client: reqwest::Client,
    /// The Tenant URL without its query string: Entra appends paths to it.
    base: Url,
    token: Secret,
    pub(crate) timeout: Duration,
    pub(crate) cancel: CancellationToken,
    pub(crate) redactor: Arc<Redactor>,
    log: Mutex<Vec<Exchange>>,
}

const EXCERPT_CHARS: usize = 600;

impl Probe {
    pub(crate) fn new(
        base: Url,
        token: Secret,
        timeout: Duration,
        cancel: CancellationToken,
        tls: rustls::ClientConfig,
        dns_overrides: &[(String, Vec<SocketAddr>)],
    ) -> Result<Self, String> {
        let mut base = base;
        base.set_query(None);
        base.set_fragment(None);
        let mut builder = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout)
            .no_proxy();
        for (host, addrs) in dns_overrides {
            if !addrs.is_empty() {
                builder = builder.resolve_to_addrs(host, addrs);
            }
        }
        let client = builder.build().map_err(|e| e.to_string())?;
        let redactor = Arc::new(Redactor::new(&token));
        Ok(Self {
            client,
            base,
            token,
            timeout,
            cancel,
            redactor,
            log: Mutex::new(Vec::new()),
        })
    }

    /// `{base}/{path}?{query}`, the query form-encoded as Entra sends it (spaces as `+`).
    pub(crate) fn url(&self, path: &str, query: &[(&str, &str)]) -> Url {
        let mut url = self.base.clone();
        let joined = format!("{}/{}", url.path().trim_end_matches('/'), path);
        url.set_path(&joined);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    pub(crate) async fn get(&self, path: &str, query: &[(&str, &str)], auth: Auth) -> Exchange {
        self.send(Method::GET, self.url(path, query), auth, None)
            .await
    }

    pub(crate) async fn send(
        &self,
        method: Method,
        url: Url,
        auth: Auth,
        body: Option<&Value>,
    ) -> Exchange {
        let mut exchange = self
            .send_unlogged(method.clone(), url.clone(), auth, body, true, None)
            .await;
        // Only a GET is repeated: repeating a write could create something twice.
        if method == Method::GET {
            let header = match exchange.status {
                Some(403) if !exchange.is_scim_error() => Some((USER_AGENT, "scim-setup-diagnose")),
                Some(406) => Some((ACCEPT, "application/scim+json")),
                _ => None,
            };
            if let Some((name, value)) = header {
                let again = self
                    .send_unlogged(method, url, auth, body, true, Some((name.clone(), value)))
                    .await;
                exchange.retried = Some(Retried {
                    header: format!("{}: {value}", header_title(&name)),
                    status: again.status,
                    evidence: again.evidence,
                });
            }
        }
        if let Ok(mut log) = self.log.lock() {
            log.push(exchange.clone());
        }
        exchange
    }

    /// A call that ignores the cancellation: cleanup must still run after a cancel.
    pub(crate) async fn send_for_cleanup(&self, method: Method, url: Url) -> Exchange {
        self.send_unlogged(method, url, Auth::Token, None, false, None)
            .await
    }

    async fn send_unlogged(
        &self,
        method: Method,
        url: Url,
        auth: Auth,
        body: Option<&Value>,
        cancellable: bool,
        extra: Option<(HeaderName, &str)>,
    ) -> Exchange {
        let mut request_line = self
            .redactor
            .redact(&format!("{method} {}", display_url(&url)));
        let mut headers = HeaderMap::new();
        if let Some((name, value)) = extra {
            request_line = format!("{request_line} (with {}: {value})", header_title(&name));
            headers.insert(
                name,
                HeaderValue::from_str(value).unwrap_or(HeaderValue::from_static("")),
            );
        }
        // The headers Entra's provisioning service sends (entra-graph.md §3.6).
        headers.insert("ADSCIMVersion", HeaderValue::from_static("5.0"));
        let token = match auth {
            Auth::Token => Some(self.token.expose().trim()),
            Auth::StrippedToken => Some(super::auth_checks::strip_bearer(self.token.expose())),
            Auth::None => None,
        };
        if let Some(token) = token {
            match HeaderValue::from_str(&format!("Bearer {token}")) {
                Ok(mut value) => {
                    value.set_sensitive(true);
                    headers.insert(AUTHORIZATION, value);
                }
                Err(_) => {
                    return transport_failure(
                        method,
                        request_line,
                        Transport::Refused(
                            "the token contains characters that cannot go into an HTTP header"
                                .into(),
                        ),
                        0,
                    );
                }
            }
        }
        let mut request = self.client.request(method.clone(), url).headers(headers);
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/scim+json")
                .body(body.to_string());
        }
        let started = Instant::now();
        let call = async {
            let response = request.send().await?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let bytes = response.bytes().await?;
            Ok::<_, reqwest::Error>((status, headers, bytes))
        };
        let outcome = tokio::select! {
            biased;
            _ = self.cancel.cancelled(), if cancellable => None,
            result = tokio::time::timeout(self.timeout, call) => Some(result),
        };
        let elapsed = millis(started.elapsed());
        match outcome {
            None => transport_failure(method, request_line, Transport::Cancelled, elapsed),
            Some(Err(_)) => transport_failure(method, request_line, Transport::TimedOut, elapsed),
            Some(Ok(Err(err))) => {
                let text = error_chain(&err);
                let transport = if text.contains("certificate") || text.contains("tls") {
                    Transport::Tls(text)
                } else if err.is_connect() {
                    Transport::Refused(text)
                } else {
                    Transport::Dropped(text)
                };
                transport_failure(method, request_line, transport, elapsed)
            }
            Some(Ok(Ok((status, headers, bytes)))) => {
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(|v| self.redactor.redact(v))
                };
                let content_type = header("content-type");
                let json = serde_json::from_slice::<Value>(&bytes).ok();
                let text = String::from_utf8_lossy(&bytes);
                let excerpt: String = text.chars().take(EXCERPT_CHARS).collect();
                let request_id = [
                    "request-id",
                    "x-request-id",
                    "x-correlation-id",
                    "x-ms-request-id",
                    "x-amzn-requestid",
                ]
                .iter()
                .find_map(|name| header(name));
                Exchange {
                    method,
                    transport: Transport::Answered,
                    status: Some(status),
                    content_type: content_type.clone(),
                    json,
                    evidence: Evidence {
                        request: request_line,
                        status: Some(status),
                        elapsed_ms: elapsed,
                        content_type,
                        body_excerpt: (!excerpt.is_empty()).then(|| self.redactor.redact(&excerpt)),
                        request_id,
                        retry_after: header("retry-after"),
                        location: header("location"),
                        www_authenticate: header("www-authenticate"),
                        error: None,
                    },
                    retried: None,
                }
            }
        }
    }

    /// Every call made so far, in order.
    pub(crate) fn log(&self) -> Vec<Exchange> {
        self.log.lock().map(|log| log.clone()).unwrap_or_default()
    }
}

/// `User-Agent` rather than the wire's lower case, for people reading the evidence.
fn header_title(name: &HeaderName) -> &'static str {
    if name == USER_AGENT {
        "User-Agent"
    } else if name == ACCEPT {
        "Accept"
    } else {
        "a header"
    }
}

fn transport_failure(
    method: Method,
    request: String,
    transport: Transport,
    elapsed_ms: u32,
) -> Exchange {
    let error = match &transport {
        Transport::Answered => None,
        Transport::TimedOut => Some("no answer before the timeout".to_string()),
        Transport::Cancelled => Some("cancelled".to_string()),
        Transport::Refused(e) | Transport::Tls(e) | Transport::Dropped(e) => Some(e.clone()),
    };
    Exchange {
        method,
        transport,
        status: None,
        content_type: None,
        json: None,
        evidence: Evidence {
            request,
            elapsed_ms,
            error,
            ..Evidence::default()
        },
        retried: None,
    }
}

/// The URL for evidence: query decoded so `filter=userName eq "…"` reads as Entra's logs show it.
fn display_url(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    let query: Vec<String> = url
        .query_pairs()
        .map(|(k, v)| {
            if v.is_empty() {
                k.to_string()
            } else {
                format!("{k}={v}")
            }
        })
        .collect();
    if query.is_empty() {
        shown.to_string()
    } else {
        format!("{shown}?{}", query.join("&"))
    }
}

fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(inner) = source {
        let text = inner.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = inner.source();
    }
    parts.join(": ")
}

pub(crate) fn millis(duration: Duration) -> u32 {
    u32::try_from(duration.as_millis()).unwrap_or(u32::MAX)
}

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
                format!("(no answer within {} s)", timeout.as_secs_f32()),
            ))
        }
        Transport::Cancelled => return None,
        Transport::Refused(e) => return Some((FailureKind::UnreachableHost, format!("({e})"))),
        Transport::Tls(e) => return Some((FailureKind::TlsHandshakeFailed, format!("({e})"))),
        Transport::Dropped(e) => return Some((FailureKind::ConnectionDropped, format!("({e})"))),
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
    fn display_url_shows_the_filter_as_entra_logs_it() {
        let mut url = Url::parse("https://h/scim/v2/tenants/o/Users").expect("url");
        url.query_pairs_mut()
            .append_pair("filter", "userName eq \"x\"");
        assert_eq!(url.query(), Some("filter=userName+eq+%22x%22"));
        assert_eq!(
            display_url(&url),
            "https://h/scim/v2/tenants/o/Users?filter=userName eq \"x\""
        );
    }
}
