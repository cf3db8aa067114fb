//! What a diagnosis reports: one result per check with its evidence, the cause and the fix,
//! plus the redaction that keeps the bearer token out of every string a report holds.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::explain::{explain, FailureKind};
use super::redact::Withhold;
use crate::redact::{redact_owned, WITHHELD};

/// How a check ended. Serialized flat into its check: `"outcome": "skipped", "reason": "…"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "outcome", rename_all = "camelCase")]
#[ts(export)]
pub enum Outcome {
    Pass,
    Warn,
    Fail,
    Skipped { reason: String },
}

/// One HTTP call (or connection attempt) as it happened, with the token redacted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Evidence {
    /// `GET https://host/scim/v2/…/Users?filter=…`, or `CONNECT host:443` for network steps.
    pub request: String,
    pub status: Option<u16>,
    pub elapsed_ms: u32,
    pub content_type: Option<String>,
    /// The first few hundred characters of the body, token redacted.
    pub body_excerpt: Option<String>,
    /// The server's correlation id (`request-id`, `x-request-id`, …) for a support ticket.
    pub request_id: Option<String>,
    pub retry_after: Option<String>,
    /// Where a 3xx pointed.
    pub location: Option<String>,
    /// The scheme a 401 asks for (`Bearer`, `Basic realm=…`).
    pub www_authenticate: Option<String>,
    /// A transport failure (timeout, refused, reset, TLS) in words.
    pub error: Option<String>,
}

/// Something a check learnt that is worth showing even when it passes ("patch supported: yes").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CheckResult {
    /// Stable kebab-case id, e.g. `test-connection-users`.
    pub id: String,
    pub title: String,
    #[serde(flatten)]
    #[ts(flatten)]
    pub outcome: Outcome,
    /// The catalogue entry that explains a warn or fail.
    pub failure: Option<FailureKind>,
    /// The cause in plain words (warn and fail only).
    pub cause: Option<String>,
    /// What to do about it (warn and fail only).
    pub fix: Option<String>,
    pub evidence: Vec<Evidence>,
    pub facts: Vec<Fact>,
    pub elapsed_ms: u32,
}

impl CheckResult {
    pub(crate) fn new(check: Check) -> Self {
        Self {
            id: check.id.to_string(),
            title: check.title.to_string(),
            outcome: Outcome::Pass,
            failure: None,
            cause: None,
            fix: None,
            evidence: Vec::new(),
            facts: Vec::new(),
            elapsed_ms: 0,
        }
    }

    pub(crate) fn skipped(check: Check, reason: impl Into<String>) -> Self {
        let mut result = Self::new(check);
        result.outcome = Outcome::Skipped {
            reason: reason.into(),
        };
        result
    }

    /// Marks the check failed with a catalogue entry; `detail` says what exactly was seen.
    pub(crate) fn fail(mut self, kind: FailureKind, detail: impl AsRef<str>) -> Self {
        self.set_finding(Outcome::Fail, kind, detail.as_ref());
        self
    }

    pub(crate) fn warn(mut self, kind: FailureKind, detail: impl AsRef<str>) -> Self {
        self.set_finding(Outcome::Warn, kind, detail.as_ref());
        self
    }

    fn set_finding(&mut self, outcome: Outcome, kind: FailureKind, detail: &str) {
        // The first finding wins: it is the one the rest of the check was judged on.
        if self.failure.is_some() && self.outcome == Outcome::Fail {
            return;
        }
        let explanation = explain(kind);
        let cause = if detail.is_empty() {
            explanation.cause.to_string()
        } else {
            format!("{} {}", explanation.cause, detail)
        };
        self.outcome = outcome;
        self.failure = Some(kind);
        self.cause = Some(cause);
        self.fix = Some(explanation.fix.to_string());
    }

    pub(crate) fn with_evidence(mut self, evidence: Evidence) -> Self {
        self.evidence.push(evidence);
        self
    }

    pub(crate) fn fact(mut self, label: impl Into<String>, value: impl Into<String>) -> Self {
        self.facts.push(Fact {
            label: label.into(),
            value: value.into(),
        });
        self
    }

    pub fn is_pass(&self) -> bool {
        self.outcome == Outcome::Pass
    }

