//! The guided road, which works with the real Unity today: deep links into the Dashboard,
//! then what the admin pastes (token, connector URL or org ID) is cleaned, shape-checked and
//! tried at once against the SCIM endpoint the way Entra's Test Connection does.

use std::time::Instant;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::http::{AnswerKind, Http, Request};
use crate::problem::Problem;
use crate::profile::CloudProfile;
use crate::secret::Secret;
use crate::unity::dashboard::SSO_SCIM_MENU;
use crate::unity::scim_status::{ROLE_MISSING, TOKEN_UNKNOWN, WRONG_URL};

const TOKEN_ACTION: &str = "Reading the pasted bearer token";

/// The longest token accepted, in bytes: Unity's are a few hundred; an HTTP header past
/// 8 KB is refused by most servers.
pub const MAX_TOKEN_CHARS: usize = 8 * 1024;

/// The longest connector URL or organization ID accepted, in bytes (a real one is under 200).
pub const MAX_CONNECTOR_INPUT_CHARS: usize = 2048;

/// Trims whitespace and a leading `Bearer ` (people copy the whole header).
pub fn parse_pasted_token(pasted: &str) -> Result<Secret, Problem> {
    let trimmed = pasted.trim();
    // "Bearer" then whitespace or nothing: a pasted `Bearer ` alone is nothing pasted.
    let without_scheme = match trimmed.get(..6) {
        Some(prefix)
            if prefix.eq_ignore_ascii_case("bearer")
                && trimmed[6..].chars().next().is_none_or(char::is_whitespace) =>
        {
            trimmed[6..].trim()
        }
        _ => trimmed,
    };
    if without_scheme.is_empty() {
        return Err(Problem::bad_input(
            TOKEN_ACTION,
            "Nothing was pasted.",
            "Copy the bearer token from the service account's Bearer tokens section and paste it here.",
        ));
    }
    if without_scheme.chars().any(char::is_whitespace) {
        return Err(Problem::bad_input(
            TOKEN_ACTION,
            "The pasted text contains spaces or line breaks, so it is not a single token.",
            "Paste only the token itself (use the copy button next to it in the Dashboard).",
        ));
    }
    if without_scheme.contains("://") {
        return Err(Problem::bad_input(
            TOKEN_ACTION,
            "This looks like a URL, not a token.",
            "Paste the connector URL in the URL field and the bearer token here.",
        ));
    }
    if without_scheme.len() > MAX_TOKEN_CHARS {
        return Err(Problem::bad_input(
            TOKEN_ACTION,
            format!(
                "The pasted text is {} characters long, far longer than a bearer token.",
                without_scheme.chars().count()
            ),
            "Paste only the token itself (use the copy button next to it in the Dashboard).",
        ));
    }
    // RFC 6750 §2.1: a bearer token is visible ASCII; anything else cannot go into the
    // Authorization header Entra sends.
    if !without_scheme.chars().all(|c| c.is_ascii_graphic()) {
        return Err(Problem::bad_input(
            TOKEN_ACTION,
            "The pasted text contains characters a bearer token never has (letters with accents, symbols or control characters).",
            "Copy the token again with the copy button next to it in the Dashboard; do not retype it.",
        ));
    }
    Ok(Secret::new(without_scheme))
}

const URL_ACTION: &str = "Reading the SCIM connector URL";

const RESOURCE_SEGMENTS: [&str; 5] = [
    "users",
    "groups",
    "serviceproviderconfig",
    "schemas",
    "resourcetypes",
];

