//! A finished exchange and the transport failures, both mapped to `Problem`s with the
//! status, ids and timing kept for support.

use std::time::Duration;

use reqwest::header::HeaderMap;

use super::body::{megabytes, AnswerKind};
use crate::gate::OutsideText;
use crate::problem::{Problem, ProblemDetail};

/// The service's id for an exchange, from `request-id` (Graph) or `x-request-id`: a header
/// the server wrote, so it is text from outside.
pub(super) fn request_id_of(headers: &HeaderMap) -> Option<OutsideText> {
    headers
        .get("request-id")
        .or_else(|| headers.get("x-request-id"))
        .map(|value| OutsideText::from_bytes(value.as_bytes()))
}

/// A finished exchange, whatever its status: API clients map non-2xx to a `Problem` with
/// their own error envelope.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The service's `request-id` (or `x-request-id`): shown only through the gate.
    pub request_id: Option<OutsideText>,
    pub client_request_id: String,
    pub elapsed: Duration,
    pub attempts: u32,
    pub request: String,
}

impl Response {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// This response with its body through the gate (`crate::gate`): every secret the
    /// engine holds redacted, and control and bidi characters removed, from the body (and from
    /// every string inside it, when it is JSON), with no bound on length since the body is
    /// still to be read as data. For services that never legitimately send a secret back, such
    /// as Graph, whose messages quote what a SCIM server said. A body that cannot be proven
    /// clean is dropped (fail closed), so it then reads as unreadable.
    pub fn redacted(mut self) -> Self {
        let Ok(text) = std::str::from_utf8(&self.body) else {
            let lossy = String::from_utf8_lossy(&self.body).into_owned();
            self.body = crate::gate::block_within(&lossy, usize::MAX).into_bytes();
            return self;
        };
        if let Ok(mut value) = serde_json::from_str::<serde_json::Value>(text) {
            crate::gate::json_in_place_within(&mut value, usize::MAX);
            if let Ok(clean) = serde_json::to_vec(&value) {
                self.body = clean;
                return self;
            }
        }
        self.body = crate::gate::block_within(text, usize::MAX).into_bytes();
        self
    }

    /// The body as text from outside: to parse, or to show through the gate.
    pub fn text(&self) -> OutsideText {
        OutsideText::from_bytes(&self.body)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or("")
    }

    /// Status, ids and timing for a Problem's detail.
    pub fn detail(&self) -> ProblemDetail {
        ProblemDetail {
            status: Some(self.status),
            request_id: self.request_id.as_ref().map(OutsideText::shown_line),
            client_request_id: Some(self.client_request_id.clone()),
            elapsed_ms: Some(self.elapsed.as_millis() as u64),
            request: Some(self.request.clone()),
            ..ProblemDetail::default()
        }
    }

    /// A reply that should have been JSON and was not: say what came back instead.
    pub fn unreadable(&self, action: &str, what: &str) -> Problem {
        let looks_html = self.content_type().contains("html")
            || self.text().raw_for_parsing().trim_start().starts_with('<');
        let cause = if looks_html {
            format!(
                "The service answered with a web page instead of {what} (HTTP {}).",
                self.status
            )
        } else {
            format!(
                "The service's answer could not be read as {what} (HTTP {}).",
                self.status
            )
        };
        Problem::server(
            action,
            cause,
            "Check that the profile's URLs point at the right service; if they do, try again later.",
        )
        .with_detail(self.detail())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("the request timed out after {0:?}")]
    Timeout(Duration),
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("the connection failed: {0}")]
    Transport(String),
    #[error("cancelled")]
    Cancelled,
    #[error("invalid request: {0}")]
    Invalid(String),
    /// A 3xx answer, not followed (RFC 9110 §15.4).
    #[error("redirected (HTTP {})", .0.status)]
    Redirected(super::Redirect),
    /// The body passed the limit for its kind of answer and was not read further.
    #[error("the answer was larger than {} (the limit for {})", megabytes(*limit), kind.describe())]
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
        kind: AnswerKind,
        /// The status the answer came with.
        status: u16,
    },
    /// A retryable failure on the last try the deadline or the try count allowed.
    #[error("{} ({} of {} tries)", .0.last, .0.tries, .0.max_tries)]
    Exhausted(Box<Exhausted>),
}

