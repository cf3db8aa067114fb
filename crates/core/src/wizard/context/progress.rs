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
    /// The engine is waiting on purpose (replication, rate limits).
    Waiting {
        step: StepId,
        reason: String,
        #[ts(type = "number")]
        seconds: u64,
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

/// Runs `work` (one step's engine call) and reports each retry wait inside it as a
/// [`WizardProgress::Waiting`] for `step`, as it starts, so a throttled or flaky service shows
/// as a wait with its reason rather than a frozen step. Returns `work`'s output.
pub async fn reporting_retry_waits<F: std::future::Future>(
    step: StepId,
    progress: &dyn ProgressSink<WizardProgress>,
    work: F,
) -> F::Output {
    let (waits, mut heard) = tokio::sync::mpsc::unbounded_channel();
    let work = crate::http::observe_retry_waits(waits, work);
    tokio::pin!(work);
    loop {
        tokio::select! {
            biased;
            Some(wait) = heard.recv() => progress.report(WizardProgress::Waiting {
                step,
                reason: wait.describe(),
                seconds: wait.wait.as_secs_f64().ceil().max(1.0) as u64,
            }),
            output = &mut work => return output,
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
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
