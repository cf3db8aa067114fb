//! What a call says while nothing seems to move: a retry wait as it starts, and a heartbeat
//! every [`HEARTBEAT`] while a try waits for its answer or a wait runs, each with the time
//! left before the call's deadline. They reach whoever observes them through a task-local
//! ([`observe_retry_waits`]), so no engine function needs a progress argument to be heard.

use std::future::Future;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

/// How often a waiting call says it is still waiting: under the 5 s a person waits before
/// thinking the app froze.
pub const HEARTBEAT: Duration = Duration::from_secs(2);

/// What the call is doing while the person waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitKind {
    /// A try failed in a way worth another; the call sleeps before the next try.
    Retry,
    /// A try is out and no (complete) answer has come yet.
    Answer,
}

/// A wait, as it starts and then every [`HEARTBEAT`] while it lasts: what the person is told
/// while nothing seems to move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryWait {
    /// A retry wait or a try waiting for its answer.
    pub kind: WaitKind,
    /// The host (and port, when the URL names one) that is waited for, e.g.
    /// `graph.microsoft.com` or `127.0.0.1:4100`.
    pub host: String,
    /// What the host is to a person ("the SCIM endpoint"), when the caller said so.
    pub service: Option<&'static str>,
    /// The method and path waited on, e.g. `GET /scim/v2/Users` (never the query, which
    /// may quote a person's name).
    pub what: String,
    /// The status that asked for the wait (429, 502, 503, 504); `None` after a connection
    /// failure or timeout, and while waiting for an answer.
    pub status: Option<u16>,
    /// [`WaitKind::Retry`]: what is left of the wait (the service's `Retry-After`, else the
    /// backoff). [`WaitKind::Answer`]: how long this try has waited so far.
    pub wait: Duration,
    /// The try that failed, or the try that is out (1 for the first).
    pub attempt: u32,
    /// Tries in all before the call gives up.
    pub max_attempts: u32,
    /// Time left before the call's deadline.
    pub left: Duration,
}

impl RetryWait {
    /// Who is waited for: "the SCIM endpoint (127.0.0.1:4100)", or the host alone.
    pub fn who(&self) -> String {
        match self.service {
            Some(service) => format!("{service} ({})", self.host),
            None => self.host.clone(),
        }
    }

    /// A sentence for a person: who is waited for, which try, and the seconds left before
    /// the call gives up, e.g. "Waiting for the SCIM endpoint (127.0.0.1:4100) to answer GET
    /// /Users, try 2 of 3, 40 s left".
    pub fn describe(&self) -> String {
        let left = whole_seconds(self.left);
        match self.kind {
            WaitKind::Answer => format!(
                "Waiting for {} to answer {}, try {} of {}, {left} s left",
                self.who(),
                self.what,
                self.attempt,
                self.max_attempts
            ),
            WaitKind::Retry => {
                let why = match self.status {
                    Some(429) => format!(
                        "{} is throttling requests (429 Too Many Requests)",
                        self.who()
                    ),
                    Some(status) => format!(
                        "{} is unavailable for the moment (HTTP {status})",
                        self.who()
                    ),
                    None => format!("{} did not answer or could not be reached", self.who()),
                };
                let sentence = format!(
                    "{why}; trying again after a {} s wait (try {} of {}), {left} s left",
                    whole_seconds(self.wait),
                    self.attempt + 1,
                    self.max_attempts
                );
                capitalized(&sentence)
            }
        }
    }
}

/// `text` with its first letter upper-case, to open a sentence.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Seconds for a person, rounded up so "0 s left" never shows while time is left.
pub(crate) fn whole_seconds(duration: Duration) -> u64 {
    duration.as_secs_f64().ceil() as u64
}

tokio::task_local! {
    /// Where [`Http::send`](super::Http::send) reports its waits inside [`observe_retry_waits`].
    static RETRY_WAITS: tokio::sync::mpsc::UnboundedSender<RetryWait>;
}

