//! In-test HTTP servers on 127.0.0.1:0 that are not the sandbox: any router served as it is,
//! and a SCIM server that keeps nothing it is sent.

use serde_json::{json, Value};

/// A SCIM server that answers every write as done and keeps nothing: Entra's Test Connection
/// passes and its creates "succeed", yet no user is ever there to read back. Serves
/// `{base}/Users` for any token; returns the base URL and the server task.
pub async fn black_hole_scim() -> (String, tokio::task::JoinHandle<()>) {
    use axum::response::IntoResponse;
    let scim = |status: axum::http::StatusCode, body: Value| {
        (
            status,
            [("content-type", "application/scim+json")],
            body.to_string(),
        )
            .into_response()
    };
    let empty = move || async move {
        scim(
            axum::http::StatusCode::OK,
            json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                   "totalResults": 0, "startIndex": 1, "itemsPerPage": 0, "Resources": []}),
        )
    };
    let created = move |axum::Json(mut user): axum::Json<Value>| async move {
        user["id"] = json!("lost-1");
        scim(axum::http::StatusCode::CREATED, user)
    };
    let router = axum::Router::new()
        .route("/scim/v2/Users", axum::routing::get(empty).post(created))
        .route("/scim/v2/Groups", axum::routing::get(empty));
    let (address, server) = serve(router).await;
    (format!("http://{address}/scim/v2"), server)
}

/// Serves an in-test HTTP server on 127.0.0.1:0; returns its address and task.
pub async fn serve(router: axum::Router) -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (address, server)
}
