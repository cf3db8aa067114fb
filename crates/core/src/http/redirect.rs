//! A 3xx answer, named. The shared client never follows a redirect (a bearer token must not
//! travel to an address it was not given), so a redirect is the end of the call: every path
//! turns it into one Problem that says where the address pointed and what to use instead.
//!
//! RFC 9110 §15.4: a 3xx status asks the client to take a further action, usually at the
//! `Location` (RFC 9110 §10.2.2), which may be relative to the request's URL. 304 Not Modified is an
//! answer to a conditional request, which the engine never sends, so it counts as a redirect
//! here too: it cannot carry what the caller asked for.

use reqwest::header::HeaderMap;

use crate::problem::{Problem, ProblemDetail};

/// The longest `Location` quoted back to a person, in bytes: enough for any real URL, short
/// enough that a hostile header cannot fill the screen.
const LONGEST_QUOTED_TARGET: usize = 300;

/// A redirect the client did not follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The 3xx status, e.g. 301, 302, 307, 308.
    pub status: u16,
    /// Where it pointed: `Location` resolved against the request's URL (RFC 9110 §10.2.2),
    /// redacted and cut to a readable length; `None` when the answer named no place.
    pub target: Option<String>,
}

impl Redirect {
    /// The redirect in an answer with `status` and `headers` to a request for `request_url`;
    /// `None` for any status outside 300–399.
    pub fn of(status: u16, headers: &HeaderMap, request_url: &str) -> Option<Self> {
        if !(300..400).contains(&status) {
            return None;
        }
        let location = headers
            .get(reqwest::header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(str::trim)
            .filter(|value| !value.is_empty());
        let target = location.map(|location| {
            let absolute = url::Url::parse(request_url)
                .and_then(|base| base.join(location))
                .map(|joined| joined.to_string())
                .unwrap_or_else(|_| location.to_string());
            quoted_target(&absolute)
        });
        Some(Self { status, target })
    }

    /// The Problem for this redirect while doing `action`, sent as `request` (`METHOD url`).
    /// A `badInput`: the address given (the Tenant URL, a profile's URL) is not the final one.
    pub fn into_problem(self, action: &str, request: &str) -> Problem {
        let url = request.split_whitespace().last().unwrap_or(request);
        let host = super::host_and_port(url).unwrap_or_else(|| "The service".to_string());
        let pointed = match &self.target {
            Some(target) => format!("a redirect to {target}"),
            None => "a redirect that names no address".to_string(),
        };
        let cause = format!(
            "{host} answered HTTP {} ({pointed}). scim-setup does not follow redirects, so a token never travels to an address it was not given; Microsoft's SCIM guidance does not say that Entra's provisioning service follows them either (unconfirmed), so Entra would fail on this address too.",
            self.status
        );
        let fix = match &self.target {
            Some(_) => "Give the final address instead of this one: for the Tenant URL, the SCIM base connector URL exactly as Unity Dashboard shows it; for a cloud profile, the service's own URL. Use the redirect's address only if you know it is the same service.",
            None => "Give the final address instead of this one: for the Tenant URL, the SCIM base connector URL exactly as Unity Dashboard shows it; for a cloud profile, the service's own URL.",
        };
        Problem::bad_input(action, cause, fix).with_detail(ProblemDetail {
            status: Some(self.status),
            request: Some(request.to_string()),
            ..ProblemDetail::default()
        })
    }
}

/// `target` as it may be shown: its secret-bearing query values hidden as in a log line, then
/// through the gate (no control characters, secrets redacted) and cut to a readable length.
fn quoted_target(target: &str) -> String {
    crate::gate::line_within(&super::redacted_url(target), LONGEST_QUOTED_TARGET)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderValue, LOCATION};

    fn headers(location: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(location) = location {
            headers.insert(LOCATION, HeaderValue::from_str(location).expect("header"));
        }
        headers
    }

    #[test]
    fn every_3xx_is_a_redirect_and_nothing_else_is() {
        for status in [300, 301, 302, 303, 304, 307, 308, 399] {
            assert!(
                Redirect::of(status, &headers(Some("/x")), "https://a.test/scim").is_some(),
                "{status}"
            );
        }
        for status in [200, 204, 299, 400, 401, 404, 500] {
            assert!(
                Redirect::of(status, &headers(Some("/x")), "https://a.test/scim").is_none(),
                "{status}"
            );
        }
    }

