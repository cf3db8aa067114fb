//! The sandbox's own clock. Every timer of the simulated clouds (device-code polling and
//! approval, code and token lifetimes, an app's replication lag, rate-limit windows, the sync
//! schedule) reads it instead of `Instant::now()`, so a test moves time on instead of sleeping.
//! It runs in real time until someone moves it; timestamps the clouds write (ISO dates, JWT
//! claims) stay on the wall clock.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::Notify;

#[derive(Default)]
pub(crate) struct Clock {
    /// How far the clock has been moved past real time.
    ahead: Mutex<Duration>,
    /// Wakes the sync-cycle loop when the clock moves, so a cycle that became due runs at once.
    pub moved: Notify,
}

impl Clock {
    /// Now, as the simulated clouds see it: real time plus every advance so far.
    pub fn now(&self) -> Instant {
        Instant::now() + self.ahead()
    }

    /// How far the clock runs ahead of real time.
    pub fn ahead(&self) -> Duration {
        *self
            .ahead
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Moves the clock `by` into the future; returns how far ahead of real time it now runs.
    pub fn advance(&self, by: Duration) -> Duration {
        let ahead = {
            let mut ahead = self
                .ahead
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            *ahead = ahead.saturating_add(by);
            *ahead
        };
        self.moved.notify_one();
        ahead
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_now_by_at_least_that_much_and_adds_up() {
        let clock = Clock::default();
        let before = Instant::now();
        assert_eq!(
            clock.advance(Duration::from_secs(5)),
            Duration::from_secs(5)
        );
        assert_eq!(
            clock.advance(Duration::from_secs(2)),
            Duration::from_secs(7)
        );
        assert!(clock.now() >= before + Duration::from_secs(7));
    }
}
