//! The one HTTP set-up every client shares: timeouts, a `client-request-id` per request,
//! retries with backoff and jitter for idempotent calls only, `Retry-After` honoured, the
//! service's `request-id` kept for error reports, and an overall deadline per call with a
//! heartbeat while it waits. Creates are never retried blindly: the caller looks first, then
//! retries (see `Retry::ThrottleOnly`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION};
use tokio_util::sync::CancellationToken;

use crate::problem::Problem;

mod authorized;
mod body;
mod bounds;
mod redirect;
mod request;
mod response;
mod url_encoding;
mod waits;

pub use authorized::{send_authorized, AccessTokenSource};
pub use body::{limit_for, megabytes, read_bounded, AnswerKind, BodyError, ERROR_BODY_LIMIT};
pub use bounds::{ScimBounds, SCIM_BOUNDS_ENV};
pub use redirect::Redirect;
pub use request::{Body, Request, Retry};
pub use response::{Exhausted, HttpError, Response};
pub use url_encoding::{encode_path_segment, encode_query_value};
pub use waits::{observe_retry_waits, RetryWait, WaitKind, HEARTBEAT};
pub(crate) use waits::{report_wait, whole_seconds, with_heartbeats};

#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub connect_timeout: Duration,
    /// Whole request, including reading the body.
    pub total_timeout: Duration,
    /// Tries in all (first try included) for a retryable failure.
    pub max_attempts: u32,
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// A longer `Retry-After` than this is not waited out: the caller gets `throttled`.
    pub max_retry_after: Duration,
    /// One call with all its tries and waits: no try or wait starts that would end past it.
    /// Never shorter than one try (`total_timeout`).
    pub deadline: Duration,
    /// What the host is to a person, e.g. "the SCIM endpoint", for progress and causes;
    /// `None` names the host alone.
    pub service: Option<&'static str>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        // Graph's advice (https://learn.microsoft.com/graph/throttling): back off exponentially
        // (1-2-4-8-16 s with jitter, ~5 tries), honour Retry-After (capped at 60 s). The
        // deadline keeps a silent service from costing 5 tries of 60 s: two minutes in all.
        Self {
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(60),
            max_attempts: 5,
            base_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(16),
            max_retry_after: Duration::from_secs(60),
            deadline: Duration::from_secs(120),
            service: None,
        }
    }
}

/// A next try is started only when at least this much (or the whole per-call timeout, when
/// shorter) is left before the deadline after its wait: a try with less could not be told
/// apart from a slow answer.
const SHORTEST_TRY: Duration = Duration::from_secs(1);

/// The HTTP client every engine call goes through.
#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    config: Arc<HttpConfig>,
}

