//! The one-shot loopback redirect listener (RFC 8252 §7.3). It binds 127.0.0.1 on a free
//! port (and ::1 on the same port when the redirect names `localhost`, since a browser may
//! resolve either), serves connections concurrently under `ListenerLimits` (request size,
//! a read deadline per connection, a cap on open connections), accepts only `GET` on the
//! redirect path with the exact `state`, and stops on the first valid callback, on timeout or
//! on cancel. The attacks it withstands are tested in `crates/core/tests/it/loopback_attacks.rs`.

mod connections;
mod request;

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::errors::{explain, Provider};
use crate::problem::Problem;

pub use request::{judge, Callback, Verdict};

/// The bounds every connection to the listener lives within. `Default` gives the values the
/// app uses; tests shorten the deadline so a slow-sender attack ends quickly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListenerLimits {
    /// How long one connection may take to send its request head (and read the reply) before
    /// it is answered 408 and closed: a browser sends the whole head at once.
    pub read_deadline: Duration,
    /// The largest request head read, in bytes; a longer one is answered 431 and closed.
    pub max_head_bytes: usize,
    /// Connections served at the same time; one more closes the oldest (a stalled
    /// connection, since a browser's request is answered at once), so a flood of idle
    /// connections cannot keep the real callback out.
    pub max_connections: usize,
}

impl Default for ListenerLimits {
    fn default() -> Self {
        Self {
            read_deadline: Duration::from_secs(10),
            max_head_bytes: 16 * 1024,
            max_connections: 64,
        }
    }
}

/// A bound loopback listener, ready to hand its `redirect_uri` to the provider and `wait`.
pub struct LoopbackListener {
    listeners: Vec<TcpListener>,
    redirect_uri: String,
    path: String,
    limits: ListenerLimits,
}

/// What every connection is judged against.
struct Rules {
    path: String,
    state: String,
    limits: ListenerLimits,
}

impl LoopbackListener {
    /// Binds loopback for `template`, the registered redirect without a port, e.g.
    /// `http://localhost` or `http://127.0.0.1/callback`; the bound port is filled in.
    /// Errors: `bad_input` when the template is not an `http` URL on `localhost` or
    /// `127.0.0.1` (nothing else is ever bound), `unreachable` when loopback cannot be bound.
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
            limits: ListenerLimits::default(),
        })
    }

    /// Replaces the default `ListenerLimits` (tests shorten the read deadline).
    pub fn with_limits(mut self, limits: ListenerLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The redirect URI to send to the provider, with the bound port, e.g.
    /// `http://127.0.0.1:49152/callback`.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The addresses actually bound: always loopback (127.0.0.1, and ::1 for `localhost`).
    pub fn local_addrs(&self) -> Vec<SocketAddr> {
        self.listeners
            .iter()
            .filter_map(|listener| listener.local_addr().ok())
            .collect()
    }

    /// Waits up to `timeout` for the callback carrying `expected_state` and returns its
    /// authorization code. A provider error with the right state ends the wait with that error
    /// explained; requests with a wrong or missing state, another path or method, a repeated
    /// parameter, an oversized or too slow head are refused and ignored (they may be stray or
    /// forged). Errors: `timeout`, `cancelled`, or the provider's error explained. When it
    /// returns, the listener is closed: a replayed callback finds nobody listening.
    pub async fn wait(
        self,
        provider: Provider,
        expected_state: &str,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<String, Problem> {
        let (sender, mut receiver) = mpsc::channel::<Callback>(4);
        let rules = Arc::new(Rules {
            path: self.path,
            state: expected_state.to_string(),
            limits: self.limits,
        });
        let mut tasks = JoinSet::new();
        for listener in self.listeners {
            tasks.spawn(connections::accept_loop(
                listener,
                rules.clone(),
                sender.clone(),
            ));
        }
        drop(sender);
        let outcome = tokio::select! {
            _ = cancel.cancelled() => Err(Problem::cancelled_while(provider.action())),
            _ = tokio::time::sleep(timeout) => Err(Problem::timeout(
                provider.action(),
                format!("No answer came back from the browser within {}.", minutes_or_seconds(timeout)),
                "Start the sign-in again and finish it in the browser window that opens.",
            )),
            callback = receiver.recv() => match callback {
                Some(Callback::Code(code)) => Ok(code),
                Some(Callback::ProviderError { error, description }) => Err(explain(provider, &error, description.as_deref())),
                None => Err(Problem::server(provider.action(), "The sign-in listener stopped.", "Try again.")),
            },
        };
        // One-shot: the accept loops (and with them the sockets and every open connection)
        // are gone before this returns.
        tasks.shutdown().await;
        outcome
    }
}

fn minutes_or_seconds(duration: Duration) -> String {
    match duration.as_secs() {
        seconds if seconds >= 120 => format!("{} minutes", seconds / 60),
        seconds => format!("{seconds} seconds"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn the_timeout_reads_in_minutes_or_seconds() {
        assert_eq!(minutes_or_seconds(Duration::from_secs(300)), "5 minutes");
        assert_eq!(minutes_or_seconds(Duration::from_secs(30)), "30 seconds");
    }
}
