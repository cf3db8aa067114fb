//! Faults switched on per route: the ways real clouds fail (slow, throttled, down, cut off,
//! hung, a login page instead of an API) plus whole-sandbox events (tokens expire, a role is
//! lost, jobs are quarantined). Parsed from `KIND[:ARG]@ROUTE[#TIMES]`.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http;
use crate::server::ConnKill;
use crate::state::SharedApp;
use crate::SandboxError;

/// The `--help` text of the fault syntax (also in the crate README).
pub const FAULT_SYNTAX_HELP: &str = "\
Fault SPEC: KIND[:ARG]@ROUTE[#TIMES]   (route-less kinds: just KIND)
  ROUTE  glob on the request path; `*` matches any run of characters, e.g.
         /scim/v2/*   /v1.0/servicePrincipals/*/synchronization/jobs/*/provisionOnDemand   *
  TIMES  how many matching requests it hits (default: every one)
  KIND   latency:MS     answer MS milliseconds late
         status:CODE    answer CODE in the route's own error envelope (Graph error JSON, SCIM
                        Error, problem+json for Unity admin, OAuth error for token endpoints);
                        429 and 503 carry Retry-After: 1; status:429:SECS sets Retry-After
         reset          drop the connection without a response
         hang           accept the request and never answer
         html           answer 200 text/html with a login page (the \"login page instead of SCIM\" failure)
  Route-less:
         expire-tokens  every access token issued so far (Microsoft and Unity) fails 401 as expired
         drop-role      the profile's SCIM service account loses SCIM Authenticator (SCIM answers 403)
         quarantine     provisioning jobs go to quarantine on their next cycle
Examples: status:503@/scim/v2/*#2   latency:1500@/v1.0/*   status:429:5@*/provisionOnDemand   reset@/scim/v2/*   drop-role
The /_sandbox control routes are never faulted.";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    Latency(u64),
    Status { code: u16, retry_after: Option<u64> },
    Reset,
    Hang,
    Html,
    ExpireTokens,
    DropRole,
    Quarantine,
}

impl FaultKind {
    fn is_routeless(&self) -> bool {
        matches!(self, Self::ExpireTokens | Self::DropRole | Self::Quarantine)
    }
}

/// One parsed fault SPEC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    /// Path glob; `None` for route-less kinds.
    pub route: Option<String>,
    /// How many matching requests it hits; `None` = all.
    pub times: Option<u32>,
}

fn bad(spec: &str, reason: impl Into<String>) -> SandboxError {
    SandboxError::InvalidFault {
        spec: spec.to_string(),
        reason: reason.into(),
    }
}

pub(crate) fn parse(spec: &str) -> Result<Fault, SandboxError> {
    let text = spec.trim();
    if text.is_empty() {
        return Err(bad(spec, "empty spec"));
    }
    let (head, times) = match text.rsplit_once('#') {
        Some((head, n)) => {
            let n: u32 = n
                .parse()
                .map_err(|_| bad(spec, format!("TIMES {n:?} is not a positive number")))?;
            if n == 0 {
                return Err(bad(spec, "TIMES must be at least 1"));
            }
            (head, Some(n))
        }
        None => (text, None),
    };
    let (kind_text, route) = match head.split_once('@') {
        Some((k, r)) => {
            if r.is_empty() {
                return Err(bad(spec, "empty ROUTE after @"));
            }
            if !(r.starts_with('/') || r.starts_with('*')) {
                return Err(bad(spec, "ROUTE must start with / or *"));
            }
            (k, Some(r.to_string()))
        }
        None => (head, None),
    };
    let mut parts = kind_text.split(':');
    let name = parts.next().unwrap_or_default();
    let args: Vec<&str> = parts.collect();
    let number = |s: &str, what: &str| -> Result<u64, SandboxError> {
        s.parse::<u64>()
            .map_err(|_| bad(spec, format!("{what} {s:?} is not a number")))
    };
    let kind = match (name, args.as_slice()) {
        ("latency", [ms]) => FaultKind::Latency(number(ms, "latency MS")?),
        ("status", [code]) | ("status", [code, _]) => {
            let code = number(code, "status CODE")?;
            if !(400..=599).contains(&code) {
                return Err(bad(spec, "status CODE must be between 400 and 599"));
            }
            let retry_after = match args.get(1) {
                Some(secs) => Some(number(secs, "Retry-After SECS")?),
                None if code == 429 || code == 503 => Some(1),
                None => None,
            };
            FaultKind::Status {
                code: code as u16,
                retry_after,
            }
        }
        ("reset", []) => FaultKind::Reset,
        ("hang", []) => FaultKind::Hang,
        ("html", []) => FaultKind::Html,
        ("expire-tokens", []) => FaultKind::ExpireTokens,
        ("drop-role", []) => FaultKind::DropRole,
        ("quarantine", []) => FaultKind::Quarantine,
        ("latency" | "status", _) => {
            return Err(bad(
                spec,
                format!(
                    "{name} needs an argument, e.g. {name}:{}",
                    if name == "latency" { "500" } else { "503" }
                ),
            ))
        }
        ("reset" | "hang" | "html" | "expire-tokens" | "drop-role" | "quarantine", _) => {
            return Err(bad(spec, format!("{name} takes no argument")))
        }
        _ => {
            return Err(bad(
                spec,
                format!("unknown KIND {name:?}; see the fault syntax"),
            ))
        }
    };
    if kind.is_routeless() && times.is_some() {
        return Err(bad(
            spec,
            format!("#TIMES applies to routed kinds only; {name} stays on until removed"),
        ));
    }
    match (&route, kind.is_routeless()) {
        (Some(_), true) => {
            return Err(bad(
                spec,
                format!("{name} applies to the whole sandbox and takes no @ROUTE"),
            ))
        }
        (None, false) => {
            return Err(bad(
                spec,
                format!("{name} needs @ROUTE (use @* for every route)"),
            ))
        }
        _ => {}
    }
    Ok(Fault { kind, route, times })
}

/// `*` matches any run of characters (including `/`); everything else is literal.
pub(crate) fn glob_matches(pattern: &str, path: &str) -> bool {
    let p = pattern.as_bytes();
    let s = path.as_bytes();
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, si));
            pi += 1;
        } else if pi < p.len() && p[pi] == s[si] {
            pi += 1;
            si += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

/// A fault that is switched on, with how many hits it has left.
#[derive(Debug, Clone)]
pub(crate) struct ActiveFault {
    pub id: String,
    pub fault: Fault,
    pub remaining: Option<u32>,
    /// Token sequence number when switched on (`expire-tokens` expires what came before).
    pub cutoff: u64,
}

/// What the middleware must do to one request (faults stack: latency then one terminal kind).
struct Verdict {
    latency_ms: u64,
    terminal: Option<FaultKind>,
}

fn decide(app: &SharedApp, path: &str) -> Verdict {
    let mut verdict = Verdict {
        latency_ms: 0,
        terminal: None,
    };
    let mut book = app.lock_faults();
    for active in book.iter_mut() {
        let Some(route) = &active.fault.route else {
            continue;
        };
        if !glob_matches(route, path) || active.remaining == Some(0) {
            continue;
        }
        match &active.fault.kind {
            FaultKind::Latency(ms) => verdict.latency_ms += ms,
            other if verdict.terminal.is_none() => verdict.terminal = Some(other.clone()),
            _ => continue,
        }
        if let Some(n) = active.remaining.as_mut() {
            *n -= 1;
        }
    }
    // A fault whose TIMES are used up is switched off, so `GET /_sandbox/state` stays honest.
    book.retain(|a| a.remaining != Some(0));
    verdict
}

/// Middleware on every listener: applies the route faults before the real handler runs.
pub(crate) async fn apply(State(app): State<SharedApp>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with("/_sandbox") {
        return next.run(request).await;
    }
    let verdict = decide(&app, &path);
    if verdict.latency_ms > 0 {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(verdict.latency_ms)) => {}
            _ = app.shutdown.cancelled() => {}
        }
    }
    match verdict.terminal {
        None => next.run(request).await,
        Some(FaultKind::Status { code, retry_after }) => {
            let status = axum::http::StatusCode::from_u16(code)
                .unwrap_or(axum::http::StatusCode::SERVICE_UNAVAILABLE);
            let mut response = http::envelope_for_path(
                &path,
                status,
                "The sandbox injected this failure (fault).",
            );
            if let Some(secs) = retry_after {
                if let Ok(v) = secs.to_string().parse() {
                    response
                        .headers_mut()
                        .insert(axum::http::header::RETRY_AFTER, v);
                }
            }
            response
        }
        Some(FaultKind::Reset) => {
            if let Some(kill) = request.extensions().get::<ConnKill>() {
                kill.0.cancel();
            }
            // The connection task drops the socket; this future never needs to finish.
            app.shutdown.cancelled().await;
            axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
        Some(FaultKind::Hang) => {
            app.shutdown.cancelled().await;
            axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
        Some(FaultKind::Html) => Response::builder()
            .status(200)
            .header("content-type", "text/html; charset=utf-8")
            .body(Body::from(LOGIN_PAGE))
            .unwrap_or_else(|_| axum::http::StatusCode::OK.into_response()),
        Some(_) => next.run(request).await,
    }
}

/// What a captive portal or an SSO front door answers instead of the API.
const LOGIN_PAGE: &str = "<!DOCTYPE html><html><head><title>Sign in to your account</title></head>\
<body><form method=\"post\" action=\"/login\"><h1>Sign in</h1><input name=\"loginfmt\" type=\"email\">\
<input type=\"submit\" value=\"Next\"></form></body></html>";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind() {
        let f = parse("status:503@/scim/v2/*#2").expect("valid");
        assert_eq!(
            f.kind,
            FaultKind::Status {
                code: 503,
                retry_after: Some(1)
            }
        );
        assert_eq!(f.route.as_deref(), Some("/scim/v2/*"));
        assert_eq!(f.times, Some(2));
        assert_eq!(
            parse("status:429:7@*").expect("valid").kind,
            FaultKind::Status {
                code: 429,
                retry_after: Some(7)
            }
        );
        assert_eq!(
            parse("status:500@*").expect("valid").kind,
            FaultKind::Status {
                code: 500,
                retry_after: None
            }
        );
        assert_eq!(
            parse("latency:250@/v1.0/*").expect("valid").kind,
            FaultKind::Latency(250)
        );
        for k in ["reset@*", "hang@/x", "html@/scim/*"] {
            assert!(parse(k).is_ok(), "{k}");
        }
        assert_eq!(parse("drop-role").expect("valid").kind, FaultKind::DropRole);
        assert!(
            parse("expire-tokens#1").is_err(),
            "route-less kinds stay on until removed"
        );
        assert_eq!(parse("quarantine").expect("valid").route, None);
    }

    #[test]
    fn rejects_bad_specs() {
        for bad in [
            "",
            "boom@*",
            "latency@*",
            "latency:x@*",
            "status:200@*",
            "reset",
            "drop-role@*",
            "reset@scim",
            "status:503@*#0",
            "status:503@*#x",
            "hang:3@*",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn glob_matches_runs_of_characters() {
        assert!(glob_matches("*", "/anything/at/all"));
        assert!(glob_matches("/scim/v2/*", "/scim/v2/tenants/1/Users"));
        assert!(!glob_matches("/scim/v2/*", "/v1.0/users"));
        assert!(glob_matches(
            "/v1.0/servicePrincipals/*/synchronization/jobs/*/provisionOnDemand",
            "/v1.0/servicePrincipals/abc/synchronization/jobs/scim.1.2/provisionOnDemand"
        ));
        assert!(!glob_matches(
            "/v1.0/servicePrincipals/*/synchronization/jobs/*/provisionOnDemand",
            "/v1.0/servicePrincipals/abc/synchronization/jobs/scim.1.2/start"
        ));
        assert!(glob_matches(
            "*/provisionOnDemand",
            "/v1.0/a/provisionOnDemand"
        ));
        assert!(glob_matches("/a*b*c", "/aXXbYYc"));
        assert!(!glob_matches("/a*b*c", "/aXXbYY"));
    }
}
