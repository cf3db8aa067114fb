//! The one-shot loopback redirect listener (RFC 8252 §7.3). It binds 127.0.0.1 on a free
//! port (and ::1 on the same port when the redirect names `localhost`, since a browser may
//! resolve either), serves connections concurrently, caps each request's size and read time,
//! accepts only `GET` on the redirect path with the exact `state`, and stops on the first
//! valid callback, on timeout or on cancel.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::errors::{explain, Provider};
use crate::problem::Problem;

const MAX_REQUEST_BYTES: usize = 16 * 1024;
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// What the provider sent back to the redirect URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    Code(String),
    ProviderError {
        error: String,
        description: Option<String>,
    },
}

pub struct LoopbackListener {
    listeners: Vec<TcpListener>,
    redirect_uri: String,
    path: String,
}

impl LoopbackListener {
    /// `template` is the registered redirect without a port, e.g. `http://localhost` or
    /// `http://127.0.0.1/callback`; the bound port is filled in.
    pub async fn bind(template: &str) -> Result<Self, Problem> {
        let action = "Preparing the sign-in";
        let url = url::Url::parse(template).map_err(|_| {
            Problem::bad_input(
                action,
                format!("The redirect URI {template:?} is not a URL."),
                "Fix redirectUri in the cloud profile.",
            )
        })?;
        let host = url.host_str().unwrap_or("").to_string();
        if url.scheme() != "http" || !matches!(host.as_str(), "localhost" | "127.0.0.1") {
            return Err(Problem::bad_input(
                action,
                format!("The redirect URI {template:?} is not a loopback http address."),
                "Use http://localhost or http://127.0.0.1 (with an optional path) as the redirect URI.",
            ));
        }
        let v4 = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .map_err(|err| {
                Problem::unreachable(
                    action,
                    format!("Could not listen on 127.0.0.1: {err}."),
                    "Check that loopback networking works on this computer.",
                )
            })?;
        let port = v4
            .local_addr()
            .map_err(|err| {
                Problem::unreachable(
                    action,
                    format!("Could not read the listening port: {err}."),
                    "Try again.",
                )
            })?
            .port();
        let mut listeners = vec![v4];
        if host == "localhost" {
            // Best effort: IPv6 may be disabled, and 127.0.0.1 alone still serves most browsers.
            if let Ok(v6) = TcpListener::bind(SocketAddr::from((Ipv6Addr::LOCALHOST, port))).await {
                listeners.push(v6);
            }
        }
        let path = match url.path() {
            "" | "/" => "/".to_string(),
            other => other.to_string(),
        };
        let shown_path = if path == "/" {
            String::new()
        } else {
            path.clone()
        };
        Ok(Self {
            listeners,
            redirect_uri: format!("http://{host}:{port}{shown_path}"),
            path,
        })
    }

    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Waits for the callback carrying `expected_state`. A provider error with the right state
    /// ends the wait with that error explained; requests with a wrong state are refused and
    /// ignored (they may be stray or forged).
    pub async fn wait(
        self,
        provider: Provider,
        expected_state: &str,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<String, Problem> {
        let (sender, mut receiver) = mpsc::channel::<Callback>(4);
        let mut tasks = JoinSet::new();
        for listener in self.listeners {
            let sender = sender.clone();
            let path = self.path.clone();
            let state = expected_state.to_string();
            tasks.spawn(async move {
                let mut connections = JoinSet::new();
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        continue;
                    };
                    connections.spawn(serve(stream, path.clone(), state.clone(), sender.clone()));
                    while connections.try_join_next().is_some() {}
                }
            });
        }
        drop(sender);
        let outcome = tokio::select! {
            _ = cancel.cancelled() => Err(Problem::cancelled_while(provider.action())),
            _ = tokio::time::sleep(timeout) => Err(Problem::timeout(
                provider.action(),
                format!("No answer came back from the browser within {} minutes.", timeout.as_secs() / 60),
                "Start the sign-in again and finish it in the browser window that opens.",
            )),
            callback = receiver.recv() => match callback {
                Some(Callback::Code(code)) => Ok(code),
                Some(Callback::ProviderError { error, description }) => Err(explain(provider, &error, description.as_deref())),
                None => Err(Problem::server(provider.action(), "The sign-in listener stopped.", "Try again.")),
            },
        };
        // Dropping the JoinSet aborts the accept loops: the listener is one-shot.
        tasks.abort_all();
        outcome
    }
}

async fn serve(mut stream: TcpStream, path: String, state: String, sender: mpsc::Sender<Callback>) {
    let head = match tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await {
        Ok(Ok(head)) => head,
        Ok(Err(HeadError::TooLarge)) => {
            return respond(&mut stream, 431, "Request too large.").await
        }
        _ => return respond(&mut stream, 408, "Request timed out.").await,
    };
    let (status, body, callback) = judge(&head, &path, &state);
    respond(&mut stream, status, body).await;
    if let Some(callback) = callback {
        let _ = sender.send(callback).await;
    }
}

enum HeadError {
    TooLarge,
    Io,
}

async fn read_head(stream: &mut TcpStream) -> Result<String, HeadError> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let read = stream.read(&mut chunk).await.map_err(|_| HeadError::Io)?;
        if read == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..read]);
        if buffer.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
        if buffer.len() > MAX_REQUEST_BYTES {
            return Err(HeadError::TooLarge);
        }
    }
    Ok(String::from_utf8_lossy(&buffer).into_owned())
}