impl Http {
    pub fn new(config: HttpConfig) -> Result<Self, Problem> {
        let client = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.total_timeout)
            // Redirects are never followed: a token must not travel to a host it was not
            // meant for, and OAuth redirects are handled by the loopback listener.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("scim-setup/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|err| {
                Problem::server(
                    "Setting up the HTTP client",
                    format!("The HTTP client could not start: {err}."),
                    "Reinstall the app; if it persists, report it.",
                )
            })?;
        Ok(Self {
            client,
            config: Arc::new(config),
        })
    }

    pub fn config(&self) -> &HttpConfig {
        &self.config
    }

    /// The underlying client (redirects off), e.g. for the `oauth2` crate.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// This client with the SCIM endpoint's bounds ([`ScimBounds::from_env`], Entra's unless
    /// tightened) within this client's own config: the client every SCIM check shares with
    /// Diagnose's bounds.
    pub fn for_scim_endpoint(&self) -> Http {
        Http {
            client: self.client.clone(),
            config: Arc::new(ScimBounds::from_env().within(&self.config)),
        }
    }

    /// Sends with the retry policy of `request.retry`; returns the last response whatever
    /// its status, except a 3xx: that is [`HttpError::Redirected`], since redirects are
    /// never followed and a redirect's body is not the answer the caller asked for. Each try
    /// is bounded by the per-call timeout and the deadline, whichever comes first; no retry
    /// wait starts that would leave no time for the try after it. While it waits it reports a
    /// [`RetryWait`] every [`HEARTBEAT`] to an observer, if any.
    ///
    /// Errors: the last try's failure; after a retryable failure it is
    /// [`HttpError::Exhausted`], naming the tries, the time spent and the deadline.
    pub async fn send(
        &self,
        request: &Request,
        cancel: &CancellationToken,
    ) -> Result<Response, HttpError> {
        let config = &*self.config;
        let started = Instant::now();
        // A deadline shorter than one try is raised to one try: a per-call timeout set
        // longer (the app's setting allows up to 600 s) is honoured once.
        let deadline = started + config.deadline.max(config.total_timeout);
        let host = host_and_port(&request.url).unwrap_or_else(|| host_of(&request.url));
        let what = method_and_path(request);
        let wait_for = |kind, status, wait, attempt| RetryWait {
            kind,
            host: host.clone(),
            service: config.service,
            what: what.clone(),
            status,
            wait,
            attempt,
            max_attempts: config.max_attempts,
            left: deadline.saturating_duration_since(Instant::now()),
        };
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let client_request_id = uuid::Uuid::new_v4().to_string();
            let sent = Instant::now();
            let timeout = config
                .total_timeout
                .min(deadline.saturating_duration_since(sent));
            let outcome = with_heartbeats(
                self.send_once(request, &client_request_id, timeout),
                HEARTBEAT,
                |waited| wait_for(WaitKind::Answer, None, waited, attempt),
                cancel,
            )
            .await
            .ok_or(HttpError::Cancelled)?;
            log_exchange(
                request,
                &client_request_id,
                attempt,
                sent.elapsed(),
                &outcome,
            );
            let retry_after = match &outcome {
                Ok((status, headers, _)) => {
                    if retryable_status(request.retry, *status) {
                        Some(retry_after(headers))
                    } else {
                        None
                    }
                }
                Err(err) if retryable_error(request.retry, err) => Some(None),
                Err(_) => None,
            };
            let give_up = attempt >= config.max_attempts;
            if let (Some(hint), false) = (retry_after, give_up) {
                let wait = match hint {
                    Some(wait) if wait > config.max_retry_after => None,
                    Some(wait) => Some(wait),
                    None => Some(self.backoff(attempt)),
                };
                // A wait that leaves the next try less than its shortest useful time before
                // the deadline is not started: the call gives up now and says so.
                let left = deadline.saturating_duration_since(Instant::now());
                let next_try = config.total_timeout.min(SHORTEST_TRY);
                if let Some(wait) = wait.filter(|wait| wait.saturating_add(next_try) <= left) {
                    let status = outcome.as_ref().ok().map(|(status, _, _)| *status);
                    report_wait(wait_for(WaitKind::Retry, status, wait, attempt));
                    tracing::info!(
                        method = %request.method,
                        url = %redacted_url(&request.url),
                        attempt,
                        wait_ms = wait.as_millis() as u64,
                        "retrying after the wait"
                    );
                    with_heartbeats(
                        tokio::time::sleep(wait),
                        HEARTBEAT,
                        |waited| {
                            wait_for(
                                WaitKind::Retry,
                                status,
                                wait.saturating_sub(waited),
                                attempt,
                            )
                        },
                        cancel,
                    )
                    .await
                    .ok_or(HttpError::Cancelled)?;
                    continue;
                }
            }
            let (status, headers, body) = match outcome {
                Ok(answer) => answer,
                Err(err) if retry_after.is_some() => {
                    return Err(HttpError::Exhausted(Box::new(Exhausted {
                        last: err,
                        tries: attempt,
                        max_tries: config.max_attempts,
                        elapsed: started.elapsed(),
                        deadline: config.deadline.max(config.total_timeout),
                        per_call: config.total_timeout,
                        service: config.service,
                    })))
                }
                Err(err) => return Err(err),
            };
            // Never followed (see `Http::new`), so never handed on as if it were the answer.
            if let Some(redirect) = Redirect::of(status, &headers, &request.url) {
                return Err(HttpError::Redirected(redirect));
            }
            let request_id = response::request_id_of(&headers);
            return Ok(Response {
                status,
                headers,
                body,
                request_id,
                client_request_id,
                elapsed: started.elapsed(),
                attempts: attempt,
                request: request.describe(),
            });
        }
    }

    async fn send_once(
        &self,
        request: &Request,
        client_request_id: &str,
        timeout: Duration,
    ) -> Result<(u16, HeaderMap, Vec<u8>), HttpError> {
        let mut headers = HeaderMap::new();
        for (name, value) in &request.headers {
            let name = HeaderName::from_static(name);
            let value =
                HeaderValue::from_str(value).map_err(|err| HttpError::Invalid(err.to_string()))?;
            headers.insert(name, value);
        }
        headers.insert(
            HeaderName::from_static("client-request-id"),
            HeaderValue::from_str(client_request_id)
                .map_err(|err| HttpError::Invalid(err.to_string()))?,
        );
        if let Some(token) = &request.bearer {
            let mut value =
                HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
                    HttpError::Invalid("the token has characters a header cannot carry".into())
                })?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        tracing::trace!(url = %redacted_url(&request.url), headers = %redacted_headers(&headers), "sending");
        let mut builder = self
            .client
            .request(request.method.clone(), &request.url)
            .timeout(timeout)
            .headers(headers);
        builder = match &request.body {
            Some(Body::Json(value)) => builder.json(value),
            Some(Body::Form(pairs)) => builder.form(pairs),
            None => builder,
        };
        let response = builder.send().await.map_err(|err| classify(err, timeout))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let limit = body::limit_for(request.answer, status);
        let body = body::read_bounded(response, limit)
            .await
            .map_err(|err| match err {
                BodyError::TooLarge { limit } => HttpError::TooLarge {
                    limit,
                    kind: request.answer,
                    status,
                },
                BodyError::Transport(err) => classify(err, timeout),
            })?;
        Ok((status, headers, body))
    }

    /// The wait before try `attempt + 1`: exponential from `base_backoff`, capped, with jitter.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(16);
        let base = self.config.base_backoff.saturating_mul(1u32 << exponent);
        let capped = base.min(self.config.max_backoff);
        // Up to +50 % jitter so parallel clients do not retry in lockstep.
        let jitter = rand::thread_rng().gen_range(0.0..0.5);
        capped.mul_f64(1.0 + jitter)
    }
}

