//! Hostile SCIM servers on 127.0.0.1:0 for the gate's tests (engine, CLI and window): one that
//! quotes the bearer token it received in every header we keep and in its error body, in
//! several encodings, among terminal escape sequences, bidi controls and markup; and one that
//! answers with gigabytes generated as they are sent. Bounded: the big answer is a stream that
//! ends at its size or when the client hangs up, and nothing is allocated for it.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine as _;
use serde_json::json;

/// Terminal sequences in the error body: CSI clear screen and home, colours, OSC set-title
/// (BEL- and ST-terminated), the 8-bit CSI U+009B and a DCS.
pub const ESCAPES: [&str; 6] = [
    "\u{1b}[2J\u{1b}[H",
    "\u{1b}[31;1m",
    "\u{1b}]0;pwned\u{7}",
    "\u{1b}]2;pwned\u{1b}\\",
    "\u{9b}0m",
    "\u{1b}Pq\u{1b}\\",
];

/// Bidi controls in the error body (UAX #9): an override, an isolate and a mark.
pub const BIDI: [char; 4] = ['\u{202E}', '\u{2067}', '\u{200F}', '\u{061C}'];

/// Markup in the error body, which the HTML report must escape.
pub const MARKUP: &str = "<script>alert(1)</script><img src=x onerror=alert(2)>";

/// How much the big server offers: 4 GiB, far past every bound the app sets.
pub const HUGE_BYTES: u64 = 4 * 1024 * 1024 * 1024;

fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// The token as the request carried it (`Authorization: Bearer …`), or empty.
fn bearer(headers: &HeaderMap) -> String {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .trim_start_matches("Bearer ")
        .to_string()
}

/// A 401 that quotes `token` everywhere: `request-id` as is (with a raw 0x9B byte after it),
/// `x-request-id` percent-encoded, `WWW-Authenticate` in base64, `Location` as is; the body's
/// `detail` as is, percent-encoded, base64, JSON-escaped and split by an escape sequence,
/// among terminal sequences, bidi controls and markup.
fn quoting_401(token: &str) -> Response {
    let b64 = base64::engine::general_purpose::STANDARD.encode(token);
    let (head, tail) = token.split_at(token.len() / 2);
    let detail = format!(
        "{clear}Invalid token {token} (percent {pct}, base64 {b64}, json {json}, split {head}{reset}{tail}) {bidi} {markup} {title}{c1}",
        clear = ESCAPES[0],
        pct = percent(token),
        json = token.replace('/', "\\/"),
        reset = ESCAPES[1],
        bidi = BIDI.iter().map(|c| format!("x{c}y")).collect::<String>(),
        markup = MARKUP,
        title = ESCAPES[2..4].concat(),
        c1 = ESCAPES[4..].concat(),
    );
    let body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                      "status": "401", "scimType": format!("invalid{}", ESCAPES[1]),
                      "detail": detail});
    let mut response = (
        StatusCode::UNAUTHORIZED,
        [("content-type", "application/scim+json")],
        body.to_string(),
    )
        .into_response();
    let headers = response.headers_mut();
    let mut request_id = format!("req-{token}").into_bytes();
    request_id.push(0x9b);
    let values = [
        ("request-id", HeaderValue::from_bytes(&request_id)),
        (
            "x-request-id",
            HeaderValue::from_str(&format!("x-{}", percent(token))),
        ),
        (
            "www-authenticate",
            HeaderValue::from_str(&format!(
                "Bearer realm=\"scim\", error=\"invalid_token\", error_description=\"{b64}\""
            )),
        ),
        (
            "location",
            HeaderValue::from_str(&format!("http://127.0.0.1/{token}")),
        ),
    ];
    for (name, value) in values {
        if let Ok(value) = value {
            headers.insert(name, value);
        }
    }
    response
}

/// Under `/quote/` answers every call with [`quoting_401`]; under `/entra/` answers our own
/// check like a healthy, empty SCIM server and Entra (its user agent) with the quoting 401.
async fn hostile(uri: axum::http::Uri, headers: HeaderMap) -> Response {
    let token = bearer(&headers);
    let from_entra = headers
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|agent| agent.starts_with("Microsoft Azure AD SCIM client"));
    if uri.path().starts_with("/quote/") || from_entra {
        return quoting_401(&token);
    }
    (
        StatusCode::OK,
        [("content-type", "application/scim+json")],
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
               "totalResults": 0, "startIndex": 1, "itemsPerPage": 0, "Resources": []})
        .to_string(),
    )
        .into_response()
}

/// Starts the quoting server; returns its base (`http://127.0.0.1:PORT`, to which a test adds
/// `/quote/scim/v2` or `/entra/scim/v2`) and its task.
pub async fn start_hostile_server() -> (String, tokio::task::JoinHandle<()>) {
    let (address, server) = super::stub_servers::serve(Router::new().fallback(hostile)).await;
    (format!("http://{address}"), server)
}

/// Panics, naming `what`, when `bytes` hold anything a terminal or a reader could be driven
/// by: an ESC (0x1B), a raw 0x9B, U+009B or any other C1 or C0 control but newline, tab and
/// carriage return, or a bidi control.
pub fn assert_no_controls(what: &str, bytes: &[u8]) {
    assert!(
        !bytes.contains(&0x1b),
        "{what} holds ESC: {}",
        String::from_utf8_lossy(bytes)
    );
    assert!(
        !bytes.contains(&0x9b),
        "{what} holds 0x9B: {}",
        String::from_utf8_lossy(bytes)
    );
    let text = String::from_utf8_lossy(bytes);
    let found: Vec<char> = text
        .chars()
        .filter(|c| {
            (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
                || BIDI.contains(c)
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}')
        })
        .collect();
    assert!(found.is_empty(), "{what} holds {found:?}: {text}");
}

/// Starts a server that answers every request with 200 and a chunked body of [`HUGE_BYTES`]
/// (a JSON string of `a`s), generated 64 KiB at a time from one buffer, and stops sending when
/// the client hangs up. Plain HTTP/1.1 on a socket, so nothing buffers the body. Returns the
/// SCIM base URL and the server task.
pub async fn start_huge_server() -> (String, tokio::task::JoinHandle<()>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let server = tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = vec![0u8; 16 * 1024];
                let _ = socket.read(&mut request).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/scim+json\r\n\
                            transfer-encoding: chunked\r\n\r\n";
                let mut framed = format!("{:x}\r\n", 64 * 1024).into_bytes();
                framed.extend(std::iter::repeat_n(b'a', 64 * 1024));
                framed.extend_from_slice(b"\r\n");
                let opening = b"f\r\n{\"Resources\":[\"\r\n";
                if socket.write_all(head.as_bytes()).await.is_err()
                    || socket.write_all(opening).await.is_err()
                {
                    return;
                }
                let mut sent = 0u64;
                while sent < HUGE_BYTES {
                    if socket.write_all(&framed).await.is_err() {
                        return;
                    }
                    sent += 64 * 1024;
                }
                let _ = socket.write_all(b"0\r\n\r\n").await;
            });
        }
    });
    (format!("http://{address}/huge/scim/v2"), server)
}
