//! Pacing calls to a service within its published rate: the limit itself (part of the
//! wizard's tuning) and a sliding-window limiter that on-demand provisioning and the preview
//! both use.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use crate::problem::Problem;

/// Calls allowed per window; Graph's documented limit is 5 per 10 s.
#[derive(Debug, Clone, Copy)]
pub struct RateLimit {
    pub calls: u32,
    pub window: Duration,
}

/// A sliding-window limiter: at most `calls` starts within any `window`.
pub(crate) struct Limiter {
    limit: RateLimit,
    starts: VecDeque<Instant>,
    not_before: Instant,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            starts: VecDeque::new(),
            not_before: Instant::now(),
        }
    }

    pub(crate) fn wait_time(&mut self) -> Duration {
        let now = Instant::now();
        while self
            .starts
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.limit.window)
        {
            self.starts.pop_front();
        }
        let by_window = if self.starts.len() as u32 >= self.limit.calls.max(1) {
            self.starts
                .front()
                .map(|t| (*t + self.limit.window).saturating_duration_since(now))
                .unwrap_or_default()
        } else {
            Duration::ZERO
        };
        by_window.max(self.not_before.saturating_duration_since(now))
    }

    pub(crate) fn started(&mut self) {
        self.starts.push_back(Instant::now());
    }

    /// Waits for the next free slot (quietly), then takes it; cancel ends the wait.
    pub(crate) async fn pace(
        &mut self,
        action: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Problem> {
        let wait = self.wait_time();
        if !wait.is_zero() {
            tokio::select! {
                _ = cancel.cancelled() => return Err(Problem::cancelled_while(action)),
                _ = tokio::time::sleep(wait) => {}
            }
        }
        self.started();
        Ok(())
    }

    /// The service said 429: nobody calls before `after` has passed.
    pub(crate) fn back_off(&mut self, after: Duration) {
        self.not_before = self.not_before.max(Instant::now() + after);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limiter_allows_five_per_window() {
        let mut limiter = Limiter::new(RateLimit {
            calls: 5,
            window: Duration::from_secs(10),
        });
        for _ in 0..5 {
            assert!(limiter.wait_time().is_zero());
            limiter.started();
        }
        let wait = limiter.wait_time();
        assert!(
            wait > Duration::from_secs(9) && wait <= Duration::from_secs(10),
            "{wait:?}"
        );
        limiter.back_off(Duration::from_secs(30));
        assert!(limiter.wait_time() > Duration::from_secs(29));
    }
}
