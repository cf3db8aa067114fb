//! The simulated Entra provisioning service. It really calls the SCIM endpoint it is given
//! (whichever server that is) the way Entra does: Test Connection with a random GUID, then match,
//! create, update or disable, in the legacy PATCH dialect or the `aadOptscim062020` one as the
//! Tenant URL asks
//! (<https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility>),
//! and reports in Graph's shapes.

mod cycles;
mod delete;
pub(crate) mod engine;
pub(crate) mod groups;
mod history;
mod mapping;
pub(crate) mod report;
mod schema;

use std::time::Duration;

use serde_json::Value;

use crate::state::SharedApp;

pub(crate) use cycles::{run_cycles_now, run_sync_cycles};
pub(crate) use history::seed_history;
pub(crate) use schema::schema_json;

/// How long Entra waits for a SCIM answer in the sandbox (the real value is UNCONFIRMED).
pub(crate) const SCIM_TIMEOUT: Duration = Duration::from_secs(5);

/// A Tenant URL and Secret Token, as saved in the job's secrets.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// The base with the query string removed; Entra appends `/Users`, `/Groups`.
    pub base: String,
    pub token: String,
    /// `?aadOptscim062020` on the Tenant URL: RFC-compliant PATCH shapes.
    pub compliant: bool,
}

/// Why a call to the SCIM endpoint failed, in the engine's words.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub code: &'static str,
    pub headline: &'static str,
    pub details: String,
    pub status: Option<u16>,
    pub content: Option<String>,
}

const INVALID_CREDENTIALS: &str = "You appear to have entered invalid credentials. Please confirm you are using the correct information for an administrative account.";

impl Failure {
    fn new(code: &'static str, headline: &'static str, details: impl Into<String>) -> Self {
        Self {
            code,
            headline,
            details: details.into(),
            status: None,
            content: None,
        }
    }

    /// The text the portal (and validateCredentials' error message) shows.
    pub fn message(&self) -> String {
        let mut text = format!(
            "{}\nError code: {}\nDetails: {}",
            self.headline, self.code, self.details
        );
        if let Some(status) = self.status {
            text.push_str(&format!("\nResponse Status Code: {}", status_name(status)));
        }
        if let Some(content) = &self.content {
            let short: String = content.chars().take(500).collect();
            text.push_str(&format!("\nResponse Content: {short}"));
        }
        text.push_str(&format!("\nRequest-id: {}", crate::ids::new_guid()));
        text
    }

    /// Whether the failure is one Entra quarantines for when it persists (credentials, wrong URL).
    pub fn quarantines(&self) -> bool {
        matches!(self.status, Some(401) | Some(403) | Some(404))
            || self.code.ends_with("InvalidCredentials")
    }
}

pub(crate) fn status_name(status: u16) -> String {
    match status {
        400 => "BadRequest".into(),
        401 => "Unauthorized".into(),
        403 => "Forbidden".into(),
        404 => "NotFound".into(),
        409 => "Conflict".into(),
        429 => "TooManyRequests".into(),
        500 => "InternalServerError".into(),
        502 => "BadGateway".into(),
        503 => "ServiceUnavailable".into(),
        504 => "GatewayTimeout".into(),
        other => other.to_string(),
    }
}

impl Target {
    pub fn parse(base_address: &str, token: &str) -> Result<Self, Failure> {
        let invalid = || {
            Failure::new(
                "SystemForCrossDomainIdentityManagementInvalidCredentials",
                INVALID_CREDENTIALS,
                "Please provide a valid tenant URL for your application.",
            )
        };
        let trimmed = base_address.trim();
        let url = url::Url::parse(trimmed).map_err(|_| invalid())?;
        // Entra insists on HTTPS; the sandbox also accepts http on loopback, because its own
        // trusted SCIM endpoint is plain http (its HTTPS one is deliberately untrusted).
        let loopback = matches!(url.host_str(), Some("127.0.0.1") | Some("localhost"));
        if url.scheme() != "https" && !(url.scheme() == "http" && loopback) {
            return Err(invalid());
        }
        let compliant = url.query().is_some_and(|q| {
            q.split('&')
                .any(|p| p.eq_ignore_ascii_case("aadOptscim062020"))
        });
        let base = trimmed
            .split('?')
            .next()
            .unwrap_or(trimmed)
            .trim_end_matches('/')
            .to_string();
        Ok(Self {
            base,
            token: token.to_string(),
            compliant,
        })
    }
}