/// One line per exchange (RFC 9110 method and status; Graph's `request-id` and our
/// `client-request-id`, which Microsoft support asks for), never a header value or a body.
fn log_exchange(
    request: &Request,
    client_request_id: &str,
    attempt: u32,
    took: Duration,
    outcome: &Result<(u16, HeaderMap, Vec<u8>), HttpError>,
) {
    let url = redacted_url(&request.url);
    let ms = took.as_millis() as u64;
    match outcome {
        Ok((status, headers, _)) => {
            // A server's header: one gated line, like every quote in a log.
            let request_id = response::request_id_of(headers)
                .map_or_else(|| "-".to_string(), |id| id.shown_line());
            tracing::info!(
                method = %request.method,
                %url,
                status,
                ms,
                %request_id,
                client_request_id,
                attempt,
                "http"
            );
        }
        Err(err) => tracing::warn!(
            method = %request.method,
            %url,
            ms,
            client_request_id,
            attempt,
            error = %err,
            "http failed"
        ),
    }
}

/// Query parameter names whose values carry secrets (OAuth codes and tokens, SAS
/// signatures, keys), compared lower-case and by substring.
const SECRET_QUERY_NAMES: [&str; 9] = [
    "token",
    "code",
    "secret",
    "password",
    "verifier",
    "assertion",
    "sig",
    "key",
    "session_state",
];

/// `url` for a log line: a user-info password and the values of query parameters that
/// carry secrets replaced by `[redacted]`, then the engine's redactor over the result. A URL
/// that does not parse is redacted as text.
/// The host (with its port when the URL names one) of `url`, for causes that must say who
/// did not answer, e.g. `login.microsoftonline.com` or `127.0.0.1:41001`. `None` when `url`
/// does not parse or names no host.
pub fn host_and_port(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str()?;
    Some(match parsed.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    })
}

pub fn redacted_url(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return crate::redact::redact_text(url).into_owned();
    };
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some("[redacted]"));
    }
    if parsed.query().is_some() {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(name, value)| {
                let lower = name.to_ascii_lowercase();
                let hidden = SECRET_QUERY_NAMES.iter().any(|s| lower.contains(s));
                let value = if hidden {
                    "[redacted]".to_string()
                } else {
                    value.into_owned()
                };
                (name.into_owned(), value)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    crate::redact::redact_text(parsed.as_str()).into_owned()
}

/// `GET /scim/v2/Users`: what a call asks for, without the query (which may quote a
/// person's name) and without the host (named beside it).
fn method_and_path(request: &Request) -> String {
    let path = url::Url::parse(&request.url)
        .map(|url| url.path().to_string())
        .unwrap_or_default();
    format!("{} {path}", request.method)
}

/// The host of `url` for a person to read; the redacted URL when it does not parse.
fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| redacted_url(url))
}

