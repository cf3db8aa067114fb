//! How long work reports what it is doing. The engine talks to a `ProgressSink`; the app
//! adapts it to a Tauri channel, the CLI prints, and tests collect into a Vec.

use std::sync::Mutex;

/// Receives progress events of type `P` as they happen. Implementations must be cheap and
/// must not block: the engine calls them from inside its async work.
pub trait ProgressSink<P>: Send + Sync {
    fn report(&self, event: P);
}

/// Discards every event: for callers that only want the final result.
pub struct NoProgress;

impl<P> ProgressSink<P> for NoProgress {
    fn report(&self, _event: P) {}
}

/// Collects events in order; what tests assert on.
pub struct CollectProgress<P> {
    events: Mutex<Vec<P>>,
}

impl<P> Default for CollectProgress<P> {
    fn default() -> Self {
        Self {
            events: Mutex::new(Vec::new()),
        }
    }
}

impl<P: Clone> CollectProgress<P> {
    pub fn events(&self) -> Vec<P> {
        match self.events.lock() {
            Ok(events) => events.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

impl<P: Send> ProgressSink<P> for CollectProgress<P> {
    fn report(&self, event: P) {
        match self.events.lock() {
            Ok(mut events) => events.push(event),
            Err(poisoned) => poisoned.into_inner().push(event),
        }
    }
}

/// Adapts a closure, e.g. one that forwards to a Tauri channel or prints a line.
pub struct FnProgress<F>(pub F);

impl<P, F: Fn(P) + Send + Sync> ProgressSink<P> for FnProgress<F> {
    fn report(&self, event: P) {
        (self.0)(event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_in_order() {
        let sink = CollectProgress::default();
        sink.report(1);
        sink.report(2);
        assert_eq!(sink.events(), vec![1, 2]);
    }
}
