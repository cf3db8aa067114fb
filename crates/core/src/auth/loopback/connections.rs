//! The listener's accept loop and one connection's life: accept (backing off on errors rather
//! than spinning), evict the oldest connection past the cap, read the head within the deadline
//! and the size limit, answer with a fixed page, and pass a valid callback on.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::{AbortHandle, JoinSet};

use super::request::{judge, reply, Callback};
use super::Rules;

/// Where connections come from: the real `TcpListener`, or a stand-in in tests (to make
/// `accept` fail on purpose).
pub(super) trait Acceptor: Send + 'static {
    type Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static;
    fn accept(&mut self) -> impl Future<Output = std::io::Result<Self::Stream>> + Send;
}

impl Acceptor for TcpListener {
    type Stream = TcpStream;
    async fn accept(&mut self) -> std::io::Result<TcpStream> {
        TcpListener::accept(self).await.map(|(stream, _)| stream)
    }
}

/// The pause after the `failures`-th accept error in a row: 10 ms doubling up to 1 s. An
/// accept error that persists (too many open files) then costs a wake-up a second, not a core.
pub(super) fn accept_backoff(failures: u32) -> Duration {
    let exponent = failures.saturating_sub(1).min(7);
    Duration::from_millis(10 << exponent).min(Duration::from_secs(1))
}

/// Accepts until aborted, serving each connection on its own task.
pub(super) async fn accept_loop<A: Acceptor>(
    mut acceptor: A,
    rules: Arc<Rules>,
    sender: mpsc::Sender<Callback>,
) {
    let mut connections = JoinSet::new();
    let mut open: VecDeque<AbortHandle> = VecDeque::new();
    let mut failures = 0u32;
    loop {
        match acceptor.accept().await {
            Ok(stream) => {
                failures = 0;
                while connections.try_join_next().is_some() {}
                open.retain(|connection| !connection.is_finished());
                if open.len() >= rules.limits.max_connections.max(1) {
                    if let Some(oldest) = open.pop_front() {
                        oldest.abort();
                    }
                }
                open.push_back(connections.spawn(serve(stream, rules.clone(), sender.clone())));
            }
            Err(_) => {
                failures = failures.saturating_add(1);
                tokio::time::sleep(accept_backoff(failures)).await;
            }
        }
    }
}

async fn serve<S>(mut stream: S, rules: Arc<Rules>, sender: mpsc::Sender<Callback>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let deadline = rules.limits.read_deadline;
    let read = tokio::time::timeout(
        deadline,
        read_head(&mut stream, rules.limits.max_head_bytes),
    );
    let (status, message, callback) = match read.await {
        Ok(Ok(head)) => {
            let verdict = judge(&head, &rules.path, &rules.state);
            (verdict.status, verdict.message, verdict.callback)
        }
        Ok(Err(HeadError::TooLarge)) => (431, "The request was too large.", None),
        // The peer went away: nobody to answer.
        Ok(Err(HeadError::Io)) => return,
        Err(_) => (408, "The request took too long.", None),
    };
    let answer = async {
        stream.write_all(reply(status, message).as_bytes()).await?;
        stream.shutdown().await
    };
    let _ = tokio::time::timeout(deadline, answer).await;
    if let Some(callback) = callback {
        let _ = sender.send(callback).await;
    }
}

enum HeadError {
    TooLarge,
    Io,
}

/// Reads up to the blank line that ends an HTTP head (or the peer's end of stream).
async fn read_head<S: AsyncRead + Unpin>(stream: &mut S, max: usize) -> Result<String, HeadError> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let read = stream.read(&mut chunk).await.map_err(|_| HeadError::Io)?;
        if read == 0 {
            break;
        }
        // Only the new bytes (and the three before them) can complete the blank line, so a
        // sender trickling single bytes costs linear time, not quadratic.
        let from = buffer.len().saturating_sub(3);
        buffer.extend_from_slice(&chunk[..read]);
        if buffer[from..].windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
        if buffer.len() > max {
            return Err(HeadError::TooLarge);
        }
    }
    Ok(String::from_utf8_lossy(&buffer).into_owned())
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Instant;

    use tokio::io::DuplexStream;

    use super::super::ListenerLimits;
    use super::*;

    /// An accept that always fails, noting when it was called. After `calls` calls it never
    /// returns, so the test ends whether or not the loop backs off.
    struct FailingAccept {
        called_at: Arc<Mutex<Vec<Instant>>>,
        calls: usize,
    }

    impl Acceptor for FailingAccept {
        type Stream = DuplexStream;
        async fn accept(&mut self) -> std::io::Result<DuplexStream> {
            let made = self.called_at.lock().map(|mut at| {
                at.push(Instant::now());
                at.len()
            });
            if made.unwrap_or(usize::MAX) > self.calls {
                std::future::pending::<()>().await;
            }
            Err(std::io::Error::other("too many open files"))
        }
    }

    #[test]
    fn the_backoff_doubles_up_to_a_second() {
        let pauses: Vec<u64> = (1..=10)
            .map(|n| accept_backoff(n).as_millis() as u64)
            .collect();
        assert_eq!(pauses, [10, 20, 40, 80, 160, 320, 640, 1000, 1000, 1000]);
    }

    /// A sleep never ends early, so each gap between two failing accepts is at least the
    /// backoff; a loop that spins would show gaps of microseconds.
    #[tokio::test]
    async fn an_accept_error_backs_off_instead_of_spinning() {
        let called_at = Arc::new(Mutex::new(Vec::new()));
        let rules = Arc::new(Rules {
            path: "/".into(),
            state: "s".into(),
            limits: ListenerLimits::default(),
        });
        let (sender, _receiver) = mpsc::channel(1);
        let acceptor = FailingAccept {
            called_at: called_at.clone(),
            calls: 5,
        };
        let task = tokio::spawn(accept_loop(acceptor, rules, sender));
        loop {
            tokio::time::sleep(Duration::from_millis(20)).await;
            if called_at.lock().map(|at| at.len() > 5).unwrap_or(true) {
                break;
            }
        }
        task.abort();
        let at = called_at.lock().map(|at| at.clone()).unwrap_or_default();
        for (n, pair) in at.windows(2).enumerate() {
            let failures = u32::try_from(n + 1).unwrap_or(u32::MAX);
            assert!(
                pair[1] - pair[0] >= accept_backoff(failures),
                "accept {} came {:?} after the previous error",
                n + 2,
                pair[1] - pair[0]
            );
        }
    }

    #[tokio::test]
    async fn a_head_without_its_blank_line_stops_at_the_size_limit() {
        let (mut client, mut server) = tokio::io::duplex(64 * 1024);
        client
            .write_all(&vec![b'a'; 20 * 1024])
            .await
            .expect("write");
        assert!(matches!(
            read_head(&mut server, 16 * 1024).await,
            Err(HeadError::TooLarge)
        ));
    }
}
