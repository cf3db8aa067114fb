//! Synchronization templates, jobs (create, list, get, delete, start, pause, restart), schema,
//! secrets and validateCredentials
//! (<https://learn.microsoft.com/graph/api/resources/synchronization-overview>). Test Connection
//! really calls the SCIM endpoint it is given, through the simulated provisioning service.

use std::collections::HashMap;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use super::{bad_request, context, not_found, require, NON_GALLERY_TEMPLATE};
use crate::http::{graph_error, json_response};
use crate::provisioning;
use crate::seed;
use crate::state::SharedApp;

pub(super) const SYNC_READ: [&str; 2] =
    ["Synchronization.Read.All", "Synchronization.ReadWrite.All"];
pub(super) const SYNC_WRITE: [&str; 1] = ["Synchronization.ReadWrite.All"];
pub(crate) const NEVER: &str = "0001-01-01T00:00:00Z";
/// The rule id of the non-gallery `scim` template's user rule (ids need not be plain GUIDs).
pub(crate) const RULE_ID: &str = "03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8#V2";
const BASE: &str = "/v1.0/servicePrincipals/{id}/synchronization";

pub(super) fn routes() -> Router<SharedApp> {
    Router::new()
        .route(&format!("{BASE}/templates"), get(templates))
        .route(&format!("{BASE}/jobs"), get(list_jobs).post(create_job))
        .route(
            &format!("{BASE}/jobs/{{job}}"),
            get(get_job).delete(delete_job),
        )
        .route(&format!("{BASE}/jobs/{{job}}/start"), post(start))
        .route(&format!("{BASE}/jobs/{{job}}/pause"), post(pause))
        .route(&format!("{BASE}/jobs/{{job}}/restart"), post(restart))
        .route(&format!("{BASE}/jobs/{{job}}/schema"), get(schema))
}

#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub id: String,
    pub sp_id: String,
    pub template_id: String,
    pub schedule_state: &'static str,
    pub status_code: &'static str,
    pub quarantine: Option<Value>,
    pub last_execution: Option<Value>,
    pub last_successful_execution: Option<Value>,
    pub last_successful_with_exports: Option<Value>,
    pub steady_first: Option<String>,
    pub steady_last: Option<String>,
    pub successive_failures: i64,
    /// Entra object id → SCIM id of what this job provisioned (its "escrow-free" state).
    pub provisioned: HashMap<String, String>,
    pub cycle_running: bool,
    pub next_cycle: Option<Instant>,
    /// The schedule's interval as Graph writes it once started: the sandbox's own (compressed)
    /// cycle period, so the job card tells the truth about how often cycles run.
    pub interval: String,
    /// The skip last logged per user (its reason code): a user skipped for the same reason
    /// cycle after cycle is logged once, not every few seconds.
    pub skips_logged: HashMap<String, String>,
    /// `restart` with `ForceDeletes`: the next cycle exports deletions past the threshold.
    pub force_deletes: bool,
}

/// An ISO 8601 duration for a cycle period: `PT40M`, `PT2S`, `PT0.5S`.
pub(crate) fn iso_interval(period: std::time::Duration) -> String {
    let millis = period.as_millis();
    if millis.is_multiple_of(60_000) && millis > 0 {
        format!("PT{}M", millis / 60_000)
    } else if millis.is_multiple_of(1000) {
        format!("PT{}S", millis / 1000)
    } else {
        format!("PT{}S", period.as_secs_f64())
    }
}

impl Job {
    fn entry_counts(&self) -> Value {
        let groups = self
            .provisioned
            .keys()
            .filter(|k| crate::seed::Directory::is_group_id(k))
            .count();
        let users = self.provisioned.len() - groups;
        let mut counts = Vec::new();
        if users > 0 {
            counts.push(json!({"key": "user", "value": users}));
        }
        if groups > 0 {
            counts.push(json!({"key": "group", "value": groups}));
        }
        Value::Array(counts)
    }

    pub fn to_json(&self) -> Value {
        let interval = if self.schedule_state == "Disabled" {
            "P10675199DT2H48M5.4775807S"
        } else {
            self.interval.as_str()
        };
        json!({"id": self.id, "templateId": self.template_id,
            "schedule": {"expiration": null, "interval": interval, "state": self.schedule_state},
            "status": {"code": self.status_code, "countSuccessiveCompleteFailures": self.successive_failures, "escrowsPruned": false,
                "lastExecution": self.last_execution, "lastSuccessfulExecution": self.last_successful_execution,
                "lastSuccessfulExecutionWithExports": self.last_successful_with_exports, "progress": [], "quarantine": self.quarantine,
                "steadyStateFirstAchievedTime": self.steady_first.as_deref().unwrap_or(NEVER),
                "steadyStateLastAchievedTime": self.steady_last.as_deref().unwrap_or(NEVER),
                "synchronizedEntryCountByType": self.entry_counts(),
                "troubleshootingUrl": null},
            "synchronizationJobSettings": [{"name": "QuarantineTooManyDeletesThreshold", "value": "500"}]})
    }
}

