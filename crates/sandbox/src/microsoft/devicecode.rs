//! Device code flow (<https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code>):
//! the code endpoint, token polling (`authorization_pending`, `slow_down`,
//! `authorization_declined`, `expired_token`,
//! `bad_verification_code`) and the page where a person enters the code. In auto-consent mode a
//! code approves itself (as the admin) on the poll after its first `authorization_pending`, and
//! not before `device_code_approval_delay` (the window's sandbox waits, so the code shows).

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use rand::Rng;
use serde_json::json;

use super::{known_client, known_tenant, token, unknown_tenant, DeviceGrant, Scopes};
use crate::http::{aad_error, html_escape, html_page, json_response};
use crate::ids;
use crate::state::SharedApp;

const DEVICE_TTL: Duration = Duration::from_secs(900);
/// Entra says 5 s; the sandbox compresses it to 1 s so tests and demos do not wait.
pub(crate) const INTERVAL_SECS: u64 = 1;

fn user_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..9)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

pub(super) async fn devicecode(
    State(app): State<SharedApp>,
    Path(tenant): Path<String>,
    crate::http::FormBody(form): crate::http::FormBody,
) -> Response {
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    if !known_tenant(&tenant) {
        return unknown_tenant(&tenant);
    }
    if !known_client(get("client_id")) {
        return aad_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            700016,
            &format!(
                "Application with identifier '{}' was not found in the directory 'Contoso'.",
                get("client_id")
            ),
        );
    }
    if get("scope").trim().is_empty() {
        return aad_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'scope'.",
        );
    }
    let device_code = ids::secret(48);
    let issued = app.clock.now();
    let code = user_code();
    app.ms().devices.insert(
        device_code.clone(),
        DeviceGrant {
            user_code: code.clone(),
            client_id: get("client_id").to_string(),
            scopes: Scopes::parse(get("scope")),
            expires: issued + DEVICE_TTL,
            issued,
            polls: 0,
            last_poll: None,
            decision: None,
        },
    );
    let uri = format!("{}/devicelogin", app.urls.microsoft);
    json_response(
        StatusCode::OK,
        json!({"user_code": code, "device_code": device_code, "verification_uri": uri,
        "expires_in": DEVICE_TTL.as_secs(), "interval": INTERVAL_SECS,
        "message": format!("To sign in, use a web browser to open the page {uri} and enter the code {code} to authenticate.")}),
    )
}

pub(super) fn poll(app: &SharedApp, form: &HashMap<String, String>) -> Response {
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    let bad =
        |error: &str, code: u32, text: &str| aad_error(StatusCode::BAD_REQUEST, error, code, text);
    let approved = {
        let mut ms = app.ms();
        let Some(grant) = ms.devices.get_mut(get("device_code")) else {
            return bad(
                "bad_verification_code",
                70019,
                "Verification code was not recognized.",
            );
        };
        let now = app.clock.now();
        if grant.expires < now {
            return bad("expired_token", 70020, "The provided value for the input parameter 'device_code' is not valid. Device code expired.");
        }
        if grant.client_id != get("client_id") {
            return bad(
                "invalid_grant",
                70000,
                "The device code was issued to a different client.",
            );
        }
        let too_soon = grant.last_poll.is_some_and(|t| {
            now.duration_since(t) < Duration::from_millis(INTERVAL_SECS * 1000 / 2)
        });
        grant.last_poll = Some(now);
        grant.polls += 1;
        if too_soon && grant.decision.is_none() {
            return bad(
                "slow_down",
                70016,
                "Polling too fast; wait the interval the devicecode reply gave.",
            );
        }
        let waited = now.duration_since(grant.issued) >= app.config.device_code_approval_delay;
        if app.config.auto_consent && grant.decision.is_none() && grant.polls >= 2 && waited {
            grant.decision = Some(Some(0));
        }
        match grant.decision {
            None => {
                return bad(
                    "authorization_pending",
                    70016,
                    "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
                )
            }
            Some(None) => {
                ms.devices.remove(get("device_code"));
                return bad(
                    "authorization_declined",
                    70019,
                    "The end user denied the authorization request.",
                );
            }
            Some(Some(user)) => (user, grant.scopes.clone(), grant.client_id.clone()),
        }
    };
    app.ms().devices.remove(get("device_code"));
    token::issue(app, approved.0, &approved.2, approved.1)
}

pub(super) async fn page() -> Response {
    html_page("Enter code", "<h1>Enter code</h1><form method=\"post\"><input name=\"user_code\" placeholder=\"Code\">\
<p><label><input type=\"radio\" name=\"account\" value=\"0\" checked> admin@contoso.com</label><br>\
<label><input type=\"radio\" name=\"account\" value=\"1\"> helpdesk@contoso.com</label></p>\
<button name=\"decision\" value=\"accept\">Continue</button><button name=\"decision\" value=\"cancel\">Cancel</button></form>")
}

pub(super) async fn decide(
    State(app): State<SharedApp>,
    crate::http::FormBody(form): crate::http::FormBody,
) -> Response {
    let code = form
        .get("user_code")
        .map(|c| c.trim().to_ascii_uppercase())
        .unwrap_or_default();
    let accept = form.get("decision").map(String::as_str) == Some("accept");
    let account = form
        .get("account")
        .and_then(|a| a.parse::<u64>().ok())
        .filter(|a| *a < 2)
        .unwrap_or(0);
    let now = app.clock.now();
    let found = {
        let mut ms = app.ms();
        match ms
            .devices
            .values_mut()
            .find(|g| g.user_code == code && g.expires > now)
        {
            Some(g) => {
                g.decision = Some(accept.then_some(account));
                true
            }
            None => false,
        }
    };
    if !found {
        let mut r = html_page(
            "Enter code",
            &format!(
                "<h1>That code didn't work</h1><p>{} is not a valid or current code.</p>",
                html_escape(&code)
            ),
        );
        *r.status_mut() = StatusCode::BAD_REQUEST;
        return r;
    }
    let text = if accept {
        "You have signed in. You may now close this window."
    } else {
        "You cancelled the sign-in."
    };
    html_page("Device sign-in", &format!("<h1>{text}</h1>"))
}
