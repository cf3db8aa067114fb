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

use super::exchange::{strip_bearer, Auth, Exchange, Retried, Transport};
use crate::diagnose::calls::silence::Silence;
use crate::diagnose::output::redact::Redactor;
use crate::diagnose::output::report::{millis, Evidence};
use crate::http::{
    host_and_port, limit_for, megabytes, read_bounded, with_heartbeats, AnswerKind, BodyError,
    RetryWait, WaitKind, HEARTBEAT,
};
use crate::Secret;

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
    /// Set when a call got no answer in time; shared with the runner, which skips later checks.
    silence: Arc<Silence>,
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
        silence: Arc<Silence>,
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
            silence,
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
        // The headers Entra's provisioning service sends (seen in its requests; see
        // https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups).
        headers.insert("ADSCIMVersion", HeaderValue::from_static("5.0"));
        let token = match auth {
            Auth::Token => Some(self.token.expose().trim()),
            Auth::StrippedToken => Some(strip_bearer(self.token.expose())),
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
        let request_url = url.clone();
        let mut request = self.client.request(method.clone(), url).headers(headers);
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/scim+json")
                .body(body.to_string());
        }
        let started = Instant::now();
        // The body is read as a bounded stream (`http::read_bounded`): the diagnosis asks
        // for small pages, so a list page's bound is ample, and a server that streams without
        // end is a finding, not a process holding gigabytes.
        let call = async {
            let response = request.send().await.map_err(BodyError::Transport)?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let limit = limit_for(AnswerKind::Page, status);
            let bytes = read_bounded(response, limit).await?;
            Ok::<_, BodyError>((status, headers, bytes))
        };
        // Cleanup runs even after a cancel, so it listens to a token nobody cancels.
        let never = CancellationToken::new();
        let cancel = if cancellable { &self.cancel } else { &never };
        let what = format!("{method} {}", url_path(&request_url));
        let outcome = with_heartbeats(
            tokio::time::timeout(self.timeout, call),
            HEARTBEAT,
            |waited| RetryWait {
                kind: WaitKind::Answer,
                host: host_and_port(request_url.as_str()).unwrap_or_default(),
                service: Some("the SCIM endpoint"),
                what: what.clone(),
                status: None,
                wait: waited,
                // Diagnose replays each of Entra's calls once: its verdict is the first answer's.
                attempt: 1,
                max_attempts: 1,
                left: self.timeout.saturating_sub(waited),
            },
            cancel,
        )
        .await;
        let elapsed = millis(started.elapsed());
        if cancellable && matches!(outcome, Some(Err(_))) {
            // The endpoint proved silent: later checks are skipped with this reason rather
            // than each waiting the whole bound again.
            self.silence.note(format!(
                "the endpoint did not answer {what} within {} s: fix that first",
                self.timeout.as_secs_f64().ceil() as u64
            ));
        }
        match outcome {
            None => transport_failure(method, request_line, Transport::Cancelled, elapsed),
            Some(Err(_)) => transport_failure(method, request_line, Transport::TimedOut, elapsed),
            Some(Ok(Err(BodyError::TooLarge { limit }))) => transport_failure(
                method,
                request_line,
                Transport::TooLarge(megabytes(limit)),
                elapsed,
            ),
            Some(Ok(Err(BodyError::Transport(err)))) => {
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
        Transport::TooLarge(limit) => Some(format!("the answer was larger than {limit}")),
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

/// The path of `url`, for a person waiting on it (the query may quote a name).
fn url_path(url: &Url) -> &str {
    url.path()
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

#[cfg(test)]
mod tests {
    use super::*;

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