fn retryable_status(retry: Retry, status: u16) -> bool {
    match retry {
        Retry::Idempotent => matches!(status, 429 | 502 | 503 | 504),
        Retry::ThrottleOnly => status == 429,
        Retry::Never => false,
    }
}

fn retryable_error(retry: Retry, err: &HttpError) -> bool {
    match retry {
        Retry::Idempotent => matches!(
            err,
            HttpError::Connect(_) | HttpError::Transport(_) | HttpError::Timeout(_)
        ),
        // A connection that never opened carried nothing, so even a create may go again.
        Retry::ThrottleOnly => matches!(err, HttpError::Connect(_)),
        Retry::Never => false,
    }
}

/// `Retry-After` as seconds or an HTTP date; `None` means "use backoff".
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get("retry-after")?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = when.signed_duration_since(chrono::Utc::now());
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

fn classify(err: reqwest::Error, total: Duration) -> HttpError {
    if err.is_timeout() {
        HttpError::Timeout(total)
    } else if err.is_connect() {
        HttpError::Connect(root_cause(&err))
    } else if err.is_builder() {
        HttpError::Invalid(root_cause(&err))
    } else {
        HttpError::Transport(root_cause(&err))
    }
}

/// The innermost error text: "connection refused" rather than "error sending request".
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current = err;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}

