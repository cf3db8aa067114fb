//! What the steps report while they run and when they end. Everything here crosses to the
//! window (ts-rs) and into the CLI's JSON, so it holds facts only, never a `Secret`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::auth::DeviceCodePrompt;
use crate::problem::Problem;
use crate::progress::ProgressSink;

use crate::wizard::context::on_demand_outcome::ProvisionOnDemandOutcome;
use crate::wizard::context::step_id::StepId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum StepOutcome {
    /// Made something new.
    Created,
    /// Found it already there (or already done) and left it as it was.
    Reused,
    /// A check that succeeded, or an action that was done.
    Passed,
    Skipped,
    Failed,
}

/// Streamed while a step runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
#[ts(export)]
pub enum WizardProgress {
    StepStarted {
        step: StepId,
    },
    /// Something worth a line: "Found 2 organizations", "Waiting for Entra to replicate…".
    Note {
        step: StepId,
        message: String,
    },
    /// A device-code sign-in waits for the person.
    DeviceCode {
        prompt: DeviceCodePrompt,
    },
    /// The engine is waiting: on purpose (replication, rate limits), before a retry, or for
    /// a service to answer (repeated every few seconds while it lasts).
    Waiting {
        step: StepId,
        /// The whole sentence; when `left_seconds` is set it already names the time left.
        reason: String,
        /// How long this wait is; for a service yet to answer, how long it has waited.
        #[ts(type = "number")]
        seconds: u64,
        /// Seconds before the call's deadline, when the wait is bounded by one: a face
        /// shows `reason` alone and replaces the previous such line rather than adding one.
        #[serde(default, rename = "leftSeconds")]
        #[ts(type = "number | null")]
        left_seconds: Option<u64>,
    },
    /// One on-demand result, as soon as Entra returns it.
    UserProvisioned {
        index: u32,
        total: u32,
        /// Boxed: an outcome (steps, details, a problem) dwarfs every other event.
        outcome: Box<ProvisionOnDemandOutcome>,
    },
    StepFinished {
        report: StepReport,
    },
}

/// How a step ended: the CLI's `--json` entry and the window's step card.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StepReport {
    pub id: StepId,
    pub title: String,
    pub outcome: StepOutcome,
    /// What happened, in one sentence.
    pub summary: String,
    /// Why it failed (failed steps only).
    #[ts(optional = nullable)]
    pub cause: Option<String>,
    #[ts(optional = nullable)]
    pub fix: Option<String>,
    /// Non-secret facts: ids, token last four, timings.
    pub evidence: BTreeMap<String, String>,
    #[ts(optional = nullable)]
    pub problem: Option<Problem>,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

// Serialized by hand so its texts pass the gate (`crate::gate`) on the way out, whoever set
// them: the CLI's `--json`, the window and the reports all read this JSON.
impl Serialize for StepReport {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use crate::gate;
        use serde::ser::SerializeStruct;
        let mut map = serializer.serialize_struct("StepReport", 9)?;
        map.serialize_field("id", &self.id)?;
        map.serialize_field("title", &self.title)?;
        map.serialize_field("outcome", &self.outcome)?;
        map.serialize_field("summary", &gate::block(&self.summary))?;
        map.serialize_field("cause", &self.cause.as_deref().map(gate::block))?;
        map.serialize_field("fix", &self.fix.as_deref().map(gate::block))?;
        let evidence: BTreeMap<String, String> = self
            .evidence
            .iter()
            .map(|(key, value)| (gate::line(key), gate::block(value)))
            .collect();
        map.serialize_field("evidence", &evidence)?;
        map.serialize_field("problem", &self.problem)?;
        map.serialize_field("elapsedMs", &self.elapsed_ms)?;
        map.end()
    }
}

impl StepReport {
    pub fn success(
        id: StepId,
        outcome: StepOutcome,
        summary: impl Into<String>,
        evidence: BTreeMap<String, String>,
    ) -> Self {
        // A summary and its facts may name what a service called things (an organization,
        // an app, a job): text from outside, so it passes the gate for every face, the plain
        // CLI included, which prints these fields one by one.
        let evidence = evidence
            .into_iter()
            .map(|(key, value)| (crate::gate::line(&key), crate::gate::block(&value)))
            .collect();
        Self {
            id,
            title: id.title().to_string(),
            outcome,
            summary: crate::gate::block(&summary.into()),
            cause: None,
            fix: None,
            evidence,
            problem: None,
            elapsed_ms: 0,
        }
    }

    /// The report of a step that failed with `problem`. Every text it copies from the
    /// Problem passes the gate (`crate::gate`) here, since the plain CLI prints these fields
    /// one by one rather than through the Problem's own `Serialize`.
    pub fn failure(id: StepId, problem: Problem) -> Self {
        let info = problem.info();
        let mut evidence = BTreeMap::new();
        evidence.insert("kind".to_string(), problem.kind_name().to_string());
        if let Some(status) = info.detail.status {
            evidence.insert("status".to_string(), status.to_string());
        }
        // The request-id leak (a server quoting the token in its `request-id` header) came
        // from copying the raw detail fields here: the shown texts are the gated ones.
        for (key, value) in info.detail.shown_texts() {
            if matches!(key, "scimType" | "traceId" | "correlationId") {
                continue;
            }
            evidence.insert(key.to_string(), value);
        }
        Self {
            id,
            title: id.title().to_string(),
            outcome: StepOutcome::Failed,
            summary: crate::gate::block(&info.action),
            cause: Some(crate::gate::block(&info.cause)),
            fix: Some(crate::gate::block(&info.fix)),
            evidence,
            problem: Some(problem.clone()),
            elapsed_ms: 0,
        }
    }

