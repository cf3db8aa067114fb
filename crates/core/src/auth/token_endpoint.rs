//! Every call to a token endpoint (code redemption, refresh, device code) goes through the
//! shared `Http` client, so it is logged and throttling is honoured like any other call, and
//! its failure is sorted in two: the provider refused the grant (say so, the saved sign-in
//! is dead), or the network or service was in the way (the saved sign-in is kept).
//! RFC 6749 §5.1–5.2 (token reply and error), RFC 8628 §3.2–3.5 (device code).

use reqwest::Method;
use serde::Deserialize;
use tokio_util::sync::CancellationToken;

use super::errors::{explain, Provider};
use crate::http::{AnswerKind, Body, Http, HttpError, Request, Response, Retry};
use crate::problem::{Problem, ProblemDetail, ProblemKind};

/// An OAuth error reply (RFC 6749 §5.2).
#[derive(Debug, Clone, Deserialize)]
pub struct OAuthErrorReply {
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
}

/// Why a token request did not yield tokens.
#[derive(Debug, Clone)]
pub enum TokenFailure {
    /// The provider answered with an OAuth error (`invalid_grant`, `authorization_pending`, …).
    Refused(OAuthErrorReply),
    /// The network, a proxy or the service failed; the provider said nothing about the
    /// grant. The Problem names that cause (timeout, refused or reset connection, 429, 5xx,
    /// a web page instead of JSON).
    Trouble(Problem),
}

/// OAuth errors after which the grant (refresh token) will never work again, so keeping it
/// only delays the new sign-in the provider asks for (RFC 6749 §5.2, OIDC Core §3.1.2.6).
const GRANT_ENDED: [&str; 4] = [
    "invalid_grant",
    "interaction_required",
    "consent_required",
    "login_required",
];

impl TokenFailure {
    /// True when the provider said the grant is no longer valid: the only case in which a
    /// saved refresh token may be deleted.
    pub fn grant_ended(&self) -> bool {
        matches!(self, TokenFailure::Refused(reply) if GRANT_ENDED.contains(&reply.error.as_str()))
    }

    /// The Problem a person sees: the provider's words explained, or the network cause.
    pub fn into_problem(self, provider: Provider) -> Problem {
        match self {
            TokenFailure::Refused(reply) => {
                explain(provider, &reply.error, reply.error_description.as_deref())
            }
            TokenFailure::Trouble(problem) => problem,
        }
    }

    /// Like [`TokenFailure::into_problem`], adding (unless the grant ended) that the saved
    /// sign-in was kept, so the person knows no new sign-in is needed.
    pub fn into_problem_keeping_sign_in(self, provider: Provider) -> Problem {
        let kept = !self.grant_ended();
        let mut problem = self.into_problem(provider);
        if kept && problem.kind() != ProblemKind::Cancelled {
            let info = problem.info_mut();
            info.cause
                .push_str(" Your saved sign-in is kept: nothing was signed out.");
            info.fix = format!(
                "{} Once the connection works, the app continues without a new sign-in.",
                info.fix
            );
        }
        problem
    }
}

/// POSTs a form to a token (or device-authorization) endpoint and returns the JSON reply of
/// a 200. `retry` is the shared client's policy; code redemptions and refreshes use
/// `ThrottleOnly` (a 429 or a connection that never opened was not processed).
pub async fn post_form<T: serde::de::DeserializeOwned>(
    http: &Http,
    provider: Provider,
    url: &str,
    form: Vec<(String, String)>,
    retry: Retry,
    cancel: &CancellationToken,
) -> Result<T, TokenFailure> {
    let mut request = Request::new(Method::POST, url)
        .header("accept", "application/json")
        .answer(AnswerKind::Token)
        .retry(retry);
    request.body = Some(Body::Form(form));
    let response = http
        .send(&request, cancel)
        .await
        .map_err(|err| TokenFailure::Trouble(transport_problem(provider, err, url)))?;
    read_reply(provider, &response)
}