/// Headers as text for traces, with credentials replaced.
pub fn redacted_headers(headers: &HeaderMap) -> String {
    headers
        .iter()
        .map(|(name, value)| {
            let shown =
                if name == AUTHORIZATION || name.as_str().contains("token") || value.is_sensitive()
                {
                    "<redacted>".to_string()
                } else {
                    value.to_str().unwrap_or("<binary>").to_string()
                };
            format!("{name}: {shown}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_is_redacted_in_traces() {
        let mut headers = HeaderMap::new();
        let mut auth = HeaderValue::from_static("Bearer very-secret-token");
        auth.set_sensitive(true);
        headers.insert(AUTHORIZATION, auth);
        headers.insert("client-request-id", HeaderValue::from_static("abc"));
        let text = redacted_headers(&headers);
        assert!(!text.contains("very-secret"), "{text}");
        assert!(text.contains("authorization: <redacted>"));
        assert!(text.contains("client-request-id: abc"));
    }

    #[test]
    fn secrets_in_urls_are_redacted_for_logs() {
        let shown = redacted_url(
            "http://user:pw@127.0.0.1:8/cb?code=abc123&state=s1&access_token=t&filter=userName%20eq%20%22x%22",
        );
        assert!(
            !shown.contains("abc123") && !shown.contains(":pw@"),
            "{shown}"
        );
        assert!(!shown.contains("access_token=t&"), "{shown}");
        assert!(
            shown.contains("state=s1") && shown.contains("filter="),
            "{shown}"
        );
        assert_eq!(redacted_url("http://h/v1.0/users"), "http://h/v1.0/users");
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
        headers.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn creates_are_retried_only_when_not_processed() {
        assert!(retryable_status(Retry::ThrottleOnly, 429));
        assert!(!retryable_status(Retry::ThrottleOnly, 503));
        assert!(retryable_status(Retry::Idempotent, 503));
        assert!(!retryable_status(Retry::Idempotent, 400));
        assert!(!retryable_error(
            Retry::ThrottleOnly,
            &HttpError::Transport("reset".into())
        ));
        assert!(retryable_error(
            Retry::ThrottleOnly,
            &HttpError::Connect("refused".into())
        ));
        assert!(!retryable_status(Retry::Never, 429));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let http = Http::new(HttpConfig::default()).expect("client");
        let first = http.backoff(1);
        assert!(first >= Duration::from_secs(1) && first <= Duration::from_millis(1500));
        let late = http.backoff(10);
        assert!(late <= Duration::from_secs(24), "{late:?}");
    }

    #[tokio::test]
    async fn a_refused_connection_is_unreachable_and_cancel_stops_waiting() {
        let config = HttpConfig {
            max_attempts: 1,
            ..HttpConfig::default()
        };
        let http = Http::new(config).expect("client");
        // Port 9 on loopback: nothing listens there in a test sandbox.
        let request = Request::get("http://127.0.0.1:9/x");
        let err = http
            .send(&request, &CancellationToken::new())
            .await
            .expect_err("refused");
        let problem = err.into_problem("Probing", &request.describe());
        assert_eq!(problem.kind_name(), "unreachable", "{problem}");

        let cancel = CancellationToken::new();
        cancel.cancel();
        let err = http.send(&request, &cancel).await.expect_err("cancelled");
        assert!(matches!(err, HttpError::Cancelled));
    }

    /// A loopback server answering every request with `status` and a body of `total` bytes
    /// generated as it is sent (never allocated), announced in `Content-Length` when
    /// `announce` is set and chunked otherwise. Stops when the client hangs up.
    async fn streaming_server(status: u16, total: u64, announce: bool) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut request = [0u8; 4096];
                    let _ = socket.read(&mut request).await;
                    let length = if announce {
                        format!("content-length: {total}\r\n")
                    } else {
                        "transfer-encoding: chunked\r\n".to_string()
                    };
                    let head = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{length}\r\n"
                    );
                    if socket.write_all(head.as_bytes()).await.is_err() {
                        return;
                    }
                    let chunk = vec![b'a'; 64 * 1024];
                    let mut sent = 0u64;
                    while sent < total {
                        let n = chunk.len().min((total - sent) as usize);
                        let written = if announce {
                            socket.write_all(&chunk[..n]).await
                        } else {
                            let mut framed = format!("{n:x}\r\n").into_bytes();
                            framed.extend_from_slice(&chunk[..n]);
                            framed.extend_from_slice(b"\r\n");
                            socket.write_all(&framed).await
                        };
                        if written.is_err() {
                            return;
                        }
                        sent += n as u64;
                    }
                    if !announce {
                        let _ = socket.write_all(b"0\r\n\r\n").await;
                    }
                });
            }
        });
        format!("http://{address}/scim/v2/Users?filter=x&access_token=hidden-in-url")
    }

    /// A body past its kind's bound stops the read with a size Problem naming the redacted
    /// URL and the bound, whether the server streams without end (chunked) or announces the
    /// length; an error status gets the error bound whatever the kind. The server offers 4 GB:
    /// the read stops at the bound, so this finishes at loopback speed for a few MB.
    #[tokio::test]
    async fn an_answer_past_its_bound_is_a_size_problem_and_is_not_read_whole() {
        const OFFERED: u64 = 4 * 1024 * 1024 * 1024;
        let http = Http::new(HttpConfig {
            max_attempts: 1,
            ..HttpConfig::default()
        })
        .expect("client");
        let cases = [
            (200, AnswerKind::Token, "a sign-in token answer"),
            (200, AnswerKind::Resource, "a single resource"),
            (200, AnswerKind::Page, "a list page"),
            (401, AnswerKind::Page, "an error answer"),
            (500, AnswerKind::Resource, "an error answer"),
        ];
        for (status, kind, named) in cases {
            for announce in [false, true] {
                let url = streaming_server(status, OFFERED, announce).await;
                let request = Request::get(&url).answer(kind);
                let err = http
                    .send(&request, &CancellationToken::new())
                    .await
                    .expect_err("too large");
                let limit = limit_for(kind, status);
                assert!(
                    matches!(err, HttpError::TooLarge { limit: l, .. } if l == limit),
                    "{status} {kind:?} {announce}: {err}"
                );
                let problem = err.into_problem("Listing users", &request.describe());
                let text = problem.to_string();
                assert_eq!(problem.kind(), crate::ProblemKind::Server, "{text}");
                assert!(
                    text.contains(&format!("larger than {}", megabytes(limit)))
                        && text.contains(named)
                        && text.contains("127.0.0.1")
                        && !text.contains("hidden-in-url"),
                    "{text}"
                );
            }
        }
    }

    /// An answer within its bound, just under it, reads whole.
    #[tokio::test]
    async fn an_answer_within_its_bound_reads_whole() {
        let http = Http::new(HttpConfig::default()).expect("client");
        for announce in [false, true] {
            let size = AnswerKind::Token.limit_bytes() as u64;
            let url = streaming_server(200, size, announce).await;
            let request = Request::get(&url).answer(AnswerKind::Token);
            let response = http
                .send(&request, &CancellationToken::new())
                .await
                .expect("read whole");
            assert_eq!(response.body.len() as u64, size);
        }
    }
}
