//! `PUT synchronization/secrets` and `validateCredentials` (job- and collection-bound): Test
//! Connection really calls the SCIM endpoint it is given, through the provisioning service.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{post, put};
use axum::Router;
use serde_json::json;
use serde_json::Value;

use super::sync_jobs::{sp_for_sync, with_job, SYNC_WRITE};
use super::{bad_request, require};
use crate::http::graph_error;
use crate::provisioning::{self, Target};
use crate::state::SharedApp;

const BASE: &str = "/v1.0/servicePrincipals/{id}/synchronization";
/// Keys of `synchronizationSecret` the sandbox accepts in PUT secrets / credentials.
const SECRET_KEYS: [&str; 12] = [
    "BaseAddress",
    "SecretToken",
    "SyncAll",
    "SyncNotificationSettings",
    "SkipOutOfScopeDeletions",
    "UserName",
    "Password",
    "ClientIdentifier",
    "ClientSecret",
    "AuthenticationType",
    "TenantId",
    "Domain",
];

pub(super) fn routes() -> Router<SharedApp> {
    Router::new()
        .route(
            &format!("{BASE}/jobs/validateCredentials"),
            post(validate_collection),
        )
        .route(
            &format!("{BASE}/jobs/{{job}}/validateCredentials"),
            post(validate_job),
        )
        .route(
            &format!("{BASE}/secrets"),
            put(put_secrets).get(get_secrets),
        )
}

fn key_values(list: Option<&Value>) -> Result<Vec<(String, String)>, Response> {
    let Some(items) = list.and_then(Value::as_array) else {
        return Err(bad_request(
            "BadRequest",
            "Expected an array of {key, value} pairs.",
        ));
    };
    let mut out = Vec::new();
    for item in items {
        let key = item.get("key").and_then(Value::as_str).unwrap_or_default();
        let Some(known) = SECRET_KEYS.iter().find(|k| k.eq_ignore_ascii_case(key)) else {
            return Err(bad_request(
                "BadRequest",
                &format!("'{key}' is not a valid synchronizationSecret key."),
            ));
        };
        // All secret values are strings in Graph's shape.
        let Some(value) = item.get("value").and_then(Value::as_str) else {
            return Err(bad_request(
                "BadRequest",
                &format!("The value of '{key}' must be a string."),
            ));
        };
        out.push((known.to_string(), value.to_string()));
    }
    Ok(out)
}

async fn put_secrets(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(r) = require(&app, &headers, &SYNC_WRITE, true) {
        return r;
    }
    if let Err(r) = sp_for_sync(&app, &id) {
        return r;
    }
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let pairs = match key_values(body.get("value")) {
        Ok(p) => p,
        Err(r) => return r,
    };
    // UNCONFIRMED whether PUT replaces the whole set; the sandbox replaces it (send every key).
    app.graph().secrets.insert(id.to_ascii_lowercase(), pairs);
    StatusCode::NO_CONTENT.into_response()
}

/// Keys whose values never come back in a GET (the sandbox's choice; UNCONFIRMED in Graph).
const WRITE_ONLY_KEYS: [&str; 3] = ["SecretToken", "Password", "ClientSecret"];

/// `GET synchronization/secrets`: the saved pairs, write-only values masked. UNCONFIRMED in
/// Graph's pages whether Graph answers this and how; the sandbox answers like a
/// collection property, `{"value": [{key, value}]}`.
async fn get_secrets(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = require(&app, &headers, &super::sync_jobs::SYNC_READ, true) {
        return r;
    }
    if let Err(r) = sp_for_sync(&app, &id) {
        return r;
    }
    let saved = app
        .graph()
        .secrets
        .get(&id.to_ascii_lowercase())
        .cloned()
        .unwrap_or_default();
    let value: Vec<Value> = saved
        .iter()
        .map(|(key, value)| {
            let shown = if WRITE_ONLY_KEYS.contains(&key.as_str()) {
                "*****"
            } else {
                value.as_str()
            };
            json!({"key": key, "value": shown})
        })
        .collect();
    crate::http::json_response(StatusCode::OK, json!({"value": value}))
}

async fn validate(
    app: &SharedApp,
    headers: &HeaderMap,
    sp_id: &str,
    job: Option<&str>,
    body: &Bytes,
) -> Response {
    if let Err(r) = require(app, headers, &SYNC_WRITE, true) {
        return r;
    }
    if let Err(r) = sp_for_sync(app, sp_id) {
        return r;
    }
    if let Some(job) = job {
        if let Err(r) = with_job(app, sp_id, job, |_| ()) {
            return r;
        }
    }
    let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let pairs = if body.get("useSavedCredentials").and_then(Value::as_bool) == Some(true) {
        match app.graph().secrets.get(&sp_id.to_ascii_lowercase()) {
            Some(saved) => saved.clone(),
            None => {
                return bad_request(
                    "BadRequest",
                    "useSavedCredentials is true but no credentials are saved.",
                )
            }
        }
    } else {
        match key_values(body.get("credentials")) {
            Ok(p) => p,
            Err(r) => return r,
        }
    };
    app.graph().validate_credentials_calls += 1;
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let outcome = match Target::parse(&get("BaseAddress"), &get("SecretToken")) {
        Ok(target) => provisioning::test_connection(app, &target).await,
        Err(failure) => Err(failure),
    };
    match outcome {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        // UNCONFIRMED (validateCredentials' page does not say): status and code of a failed test; the message carries the
        // engine's text (error code, response status, content, request id) as the portal shows.
        Err(failure) => graph_error(StatusCode::BAD_REQUEST, "BadRequest", &failure.message()),
    }
}

async fn validate_job(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path((id, job)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    validate(&app, &headers, &id, Some(&job), &body).await
}

async fn validate_collection(
    State(app): State<SharedApp>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    validate(&app, &headers, &id, None, &body).await
}