/// SP must exist and (for sync) have come from a template; `Err` is the Graph answer.
pub(super) fn sp_for_sync(
    app: &SharedApp,
    sp_id: &str,
) -> Result<super::ServicePrincipal, Response> {
    app.graph()
        .sp(sp_id)
        .cloned()
        .ok_or_else(|| not_found("servicePrincipal", sp_id))
}

fn sp_templates(sp: &super::ServicePrincipal, now: Instant) -> Vec<Value> {
    // An app registration (no template) or a just-created app (still replicating) has none yet.
    if sp.template_id.as_deref() != Some(NON_GALLERY_TEMPLATE) || sp.replicating(now) {
        return vec![];
    }
    vec![
        json!({"id": "scim", "factoryTag": "scim", "applicationId": NON_GALLERY_TEMPLATE, "default": true, "discoverable": true,
        "description": "SCIM 2.0 provisioning (non-gallery application)", "metadata": [{"key": "GalleryApplicationIdentifier", "value": "scim"}], "schema": null}),
    ]
}

async fn templates(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = require(&app, &headers, &SYNC_READ, true) {
        return r;
    }
    match sp_for_sync(&app, &id) {
        Ok(sp) => json_response(
            StatusCode::OK,
            json!({"@odata.context": context(&app, &format!("servicePrincipals('{id}')/synchronization/templates")), "value": sp_templates(&sp, app.clock.now())}),
        ),
        Err(r) => r,
    }
}

async fn list_jobs(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = require(&app, &headers, &SYNC_READ, true) {
        return r;
    }
    if let Err(r) = sp_for_sync(&app, &id) {
        return r;
    }
    let jobs: Vec<Value> = app
        .graph()
        .jobs
        .iter()
        .filter(|j| j.sp_id.eq_ignore_ascii_case(&id))
        .map(Job::to_json)
        .collect();
    json_response(
        StatusCode::OK,
        json!({"@odata.context": context(&app, &format!("servicePrincipals('{id}')/synchronization/jobs")), "value": jobs}),
    )
}

async fn create_job(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = require(&app, &headers, &SYNC_WRITE, true) {
        return r;
    }
    let sp = match sp_for_sync(&app, &id) {
        Ok(sp) => sp,
        Err(r) => return r,
    };
    if sp.replicating(app.clock.now()) {
        // Community-observed: the provisioning back end answers 401 until it catches up.
        return graph_error(StatusCode::UNAUTHORIZED, "Unauthorized", "The service principal is not yet available to the synchronization service. Retry shortly.");
    }
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let Some(template_id) = body.get("templateId").and_then(Value::as_str) else {
        return bad_request("BadRequest", "templateId is required.");
    };
    if !sp_templates(&sp, app.clock.now())
        .iter()
        .any(|t| t["id"] == json!(template_id))
    {
        return bad_request("BadRequest", &format!("The synchronization template '{template_id}' is not available for this application."));
    }
    let job = Job {
        id: format!(
            "{template_id}.{}.{}",
            seed::TENANT_ID.replace('-', ""),
            crate::ids::new_guid()
        ),
        sp_id: sp.id.clone(),
        template_id: template_id.to_string(),
        schedule_state: "Disabled",
        status_code: "NotConfigured",
        quarantine: None,
        last_execution: None,
        last_successful_execution: None,
        last_successful_with_exports: None,
        steady_first: None,
        steady_last: None,
        successive_failures: 0,
        provisioned: HashMap::new(),
        cycle_running: false,
        next_cycle: None,
        interval: iso_interval(app.config.sync_interval),
        skips_logged: HashMap::new(),
        force_deletes: false,
    };
    let mut reply = job.to_json();
    reply["@odata.context"] = json!(context(
        &app,
        &format!("servicePrincipals('{id}')/synchronization/jobs/$entity")
    ));
    app.graph().jobs.push(job);
    json_response(StatusCode::CREATED, reply)
}

/// Runs `f` on the job, or answers 404.
pub(super) fn with_job<T>(
    app: &SharedApp,
    sp_id: &str,
    job_id: &str,
    f: impl FnOnce(&mut Job) -> T,
) -> Result<T, Response> {
    let mut graph = app.graph();
    if graph.sp(sp_id).is_none() {
        return Err(not_found("servicePrincipal", sp_id));
    }
    match graph
        .jobs
        .iter_mut()
        .find(|j| j.id == job_id && j.sp_id.eq_ignore_ascii_case(sp_id))
    {
        Some(job) => Ok(f(job)),
        None => Err(not_found("synchronizationJob", job_id)),
    }
}

