//! The runner every phase reports through, read-only and write alike: each check announced as
//! it starts and reported, redacted, as it ends; the results kept for the report; a check not
//! yet started when the run is cancelled is skipped, not run.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio_util::sync::CancellationToken;

use crate::diagnose::calls::silence::Silence;
use crate::diagnose::output::redact::Redactor;
use crate::diagnose::output::report::{millis, Check, CheckResult, DiagnoseProgress};
use crate::progress::ProgressSink;

/// Reports each check to the sink as it starts and ends, redacted, and keeps the results.
pub(crate) struct Runner<'a> {
    sink: &'a dyn ProgressSink<DiagnoseProgress>,
    cancel: CancellationToken,
    redactor: Arc<Redactor>,
    results: Mutex<Vec<CheckResult>>,
    /// Set by the probe when a call waited out its bound: checks not started yet are skipped.
    silence: Arc<Silence>,
}

impl<'a> Runner<'a> {
    /// A runner that reports to `sink`, redacts with `redactor` and stops starting checks
    /// once `cancel` is cancelled.
    pub(crate) fn new(
        sink: &'a dyn ProgressSink<DiagnoseProgress>,
        cancel: CancellationToken,
        redactor: Arc<Redactor>,
    ) -> Self {
        Self {
            sink,
            cancel,
            redactor,
            results: Mutex::new(Vec::new()),
            silence: Arc::new(Silence::default()),
        }
    }

    /// What the probe records a silent endpoint in, so this runner skips what is left.
    pub(crate) fn silence(&self) -> Arc<Silence> {
        self.silence.clone()
    }
}

impl Runner<'_> {
    pub(crate) fn start(&self, check: Check) {
        self.sink.report(DiagnoseProgress::CheckStarted {
            id: check.id.to_string(),
            title: check.title.to_string(),
        });
    }

    pub(crate) fn finish(&self, result: CheckResult, started: Instant) -> CheckResult {
        let mut result = self.redactor.redact_all(result);
        if result.elapsed_ms == 0 {
            result.elapsed_ms = millis(started.elapsed());
        }
        self.sink.report(DiagnoseProgress::CheckFinished {
            result: result.clone(),
        });
        if let Ok(mut results) = self.results.lock() {
            results.push(result.clone());
        }
        result
    }

    pub(crate) fn skip(&self, check: Check, reason: &str) -> CheckResult {
        self.finish(CheckResult::skipped(check, reason), Instant::now())
    }

    /// Whether the run was cancelled: a check that has not started yet is skipped.
    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// Runs one check unless the run was cancelled, or the endpoint proved silent, before it
    /// started.
    pub(crate) async fn run(
        &self,
        check: Check,
        work: impl std::future::Future<Output = CheckResult>,
    ) -> CheckResult {
        if self.cancel.is_cancelled() {
            return self.skip(check, "cancelled");
        }
        if let Some(reason) = self.silence.reason() {
            return self.skip(check, &reason);
        }
        self.start(check);
        let started = Instant::now();
        let result = work.await;
        self.finish(result, started)
    }

    pub(crate) fn skip_all(&self, checks: &[Check], reason: &str) {
        for check in checks {
            self.skip(*check, reason);
        }
    }

    /// Every result reported so far, in the order they finished.
    pub(crate) fn into_results(self) -> Vec<CheckResult> {
        self.results.into_inner().unwrap_or_default()
    }
}