/// How a call that kept failing ended: its last failure, the tries and the time it took.
#[derive(Debug)]
pub struct Exhausted {
    /// The last try's failure (a timeout, a refused or dropped connection).
    pub last: HttpError,
    /// Tries made, the first included.
    pub tries: u32,
    /// Tries the call was allowed.
    pub max_tries: u32,
    /// From the first try to giving up.
    pub elapsed: Duration,
    /// The call's overall deadline.
    pub deadline: Duration,
    /// Each try's own timeout (a last try cut short by the deadline waited less).
    pub per_call: Duration,
    /// What the host is to a person ("the SCIM endpoint"), if the caller said so.
    pub service: Option<&'static str>,
}

impl Exhausted {
    /// The last failure, for its own words. A last try the deadline cut short still names
    /// the per-call timeout, which a person can compare with the endpoint's; the time it
    /// took is in [`Exhausted::in_words`].
    pub fn into_last(self) -> HttpError {
        match self.last {
            HttpError::Timeout(_) => HttpError::Timeout(self.per_call),
            other => other,
        }
    }

    /// "Tried 1 time of 3 over 6 s; the deadline is 6 s, so no try was left." for a cause.
    pub fn in_words(&self) -> String {
        let secs = |d: Duration| d.as_secs_f64().ceil() as u64;
        let times = if self.tries == 1 { "time" } else { "times" };
        let why_stopped = if self.tries >= self.max_tries {
            "every try was used"
        } else {
            "no time was left for another try"
        };
        format!(
            "Tried {} {times} of {} over {} s; the deadline is {} s and {why_stopped}.",
            self.tries,
            self.max_tries,
            // Whole seconds elapsed, at least 1: a try cut at the deadline ends a hair past it.
            self.elapsed.as_secs().max(1),
            secs(self.deadline)
        )
    }
}

impl HttpError {
    /// A `Problem` for a call that got no usable answer: the cause names the host that did
    /// not answer (and, after retries, the tries, the time and the deadline), with the fix.
    pub fn into_problem(self, action: &str, request: &str) -> Problem {
        self.into_problem_about(action, request, None)
    }

    fn into_problem_about(self, action: &str, request: &str, label: Option<&str>) -> Problem {
        if let HttpError::Exhausted(exhausted) = self {
            let words = exhausted.in_words();
            let service = exhausted.service;
            let last = exhausted.into_last();
            let mut problem = last.into_problem_about(action, request, service);
            let cause = &mut problem.info_mut().cause;
            *cause = format!("{cause} {words}");
            return problem;
        }
        let detail = ProblemDetail {
            request: Some(request.to_string()),
            ..ProblemDetail::default()
        };
        // "POST https://host:port/path" → "host:port", so the cause says who did not answer.
        let host = request
            .split_whitespace()
            .last()
            .and_then(super::host_and_port);
        let labelled = match (label, host.as_deref()) {
            (Some(label), Some(host)) => Some(capitalized(&format!("{label} ({host})"))),
            (Some(label), None) => Some(capitalized(label)),
            (None, _) => None,
        };
        let service = labelled
            .as_deref()
            .or(host.as_deref())
            .unwrap_or("The service");
        let problem = match self {
            HttpError::Timeout(after) => Problem::timeout(
                action,
                format!(
                    "{service} did not answer within {} s (the request timeout).",
                    after.as_secs_f64().ceil() as u64
                ),
                "Check the network connection and try again; a proxy or firewall may be holding the request.",
            ),
            HttpError::Connect(why) => Problem::unreachable(
                action,
                format!("Could not connect to {}: {why}.", host.as_deref().unwrap_or("the service")),
                "Check the network connection, proxy and firewall, and that the profile's URLs are right.",
            ),
            HttpError::Transport(why) => Problem::unreachable(
                action,
                format!(
                    "The connection to {} failed: {why}.",
                    host.as_deref().unwrap_or("the service")
                ),
                "Try again; if it keeps happening, check the network, proxy or TLS inspection.",
            ),
            HttpError::Cancelled => Problem::cancelled_while(action),
            HttpError::Redirected(redirect) => return redirect.into_problem(action, request),
            HttpError::TooLarge {
                limit,
                kind,
                status,
            } => {
                let shown = request
                    .split_whitespace()
                    .last()
                    .map_or_else(|| "the service".to_string(), super::redacted_url);
                let what = if status >= 400 {
                    "an error answer"
                } else {
                    kind.describe()
                };
                Problem::server(
                    action,
                    format!(
                        "The answer from {shown} (HTTP {status}) was larger than {} (the limit for {what}), so it was not read: no SCIM service or Microsoft Graph sends an answer that large.",
                        megabytes(limit)
                    ),
                    "Check that the URL points at the service itself (for SCIM, the Tenant URL from the Unity Dashboard), not at a file, a download or another server; if it does, report the answer's size to the service's owner.",
                )
            }
            HttpError::Invalid(why) => Problem::bad_input(
                action,
                format!("The request could not be built: {why}."),
                "Check the URL in the profile or the value you entered.",
            ),
            HttpError::Exhausted(exhausted) => exhausted.last.into_problem(action, request),
        };
        problem.with_detail(detail)
    }
}

