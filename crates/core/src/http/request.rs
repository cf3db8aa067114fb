//! What a caller asks the shared client to send, and whether it may be sent again.

use reqwest::Method;

use super::body::AnswerKind;
use crate::secret::Secret;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// GET, PUT of a whole value, DELETE, start/pause: repeating is harmless.
    Idempotent,
    /// A create: repeated only when the service says it did not process it (429) or the
    /// connection never opened. Anything else goes back to the caller, who looks first.
    ThrottleOnly,
    /// Never repeat (code redemption, provisionOnDemand which has its own queue).
    Never,
}

#[derive(Debug, Clone)]
pub enum Body {
    Json(serde_json::Value),
    Form(Vec<(String, String)>),
}

#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub url: String,
    pub bearer: Option<Secret>,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Body>,
    pub retry: Retry,
    /// What kind of answer is expected, which bounds its body (`AnswerKind::limit_bytes`).
    pub answer: AnswerKind,
}

impl Request {
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        let retry = if method == Method::POST || method == Method::PATCH {
            Retry::ThrottleOnly
        } else {
            Retry::Idempotent
        };
        Self {
            method,
            url: url.into(),
            bearer: None,
            headers: Vec::new(),
            body: None,
            retry,
            answer: AnswerKind::default(),
        }
    }

    pub fn get(url: impl Into<String>) -> Self {
        Self::new(Method::GET, url)
    }

    pub fn bearer(mut self, token: &Secret) -> Self {
        self.bearer = Some(token.clone());
        self
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn json(mut self, body: serde_json::Value) -> Self {
        self.body = Some(Body::Json(body));
        self
    }

    pub fn retry(mut self, retry: Retry) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the kind of answer expected, which bounds how large its body may be.
    pub fn answer(mut self, answer: AnswerKind) -> Self {
        self.answer = answer;
        self
    }

    /// `METHOD url` for error details; tokens never sit in URLs, so this is safe to show.
    pub fn describe(&self) -> String {
        format!("{} {}", self.method, self.url)
    }
}