fn read_reply<T: serde::de::DeserializeOwned>(
    provider: Provider,
    response: &Response,
) -> Result<T, TokenFailure> {
    let action = provider.action();
    let service = provider.sign_in_service();
    let is_json = response.content_type().contains("json")
        || response.body.first().is_some_and(|b| *b == b'{');
    let trouble = |problem: Problem| TokenFailure::Trouble(problem.with_detail(response.detail()));
    if response.status == 429 {
        return Err(trouble(Problem::throttled(
            action,
            format!("The {service} asked the app to slow down (HTTP 429) and kept doing so."),
            "Wait a minute and try again.",
        )));
    }
    if response.status >= 500 {
        return Err(trouble(Problem::server(
            action,
            format!(
                "The {service} is having trouble (HTTP {}).",
                response.status
            ),
            "Try again in a few minutes.",
        )));
    }
    if !is_json {
        // Never echo the body: a proxy page is noise, and a half-readable reply could be a
        // token reply.
        return Err(trouble(Problem::server(
            action,
            format!(
                "Instead of the {service}, something answered with a web page (HTTP {}): usually a proxy, a captive portal or a firewall.",
                response.status
            ),
            "Check the network (sign in to the Wi-Fi portal or proxy if there is one), then try again.",
        )));
    }
    if response.is_success() {
        return response.json::<T>().map_err(|_| {
            trouble(Problem::server(
                action,
                format!("The {service} answered in a shape the app cannot read."),
                "Check that the profile's sign-in URL points at the right service.",
            ))
        });
    }
    match response.json::<OAuthErrorReply>() {
        Ok(reply) => Err(TokenFailure::Refused(reply)),
        Err(_) => Err(trouble(Problem::server(
            action,
            format!(
                "The {service} failed (HTTP {}) without saying why.",
                response.status
            ),
            "Try again in a few minutes.",
        ))),
    }
}

/// A failure before any answer, in words naming the sign-in service.
pub fn transport_problem(provider: Provider, err: HttpError, url: &str) -> Problem {
    let action = provider.action();
    let service = provider.sign_in_service();
    let detail = ProblemDetail {
        request: Some(format!("POST {url}")),
        ..ProblemDetail::default()
    };
    let at = crate::http::host_and_port(url)
        .map(|host| format!(" ({host})"))
        .unwrap_or_default();
    let problem = match err {
        // After retries: the last failure in these words, then the tries and the deadline.
        HttpError::Exhausted(exhausted) => {
            let words = exhausted.in_words();
            let mut problem = transport_problem(provider, exhausted.into_last(), url);
            let cause = &mut problem.info_mut().cause;
            *cause = format!("{cause} {words}");
            return problem;
        }
        HttpError::Timeout(after) => Problem::timeout(
            action,
            format!(
                "The {service}{at} did not answer within {} s (the request timeout).",
                after.as_secs_f64().ceil() as u64
            ),
            "Check the network connection and try again; a proxy or firewall may be holding the request.",
        ),
        HttpError::Connect(why) => Problem::unreachable(
            action,
            format!("Could not reach the {service}{at}: {why}."),
            "Check the network connection, proxy and firewall, then try again.",
        ),
        HttpError::Transport(why) => Problem::unreachable(
            action,
            format!("The connection to the {service} failed: {why}."),
            "Check the network connection, proxy or TLS inspection, then try again.",
        ),
        HttpError::Cancelled => Problem::cancelled_while(action),
        HttpError::Redirected(redirect) => {
            return redirect.into_problem(action, &format!("POST {url}"))
        }
        HttpError::Invalid(why) => Problem::bad_input(
            action,
            format!("The request to the {service} could not be built: {why}."),
            "Check the sign-in URLs in the cloud profile.",
        ),
        too_large @ HttpError::TooLarge { .. } => {
            too_large.into_problem(action, &format!("POST {url}"))
        }
    };
    problem.with_detail(detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(error: &str) -> TokenFailure {
        TokenFailure::Refused(OAuthErrorReply {
            error: error.to_string(),
            error_description: None,
        })
    }

    #[test]
    fn only_the_provider_ends_a_grant() {
        assert!(refused("invalid_grant").grant_ended());
        assert!(refused("interaction_required").grant_ended());
        assert!(!refused("temporarily_unavailable").grant_ended());
        assert!(!refused("invalid_client").grant_ended());
        let reset = TokenFailure::Trouble(transport_problem(
            Provider::Microsoft,
            HttpError::Transport("connection reset by peer".into()),
            "http://127.0.0.1:1/token",
        ));
        assert!(!reset.grant_ended());
        let problem = reset.into_problem_keeping_sign_in(Provider::Microsoft);
        assert_eq!(problem.kind_name(), "unreachable");
        assert!(
            problem.info().cause.contains("Microsoft sign-in service")
                && problem.info().cause.contains("sign-in is kept"),
            "{problem}"
        );
    }
}