/// `text` with its first letter upper-case, to open a sentence.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(body: &str) -> Response {
        Response {
            status: 400,
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
            request_id: None,
            client_request_id: "c-1".into(),
            elapsed: Duration::from_millis(5),
            attempts: 1,
            request: "POST https://graph.example.test/v1.0/x".into(),
        }
    }

    #[test]
    fn a_call_that_kept_failing_names_the_host_its_tries_and_the_deadline() {
        let request = "GET http://127.0.0.1:4100/scim/v2/Users";
        let lasts = || {
            [
                (
                    HttpError::Timeout(Duration::from_millis(1200)),
                    "timeout",
                    "within 60 s",
                ),
                (
                    HttpError::Connect("refused".into()),
                    "unreachable",
                    "refused",
                ),
                (HttpError::Transport("reset".into()), "unreachable", "reset"),
            ]
        };
        for service in [Some("the SCIM endpoint"), None] {
            for (tries, max_tries) in [(1, 3), (2, 3), (3, 3), (5, 5)] {
                for (last, kind, words) in lasts() {
                    let exhausted = Exhausted {
                        last,
                        tries,
                        max_tries,
                        elapsed: Duration::from_millis(60_300),
                        deadline: Duration::from_secs(60),
                        per_call: Duration::from_secs(60),
                        service,
                    };
                    let problem = HttpError::Exhausted(Box::new(exhausted))
                        .into_problem("Checking the SCIM endpoint", request);
                    let cause = &problem.info().cause;
                    assert_eq!(problem.kind_name(), kind, "{cause}");
                    assert!(cause.contains("127.0.0.1:4100"), "{cause}");
                    assert!(cause.contains(words), "{cause}");
                    assert!(
                        cause.contains(&format!("of {max_tries} over 60 s; the deadline is 60 s")),
                        "{cause}"
                    );
                    let stopped = if tries == max_tries {
                        "every try was used"
                    } else {
                        "no time was left for another try"
                    };
                    assert!(cause.ends_with(&format!("{stopped}.")), "{cause}");
                    if service.is_some() && kind == "timeout" {
                        assert!(
                            cause.starts_with("The SCIM endpoint (127.0.0.1:4100)"),
                            "{cause}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_graph_body_that_quotes_a_secret_is_redacted_and_stays_json() {
        let token = crate::Secret::new("graph-quoted-token/1A1b+cd");
        let body = serde_json::json!({"error": {"code": "BadRequest",
            "message": format!("Response Content: {{\"detail\":\"Bearer {}\"}}", token.expose())}})
        .to_string();
        let clean = response(&body).redacted();
        let value: serde_json::Value = clean.json().expect("still JSON");
        assert_eq!(
            value["error"]["message"],
            "Response Content: {\"detail\":\"Bearer [redacted]\"}"
        );
        let text = response(&format!("<p>{}</p>", token.expose()))
            .redacted()
            .text();
        assert_eq!(text.shown(), "<p>[redacted]</p>");
    }
}
