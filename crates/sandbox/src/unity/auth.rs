//! Unity sign-in per the admin contract: authorization code + PKCE (S256) with a loopback
//! redirect, token and refresh (rotating), and "who am I". The consent page lets a person pick
//! who signs in; in auto-consent mode the organization owner is signed in at once.

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::json;

use super::{AccessGrant, AuthCode};
use crate::http::{
    bearer, html_escape, html_page, json_response, oauth_error, problem, redirect_with,
};
use crate::ids;
use crate::seed::UNITY_CLIENT_ID;
use crate::state::SharedApp;

const ACCESS_TTL: Duration = Duration::from_secs(3600);
const CODE_TTL: Duration = Duration::from_secs(600);

pub(super) fn routes() -> Router<SharedApp> {
    Router::new()
        .route("/v1/oauth2/authorize", get(authorize).post(consent))
        .route("/v1/oauth2/token", axum::routing::post(token))
        .route("/v1/users/current/openid", get(current_user))
}

/// RFC 8252 loopback redirect: `http` to 127.0.0.1 or localhost, any port.
pub(crate) fn is_loopback_redirect(uri: &str) -> bool {
    url::Url::parse(uri).is_ok_and(|u| {
        u.scheme() == "http" && matches!(u.host_str(), Some("127.0.0.1") | Some("localhost"))
    })
}

fn error_page(message: &str) -> Response {
    let mut r = html_page(
        "Unity sign-in error",
        &format!("<h1>Sign-in error</h1><p>{}</p>", html_escape(message)),
    );
    *r.status_mut() = StatusCode::BAD_REQUEST;
    r
}

async fn authorize(
    State(app): State<SharedApp>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or_default();
    if get("client_id") != UNITY_CLIENT_ID {
        return error_page("Unknown client_id.");
    }
    let redirect_uri = get("redirect_uri");
    if !is_loopback_redirect(redirect_uri) {
        return error_page("redirect_uri must be a loopback http URI (http://127.0.0.1:PORT/...).");
    }
    let state = get("state");
    let fail = |error: &str, description: &str| {
        redirect_with(
            redirect_uri,
            &[
                ("error", error),
                ("error_description", description),
                ("state", state),
            ],
        )
    };
    if get("response_type") != "code" {
        return fail("unsupported_response_type", "response_type must be code");
    }
    if get("code_challenge").is_empty() || get("code_challenge_method") != "S256" {
        return fail(
            "invalid_request",
            "PKCE is required: code_challenge with code_challenge_method=S256",
        );
    }
    if app.config.auto_consent {
        let person = app
            .unity()
            .people
            .iter()
            .position(|p| p.email.eq_ignore_ascii_case(get("login_hint")))
            .unwrap_or(0);
        return issue_code(&app, &q, person);
    }
    let people = app.unity().people.clone();
    let hidden: String = [
        "client_id",
        "redirect_uri",
        "state",
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
    let options: String = people
        .iter()
        .enumerate()
        .map(|(i, p)| {
            format!(
                "<label><input type=\"radio\" name=\"person\" value=\"{i}\"{}> {} ({})</label><br>",
                if i == 0 { " checked" } else { "" },
                html_escape(&p.name),
                html_escape(&p.email)
            )
        })
        .collect();
    html_page(
        "Sign in to Unity",
        &format!("<h1>Unity (sandbox)</h1><form method=\"post\">{hidden}<p>Sign in as:</p>{options}\
<p>The app asks to manage your organization's service accounts and SCIM settings.</p>\
<button name=\"decision\" value=\"accept\">Accept</button><button name=\"decision\" value=\"cancel\">Cancel</button></form>"),
    )
}

async fn consent(
    State(app): State<SharedApp>,
    crate::http::FormBody(form): crate::http::FormBody,
) -> Response {
    let redirect_uri = form.get("redirect_uri").cloned().unwrap_or_default();
    if form.get("client_id").map(String::as_str) != Some(UNITY_CLIENT_ID)
        || !is_loopback_redirect(&redirect_uri)
    {
        return error_page("Invalid sign-in request.");
    }
    let state = form.get("state").cloned().unwrap_or_default();
    if form.get("decision").map(String::as_str) != Some("accept") {
        return redirect_with(
            &redirect_uri,
            &[
                ("error", "access_denied"),
                ("error_description", "The user cancelled sign-in."),
                ("state", &state),
            ],
        );
    }
    let people = app.unity().people.len();
    let person = form
        .get("person")
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| *p < people)
        .unwrap_or(0);
    issue_code(&app, &form, person)
}