/// A pasted connector URL, or a bare organization ID from which the URL is derived
/// (`{unity.scim}/tenants/{id}`). Shapes that cannot be right are rejected with the fix.
pub fn parse_connector_input(profile: &CloudProfile, pasted: &str) -> Result<String, Problem> {
    let input = pasted.trim().trim_end_matches('/');
    if input.is_empty() {
        return Err(Problem::bad_input(
            URL_ACTION,
            "Nothing was pasted.",
            format!(
                "Paste the SCIM base connector URL from {SSO_SCIM_MENU}, or the organization ID."
            ),
        ));
    }
    if input.len() > MAX_CONNECTOR_INPUT_CHARS {
        return Err(Problem::bad_input(
            URL_ACTION,
            format!(
                "The pasted text is {} characters long, far longer than a connector URL or an organization ID.",
                input.chars().count()
            ),
            "Paste only the SCIM base connector URL, or the organization ID.",
        ));
    }
    // The URL is handed on as pasted, so nothing the URL parser would quietly drop or
    // encode may be in it (found by fuzzing: a form feed inside the path).
    if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Problem::bad_input(
            URL_ACTION,
            "The pasted text contains spaces, line breaks or control characters.",
            "Paste the connector URL again in one piece, exactly as the Dashboard shows it.",
        ));
    }
    let scim_base = profile.unity.scim.trim_end_matches('/');
    if !input.contains('/') && !input.contains(':') {
        if !input
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(Problem::bad_input(
                URL_ACTION,
                format!("\u{201c}{input}\u{201d} is neither a URL nor an organization ID."),
                "Paste the full connector URL, or the organization ID from the Dashboard address bar.",
            ));
        }
        return Ok(format!("{scim_base}/tenants/{input}"));
    }
    let url = url::Url::parse(input).map_err(|_| {
        Problem::bad_input(
            URL_ACTION,
            format!("\u{201c}{input}\u{201d} is not a complete URL."),
            format!("Paste the whole URL, starting with https:// (it looks like {scim_base}/tenants/ORGANIZATION-ID)."),
        )
    })?;
    let loopback = matches!(
        url.host_str(),
        Some("127.0.0.1") | Some("localhost") | Some("[::1]")
    );
    if url.scheme() != "https" && !(url.scheme() == "http" && loopback) {
        return Err(Problem::bad_input(
            URL_ACTION,
            "Entra only calls SCIM endpoints over HTTPS.",
            "Use the https:// connector URL exactly as the Dashboard shows it.",
        ));
    }
    let last = url
        .path_segments()
        .and_then(|mut segments| segments.next_back().map(str::to_ascii_lowercase))
        .unwrap_or_default();
    if RESOURCE_SEGMENTS.contains(&last.as_str()) {
        return Err(Problem::bad_input(
            URL_ACTION,
            format!(
                "The URL ends in /{last}: that is a resource under the SCIM base, not the base."
            ),
            "Remove the last part: Entra appends /Users and /Groups itself.",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Problem::bad_input(
            URL_ACTION,
            "The URL carries a user name or password before the host (user@host), which a SCIM base URL does not have.",
            "Remove everything between https:// and the @; the bearer token goes in its own field.",
        ));
    }
    if url.fragment().is_some() {
        return Err(Problem::bad_input(
            URL_ACTION,
            "The URL carries a fragment (#…), which a SCIM base URL does not have.",
            "Remove everything from the # on.",
        ));
    }
    if let Some(query) = url.query() {
        if !query.eq_ignore_ascii_case("aadOptscim062020") {
            return Err(Problem::bad_input(
                URL_ACTION,
                "The URL carries a query string, which a SCIM base URL does not have.",
                "Remove everything from the ? on (only the aadOptscim062020 flag is allowed there).",
            ));
        }
    }
    // A Unity URL must be exactly `{scim}/tenants/{id}`; any other SCIM server is taken as
    // given, since Entra can provision into it just the same.
    let unity_scim = url::Url::parse(scim_base).ok();
    let same_host = unity_scim.as_ref().is_some_and(|scim| {
        scim.host_str() == url.host_str()
            && scim.port_or_known_default() == url.port_or_known_default()
    });
    if same_host {
        let without_query = input.split('?').next().unwrap_or(input);
        let tenant = without_query
            .strip_prefix(scim_base)
            .and_then(|rest| rest.strip_prefix("/tenants/"))
            .filter(|id| !id.is_empty() && !id.contains('/'));
        if tenant.is_none() {
            return Err(Problem::bad_input(
                URL_ACTION,
                format!("This is a Unity address but not a SCIM connector URL (expected {scim_base}/tenants/ORGANIZATION-ID)."),
                format!("Copy the SCIM base connector URL from {SSO_SCIM_MENU}, or paste just the organization ID."),
            ));
        }
    }
    Ok(input.to_string())
}

/// What the immediate check saw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ScimEndpointCheck {
    pub url: String,
    pub status: u16,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
    pub checked_at: String,
}

/// How a refusal worth another try ended, for its cause: ", on each of 3 tries over 9 s (the
/// check's deadline is 60 s)" after retries, or why there was no retry (a `Retry-After` that
/// would end past the deadline); empty when the answer came at once and asked for nothing.
fn tries_in_words(response: &crate::http::Response, config: &crate::http::HttpConfig) -> String {
    let secs = |d: std::time::Duration| d.as_secs_f64().ceil() as u64;
    let deadline = secs(config.deadline);
    if response.attempts > 1 {
        return format!(
            ", on each of {} tries over {} s (the check's deadline is {deadline} s)",
            response.attempts,
            secs(response.elapsed)
        );
    }
    match crate::http::retry_after(&response.headers) {
        Some(wait) if config.max_attempts > 1 => format!(
            " and asked to wait {} s, which would end past the check's deadline of {deadline} s, so it was not tried again",
            secs(wait)
        ),
        _ => String::new(),
    }
}