    pub fn is_fail(&self) -> bool {
        self.outcome == Outcome::Fail
    }
}

impl Withhold for CheckResult {
    /// Keeps what the engine wrote (id, title, outcome, catalogue entry) and drops every text
    /// that may quote a server.
    fn withheld(self) -> Self {
        let outcome = match self.outcome {
            Outcome::Skipped { .. } => Outcome::Skipped {
                reason: WITHHELD.to_string(),
            },
            other => other,
        };
        Self {
            outcome,
            cause: self.cause.map(|_| WITHHELD.to_string()),
            fix: self.fix.map(|_| WITHHELD.to_string()),
            evidence: Vec::new(),
            facts: Vec::new(),
            ..self
        }
    }
}

impl Withhold for DiagnoseReport {
    fn withheld(self) -> Self {
        Self {
            url: redact_owned(self.url),
            checks: self.checks.into_iter().map(Withhold::withheld).collect(),
            ..self
        }
    }
}

/// A check's stable id and its human title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check {
    pub id: &'static str,
    pub title: &'static str,
}

/// A check the run will make, announced before it starts so a UI can list them all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlannedCheck {
    pub id: String,
    pub title: String,
}

/// Live progress of a diagnosis, in order: `planned` once, then per check `checkStarted` and
/// `checkFinished` (a skipped check may arrive finished without having started), with
/// `waiting` every few seconds while the endpoint keeps a call waiting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "event", rename_all = "camelCase")]
#[ts(export)]
pub enum DiagnoseProgress {
    Planned {
        checks: Vec<PlannedCheck>,
    },
    CheckStarted {
        id: String,
        title: String,
    },
    CheckFinished {
        result: CheckResult,
    },
    /// A call is out and the endpoint has not answered yet, repeated every few seconds while
    /// it lasts: "Waiting for the SCIM endpoint (127.0.0.1:4100) to answer GET /Users, …".
    Waiting {
        reason: String,
        /// How long the call has waited so far.
        #[ts(type = "number")]
        seconds: u64,
        /// Seconds before the call gives up.
        #[serde(rename = "leftSeconds")]
        #[ts(type = "number")]
        left_seconds: u64,
    },
}

/// Counts per outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DiagnoseSummary {
    pub passed: u32,
    pub warned: u32,
    pub failed: u32,
    pub skipped: u32,
}

impl DiagnoseSummary {
    /// "20 passed, 1 warning, 0 failed, 0 skipped": the counts in words, "warning" in the
    /// singular for one.
    pub fn in_words(&self) -> String {
        let warnings = if self.warned == 1 {
            "warning"
        } else {
            "warnings"
        };
        format!(
            "{} passed, {} {warnings}, {} failed, {} skipped",
            self.passed, self.warned, self.failed, self.skipped
        )
    }
}

/// The whole diagnosis: what the window shows, `--json` prints and support attaches to a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DiagnoseReport {
    /// The URL as given (it holds no secret).
    pub url: String,
    /// "…7Q2a": which token was used, never the token.
    pub token_hint: String,
    pub write_checks: bool,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub elapsed_ms: u32,
    pub cancelled: bool,
    pub summary: DiagnoseSummary,
    pub checks: Vec<CheckResult>,
}

impl DiagnoseReport {
    /// True when no check failed (warnings allowed): the CLI's exit code 0.
    pub fn passed(&self) -> bool {
        self.summary.failed == 0 && !self.cancelled
    }

    pub fn check(&self, id: &str) -> Option<&CheckResult> {
        self.checks.iter().find(|check| check.id == id)
    }

    pub(crate) fn summarize(checks: &[CheckResult]) -> DiagnoseSummary {
        let mut summary = DiagnoseSummary::default();
        for check in checks {
            match check.outcome {
                Outcome::Pass => summary.passed += 1,
                Outcome::Warn => summary.warned += 1,
                Outcome::Fail => summary.failed += 1,
                Outcome::Skipped { .. } => summary.skipped += 1,
            }
        }
        summary
    }

