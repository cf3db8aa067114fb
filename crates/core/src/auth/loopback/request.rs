//! What the loopback listener makes of one request head, and the page it answers with. Pure,
//! so it is unit-tested and fuzzed (`fuzz/fuzz_targets/loopback_request.rs`). The page is one
//! of a few fixed texts: nothing from the request is ever reflected into it.

/// What the provider sent back to the redirect URI (RFC 6749 §4.1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    /// `code` with the expected `state`: the authorization code to exchange.
    Code(String),
    /// `error` (and maybe `error_description`) with the expected `state` (RFC 6749 §4.1.2.1).
    ProviderError {
        error: String,
        description: Option<String>,
    },
}

/// The listener's answer to one request: the HTTP status, the fixed sentence shown in the
/// browser tab, and the callback when the request is the one the sign-in waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// 200, 400, 404 or 405.
    pub status: u16,
    /// One of the fixed sentences in this file; never text from the request.
    pub message: &'static str,
    /// `Some` only for a `GET` on the redirect path carrying exactly one, matching `state`.
    pub callback: Option<Callback>,
}

impl Verdict {
    fn refuse(status: u16, message: &'static str) -> Self {
        Self {
            status,
            message,
            callback: None,
        }
    }
}

pub(super) const NOT_OURS: &str =
    "This sign-in answer does not belong to the sign-in the app started. Close this tab.";

/// Decides the reply to one request head (the bytes up to the blank line; lossy UTF-8) and
/// whether it is the callback the sign-in waits for: a `GET` on `expected_path` whose query
/// holds `state` exactly once and equal to `expected_state`, and `code` (or `error`) at
/// most once (RFC 6749 §3.1: parameters must not repeat). Everything else is refused and
/// carries no callback, so an attacker's code never reaches the app.
pub fn judge(head: &str, expected_path: &str, expected_state: &str) -> Verdict {
    // RFC 9112 §3: `method SP request-target SP HTTP-version`, nothing before the method
    // (found by fuzzing: leading spaces or CRs were skipped and the request taken as a GET).
    let request_line = head.split('\n').next().unwrap_or("");
    let request_line = request_line.strip_suffix('\r').unwrap_or(request_line);
    let parts: Vec<&str> = request_line.split(' ').collect();
    let &[method, target, version] = parts.as_slice() else {
        return Verdict::refuse(400, "Bad request.");
    };
    if !version.starts_with("HTTP/")
        || method.is_empty()
        || !method.bytes().all(|b| b.is_ascii_uppercase())
    {
        return Verdict::refuse(400, "Bad request.");
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != expected_path {
        return Verdict::refuse(404, "Not found.");
    }
    if method != "GET" {
        return Verdict::refuse(405, "Method not allowed.");
    }
    let mut code = Vec::new();
    let mut state = Vec::new();
    let mut error = Vec::new();
    let mut description = Vec::new();
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "code" => code.push(value.into_owned()),
            "state" => state.push(value.into_owned()),
            "error" => error.push(value.into_owned()),
            "error_description" => description.push(value.into_owned()),
            _ => {}
        }
    }
    if state.len() != 1 || state[0] != expected_state {
        return Verdict::refuse(400, NOT_OURS);
    }
    if code.len() > 1 || error.len() > 1 || description.len() > 1 {
        return Verdict::refuse(
            400,
            "The sign-in answer repeats a parameter. Close this tab.",
        );
    }
    if let Some(error) = error.pop() {
        return Verdict {
            status: 200,
            message: "Sign-in did not complete. Return to scim-setup to see why.",
            callback: Some(Callback::ProviderError {
                error,
                description: description.pop(),
            }),
        };
    }
    match code.pop() {
        Some(code) if !code.is_empty() => {
            // Known to the redactor from the moment it arrives, whatever happens next. Only
            // a code with the right state: registering every forged one would let any local
            // process grow the redactor without bound.
            crate::redact::register(&code);
            Verdict {
                status: 200,
                message: "Signed in. You can close this tab and return to scim-setup.",
                callback: Some(Callback::Code(code)),
            }
        }
        _ => Verdict::refuse(400, "The sign-in answer carried no code."),
    }
}