/// Entra's Test Connection query, from the desktop: `GET {url}/Users?filter=userName eq
/// "<random guid>"` must answer 200 with an empty ListResponse. Full diagnosis is `diagnose`.
pub async fn check_scim_endpoint(
    http: &Http,
    url: &str,
    token: &Secret,
    cancel: &CancellationToken,
) -> Result<ScimEndpointCheck, Problem> {
    let action = "Checking the SCIM endpoint with the token";
    let (base, flag) = match url.split_once('?') {
        Some((base, flag)) => (base, Some(flag)),
        None => (url, None),
    };
    let filter = format!("userName eq \"{}\"", uuid::Uuid::new_v4());
    let mut target = format!(
        "{}/Users?filter={}",
        base.trim_end_matches('/'),
        crate::http::encode_query_value(&filter)
    );
    if let Some(flag) = flag {
        target.push('&');
        target.push_str(flag);
    }
    let started = Instant::now();
    let request = Request::get(target)
        .bearer(token)
        .header("accept", "application/scim+json")
        .answer(AnswerKind::Page); // a filtered ListResponse (RFC 7644 section 3.4.2)

    // Entra's bound on an endpoint's answer, shared with Diagnose (`http::ScimBounds`).
    let http = http.for_scim_endpoint();
    let response = http
        .send(&request, cancel)
        .await
        .map_err(|err| err.into_problem(action, &request.describe()))?;
    let detail = response.detail();
    let problem = match response.status {
        200 => {
            let body: serde_json::Value = response
                .json()
                .map_err(|_| response.unreadable(action, "a SCIM ListResponse"))?;
            if body.get("totalResults").and_then(serde_json::Value::as_i64) == Some(0) {
                return Ok(ScimEndpointCheck {
                    url: url.to_string(),
                    status: 200,
                    elapsed_ms: started.elapsed().as_millis() as u64,
                    checked_at: chrono::Utc::now().to_rfc3339(),
                });
            }
            Problem::credentials_rejected(
                action,
                "The endpoint answered 200 but not with an empty SCIM ListResponse for a user that cannot exist.",
                "Check that the URL is the SCIM base; run Diagnose for the details.",
            )
        }
        401 => Problem::credentials_rejected(
            action,
            format!(
                "The SCIM endpoint does not know this token (401): {}.",
                TOKEN_UNKNOWN.cause
            ),
            format!("{} and paste it here again.", TOKEN_UNKNOWN.fix),
        ),
        403 => Problem::credentials_rejected(
            action,
            format!(
                "The SCIM endpoint knows the token but refused it (403): {}.",
                ROLE_MISSING.cause
            ),
            format!("{}, then check again.", ROLE_MISSING.fix),
        ),
        404 => Problem::credentials_rejected(
            action,
            format!("The SCIM endpoint answered 404: {}.", WRONG_URL.cause),
            format!("{} again.", WRONG_URL.fix),
        ),
        status => Problem::server(
            action,
            format!(
                "The SCIM endpoint ({}) answered HTTP {status}{}.",
                crate::http::host_and_port(url).unwrap_or_else(|| "its host".into()),
                tries_in_words(&response, http.config())
            ),
            "Try again later; run Diagnose for the details.",
        ),
    };
    let mut problem = problem;
    *problem.info_mut().detail = detail;
    Err(problem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_tokens_lose_whitespace_and_the_scheme() {
        assert_eq!(
            parse_pasted_token("  Bearer abc.DEF-123\n")
                .expect("token")
                .expose(),
            "abc.DEF-123"
        );
        assert_eq!(
            parse_pasted_token("bearer xyz").expect("token").expose(),
            "xyz"
        );
        assert_eq!(parse_pasted_token("\txyz ").expect("token").expose(), "xyz");
        assert_eq!(
            parse_pasted_token("  ").expect_err("empty").kind_name(),
            "badInput"
        );
        assert!(parse_pasted_token("abc def").is_err());
        assert!(parse_pasted_token("https://x/y").is_err());
    }

    #[test]
    fn connector_urls_are_derived_or_rejected() {
        let profile = CloudProfile::global();
        assert_eq!(
            parse_connector_input(&profile, " 1234567890123 ").expect("org id"),
            "https://services.api.unity.com/scim/v2/tenants/1234567890123"
        );
        assert_eq!(
            parse_connector_input(
                &profile,
                "https://services.api.unity.com/scim/v2/tenants/123/"
            )
            .expect("url"),
            "https://services.api.unity.com/scim/v2/tenants/123"
        );
        let users = parse_connector_input(
            &profile,
            "https://services.api.unity.com/scim/v2/tenants/123/Users",
        )
        .expect_err("users");
        assert!(users.info().fix.contains("appends /Users"), "{users}");
        let wrong = parse_connector_input(&profile, "https://services.api.unity.com/scim/v1/123")
            .expect_err("wrong path");
        assert!(wrong.info().cause.contains("tenants"), "{wrong}");
        assert!(parse_connector_input(&profile, "http://example.com/scim").is_err());
        assert!(parse_connector_input(&profile, "https://example.com/scim?x=1").is_err());
        assert_eq!(
            parse_connector_input(&profile, "https://scim.example.com/v2?aadOptscim062020")
                .expect("foreign"),
            "https://scim.example.com/v2?aadOptscim062020"
        );
    }
}
