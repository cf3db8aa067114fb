//! One diagnosis from request to report: the plan announced, the phases run through one
//! runner, and the report assembled with every planned check in plan order, redacted.

use std::sync::Arc;
use std::time::Instant;

use tokio_util::sync::CancellationToken;

use super::phases::run_checks;
use super::plan::plan;
use super::request::DiagnoseRequest;
use crate::diagnose::output::redact::Redactor;
use crate::diagnose::output::report::{
    millis, CheckResult, DiagnoseProgress, DiagnoseReport, PlannedCheck,
};
use crate::diagnose::runner::Runner;
use crate::http::{observe_retry_waits, RetryWait, HEARTBEAT};
use crate::progress::ProgressSink;

/// Runs `work`, reporting the calls it keeps waiting as [`DiagnoseProgress::Waiting`]: at
/// most one line per heartbeat, however many calls wait together (Entra's first calls go
/// out at once), so a silent endpoint reads as one countdown.
async fn reporting_waits<F: std::future::Future>(
    sink: &dyn ProgressSink<DiagnoseProgress>,
    redactor: &Redactor,
    work: F,
) -> F::Output {
    let (waits, mut heard) = tokio::sync::mpsc::unbounded_channel::<RetryWait>();
    // On the heap: the whole diagnosis is one large future.
    let mut work = Box::pin(observe_retry_waits(waits, work));
    let mut last: Option<Instant> = None;
    loop {
        tokio::select! {
            biased;
            Some(wait) = heard.recv() => {
                if last.is_some_and(|at| at.elapsed() < HEARTBEAT / 2) {
                    continue;
                }
                last = Some(Instant::now());
                sink.report(DiagnoseProgress::Waiting {
                    reason: redactor.redact(&wait.describe()),
                    seconds: wait.wait.as_secs(),
                    left_seconds: wait.left.as_secs_f64().ceil() as u64,
                });
            }
            output = &mut work => return output,
        }
    }
}

/// Probes a SCIM endpoint the way Entra calls it. Never fails: every problem is a check in
/// the report. Cancel with `cancel`; whatever the write checks created is still deleted.
pub async fn diagnose(
    request: DiagnoseRequest,
    sink: &dyn ProgressSink<DiagnoseProgress>,
    cancel: CancellationToken,
) -> DiagnoseReport {
    let started = Instant::now();
    let started_at = chrono::Utc::now().to_rfc3339();
    let redactor = Arc::new(Redactor::new(&request.token));
    let plan = plan(request.write_checks);
    sink.report(DiagnoseProgress::Planned {
        checks: plan
            .iter()
            .map(|c| PlannedCheck {
                id: c.id.to_string(),
                title: c.title.to_string(),
            })
            .collect(),
    });
    let runner = Runner::new(sink, cancel.clone(), redactor.clone());
    reporting_waits(
        sink,
        &redactor,
        run_checks(&request, &runner, &plan, cancel.clone()),
    )
    .await;

    let mut checks = runner.into_results();
    // Anything planned that never reported (should not happen) is skipped, not missing.
    for check in &plan {
        if !checks.iter().any(|c| c.id == check.id) {
            checks.push(CheckResult::skipped(*check, "not reached"));
        }
    }
    checks.sort_by_key(|c| plan.iter().position(|p| p.id == c.id).unwrap_or(usize::MAX));
    let report = DiagnoseReport {
        url: request.url.trim().to_string(),
        token_hint: redactor.hint().to_string(),
        write_checks: request.write_checks,
        started_at,
        elapsed_ms: millis(started.elapsed()),
        cancelled: cancel.is_cancelled(),
        summary: DiagnoseReport::summarize(&checks),
        checks,
    };
    redactor.redact_all(report)
}