/// The whole HTTP/1.1 response for `status` with one fixed `message`: a tiny HTML page that
/// loads nothing, is never cached and closes the connection.
pub(super) fn reply(status: u16, message: &'static str) -> String {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        _ => "Service Unavailable",
    };
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>scim-setup</title></head><body><p>{message}</p></body></html>"
    );
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\nContent-Security-Policy: default-src 'none'\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n\r\n{body}",
        body.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_get_on_the_path_with_the_exact_state_counts() {
        let ok = judge(
            "GET /?code=abc&state=s1 HTTP/1.1\r\nHost: x\r\n\r\n",
            "/",
            "s1",
        );
        assert_eq!(ok.callback, Some(Callback::Code("abc".into())));
        let status = |head: &str, path: &str| judge(head, path, "s1").status;
        assert_eq!(status("GET /?code=abc&state=s2 HTTP/1.1\r\n\r\n", "/"), 400);
        assert_eq!(status("GET /?code=abc HTTP/1.1\r\n\r\n", "/"), 400);
        assert_eq!(
            status("POST /?code=abc&state=s1 HTTP/1.1\r\n\r\n", "/"),
            405
        );
        assert_eq!(status("GET /favicon.ico HTTP/1.1\r\n\r\n", "/"), 404);
        assert_eq!(
            status("GET /callback?code=a&state=s1 HTTP/1.1\r\n\r\n", "/"),
            404
        );
        let error = judge("GET /callback?error=access_denied&error_description=AADSTS65004%3A+declined&state=s1 HTTP/1.1\r\n\r\n", "/callback", "s1");
        assert_eq!(
            error.callback,
            Some(Callback::ProviderError {
                error: "access_denied".into(),
                description: Some("AADSTS65004: declined".into())
            })
        );
    }

    #[test]
    fn a_malformed_request_line_is_refused() {
        // The fuzz target loopback_request's crashes: text before the method.
        for head in [
            " GET /callback?code=abc&state=s1 d%",
            "\r\rGET /?code=a&state=s1 HTTP/1.1\r\n\r\n",
            "GET /?code=a&state=s1\r\n\r\n",
            "GET  /?code=a&state=s1 HTTP/1.1\r\n\r\n",
            "GET /?code=a&state=s1 FTP/1\r\n\r\n",
        ] {
            let verdict = judge(head, "/", "s1");
            assert_eq!(verdict.status, 400, "{head:?}");
            assert_eq!(verdict.callback, None, "{head:?}");
        }
    }

    #[test]
    fn a_repeated_state_or_code_is_refused() {
        for head in [
            "GET /?code=a&state=s1&state=s1 HTTP/1.1\r\n\r\n",
            "GET /?code=a&state=evil&state=s1 HTTP/1.1\r\n\r\n",
            "GET /?code=evil&code=a&state=s1 HTTP/1.1\r\n\r\n",
            "GET /?error=x&error=y&state=s1 HTTP/1.1\r\n\r\n",
        ] {
            let verdict = judge(head, "/", "s1");
            assert_eq!(verdict.status, 400, "{head}");
            assert_eq!(verdict.callback, None, "{head}");
        }
    }

    #[test]
    fn every_reply_is_a_fixed_page() {
        for status in [200, 400, 404, 405, 408, 431, 503] {
            let text = reply(status, NOT_OURS);
            assert!(text.starts_with(&format!("HTTP/1.1 {status} ")));
            assert!(text.contains("Content-Security-Policy: default-src 'none'"));
            let (_, body) = text.split_once("\r\n\r\n").expect("a head and a body");
            assert!(text.contains(&format!("Content-Length: {}\r\n", body.len())));
        }
    }
}