    pub fn skipped(id: StepId, why: impl Into<String>) -> Self {
        Self::success(id, StepOutcome::Skipped, why, BTreeMap::new())
    }
}

/// Reports `message` on `step` as a [`WizardProgress::Note`]: a line worth showing while the
/// step runs ("Found 2 organizations").
pub(crate) fn note(
    progress: &dyn ProgressSink<WizardProgress>,
    step: StepId,
    message: impl Into<String>,
) {
    progress.report(WizardProgress::Note {
        step,
        message: crate::gate::block(&message.into()),
    });
}

/// Builds an evidence map from pairs, leaving out empty values.
pub fn evidence<const N: usize>(pairs: [(&str, Option<String>); N]) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .filter_map(|(key, value)| {
            value
                .filter(|v| !v.is_empty())
                .map(|v| (key.to_string(), v))
        })
        .collect()
}

/// Runs `work` (one step's engine call) and reports each retry wait inside it, and every few
/// seconds while a call waits for its answer, as a [`WizardProgress::Waiting`] for `step`, so
/// a throttled, flaky or silent service shows as a wait with its reason and countdown rather
/// than a frozen step. Returns `work`'s output.
pub async fn reporting_retry_waits<F: std::future::Future>(
    step: StepId,
    progress: &dyn ProgressSink<WizardProgress>,
    work: F,
) -> F::Output {
    reporting_waits_as(|| step, progress, work).await
}

/// [`reporting_retry_waits`] for work that runs several steps: each wait is reported for
/// the step `progress` last saw start.
pub async fn reporting_retry_waits_by_step<F: std::future::Future>(
    progress: &StepTracking<'_>,
    work: F,
) -> F::Output {
    reporting_waits_as(|| progress.current(), progress, work).await
}

async fn reporting_waits_as<F: std::future::Future>(
    step: impl Fn() -> StepId,
    progress: &dyn ProgressSink<WizardProgress>,
    work: F,
) -> F::Output {
    let (waits, mut heard) = tokio::sync::mpsc::unbounded_channel();
    // On the heap: a run of steps is one large future.
    let mut work = Box::pin(crate::http::observe_retry_waits(waits, work));
    loop {
        tokio::select! {
            biased;
            Some(wait) = heard.recv() => progress.report(waiting(step(), &wait)),
            output = &mut work => {
                // A wait reported in the work's last poll is still said.
                while let Ok(wait) = heard.try_recv() {
                    progress.report(waiting(step(), &wait));
                }
                return output;
            }
        }
    }
}

/// Reports a wait for the data folder's writer lock (`data_folder_lock`) as `step`'s
/// `waiting` event, so the window's step says whom it waits for and how long is left.
pub struct WriterWaitAsStep<'a> {
    pub step: StepId,
    pub sink: &'a dyn ProgressSink<WizardProgress>,
}

impl ProgressSink<crate::data_folder_lock::WaitingForWriter> for WriterWaitAsStep<'_> {
    fn report(&self, event: crate::data_folder_lock::WaitingForWriter) {
        self.sink.report(WizardProgress::Waiting {
            step: self.step,
            reason: event.message(),
            seconds: event.seconds_left,
            // Its message names the seconds left: one line that counts down.
            left_seconds: Some(event.seconds_left),
        });
    }
}

/// One wait or heartbeat of a call, as progress for `step`.
pub(crate) fn waiting(step: StepId, wait: &crate::http::RetryWait) -> WizardProgress {
    WizardProgress::Waiting {
        step,
        reason: wait.describe(),
        seconds: crate::http::whole_seconds(wait.wait).max(1),
        left_seconds: Some(crate::http::whole_seconds(wait.left)),
    }
}

/// A sink that passes every event on and remembers the step that started last, so waits
/// reported from deep inside a multi-step run land on the right step.
pub struct StepTracking<'a> {
    inner: &'a dyn ProgressSink<WizardProgress>,
    current: std::sync::Mutex<StepId>,
}

impl<'a> StepTracking<'a> {
    /// Passes events to `inner`; waits before any step started count for `first`.
    pub fn new(inner: &'a dyn ProgressSink<WizardProgress>, first: StepId) -> Self {
        Self {
            inner,
            current: std::sync::Mutex::new(first),
        }
    }