/// One SCIM exchange's result: status and parsed JSON body (if it was JSON).
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub body: Option<Value>,
    pub text: String,
}

/// Sends one SCIM request as Entra does (bearer token, SCIM media type).
pub(crate) async fn call(
    app: &SharedApp,
    target: &Target,
    method: reqwest::Method,
    path_and_query: &str,
    body: Option<&Value>,
) -> Result<Reply, Failure> {
    let url = format!("{}{path_and_query}", target.base);
    let mut request = app
        .http
        .request(method, &url)
        .header("authorization", format!("Bearer {}", target.token))
        .header("accept", "application/scim+json")
        .header("ADSCIMVersion", "5.0");
    if let Some(b) = body {
        request = request
            .header("content-type", "application/scim+json")
            .body(b.to_string());
    }
    let response = tokio::select! {
        r = request.send() => r,
        _ = app.shutdown.cancelled() => return Err(Failure::new("SystemForCrossDomainIdentityManagementCredentialValidationUnavailable", INVALID_CREDENTIALS, "The provisioning service is shutting down.")),
    };
    let response = response.map_err(|e| {
        let details = if e.is_timeout() {
            "We are not able to connect to your application while attempting to validate our authorization to access your application. The operation has timed out.".to_string()
        } else {
            format!("We are not able to connect to your application while attempting to validate our authorization to access your application. An error occurred while sending the request. ({})", root_cause(&e))
        };
        Failure::new("SystemForCrossDomainIdentityManagementCredentialValidationUnavailable", INVALID_CREDENTIALS, details)
    })?;
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    let body = serde_json::from_str::<Value>(&text).ok();
    Ok(Reply { status, body, text })
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut current = e;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

/// Entra's Test Connection: a filter on the matching attribute for a user that cannot exist; only
/// 200 with an empty ListResponse passes
/// (<https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups>).
pub(crate) async fn test_connection(app: &SharedApp, target: &Target) -> Result<(), Failure> {
    let guid = crate::ids::new_guid();
    let filter: String =
        url::form_urlencoded::byte_serialize(format!("userName eq \"{guid}\"").as_bytes())
            .collect();
    let reply = call(
        app,
        target,
        reqwest::Method::GET,
        &format!("/Users?filter={filter}"),
        None,
    )
    .await?;
    let failure = |code: &'static str, details: String| Failure {
        code,
        headline: INVALID_CREDENTIALS,
        details,
        status: Some(reply.status),
        content: Some(reply.text.clone()),
    };
    match reply.status {
        200 => {}
        401 | 403 => return Err(failure("SystemForCrossDomainIdentityManagementCredentialValidationFailure",
            "We encountered an error while attempting to validate our authorization to access your application: the endpoint rejected the Secret Token.".into())),
        404 => return Err(failure("SystemForCrossDomainIdentityManagementInvalidCredentials",
            "Please provide a valid tenant URL for your application. SCIM Compliance issue: the endpoint returned HTTP/404 Not Found rather than the expected HTTP/200 OK for a query for a user that does not exist.".into())),
        status => return Err(failure("SystemForCrossDomainIdentityManagementCredentialValidationFailure",
            format!("Testing the connection failed: the endpoint answered HTTP/{status} {} rather than the expected HTTP/200 OK.", status_name(status)))),
    }
    let list_ok = reply.body.as_ref().is_some_and(|b| {
        b.get("totalResults").and_then(Value::as_u64) == Some(0)
            && b.get("Resources")
                .is_none_or(|r| r.as_array().is_some_and(Vec::is_empty))
    });
    if !list_ok {
        return Err(Failure {
            code: "SystemForCrossDomainIdentityManagementServiceIncompatible",
            headline: INVALID_CREDENTIALS,
            details: "The response to a query for a user that does not exist was not an empty SCIM ListResponse (is this a login page or another API?).".into(),
            status: Some(reply.status),
            content: Some(reply.text),
        });
    }
    Ok(())
}
