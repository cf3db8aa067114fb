//! The synchronization API: templates, jobs, secrets, Test Connection, on-demand
//! (<https://learn.microsoft.com/graph/api/resources/synchronization-overview>). Job ids contain
//! dots and must be encoded as one path segment.

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::sync_secrets::keys;
use super::types::{SyncJob, SyncSchema, SyncTemplate};
use super::{graph_problem, GraphClient, GraphError};
use crate::http::{encode_path_segment, Request, Response, Retry};
use crate::problem::Problem;
use crate::secret::Secret;
use crate::unity::scim_status::{ROLE_MISSING, TOKEN_UNKNOWN};

#[derive(Deserialize)]
struct Collection<T> {
    #[serde(default = "Vec::new")]
    value: Vec<T>,
}

fn sync_path(sp_id: &str, rest: &str) -> String {
    format!(
        "/servicePrincipals/{}/synchronization{rest}",
        encode_path_segment(sp_id)
    )
}

fn job_path(sp_id: &str, job_id: &str, rest: &str) -> String {
    sync_path(
        sp_id,
        &format!("/jobs/{}{rest}", encode_path_segment(job_id)),
    )
}

impl GraphClient {
    pub async fn list_sync_templates(
        &self,
        sp_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<SyncTemplate>, Problem> {
        let templates: Collection<SyncTemplate> = self
            .get_json(
                &sync_path(sp_id, "/templates"),
                "Reading the app's provisioning templates",
                cancel,
            )
            .await?;
        Ok(templates.value)
    }

    /// Jobs of the app. A 404 means "provisioning never configured", i.e. none.
    pub async fn list_sync_jobs(
        &self,
        sp_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<SyncJob>, Problem> {
        let action = "Reading the app's provisioning jobs";
        let response = self
            .send(
                Request::get(self.url(&sync_path(sp_id, "/jobs"))),
                action,
                cancel,
            )
            .await?;
        if response.status == 404 {
            return Ok(Vec::new());
        }
        if !response.is_success() {
            return Err(graph_problem(action, &response));
        }
        let jobs: Collection<SyncJob> = response
            .json()
            .map_err(|_| response.unreadable(action, "a list of jobs"))?;
        Ok(jobs.value)
    }

    pub async fn get_sync_job(
        &self,
        sp_id: &str,
        job_id: &str,
        cancel: &CancellationToken,
    ) -> Result<SyncJob, Problem> {
        self.get_json(
            &job_path(sp_id, job_id, ""),
            "Reading the provisioning job",
            cancel,
        )
        .await
    }

    /// Creates a job; the raw response is returned so the caller can tell the "app not ready yet"
    /// 401/404 (a new app replicates for a while,
    /// <https://learn.microsoft.com/entra/identity/app-provisioning/known-issues>) from a real
    /// refusal. Never retried here: the caller lists first.
    pub async fn create_sync_job(
        &self,
        sp_id: &str,
        template_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Response, Problem> {
        let request = Request::new(Method::POST, self.url(&sync_path(sp_id, "/jobs")))
            .json(json!({ "templateId": template_id }))
            .retry(Retry::ThrottleOnly);
        self.send(request, "Creating the provisioning job", cancel)
            .await
    }

    pub async fn start_sync_job(
        &self,
        sp_id: &str,
        job_id: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Problem> {
        self.job_action(
            sp_id,
            job_id,
            "/start",
            None,
            "Starting provisioning",
            cancel,
        )
        .await
    }

    pub async fn pause_sync_job(
        &self,
        sp_id: &str,
        job_id: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Problem> {
        self.job_action(
            sp_id,
            job_id,
            "/pause",
            None,
            "Pausing provisioning",
            cancel,
        )
        .await
    }

    /// `reset_scope` is a comma-separated set such as `"Escrows, QuarantineState"`
    /// (<https://learn.microsoft.com/graph/api/resources/synchronization-synchronizationjobrestartcriteria>).
    pub async fn restart_sync_job(
        &self,
        sp_id: &str,
        job_id: &str,
        reset_scope: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Problem> {
        let body = json!({ "criteria": { "resetScope": reset_scope } });
        self.job_action(
            sp_id,
            job_id,
            "/restart",
            Some(body),
            "Restarting provisioning",
            cancel,
        )
        .await
    }

    async fn job_action(
        &self,
        sp_id: &str,
        job_id: &str,
        rest: &str,
        body: Option<serde_json::Value>,
        action: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Problem> {
        // start, pause and restart are state changes, not creates: repeating them is harmless.
        let mut request = Request::new(Method::POST, self.url(&job_path(sp_id, job_id, rest)))
            .retry(Retry::Idempotent);
        if let Some(body) = body {
            request = request.json(body);
        }
        self.send_ok(request, action, cancel).await.map(|_| ())
    }

    pub async fn get_sync_schema(
        &self,
        sp_id: &str,
        job_id: &str,
        cancel: &CancellationToken,
    ) -> Result<SyncSchema, Problem> {
        self.get_json(
            &job_path(sp_id, job_id, "/schema"),
            "Reading the job's mapping rules",
            cancel,
        )
        .await
    }

    /// Entra's Test Connection with the given credentials (job-bound form,
    /// <https://learn.microsoft.com/graph/api/synchronization-synchronizationjob-validatecredentials>).
    /// `Ok` means 204; a failure comes back as a Problem whose kind and fix follow the engine's
    /// code.
    pub async fn validate_credentials(
        &self,
        sp_id: &str,
        job_id: &str,
        base_address: &str,
        token: &Secret,
        cancel: &CancellationToken,
    ) -> Result<(), Problem> {
        let action = "Testing the connection from Entra (Test Connection)";
        let body = json!({
            "credentials": [
                { "key": keys::BASE_ADDRESS, "value": base_address },
                { "key": keys::SECRET_TOKEN, "value": token.expose() },
            ],
            "useSavedCredentials": false,
        });
        let request = Request::new(
            Method::POST,
            self.url(&job_path(sp_id, job_id, "/validateCredentials")),
        )
        .json(body)
        .retry(Retry::Idempotent);
        let response = self.send(request, action, cancel).await?;
        if response.is_success() {
            return Ok(());
        }
        Err(test_connection_problem(action, &response))
    }

    /// Test Connection with the secrets Entra has saved (`useSavedCredentials: true`):
    /// what the provisioning cycles will use.
    pub async fn validate_saved_credentials(
        &self,
        sp_id: &str,
        job_id: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Problem> {
        let action = "Testing the saved credentials from Entra (Test Connection)";
        let request = Request::new(
            Method::POST,
            self.url(&job_path(sp_id, job_id, "/validateCredentials")),
        )
        .json(json!({ "useSavedCredentials": true }))
        .retry(Retry::Idempotent);
        let response = self.send(request, action, cancel).await?;
        if response.is_success() {
            return Ok(());
        }
        Err(test_connection_problem(action, &response))
    }

    /// One provisionOnDemand call; the raw reply is parsed by `on_demand::parse_reply`.
    /// `Retry::Never`: the caller's queue owns pacing and retries (5 calls per 10 s).
    pub async fn provision_on_demand_raw(
        &self,
        sp_id: &str,
        job_id: &str,
        body: serde_json::Value,
        cancel: &CancellationToken,
    ) -> Result<Response, Problem> {
        let request = Request::new(
            Method::POST,
            self.url(&job_path(sp_id, job_id, "/provisionOnDemand")),
        )
        .json(body)
        .retry(Retry::Never);
        self.send(request, "Provisioning on demand", cancel).await
    }
}

/// What Test Connection's failure text says (its format is unconfirmed, so each part is
/// looked for separately: the engine code, `Response Status Code:`, `Request-id:`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestConnectionFailure {
    pub engine_code: Option<String>,
    pub response_status: Option<String>,
    pub request_id: Option<String>,
    pub message: String,
}

pub fn parse_test_connection_failure(error: &GraphError) -> TestConnectionFailure {
    let text = format!("{} {}", error.code, error.message);
    let engine_code = find_word_after(&text, "SystemForCrossDomainIdentityManagement")
        .map(|rest| format!("SystemForCrossDomainIdentityManagement{rest}"));
    let mut response_status = find_word_after(&text, "Response Status Code: ");
    if response_status.is_none() {
        // "HTTP/404 Not Found rather than the expected HTTP/200"
        response_status = find_word_after(&text, "HTTP/").filter(|code| code != "200");
    }
    TestConnectionFailure {
        engine_code,
        response_status,
        request_id: find_word_after(&text, "Request-id: ")
            .or_else(|| find_word_after(&text, "Request-Id: ")),
        message: error.message.clone(),
    }
}

fn find_word_after(text: &str, marker: &str) -> Option<String> {
    let start = text.find(marker)? + marker.len();
    let word: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!word.is_empty()).then_some(word)
}

fn test_connection_problem(action: &str, response: &Response) -> Problem {
    let Some(error) = GraphError::from_response(response) else {
        return graph_problem(action, response);
    };
    let failure = parse_test_connection_failure(&error);
    let Some(code) = failure.engine_code.clone() else {
        return graph_problem(action, response);
    };
    let status = failure.response_status.clone().unwrap_or_default();
    let evidence = format!(" Entra said: \u{201c}{}\u{201d}", failure.message.trim());
    let mut problem = if code.ends_with("CredentialValidationUnavailable") {
        Problem::unreachable(
            action,
            format!("Entra could not reach the SCIM endpoint.{evidence}"),
            "The Tenant URL must be a public HTTPS address with a certificate from a public CA and TLS 1.2, \
             reachable from Microsoft's AzureActiveDirectory IP ranges. Check the URL, firewall and certificate.",
        )
    } else if code.ends_with("InvalidCredentials")
        || status.starts_with("404")
        || status.eq_ignore_ascii_case("NotFound")
    {
        Problem::credentials_rejected(
            action,
            format!("The Tenant URL is not a SCIM base URL Entra can use.{evidence}"),
            "Use the SCIM base connector URL exactly as Unity shows it (…/scim/v2/tenants/{organization ID}), \
             without /Users at the end: Entra appends /Users itself.",
        )
    } else if matches!(status.as_str(), "Unauthorized" | "401") {
        Problem::credentials_rejected(
            action,
            format!(
                "The SCIM endpoint did not accept the bearer token (401): {}.{evidence}",
                TOKEN_UNKNOWN.cause
            ),
            format!(
                "{} (the API road does this for you), then test again.",
                TOKEN_UNKNOWN.fix
            ),
        )
    } else if matches!(status.as_str(), "Forbidden" | "403") {
        Problem::credentials_rejected(
            action,
            format!(
                "The SCIM endpoint knows the token but refused it (403): {}.{evidence}",
                ROLE_MISSING.cause
            ),
            format!("{}, then test again.", ROLE_MISSING.fix),
        )
    } else if matches!(status.as_str(), "BadRequest" | "400") {
        Problem::credentials_rejected(
            action,
            format!("The SCIM endpoint refused Entra's test query (400): it cannot filter users by userName.{evidence}"),
            "The endpoint must answer GET /Users?filter=userName eq \"…\" with 200 and an empty list; run Diagnose on it.",
        )
    } else {
        Problem::credentials_rejected(
            action,
            format!("Entra's Test Connection failed.{evidence}"),
            "Check the Tenant URL and the token, then run Diagnose against the endpoint to see what it answers.",
        )
    };
    let mut detail = response.detail();
    detail.graph_code = Some(code);
    if detail.request_id.is_none() {
        detail.request_id = failure.request_id;
    }
    *problem.info_mut().detail = detail;
    problem
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_portal_style_failure_text() {
        let error = GraphError {
            code: "BadRequest".into(),
            message: "You appear to have entered invalid credentials. Please confirm you are using the correct information for an administrative account.\nError code: SystemForCrossDomainIdentityManagementCredentialValidationFailure\nDetails: Response Status Code: Unauthorized Response Content: {}\nRequest-id: b9f8c528-1111".into(),
            inner_error: None,
        };
        let failure = parse_test_connection_failure(&error);
        assert_eq!(
            failure.engine_code.as_deref(),
            Some("SystemForCrossDomainIdentityManagementCredentialValidationFailure")
        );
        assert_eq!(failure.response_status.as_deref(), Some("Unauthorized"));
        assert_eq!(failure.request_id.as_deref(), Some("b9f8c528-1111"));
    }

    #[test]
    fn reads_the_404_variant() {
        let error = GraphError {
            code: "SystemForCrossDomainIdentityManagementCredentialValidationFailure".into(),
            message: "The server returned HTTP/404 Not Found rather than the expected HTTP/200"
                .into(),
            inner_error: None,
        };
        let failure = parse_test_connection_failure(&error);
        assert_eq!(failure.response_status.as_deref(), Some("404"));
    }
}