/// Decides the reply and whether the request is the callback. Pure, so it is unit-tested.
fn judge(
    head: &str,
    expected_path: &str,
    expected_state: &str,
) -> (u16, &'static str, Option<Callback>) {
    let request_line = head.lines().next().unwrap_or("");
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != expected_path {
        return (404, "Not found.", None);
    }
    if method != "GET" {
        return (405, "Method not allowed.", None);
    }
    let mut code = None;
    let mut state = None;
    let mut error = None;
    let mut description = None;
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "code" => {
                // Known to the redactor from the moment it arrives, whatever happens next.
                crate::redact::register(&value);
                code = Some(value.into_owned());
            }
            "state" => state = Some(value.into_owned()),
            "error" => error = Some(value.into_owned()),
            "error_description" => description = Some(value.into_owned()),
            _ => {}
        }
    }
    if state.as_deref() != Some(expected_state) {
        return (
            400,
            "This sign-in answer does not belong to the sign-in the app started. Close this tab.",
            None,
        );
    }
    if let Some(error) = error {
        return (
            200,
            "Sign-in did not complete. Return to scim-setup to see why.",
            Some(Callback::ProviderError { error, description }),
        );
    }
    match code {
        Some(code) if !code.is_empty() => (
            200,
            "Signed in. You can close this tab and return to scim-setup.",
            Some(Callback::Code(code)),
        ),
        _ => (400, "The sign-in answer carried no code.", None),
    }
}

async fn respond(stream: &mut TcpStream, status: u16, message: &str) {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        _ => "Request Header Fields Too Large",
    };
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>scim-setup</title></head><body><p>{message}</p></body></html>"
    );
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_get_on_the_path_with_the_exact_state_counts() {
        let ok = judge(
            "GET /?code=abc&state=s1 HTTP/1.1\r\nHost: x\r\n\r\n",
            "/",
            "s1",
        );
        assert_eq!(ok.2, Some(Callback::Code("abc".into())));
        assert_eq!(
            judge("GET /?code=abc&state=s2 HTTP/1.1\r\n\r\n", "/", "s1").0,
            400
        );
        assert_eq!(judge("GET /?code=abc HTTP/1.1\r\n\r\n", "/", "s1").0, 400);
        assert_eq!(
            judge("POST /?code=abc&state=s1 HTTP/1.1\r\n\r\n", "/", "s1").0,
            405
        );
        assert_eq!(judge("GET /favicon.ico HTTP/1.1\r\n\r\n", "/", "s1").0, 404);
        assert_eq!(
            judge("GET /callback?code=a&state=s1 HTTP/1.1\r\n\r\n", "/", "s1").0,
            404
        );
        let error = judge("GET /callback?error=access_denied&error_description=AADSTS65004%3A+declined&state=s1 HTTP/1.1\r\n\r\n", "/callback", "s1");
        assert_eq!(
            error.2,
            Some(Callback::ProviderError {
                error: "access_denied".into(),
                description: Some("AADSTS65004: declined".into())
            })
        );
    }

    #[tokio::test]
    async fn serves_concurrent_connections_and_stops_on_the_right_callback() {
        let listener = LoopbackListener::bind("http://127.0.0.1/callback")
            .await
            .expect("bind");
        let redirect = listener.redirect_uri().to_string();
        assert!(redirect.starts_with("http://127.0.0.1:") && redirect.ends_with("/callback"));
        let cancel = CancellationToken::new();
        let waiting = tokio::spawn(async move {
            listener
                .wait(Provider::Unity, "st", Duration::from_secs(10), &cancel)
                .await
        });
        let client = reqwest::Client::new();
        // A stalled connection must not block the others.
        let addr = redirect
            .trim_start_matches("http://")
            .trim_end_matches("/callback")
            .to_string();
        let _stalled = TcpStream::connect(&addr).await.expect("connect");
        let wrong = client
            .get(format!("{redirect}?code=x&state=other"))
            .send()
            .await
            .expect("wrong state");
        assert_eq!(wrong.status().as_u16(), 400);
        let right = client
            .get(format!("{redirect}?code=the-code&state=st"))
            .send()
            .await
            .expect("right state");
        assert_eq!(right.status().as_u16(), 200);
        let code = waiting.await.expect("join").expect("code");
        assert_eq!(code, "the-code");
        assert!(
            client
                .get(format!("{redirect}?code=y&state=st"))
                .send()
                .await
                .is_err(),
            "one-shot: closed after success"
        );
    }

    #[tokio::test]
    async fn times_out_and_cancels() {
        let listener = LoopbackListener::bind("http://localhost")
            .await
            .expect("bind");
        assert!(!listener.redirect_uri().ends_with('/'));
        let err = listener
            .wait(
                Provider::Microsoft,
                "s",
                Duration::from_millis(50),
                &CancellationToken::new(),
            )
            .await
            .expect_err("timeout");
        assert_eq!(err.kind_name(), "timeout");
        let listener = LoopbackListener::bind("http://localhost")
            .await
            .expect("bind");
        let cancel = CancellationToken::new();
        cancel.cancel();
        let err = listener
            .wait(Provider::Microsoft, "s", Duration::from_secs(5), &cancel)
            .await
            .expect_err("cancel");
        assert_eq!(err.kind_name(), "cancelled");
    }
}