    /// The step that started last.
    pub fn current(&self) -> StepId {
        match self.current.lock() {
            Ok(step) => *step,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}

impl ProgressSink<WizardProgress> for StepTracking<'_> {
    fn report(&self, event: WizardProgress) {
        if let WizardProgress::StepStarted { step } = &event {
            match self.current.lock() {
                Ok(mut current) => *current = *step,
                Err(poisoned) => *poisoned.into_inner() = *step,
            }
        }
        self.inner.report(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer_wait(attempt: u32) -> crate::http::RetryWait {
        crate::http::RetryWait {
            kind: crate::http::WaitKind::Answer,
            host: "127.0.0.1:4100".into(),
            service: Some("the SCIM endpoint"),
            what: "GET /scim/v2/Users".into(),
            status: None,
            wait: std::time::Duration::from_secs(4),
            attempt,
            max_attempts: 3,
            left: std::time::Duration::from_millis(39_500),
        }
    }

    #[tokio::test]
    async fn waits_inside_a_multi_step_run_land_on_the_step_that_started_last() {
        let collected = crate::progress::CollectProgress::default();
        let tracking = StepTracking::new(&collected, StepId::SignInUnity);
        let steps = [
            StepId::ConnectorUrl,
            StepId::TestConnection,
            StepId::JobStatus,
        ];
        reporting_retry_waits_by_step(&tracking, async {
            for (index, step) in steps.into_iter().enumerate() {
                tracking.report(WizardProgress::StepStarted { step });
                crate::http::report_wait(answer_wait(index as u32 + 1));
                // A call yields while it waits; the wait is heard then.
                tokio::task::yield_now().await;
            }
            // Heard even when the work ends in the poll that reported it.
            crate::http::report_wait(answer_wait(3));
        })
        .await;
        let waits: Vec<(StepId, u64)> = collected
            .events()
            .into_iter()
            .filter_map(|event| match event {
                WizardProgress::Waiting {
                    step, left_seconds, ..
                } => Some((step, left_seconds.unwrap_or_default())),
                _ => None,
            })
            .collect();
        assert_eq!(
            waits,
            vec![
                (StepId::ConnectorUrl, 40),
                (StepId::TestConnection, 40),
                (StepId::JobStatus, 40),
                (StepId::JobStatus, 40)
            ]
        );
    }

    #[test]
    fn a_bounded_wait_crosses_as_json_with_its_countdown() {
        let event = waiting(StepId::ConnectorUrl, &answer_wait(2));
        assert_eq!(
            serde_json::to_value(&event).expect("json"),
            serde_json::json!({"type": "waiting", "step": "connectorUrl",
                "reason": "Waiting for the SCIM endpoint (127.0.0.1:4100) to answer GET /scim/v2/Users, try 2 of 3, 40 s left",
                "seconds": 4, "leftSeconds": 40})
        );
    }

    #[test]
    fn progress_is_tagged_by_type() {
        let event = WizardProgress::StepStarted {
            step: StepId::TestConnection,
        };
        assert_eq!(
            serde_json::to_value(&event).expect("json"),
            serde_json::json!({"type": "stepStarted", "step": "testConnection"})
        );
        let failed = StepReport::failure(
            StepId::EnterpriseApp,
            Problem::not_found(
                "Looking for the app",
                "No app named Unity.",
                "Let the app create it.",
            ),
        );
        let json = serde_json::to_value(&failed).expect("json");
        assert_eq!(json["outcome"], "failed");
        assert_eq!(json["cause"], "No app named Unity.");
        assert_eq!(json["evidence"]["kind"], "notFound");
    }

    /// The request-id leak: a server's `request-id` header quoting the token reached the
    /// plain CLI through the failed step's evidence, which copied the detail's raw fields.
    /// Every text of a failed step's report, in its fields and its JSON, passes the gate.
    #[test]
    fn a_failed_steps_report_shows_only_gated_text() {
        let token = "step-report-token-7e6d5c4b3a";
        crate::redact::register(token);
        for hostile in [
            format!("req-{token}"),
            format!("\u{1b}]0;{token}\u{7}"),
            "\u{1b}[2J\u{9b}1m\u{2067}x".to_string(),
        ] {
            let mut problem = Problem::credentials_rejected("a", "c", "f").with_detail(
                crate::problem::ProblemDetail {
                    request_id: Some(hostile.clone()),
                    graph_code: Some(hostile.clone()),
                    request: Some(format!("GET http://h/{hostile}")),
                    ..Default::default()
                },
            );
            problem.info_mut().cause = hostile.clone();
            let mut report = StepReport::failure(StepId::UnityCredentials, problem);
            let fields = [&report.summary, report.cause.as_ref().expect("cause")];
            for value in fields.into_iter().chain(report.evidence.values()) {
                assert!(
                    !value.contains(token) && crate::gate::is_clean(value),
                    "{value:?}"
                );
            }
            // Set after the fact, a field is still gated in the JSON.
            report.summary = hostile.clone();
            report.evidence.insert("from".into(), hostile.clone());
            let json = serde_json::to_string(&report).expect("serializes");
            assert!(!json.contains(token), "{json}");
            assert!(
                !json.contains("\\u001b") && !json.contains("\\u009b"),
                "{json}"
            );
            assert!(crate::gate::is_clean(&json), "{json}");
        }
    }
}
