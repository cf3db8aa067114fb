//! A SCIM server that is not ours and quotes the `Authorization` header it received in its 401
//! body (to Entra only, or to everyone), and the checks that a text or every file of a folder
//! holds no form of its token. The engine's test and the CLI's test of an echoed token use both.

use std::path::Path;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine as _;
use serde_json::json;

use super::files::files_under;

/// Holds `/` and `+`, so its JSON-escaped, URL-encoded and base64 forms all differ.
pub const TOKEN: &str = "echo-token/3c7d+91ab-Authz-5Fp8=";

/// Under `/entra/` answers our replay like a healthy, empty SCIM server and Entra with a 401
/// that quotes the header in several encodings; under `/everyone/` quotes it to every caller.
async fn echo(uri: axum::http::Uri, headers: HeaderMap) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let authorization = header("authorization");
    let from_entra = header("user-agent").starts_with("Microsoft Azure AD SCIM client");
    if from_entra || uri.path().starts_with("/everyone/") {
        let bare = authorization.trim_start_matches("Bearer ");
        let detail = format!(
            "Invalid credentials. You sent Authorization: {authorization} \
             (base64 {}, urlencoded {})",
            base64::engine::general_purpose::STANDARD.encode(bare),
            url_encode(bare),
        );
        return scim(
            StatusCode::UNAUTHORIZED,
            json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                   "status": "401", "detail": detail}),
        );
    }
    if authorization != format!("Bearer {TOKEN}") {
        return scim(StatusCode::UNAUTHORIZED, json!({"status": "401"}));
    }
    scim(
        StatusCode::OK,
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
               "totalResults": 0, "startIndex": 1, "itemsPerPage": 0, "Resources": []}),
    )
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

fn scim(status: StatusCode, body: serde_json::Value) -> Response {
    (
        status,
        [("content-type", "application/scim+json")],
        body.to_string(),
    )
        .into_response()
}

/// The echo server's base: `…/entra/scim/v2` (echoes to Entra only) and `…/everyone/scim/v2`.
pub async fn start_echo_server() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let router = Router::new().fallback(echo);
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (format!("http://{address}"), server)
}

/// Every form of the token a leak could take.
fn leaks(text: &str) -> Vec<&'static str> {
    let forms = [
        ("raw", TOKEN.to_string()),
        (
            "base64",
            base64::engine::general_purpose::STANDARD.encode(TOKEN),
        ),
        ("urlencoded", url_encode(TOKEN)),
        ("json-escaped", TOKEN.replace('/', "\\/")),
        ("middle", "3c7d+91ab-Authz".to_string()),
    ];
    forms
        .into_iter()
        .filter(|(_, form)| text.contains(form.as_str()))
        .map(|(name, _)| name)
        .collect()
}

/// Panics, naming `what` and the form found, when `text` holds the token in any form.
pub fn assert_clean(what: &str, text: &str) {
    let found = leaks(text);
    assert!(
        found.is_empty(),
        "{what} holds the token ({found:?}): {text}"
    );
}

/// [`assert_clean`] over every file under `dir`, each read as (lossy) UTF-8.
pub fn assert_folder_clean(dir: &Path) {
    for path in files_under(dir) {
        let bytes = std::fs::read(&path).unwrap_or_default();
        assert_clean(
            &path.display().to_string(),
            &String::from_utf8_lossy(&bytes),
        );
    }
}
