//! Graph's OData error envelope (<https://learn.microsoft.com/graph/errors>) and what each status
//! means to an admin. Code against `error.code`, never the message; the message is shown as
//! evidence.

use serde::Deserialize;

use crate::http::Response;
use crate::problem::{Problem, ProblemDetail};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GraphError {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
    #[serde(default, alias = "innererror")]
    pub inner_error: Option<InnerError>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct InnerError {
    #[serde(rename = "request-id", default)]
    pub request_id: Option<String>,
    #[serde(rename = "client-request-id", default)]
    pub client_request_id: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
}

#[derive(Deserialize)]
struct Envelope {
    error: GraphError,
}

impl GraphError {
    pub fn from_response(response: &Response) -> Option<Self> {
        response
            .json::<Envelope>()
            .ok()
            .map(|envelope| envelope.error)
    }
}

const ROLE_FIX: &str = "Sign in with an account that holds the Application Administrator or Cloud \
Application Administrator role (if it is eligible in PIM, activate it first, then sign in again so \
the new token carries it), and make sure an administrator consented to Application.ReadWrite.All, \
Synchronization.ReadWrite.All and AppRoleAssignment.ReadWrite.All for this app.";

/// Turns a non-2xx Graph response into a Problem with the code and ids kept.
pub fn graph_problem(action: &str, response: &Response) -> Problem {
    let error = GraphError::from_response(response);
    let mut detail: ProblemDetail = response.detail();
    let (code, message) = match &error {
        Some(error) => {
            if let Some(inner) = &error.inner_error {
                if detail.request_id.is_none() {
                    detail.request_id = inner.request_id.clone();
                }
            }
            (error.code.clone(), error.message.clone())
        }
        None => (String::new(), String::new()),
    };
    if !code.is_empty() {
        detail.graph_code = Some(code.clone());
    }
    if error.is_none() && !response.body.is_empty() {
        return response.unreadable(action, "a Graph error");
    }
    let said = if message.is_empty() {
        String::new()
    } else {
        format!(" Graph said: \u{201c}{message}\u{201d}")
    };
    let problem = match response.status {
        401 => Problem::sign_in_required(
            action,
            format!("Graph did not accept the sign-in (HTTP 401): the session expired or was revoked, or the account lacks the directory role the synchronization API needs.{said}"),
            format!("Sign in to Microsoft again. If it keeps happening: {ROLE_FIX}"),
        ),
        403 => Problem::forbidden(
            action,
            format!("Your Microsoft account is signed in but not allowed to do this (missing permission or directory role).{said}"),
            ROLE_FIX,
        ),
        404 => Problem::not_found(
            action,
            format!("Graph could not find it (HTTP 404).{said}"),
            "If you just created it, wait a minute and try again (Entra takes a moment to replicate new objects); otherwise check the name and the tenant you signed in to.",
        ),
        409 => Problem::conflict(
            action,
            format!("It already exists or was changed at the same time (HTTP 409).{said}"),
            "Refresh and try again; the app reuses what already exists.",
        ),
        429 => Problem::throttled(
            action,
            format!("Microsoft Graph is throttling requests and kept doing so after the app's retries.{said}"),
            match response.header("retry-after") {
                Some(wait) => format!("Wait {wait} seconds and try again."),
                None => "Wait a minute and try again.".to_string(),
            },
        ),
        400 | 412 | 422 => Problem::rejected(
            action,
            format!("Graph refused the request as invalid (HTTP {}).{said}", response.status),
            "This is usually a bug in the app or a setting it does not expect: export a report and send it to support.",
        ),
        status if status >= 500 => Problem::server(
            action,
            format!("Microsoft Graph failed (HTTP {status}).{said}"),
            "Try again in a few minutes; if it persists, check the Microsoft 365 service health page.",
        ),
        status => Problem::server(
            action,
            format!("Graph answered HTTP {status}, which the app did not expect.{said}"),
            "Try again; if it persists, export a report for support.",
        ),
    };
    problem.with_detail(detail)
}
