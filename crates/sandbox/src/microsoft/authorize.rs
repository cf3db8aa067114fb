//! The authorize leg: validates the request as Entra does (unknown client or reply URL →
//! an error page, never a redirect), then signs a seeded admin in at once (auto-consent) or
//! shows a page to pick the account and Accept or Cancel.

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{known_client, known_tenant, AuthCode, Scopes};
use crate::http::{html_escape, html_page, redirect_with};
use crate::ids;
use crate::state::SharedApp;

const CODE_TTL: Duration = Duration::from_secs(600);

fn error_page(code: u32, message: &str) -> Response {
    let mut r = html_page(
        "Sign in to your account",
        &format!(
            "<h1>Sorry, but we're having trouble signing you in.</h1><p>AADSTS{code}: {}</p>",
            html_escape(message)
        ),
    );
    *r.status_mut() = StatusCode::BAD_REQUEST;
    r
}

/// Registered reply URLs of the sandbox's public client: `http://localhost` and (via the manifest)
/// `http://127.0.0.1`; the port is ignored and a path-less URI arrives as `/`
/// (<https://learn.microsoft.com/entra/identity-platform/reply-url>). Any other path does not
/// match, as in Entra.
pub(crate) fn reply_url_registered(uri: &str) -> bool {
    url::Url::parse(uri).is_ok_and(|u| {
        u.scheme() == "http"
            && matches!(u.host_str(), Some("localhost") | Some("127.0.0.1"))
            && (u.path() == "/" || u.path().is_empty())
    })
}

/// Validates everything that must be checked before a redirect can be trusted.
fn check_request(tenant: &str, q: &HashMap<String, String>) -> Result<(), Response> {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or_default();
    if !known_tenant(tenant) {
        return Err(error_page(90002, &format!("Tenant '{tenant}' not found.")));
    }
    if get("client_id").is_empty() {
        return Err(error_page(
            900144,
            "The request body must contain the following parameter: 'client_id'.",
        ));
    }
    if !known_client(get("client_id")) {
        return Err(error_page(
            700016,
            &format!(
                "Application with identifier '{}' was not found in the directory 'Contoso'.",
                get("client_id")
            ),
        ));
    }
    if !reply_url_registered(get("redirect_uri")) {
        return Err(error_page(50011, &format!("The redirect URI '{}' specified in the request does not match the redirect URIs configured for the application.", get("redirect_uri"))));
    }
    Ok(())
}

pub(super) async fn authorize(
    State(app): State<SharedApp>,
    Path(tenant): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = check_request(&tenant, &q) {
        return r;
    }
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or_default();
    let redirect_uri = get("redirect_uri");
    let state = get("state");
    let fail = |error: &str, code: u32, text: &str| {
        redirect_with(
            redirect_uri,
            &[
                ("error", error),
                ("error_description", &format!("AADSTS{code}: {text}")),
                ("state", state),
            ],
        )
    };
    if get("response_type") != "code" {
        return fail(
            "unsupported_response_type",
            700054,
            "response_type 'code' is required for this client.",
        );
    }
    if !get("code_challenge").is_empty()
        && !matches!(get("code_challenge_method"), "S256" | "plain" | "")
    {
        return fail(
            "invalid_request",
            50149,
            "The code_challenge_method is not supported; use S256.",
        );
    }
    if get("scope").trim().is_empty() {
        return fail(
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'scope'.",
        );
    }
    let hinted = app.dir.user_by_upn(get("login_hint")).map(|u| u.index);
    if app.config.auto_consent {
        return issue_code(&app, &q, hinted.unwrap_or(0));
    }
    if get("prompt") == "none" {
        return fail(
            "interaction_required",
            50058,
            "A silent sign-in request was sent but no user is signed in.",
        );
    }
    let scopes = Scopes::parse(get("scope"));
    let hidden: String = [
        "client_id",
        "redirect_uri",
        "state",
        "scope",
        "code_challenge",
        "code_challenge_method",
    ]
    .iter()
    .map(|k| {
        format!(
            "<input type=\"hidden\" name=\"{k}\" value=\"{}\">",
            html_escape(get(k))
        )
    })
    .collect();
    let accounts: String = [0u64, 1]
        .iter()
        .filter_map(|i| app.dir.user(*i))
        .map(|u| {
            let checked = if Some(u.index) == hinted || (hinted.is_none() && u.index == 0) { " checked" } else { "" };
            let roles = if u.roles.is_empty() { "no directory roles".to_string() } else { u.roles.join(", ") };
            format!("<label><input type=\"radio\" name=\"account\" value=\"{}\"{checked}> {} ({})</label><br>", u.index, html_escape(&u.upn), html_escape(&roles))
        })
        .collect();
    let asked: String = scopes
        .graph
        .iter()
        .chain(scopes.oidc.iter())
        .map(|s| format!("<li>{}</li>", html_escape(s)))
        .collect();
    html_page("Permissions requested", &format!(
        "<h1>Contoso (sandbox)</h1><form method=\"post\">{hidden}<p>Pick an account:</p>{accounts}\
<p>This app would like to:</p><ul>{asked}</ul>\
<button name=\"decision\" value=\"accept\">Accept</button><button name=\"decision\" value=\"cancel\">Cancel</button></form>"))
}

pub(super) async fn consent(
    State(app): State<SharedApp>,
    Path(tenant): Path<String>,
    crate::http::FormBody(form): crate::http::FormBody,
) -> Response {
    if let Err(r) = check_request(&tenant, &form) {
        return r;
    }
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    if get("decision") != "accept" {
        return redirect_with(
            get("redirect_uri"),
            &[
                ("error", "access_denied"),
                (
                    "error_description",
                    "AADSTS65004: User declined to consent to access the app.",
                ),
                ("state", get("state")),
            ],
        );
    }
    let account = get("account")
        .parse::<u64>()
        .ok()
        .filter(|i| *i < 2)
        .unwrap_or(0);
    issue_code(&app, &form, account)
}

fn issue_code(app: &SharedApp, q: &HashMap<String, String>, user: u64) -> Response {
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    let code = format!("1.{}", ids::secret(48));
    let challenge = Some(get("code_challenge"))
        .filter(|c| !c.is_empty())
        .map(|c| {
            let method = Some(get("code_challenge_method"))
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "plain".into());
            (c, method)
        });
    app.ms().codes.insert(
        code.clone(),
        AuthCode {
            client_id: get("client_id"),
            redirect_uri: get("redirect_uri"),
            challenge,
            scopes: Scopes::parse(&get("scope")),
            user,
            expires: app.clock.now() + CODE_TTL,
            redeemed: false,
        },
    );
    let session_state = ids::new_guid();
    redirect_with(
        &get("redirect_uri"),
        &[
            ("code", &code),
            ("state", &get("state")),
            ("session_state", &session_state),
        ],
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn reply_urls_ignore_the_port_but_not_the_path() {
        assert!(super::reply_url_registered("http://localhost:53117"));
        assert!(super::reply_url_registered("http://127.0.0.1:8400/"));
        assert!(!super::reply_url_registered(
            "http://127.0.0.1:8400/callback"
        ));
        assert!(!super::reply_url_registered("https://localhost:8400/"));
        assert!(!super::reply_url_registered("http://[::1]:8400/"));
    }
}
