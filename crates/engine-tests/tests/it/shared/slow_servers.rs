//! SCIM endpoints that keep a caller waiting, on 127.0.0.1:0, written on raw TCP so they can
//! misbehave below HTTP: one accepts and never answers, two drip a byte every second or so
//! (headers then a body that never ends; a status line that never ends), and one answers 503
//! with `Retry-After` every time. Each connection gives up by itself after [`LIFETIME`], so a
//! test that forgets to stop one leaves nothing running for long.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How long any one connection is kept open at most.
pub const LIFETIME: Duration = Duration::from_secs(120);

/// Between two dripped bytes: slower than nothing, faster than any timeout we set.
pub const DRIP: Duration = Duration::from_millis(1200);

/// How a server keeps its caller waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slowness {
    /// Accepts the connection, reads the request, never writes a byte.
    Silent,
    /// A full status line and headers announcing a large body, then a byte every [`DRIP`].
    DripBody,
    /// `HTTP/1.1 200 OK` and then reason-phrase bytes every [`DRIP`], never a line end.
    DripStatusLine,
    /// `503 Service Unavailable` with `Retry-After: N` (seconds) on every request.
    Unavailable { retry_after: u32 },
}

impl Slowness {
    /// Every kind, with a `Retry-After` short enough to retry within a short deadline.
    pub const ALL: [Slowness; 4] = [
        Slowness::Silent,
        Slowness::DripBody,
        Slowness::DripStatusLine,
        Slowness::Unavailable { retry_after: 1 },
    ];
}

/// A slow server: its SCIM base URL (`http://127.0.0.1:PORT/scim/v2`), how many requests it
/// has read, and its task (abort it when done).
pub struct SlowServer {
    pub base_url: String,
    pub host: String,
    pub requests: Arc<AtomicU32>,
    pub task: tokio::task::JoinHandle<()>,
}

impl SlowServer {
    pub fn requests(&self) -> u32 {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for SlowServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a server that behaves as `slowness` on every connection.
pub async fn start_slow_server(slowness: Slowness) -> SlowServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let requests = Arc::new(AtomicU32::new(0));
    let counted = requests.clone();
    let task = tokio::spawn(async move {
        let mut connections = tokio::task::JoinSet::new();
        while let Ok((stream, _)) = listener.accept().await {
            let counted = counted.clone();
            connections.spawn(async move {
                let _ = tokio::time::timeout(LIFETIME, serve(stream, slowness, counted)).await;
            });
        }
    });
    SlowServer {
        base_url: format!("http://{address}/scim/v2"),
        host: address.to_string(),
        requests,
        task,
    }
}

async fn serve(mut stream: TcpStream, slowness: Slowness, requests: Arc<AtomicU32>) {
    // Keep-alive: one request after another on the same connection, each read to its blank line.
    loop {
        if !read_request_head(&mut stream).await {
            return;
        }
        requests.fetch_add(1, Ordering::SeqCst);
        match slowness {
            Slowness::Silent => {
                // Hold the connection open, reading (and dropping) whatever else comes.
                let mut sink = [0u8; 1024];
                while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
                return;
            }
            Slowness::DripBody => {
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/scim+json\r\ncontent-length: 1000000\r\n\r\n";
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                drip(&mut stream, b" ").await;
                return;
            }
            Slowness::DripStatusLine => {
                if stream.write_all(b"HTTP/1.1 200 OK").await.is_err() {
                    return;
                }
                drip(&mut stream, b"K").await;
                return;
            }
            Slowness::Unavailable { retry_after } => {
                let body = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"503","detail":"busy"}"#;
                let answer = format!(
                    "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/scim+json\r\nretry-after: {retry_after}\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                );
                if stream.write_all(answer.as_bytes()).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// Writes `byte` every [`DRIP`] until the caller hangs up.
async fn drip(stream: &mut TcpStream, byte: &[u8]) {
    loop {
        tokio::time::sleep(DRIP).await;
        if stream.write_all(byte).await.is_err() || stream.flush().await.is_err() {
            return;
        }
    }
}

/// Reads one request's head (to the blank line; these tests send GETs without a body).
/// `false` when the caller hung up first.
async fn read_request_head(stream: &mut TcpStream) -> bool {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => return false,
        }
        if head.len() > 64 * 1024 {
            return false;
        }
    }
    true
}
