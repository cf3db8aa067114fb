//! Response envelopes and correlation headers shared by every simulated service: each cloud
//! answers errors in its own shape, so a fault on a route fails the way that route really fails.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::ids;

pub(crate) const SCIM_JSON: &str = "application/scim+json";

/// Correlation ids of the Graph request being served (read by error bodies).
#[derive(Debug, Clone)]
pub(crate) struct RequestIds {
    pub request_id: String,
    pub client_request_id: String,
}

tokio::task_local! {
    static REQUEST_IDS: RequestIds;
}

fn current_ids() -> RequestIds {
    REQUEST_IDS
        .try_with(Clone::clone)
        .unwrap_or_else(|_| RequestIds {
            request_id: ids::new_guid(),
            client_request_id: ids::new_guid(),
        })
}

/// Microsoft listener middleware: every response carries `request-id` and echoes
/// `client-request-id` (Graph generates one when the caller sent none).
pub(crate) async fn correlate(request: Request, next: Next) -> Response {
    let client_request_id = request
        .headers()
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .unwrap_or_else(ids::new_guid);
    let ids = RequestIds {
        request_id: ids::new_guid(),
        client_request_id,
    };
    let mut response = REQUEST_IDS.scope(ids.clone(), next.run(request)).await;
    let headers = response.headers_mut();
    for (name, value) in [
        ("request-id", &ids.request_id),
        ("client-request-id", &ids.client_request_id),
    ] {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.insert(name, v);
        }
    }
    if let Ok(v) = HeaderValue::from_str(
        r#"{"ServerInfo":{"DataCenter":"Sandbox","Slice":"E","Ring":"0","ScaleUnit":"000","RoleInstance":"SANDBOX"}}"#,
    ) {
        headers.insert("x-ms-ags-diagnostic", v);
    }
    response
}

pub(crate) fn json_response(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// `{"error":{"code","message","innerError":{date, request-id, client-request-id}}}`
/// (<https://learn.microsoft.com/graph/errors>).
pub(crate) fn graph_error(status: StatusCode, code: &str, message: &str) -> Response {
    let ids = current_ids();
    let body = json!({"error": {"code": code, "message": message, "innerError": {
        "date": chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string(),
        "request-id": ids.request_id, "client-request-id": ids.client_request_id}}});
    json_response(status, body)
}

/// The Graph `code` a status maps to when nothing more specific is known.
pub(crate) fn graph_code_for(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "BadRequest",
        401 => "InvalidAuthenticationToken",
        403 => "Authorization_RequestDenied",
        404 => "Request_ResourceNotFound",
        409 => "Conflict",
        412 => "PreconditionFailed",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => "UnknownError",
    }
}

/// RFC 7644 §3.12 error: `status` is a string; `application/scim+json`.
pub(crate) fn scim_error(status: StatusCode, scim_type: Option<&str>, detail: &str) -> Response {
    let mut body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
        "status": status.as_u16().to_string(), "detail": detail});
    if let Some(t) = scim_type {
        body["scimType"] = json!(t);
    }
    scim_json(status, &body)
}

pub(crate) fn scim_json(status: StatusCode, body: &Value) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", SCIM_JSON)
        .body(Body::from(body.to_string()))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// RFC 9457 problem document, the Unity admin contract's error shape.
pub(crate) fn problem(status: StatusCode, code: &str, detail: &str) -> Response {
    let title = status.canonical_reason().unwrap_or("Error");
    let body = json!({"type": format!("https://sandbox.invalid/problems/{code}"), "title": title,
        "status": status.as_u16(), "detail": detail, "code": code});
    Response::builder()
        .status(status)
        .header("content-type", "application/problem+json")
        .body(Body::from(body.to_string()))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// Microsoft identity platform token-endpoint error
/// (<https://learn.microsoft.com/entra/identity-platform/reference-error-codes>).
pub(crate) fn aad_error(status: StatusCode, error: &str, code: u32, text: &str) -> Response {
    let ids = current_ids();
    let now = chrono::Utc::now();
    let description = format!(
        "AADSTS{code}: {text}\r\nTrace ID: {}\r\nCorrelation ID: {}\r\nTimestamp: {}",
        ids.request_id,
        ids.client_request_id,
        now.format("%Y-%m-%d %H:%M:%SZ")
    );
    json_response(
        status,
        json!({"error": error, "error_description": description, "error_codes": [code],
        "timestamp": now.format("%Y-%m-%d %H:%M:%SZ").to_string(), "trace_id": ids.request_id,
        "correlation_id": ids.client_request_id, "error_uri": format!("/error?code={code}")}),
    )
}

/// Plain RFC 6749 error, as Unity's token endpoint answers (our contract).
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json_response(
        status,
        json!({"error": error, "error_description": description}),
    )
}