/// Runs `work`, sending every retry wait and heartbeat a call inside it reports to `waits`
/// (requests in tasks that `work` spawns are not observed). Returns `work`'s output.
pub async fn observe_retry_waits<F: Future>(
    waits: tokio::sync::mpsc::UnboundedSender<RetryWait>,
    work: F,
) -> F::Output {
    RETRY_WAITS.scope(waits, work).await
}

/// Whether anyone observes waits here: heartbeats cost nothing when no one listens.
pub(crate) fn is_observed() -> bool {
    RETRY_WAITS.try_with(|_| ()).is_ok()
}

/// Sends `wait` to the observer of this task, if there is one.
pub(crate) fn report_wait(wait: RetryWait) {
    let _ = RETRY_WAITS.try_with(|waits| waits.send(wait));
}

/// Runs `work` and, every `period` until it ends, reports `beat()` (called with the time
/// since `work` started); `None` when `cancel` fired first.
pub(crate) async fn with_heartbeats<F: Future>(
    work: F,
    period: Duration,
    beat: impl Fn(Duration) -> RetryWait,
    cancel: &CancellationToken,
) -> Option<F::Output> {
    let observed = is_observed();
    let started = tokio::time::Instant::now();
    let mut ticks = tokio::time::interval_at(started + period, period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // On the heap: a call's future is large, and Diagnose runs a dozen of them side by side.
    let mut work = Box::pin(work);
    loop {
        tokio::select! {
            biased;
            _ = cancel.cancelled() => return None,
            output = &mut work => return Some(output),
            _ = ticks.tick(), if observed => report_wait(beat(started.elapsed())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait(kind: WaitKind, status: Option<u16>, service: Option<&'static str>) -> RetryWait {
        RetryWait {
            kind,
            host: "127.0.0.1:4100".into(),
            service,
            what: "GET /scim/v2/Users".into(),
            status,
            wait: Duration::from_millis(1500),
            attempt: 2,
            max_attempts: 3,
            left: Duration::from_millis(39_200),
        }
    }

    #[test]
    fn every_wait_names_who_which_try_and_the_time_left() {
        let answer = wait(WaitKind::Answer, None, Some("the SCIM endpoint"));
        assert_eq!(
            answer.describe(),
            "Waiting for the SCIM endpoint (127.0.0.1:4100) to answer GET /scim/v2/Users, try 2 of 3, 40 s left"
        );
        for status in [Some(429), Some(503), None] {
            for service in [Some("the SCIM endpoint"), None] {
                let said = wait(WaitKind::Retry, status, service).describe();
                assert!(said.contains("127.0.0.1:4100"), "{said}");
                assert!(said.contains("a 2 s wait (try 3 of 3)"), "{said}");
                assert!(
                    said.starts_with(char::is_uppercase) || said.starts_with("127"),
                    "{said}"
                );
                assert!(said.ends_with("40 s left"), "{said}");
            }
        }
    }

    #[tokio::test]
    async fn a_slow_call_beats_every_period_until_it_ends() {
        let (sender, mut heard) = tokio::sync::mpsc::unbounded_channel();
        let cancel = CancellationToken::new();
        let beat = |waited: Duration| RetryWait {
            wait: waited,
            ..wait(WaitKind::Answer, None, None)
        };
        let period = Duration::from_millis(40);
        let slow = tokio::time::sleep(period * 6);
        let done = observe_retry_waits(sender, with_heartbeats(slow, period, beat, &cancel)).await;
        assert!(done.is_some());
        let mut beats = Vec::new();
        while let Ok(wait) = heard.try_recv() {
            beats.push(wait.wait);
        }
        // A beat per period while the work runs (at least two of the five in between), each
        // later than the one before and never before its period.
        assert!(beats.len() >= 2, "{beats:?}");
        assert!(beats.windows(2).all(|pair| pair[0] < pair[1]), "{beats:?}");
        assert!(beats[0] >= period, "{beats:?}");

        // Unobserved, nothing is sent and the work still ends.
        let quiet = with_heartbeats(tokio::time::sleep(period * 3), period, beat, &cancel).await;
        assert!(quiet.is_some());
        cancel.cancel();
        let stopped = with_heartbeats(std::future::pending::<()>(), period, beat, &cancel).await;
        assert!(stopped.is_none());
    }
}
