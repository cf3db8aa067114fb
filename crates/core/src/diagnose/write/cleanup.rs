//! Whatever the write checks create is deleted: at the end of the run (also after a failure
//! or a cancel, with calls that ignore the cancellation), and, if the whole diagnosis future
//! is dropped mid-way (a closed window), by a guard that spawns the deletes.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use reqwest::Method;

use crate::diagnose::calls::probe::Probe;
use crate::diagnose::output::explain::FailureKind;
use crate::diagnose::output::report::{Check, CheckResult};
use crate::diagnose::runner::Runner;

pub const CLEANUP: Check = Check {
    id: "write-cleanup",
    title: "Nothing the checks created is left behind",
};

/// What the checks created and have not deleted yet.
#[derive(Default)]
pub(crate) struct Created {
    pub users: Vec<String>,
    pub groups: Vec<String>,
}

/// Deletes what is left if the diagnosis future is dropped mid-way (a closed window).
pub(crate) struct CleanupGuard {
    pub probe: Arc<Probe>,
    pub created: Arc<Mutex<Created>>,
}

impl Drop for CleanupGuard {
    fn drop(&mut self) {
        let leftovers = match self.created.lock() {
            Ok(mut created) => std::mem::take(&mut *created),
            Err(_) => return,
        };
        if leftovers.users.is_empty() && leftovers.groups.is_empty() {
            return;
        }
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            let probe = self.probe.clone();
            handle.spawn(async move {
                delete_all(&probe, &leftovers).await;
            });
        }
    }
}

/// Deletes each created group, then each user; what could not be deleted, as `Users/{id}`.
async fn delete_all(probe: &Probe, created: &Created) -> Vec<String> {
    let mut left = Vec::new();
    for (kind, ids) in [("Groups", &created.groups), ("Users", &created.users)] {
        for id in ids {
            let url = probe.url(&format!("{kind}/{id}"), &[]);
            let exchange = probe.send_for_cleanup(Method::DELETE, url).await;
            if !exchange
                .status
                .is_some_and(|s| (200..300).contains(&s) || s == 404)
            {
                left.push(format!("{kind}/{id}"));
            }
        }
    }
    left
}

/// The last write check: deletes whatever is left, whatever happened before, ignoring the
/// cancellation; it fails when something could not be deleted.
pub(crate) async fn run_cleanup(probe: &Probe, runner: &Runner<'_>, created: &Mutex<Created>) {
    let started = Instant::now();
    runner.start(CLEANUP);
    let leftovers = match created.lock() {
        Ok(mut created) => std::mem::take(&mut *created),
        Err(_) => Created::default(),
    };
    let had = leftovers.users.len() + leftovers.groups.len();
    let left = delete_all(probe, &leftovers).await;
    let mut result = CheckResult::new(CLEANUP).fact("removed at the end", had.to_string());
    if !left.is_empty() {
        result = result.fail(
            FailureKind::CleanupIncomplete,
            format!("(left: {})", left.join(", ")),
        );
    }
    runner.finish(result, started);
}