fn issue_code(app: &SharedApp, q: &HashMap<String, String>, person: usize) -> Response {
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    let code = ids::secret(24);
    app.unity().codes.insert(
        code.clone(),
        AuthCode {
            client_id: get("client_id"),
            redirect_uri: get("redirect_uri"),
            challenge: get("code_challenge"),
            person,
            expires: app.clock.now() + CODE_TTL,
            used: false,
        },
    );
    redirect_with(
        &get("redirect_uri"),
        &[("code", &code), ("state", &get("state"))],
    )
}

async fn token(
    State(app): State<SharedApp>,
    crate::http::FormBody(form): crate::http::FormBody,
) -> Response {
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    if get("client_id") != UNITY_CLIENT_ID {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Unknown client_id.",
        );
    }
    let person = match get("grant_type") {
        "authorization_code" => {
            let mut unity = app.unity();
            let Some(code) = unity.codes.get_mut(get("code")) else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "The authorization code is invalid.",
                );
            };
            if code.used {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "The authorization code was already used.",
                );
            }
            if code.expires < app.clock.now() {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "The authorization code has expired.",
                );
            }
            if code.client_id != get("client_id") || code.redirect_uri != get("redirect_uri") {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "redirect_uri does not match the authorization request.",
                );
            }
            if get("code_verifier").is_empty()
                || ids::sha256_b64url(get("code_verifier").as_bytes()) != code.challenge
            {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "PKCE verification failed: code_verifier does not match code_challenge.",
                );
            }
            code.used = true;
            code.person
        }
        "refresh_token" => {
            // Rotation: a refresh token works once; its successor comes with the reply.
            let mut unity = app.unity();
            match unity.refresh.remove(get("refresh_token")) {
                Some(person) => {
                    unity.refreshes += 1;
                    person
                }
                None => {
                    return oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "The refresh token is invalid or was already used.",
                    )
                }
            }
        }
        "" => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "grant_type is required.",
            )
        }
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "Only authorization_code and refresh_token are supported.",
            )
        }
    };
    let person_id = app
        .unity()
        .people
        .get(person)
        .map(|p| p.id.clone())
        .unwrap_or_default();
    let seq = app.next_token_seq();
    let now = chrono::Utc::now().timestamp();
    let access_token = app.signer.sign(
        &json!({"iss": app.urls.unity, "sub": person_id, "aud": UNITY_CLIENT_ID,
        "iat": now, "exp": now + ACCESS_TTL.as_secs() as i64, "jti": ids::new_guid()}),
    );
    let refresh_token = ids::secret(32);
    {
        let mut unity = app.unity();
        unity.access.insert(
            access_token.clone(),
            AccessGrant {
                person,
                seq,
                expires: app.clock.now() + ACCESS_TTL,
            },
        );
        unity.refresh.insert(refresh_token.clone(), person);
    }
    json_response(
        StatusCode::OK,
        json!({"access_token": access_token, "token_type": "Bearer",
        "expires_in": ACCESS_TTL.as_secs(), "refresh_token": refresh_token}),
    )
}

/// The person behind a Unity access token, or the 401 problem to answer.
pub(crate) fn authenticate(app: &SharedApp, headers: &HeaderMap) -> Result<usize, Response> {
    let Some(token) = bearer(headers) else {
        return Err(problem(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "A Unity access token is required (Authorization: Bearer).",
        ));
    };
    let grant = app
        .unity()
        .access
        .get(&token)
        .map(|g| (g.person, g.seq, g.expires));
    match grant {
        None => Err(problem(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "The access token is not valid.",
        )),
        Some((_, seq, expires)) if expires < app.clock.now() || app.token_expired_by_fault(seq) => {
            Err(problem(
                StatusCode::UNAUTHORIZED,
                "token_expired",
                "The access token has expired; refresh it or sign in again.",
            ))
        }
        Some((person, _, _)) => Ok(person),
    }
}

async fn current_user(State(app): State<SharedApp>, headers: HeaderMap) -> Response {
    let person = match authenticate(&app, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let unity = app.unity();
    match unity.people.get(person) {
        Some(p) => json_response(
            StatusCode::OK,
            json!({"sub": p.id, "email": p.email, "name": p.name}),
        ),
        None => problem(StatusCode::UNAUTHORIZED, "invalid_token", "Unknown user."),
    }
}