    #[test]
    fn the_target_is_resolved_against_the_request_and_named_in_the_problem() {
        let cases = [
            (
                "https://elsewhere.test/scim/v2",
                "https://elsewhere.test/scim/v2",
            ),
            ("/login?next=/scim", "https://a.test/login?next=%2Fscim"),
            ("v2/Users", "https://a.test/scim/v2/Users"),
            ("//cdn.test/x", "https://cdn.test/x"),
        ];
        for (location, expected) in cases {
            let redirect = Redirect::of(307, &headers(Some(location)), "https://a.test/scim/Users")
                .expect("a redirect");
            assert_eq!(redirect.target.as_deref(), Some(expected), "{location}");
            let problem = redirect.into_problem(
                "Checking the SCIM endpoint",
                "GET https://a.test/scim/Users",
            );
            assert_eq!(problem.kind_name(), "badInput");
            let cause = &problem.info().cause;
            assert!(cause.contains("a.test answered HTTP 307"), "{cause}");
            assert!(cause.contains(expected), "{cause}");
            assert!(problem.info().fix.contains("Tenant URL"), "{problem}");
            assert_eq!(problem.info().detail.status, Some(307));
        }
    }

    #[test]
    fn a_missing_hostile_or_secret_bearing_location_is_never_quoted_raw() {
        let none = Redirect::of(302, &headers(None), "https://a.test/").expect("redirect");
        assert_eq!(none.target, None);
        assert!(none
            .into_problem("Reading", "GET https://a.test/")
            .info()
            .cause
            .contains("names no address"));

        let long = format!("https://b.test/{}", "x".repeat(5000));
        let cut = Redirect::of(301, &headers(Some(&long)), "https://a.test/")
            .and_then(|r| r.target)
            .expect("target");
        assert!(cut.len() <= LONGEST_QUOTED_TARGET + 40, "{cut}");
        assert!(cut.contains("more bytes"), "{cut}");

        let secret = crate::Secret::new("redirect-quoted-token-8c1d2e3f4a5b");
        let leaky = format!("https://b.test/cb?access_token=t&x={}", secret.expose());
        let shown = Redirect::of(302, &headers(Some(&leaky)), "https://a.test/")
            .and_then(|r| r.target)
            .expect("target");
        assert!(!shown.contains(secret.expose()), "{shown}");
    }

    /// A server that answers every request with `status` and `location`, once per
    /// connection; returns its base URL.
    async fn redirecting_server(status: u16, location: Option<&'static str>) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let location = location
                    .map(|l| format!("location: {l}\r\n"))
                    .unwrap_or_default();
                let answer = format!(
                    "HTTP/1.1 {status} Moved\r\n{location}content-length: 0\r\nconnection: close\r\n\r\n"
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            }
        });
        format!("http://{address}")
    }

    #[tokio::test]
    async fn the_shared_client_ends_every_call_on_a_redirect_without_retrying() {
        let http = super::super::Http::new(super::super::HttpConfig::default()).expect("client");
        let cases = [
            (301, Some("https://elsewhere.test/scim/v2")),
            (302, Some("/login")),
            (307, Some("https://elsewhere.test/scim/v2/Users")),
            (308, None),
        ];
        for (status, location) in cases {
            let base = redirecting_server(status, location).await;
            for request in [
                super::super::Request::get(format!("{base}/scim/v2/Users")),
                super::super::Request::new(reqwest::Method::POST, format!("{base}/scim/v2/Users"))
                    .json(serde_json::json!({})),
            ] {
                let err = http
                    .send(&request, &tokio_util::sync::CancellationToken::new())
                    .await
                    .expect_err("a redirect is not an answer");
                let super::super::HttpError::Redirected(redirect) = err else {
                    panic!("{status}: {err}");
                };
                assert_eq!(redirect.status, status);
                assert_eq!(redirect.target.is_some(), location.is_some(), "{status}");
            }
        }
    }
}