/// The error a route answers when a fault forces `status`, in that route's own envelope.
pub(crate) fn envelope_for_path(path: &str, status: StatusCode, message: &str) -> Response {
    let code = status.as_u16();
    if path.contains("/oauth2/v2.0/") {
        let (error, aadsts) = if code == 429 || code >= 500 {
            ("temporarily_unavailable", 90033)
        } else {
            ("invalid_request", 90100)
        };
        return aad_error(status, error, aadsts, message);
    }
    if path.starts_with("/v1/oauth2/") {
        let error = if code == 429 || code >= 500 {
            "temporarily_unavailable"
        } else {
            "invalid_request"
        };
        return oauth_error(status, error, message);
    }
    if path.starts_with("/v1.0/") || path.starts_with("/beta/") {
        return graph_error(status, graph_code_for(status), message);
    }
    if path.starts_with("/scim/") {
        let scim_type = if code == 429 { Some("tooMany") } else { None };
        return scim_error(status, scim_type, message);
    }
    if path.starts_with("/api/") || path.starts_with("/v1/") {
        return problem(status, &status.as_u16().to_string(), message);
    }
    (status, message.to_string()).into_response()
}

/// Reads the bearer token of a request, if any.
pub(crate) fn bearer(headers: &axum::http::HeaderMap) -> Option<String> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// Minimal HTML escaping for the sign-in pages.
pub(crate) fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

pub(crate) fn html_page(title: &str, body: &str) -> Response {
    let page = format!("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{}</title>\
<style>body{{font-family:sans-serif;max-width:32em;margin:3em auto}}button{{margin-right:1em}}</style></head><body>{body}</body></html>", html_escape(title));
    Response::builder()
        .status(200)
        .header("content-type", "text/html; charset=utf-8")
        .body(Body::from(page))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// Redirects to `redirect_uri` with `params` appended to its query.
pub(crate) fn redirect_with(redirect_uri: &str, params: &[(&str, &str)]) -> Response {
    match url::Url::parse(redirect_uri) {
        Ok(mut url) => {
            {
                let mut q = url.query_pairs_mut();
                for (k, v) in params {
                    q.append_pair(k, v);
                }
            }
            // 302 Found, as both identity providers answer (axum's Redirect::to is a 303).
            Response::builder()
                .status(StatusCode::FOUND)
                .header("location", url.as_str())
                .header("cache-control", "no-store, no-cache")
                .body(Body::empty())
                .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
        Err(_) => (StatusCode::BAD_REQUEST, "invalid redirect_uri").into_response(),
    }
}

/// Graph's answer to a path it does not know.
pub(crate) async fn graph_fallback(uri: axum::http::Uri) -> Response {
    let segment = uri
        .path()
        .trim_start_matches("/v1.0/")
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string();
    graph_error(
        StatusCode::BAD_REQUEST,
        "BadRequest",
        &format!("Resource not found for the segment '{segment}'."),
    )
}

/// The Unity admin API's answer to a path it does not know.
pub(crate) async fn problem_fallback(uri: axum::http::Uri) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "not_found",
        &format!("No resource at {}.", uri.path()),
    )
}

/// A form body, read whatever the Content-Type says: identity providers answer a malformed
/// request with their own error body, never with a framework's 415.
pub(crate) struct FormBody(pub std::collections::HashMap<String, String>);

impl<S: Send + Sync> axum::extract::FromRequest<S> for FormBody {
    type Rejection = Response;

    async fn from_request(
        request: axum::extract::Request,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Self(
            url::form_urlencoded::parse(&bytes).into_owned().collect(),
        ))
    }
}