    /// The human report: a line per check (✓ pass, ! warn, ✗ fail, – skipped), then the cause
    /// and the fix indented.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "SCIM diagnosis of {} (token {}){}\n",
            self.url,
            self.token_hint,
            if self.write_checks {
                ", with write checks"
            } else {
                ""
            }
        );
        for check in &self.checks {
            out.push_str(&check_line(check));
        }
        let s = &self.summary;
        out.push_str(&format!(
            "\n{} in {} ms{}\n",
            s.in_words(),
            self.elapsed_ms,
            if self.cancelled { " (cancelled)" } else { "" }
        ));
        out
    }
}

/// A duration in whole milliseconds, the unit of every `elapsed_ms` here (saturates at
/// `u32::MAX`, about 49 days).
pub(crate) fn millis(duration: std::time::Duration) -> u32 {
    u32::try_from(duration.as_millis()).unwrap_or(u32::MAX)
}

/// One check as text: the line, then its cause, fix and the last evidence, indented.
pub fn check_line(check: &CheckResult) -> String {
    let (mark, suffix) = match &check.outcome {
        Outcome::Pass => ("✓", String::new()),
        Outcome::Warn => ("!", String::new()),
        Outcome::Fail => ("✗", String::new()),
        Outcome::Skipped { reason } => ("–", format!(" (skipped: {reason})")),
    };
    let mut out = format!("{mark} {:<34} {}{suffix}\n", check.id, check.title);
    if let Some(cause) = &check.cause {
        out.push_str(&format!("    cause: {cause}\n"));
    }
    if let Some(fix) = &check.fix {
        out.push_str(&format!("    fix:   {fix}\n"));
    }
    if !check.is_pass() {
        if let Some(evidence) = check.evidence.last() {
            let status = evidence
                .status
                .map(|s| s.to_string())
                .or_else(|| evidence.error.clone())
                .unwrap_or_default();
            out.push_str(&format!(
                "    seen:  {} → {} ({} ms)\n",
                evidence.request, status, evidence.elapsed_ms
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Check = Check {
        id: "a-check",
        title: "A check",
    };

    #[test]
    fn one_warning_is_said_in_the_singular() {
        let one = DiagnoseSummary {
            passed: 20,
            warned: 1,
            failed: 0,
            skipped: 0,
        };
        assert_eq!(one.in_words(), "20 passed, 1 warning, 0 failed, 0 skipped");
        let two = DiagnoseSummary { warned: 2, ..one };
        assert_eq!(two.in_words(), "20 passed, 2 warnings, 0 failed, 0 skipped");
    }

    #[test]
    fn outcome_serializes_flat_into_the_check() {
        let result = CheckResult::skipped(A, "not asked");
        let json = serde_json::to_value(&result).expect("serializes");
        assert_eq!(json["outcome"], "skipped");
        assert_eq!(json["reason"], "not asked");
        assert_eq!(json["id"], "a-check");
        let back: CheckResult = serde_json::from_value(json).expect("round-trips");
        assert_eq!(back, result);
    }

    #[test]
    fn a_failure_carries_cause_and_fix_from_the_catalogue() {
        let result = CheckResult::new(A).fail(FailureKind::TokenRejected, "(HTTP 401)");
        let json = serde_json::to_value(&result).expect("serializes");
        assert_eq!(json["outcome"], "fail");
        assert_eq!(json["failure"], "token-rejected");
        assert!(json["cause"]
            .as_str()
            .unwrap_or_default()
            .ends_with("(HTTP 401)"));
        assert!(json["fix"].as_str().is_some_and(|f| !f.is_empty()));
    }

    #[test]
    fn text_report_marks_each_outcome() {
        let checks = vec![
            CheckResult::new(A),
            CheckResult::new(A).warn(FailureKind::SlowResponses, ""),
            CheckResult::new(A).fail(FailureKind::WrongBaseUrl, ""),
            CheckResult::skipped(A, "why"),
        ];
        let report = DiagnoseReport {
            url: "https://x".into(),
            token_hint: "…abcd".into(),
            write_checks: false,
            started_at: String::new(),
            elapsed_ms: 3,
            cancelled: false,
            summary: DiagnoseReport::summarize(&checks),
            checks,
        };
        let text = report.to_text();
        for mark in ["✓ a-check", "! a-check", "✗ a-check", "– a-check"] {
            assert!(text.contains(mark), "{text}");
        }
        assert!(text.contains("    fix:"));
        assert!(!report.passed());
    }
}