async fn get_job(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path((id, job)): Path<(String, String)>,
) -> Response {
    if let Err(r) = require(&app, &headers, &SYNC_READ, true) {
        return r;
    }
    match with_job(&app, &id, &job, |j| j.to_json()) {
        Ok(mut v) => {
            v["@odata.context"] = json!(context(
                &app,
                &format!("servicePrincipals('{id}')/synchronization/jobs/$entity")
            ));
            json_response(StatusCode::OK, v)
        }
        Err(r) => r,
    }
}

async fn delete_job(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path((id, job)): Path<(String, String)>,
) -> Response {
    if let Err(r) = require(&app, &headers, &SYNC_WRITE, true) {
        return r;
    }
    if let Err(r) = with_job(&app, &id, &job, |_| ()) {
        return r;
    }
    app.graph().jobs.retain(|j| j.id != job);
    StatusCode::NO_CONTENT.into_response()
}

async fn start(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path((id, job)): Path<(String, String)>,
) -> Response {
    if let Err(r) = require(&app, &headers, &SYNC_WRITE, true) {
        return r;
    }
    let configured = app
        .graph()
        .secrets
        .get(&id.to_ascii_lowercase())
        .is_some_and(|s| s.iter().any(|(k, _)| k == "BaseAddress"));
    match with_job(&app, &id, &job, |j| {
        if !configured {
            return false;
        }
        // start resumes and clears quarantine
        // (https://learn.microsoft.com/graph/api/synchronization-synchronizationjob-start); the
        // first cycle runs at the next tick.
        j.schedule_state = "Active";
        if j.status_code != "Active" {
            j.status_code = if j.last_successful_execution.is_some() { "Active" } else { "NotRun" };
        }
        j.quarantine = None;
        j.next_cycle = Some(app.clock.now());
        true
    }) {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        // UNCONFIRMED: Graph's answer to starting a job without credentials.
        Ok(false) => bad_request("BadRequest", "The job cannot be started: no credentials are saved. Save BaseAddress and SecretToken with PUT synchronization/secrets first."),
        Err(r) => r,
    }
}

async fn pause(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path((id, job)): Path<(String, String)>,
) -> Response {
    if let Err(r) = require(&app, &headers, &SYNC_WRITE, true) {
        return r;
    }
    match with_job(&app, &id, &job, |j| {
        j.schedule_state = "Paused";
        j.status_code = "Paused";
    }) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(r) => r,
    }
}

async fn restart(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path((id, job)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    if let Err(r) = require(&app, &headers, &SYNC_WRITE, true) {
        return r;
    }
    // `{"criteria": {...}}`, `{"criteria": null}` and (UNCONFIRMED) `{}` or no body all work.
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let scope = body
        .pointer("/criteria/resetScope")
        .and_then(Value::as_str)
        .unwrap_or("Full")
        .to_ascii_lowercase();
    let has = |flag: &str| scope.split(',').any(|s| s.trim() == flag) || scope.contains("full");
    match with_job(&app, &id, &job, |j| {
        // ForceDeletes releases deletions held back by the threshold (and its quarantine).
        let force = scope.split(',').any(|s| s.trim() == "forcedeletes");
        if force {
            j.force_deletes = true;
        }
        if has("quarantinestate") || force || scope.is_empty() || scope == "none" {
            j.quarantine = None;
            j.successive_failures = 0;
        }
        if has("watermark") {
            // Re-evaluate everyone: a full initial cycle.
            j.provisioned.clear();
        }
        if j.schedule_state != "Disabled" {
            j.schedule_state = "Active";
            j.status_code = if j.last_successful_execution.is_some() {
                "Active"
            } else {
                "NotRun"
            };
            j.next_cycle = Some(app.clock.now());
        }
    }) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(r) => r,
    }
}

async fn schema(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path((id, job)): Path<(String, String)>,
) -> Response {
    if let Err(r) = require(&app, &headers, &SYNC_READ, true) {
        return r;
    }
    match with_job(&app, &id, &job, |j| j.id.clone()) {
        Ok(job_id) => {
            let mut v = provisioning::schema_json(&job_id);
            v["@odata.context"] = json!(context(
                &app,
                &format!(
                    "servicePrincipals('{id}')/synchronization/jobs('{job_id}')/schema/$entity"
                )
            ));
            json_response(StatusCode::OK, v)
        }
        Err(r) => r,
    }
}

#[cfg(test)]
mod interval_tests {
    use super::iso_interval;
    use std::time::Duration;

    #[test]
    fn writes_the_cycle_period_as_graph_does() {
        assert_eq!(iso_interval(Duration::from_secs(2400)), "PT40M");
        assert_eq!(iso_interval(Duration::from_secs(2)), "PT2S");
        assert_eq!(iso_interval(Duration::from_millis(500)), "PT0.5S");
    }
}
