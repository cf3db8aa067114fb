//! The fact that the endpoint proved silent (a call got no answer within the bound), shared by
//! the probe that sees it and the runner that then skips the checks still to come, so a
//! silent endpoint costs one bound, once, and is reported once as the first cause.

use std::sync::Mutex;

/// Why later checks are skipped, once a call waited out its whole bound.
#[derive(Debug, Default)]
pub(crate) struct Silence {
    reason: Mutex<Option<String>>,
}

impl Silence {
    /// Records the first silent call's `reason`; later ones keep the first.
    pub(crate) fn note(&self, reason: String) {
        if let Ok(mut slot) = self.reason.lock() {
            slot.get_or_insert(reason);
        }
    }

    /// The reason recorded, if a call proved the endpoint silent.
    pub(crate) fn reason(&self) -> Option<String> {
        self.reason.lock().ok().and_then(|slot| slot.clone())
    }
}
