//! The orchestration: local checks, then DNS → TCP → TLS, then Entra's calls (the first three
//! together, the rest together once they show the endpoint is worth probing), the opt-in write
//! checks, and the audits over every call. Each check reports when it starts and ends.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::auth_checks::{self, AUTH_TOKEN_ACCEPTED, AUTH_WITHOUT_TOKEN, TOKEN_FORMAT};
use super::discovery::{self, DISCOVERY_CONFIG, DISCOVERY_RESOURCE_TYPES, DISCOVERY_SCHEMAS};
use super::error_shape::{self, CONTENT_TYPES, ERROR_SHAPE, RESPONSE_TIMES, UNKNOWN_USER_404};
use super::explain::FailureKind;
use super::match_queries::{self, MATCH_EXTERNAL_ID, MATCH_GROUP_QUOTED_NAME};
use super::network::{self, DNS, TCP_CONNECT, TLS_CERTIFICATE, TLS_VERSION};
use super::pagination::{self, PAGINATION_COUNT_ZERO, PAGINATION_FIRST_PAGE};
use super::probe::{millis, Probe};
use super::report::{
    Check, CheckResult, DiagnoseProgress, DiagnoseReport, Outcome, PlannedCheck, Redactor,
};
use super::resource_shape::{audit_resource_shapes, RESOURCE_SHAPE};
use super::test_connection::{self, TEST_CONNECTION_GROUPS, TEST_CONNECTION_USERS};
use super::url_shape::{self, URL_HTTPS, URL_PATH, URL_QUERY};
use super::write_checks::{run_write_checks, write_check_plan};
use crate::progress::ProgressSink;
use crate::Secret;

/// Per-call timeout unless the caller sets one: long enough for a slow gateway, short
/// enough that a hanging endpoint costs seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// What to diagnose. Holds the token, so it is neither `Serialize` nor printed in full.
#[derive(Debug, Clone)]
pub struct DiagnoseRequest {
    /// Entra's Tenant URL (the SCIM base connector URL).
    pub url: String,
    /// Entra's Secret Token, exactly as it would be pasted.
    pub token: Secret,
    /// Also create, change and delete a test user (and group): side effects, cleaned up.
    pub write_checks: bool,
    /// Per call.
    pub timeout: Duration,
    /// A domain the organization validated, for the test user. Without it, the domain of a
    /// listed user is used; without any, the write checks are skipped.
    pub test_domain: Option<String>,
    /// DER certificates trusted besides the public CAs (a private CA on purpose, tests).
    pub extra_roots_der: Vec<Vec<u8>>,
    /// Host → addresses, like curl's `--resolve`; an empty list makes the host not resolve.
    pub dns_overrides: Vec<(String, Vec<SocketAddr>)>,
}

impl DiagnoseRequest {
    pub fn new(url: impl Into<String>, token: Secret) -> Self {
        Self {
            url: url.into(),
            token,
            write_checks: false,
            timeout: DEFAULT_TIMEOUT,
            test_domain: None,
            extra_roots_der: Vec::new(),
            dns_overrides: Vec::new(),
        }
    }
}

/// The read-only checks in report order.
pub fn read_only_plan() -> Vec<Check> {
    vec![
        URL_HTTPS,
        URL_PATH,
        URL_QUERY,
        TOKEN_FORMAT,
        DNS,
        TCP_CONNECT,
        TLS_CERTIFICATE,
        TLS_VERSION,
        AUTH_TOKEN_ACCEPTED,
        AUTH_WITHOUT_TOKEN,
        TEST_CONNECTION_USERS,
        TEST_CONNECTION_GROUPS,
        MATCH_EXTERNAL_ID,
        MATCH_GROUP_QUOTED_NAME,
        DISCOVERY_CONFIG,
        DISCOVERY_RESOURCE_TYPES,
        DISCOVERY_SCHEMAS,
        PAGINATION_FIRST_PAGE,
        PAGINATION_COUNT_ZERO,
        UNKNOWN_USER_404,
        ERROR_SHAPE,
        CONTENT_TYPES,
        RESOURCE_SHAPE,
        RESPONSE_TIMES,
    ]
}

/// Reports each check to the sink as it starts and ends, redacted, and keeps the results.
pub(crate) struct Runner<'a> {
    sink: &'a dyn ProgressSink<DiagnoseProgress>,
    cancel: CancellationToken,
    redactor: Arc<Redactor>,
    results: Mutex<Vec<CheckResult>>,
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

    /// Runs one check unless the run was cancelled before it started.
    pub(crate) async fn run(
        &self,
        check: Check,
        work: impl std::future::Future<Output = CheckResult>,
    ) -> CheckResult {
        if self.cancel.is_cancelled() {
            return self.skip(check, "cancelled");
        }
        self.start(check);
        let started = Instant::now();
        let result = work.await;
        self.finish(result, started)
    }

    fn skip_all(&self, checks: &[Check], reason: &str) {
        for check in checks {
            self.skip(*check, reason);
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
    let mut plan = read_only_plan();
    if request.write_checks {
        plan.extend(write_check_plan());
    }
    sink.report(DiagnoseProgress::Planned {
        checks: plan
            .iter()
            .map(|c| PlannedCheck {
                id: c.id.to_string(),
                title: c.title.to_string(),
            })
            .collect(),
    });
    let runner = Runner {
        sink,
        cancel: cancel.clone(),
        redactor: redactor.clone(),
        results: Mutex::new(Vec::new()),
    };
    run_checks(&request, &runner, &plan, cancel.clone()).await;

    let mut checks = runner.results.into_inner().unwrap_or_default();
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

/// Everything after the plan, in dependency order; skips name the check that stopped them.
async fn run_checks(
    request: &DiagnoseRequest,
    runner: &Runner<'_>,
    plan: &[Check],
    cancel: CancellationToken,
) {
    let remaining = |done: &[Check]| -> Vec<Check> {
        plan.iter().copied().filter(|c| !done.contains(c)).collect()
    };
    let now = Instant::now();
    let shape = url_shape::check_url(&request.url);
    for result in shape.checks {
        runner.finish(result, now);
    }
    runner.finish(
        auth_checks::check_token_format(&request.token, chrono::Utc::now().timestamp()),
        now,
    );
    let local = [URL_HTTPS, URL_PATH, URL_QUERY, TOKEN_FORMAT];
    let Some(url) = shape.url else {
        runner.skip_all(&remaining(&local), "the Tenant URL could not be read");
        return;
    };

    let network_checks = [DNS, TCP_CONNECT, TLS_CERTIFICATE, TLS_VERSION];
    let network_started = Instant::now();
    for check in network_checks {
        runner.start(check);
    }
    let network = network::check_network(
        &url,
        request.timeout,
        &request.dns_overrides,
        &request.extra_roots_der,
    )
    .await;
    for result in network.checks {
        runner.finish(result, network_started);
    }
    let done: Vec<Check> = local.iter().chain(network_checks.iter()).copied().collect();
    if !network.reachable {
        let reason = format!(
            "{} failed, so Entra could not connect either",
            network.blocker.unwrap_or("the network check")
        );
        runner.skip_all(&remaining(&done), &reason);
        return;
    }
    let tls = match network::client_config(
        &request.extra_roots_der,
        &[&rustls::version::TLS13, &rustls::version::TLS12],
    ) {
        Ok(tls) => tls,
        Err(err) => {
            runner.skip_all(&remaining(&done), &format!("no TLS client: {err}"));
            return;
        }
    };
    let probe = match Probe::new(
        url,
        request.token.clone(),
        request.timeout,
        cancel.clone(),
        tls,
        &request.dns_overrides,
    ) {
        Ok(probe) => Arc::new(probe),
        Err(err) => {
            runner.skip_all(&remaining(&done), &format!("no HTTP client: {err}"));
            return;
        }
    };
    let guid = uuid::Uuid::new_v4().to_string();

    // Entra's first calls, together: they decide whether the rest is worth asking.
    let (accepted, _, users) = futures::join!(
        runner.run(
            AUTH_TOKEN_ACCEPTED,
            auth_checks::check_token_accepted(&probe, &request.token, &guid)
        ),
        runner.run(
            AUTH_WITHOUT_TOKEN,
            auth_checks::check_without_token(&probe, &guid)
        ),
        runner.run(
            TEST_CONNECTION_USERS,
            test_connection::check_users(&probe, &guid)
        ),
    );
    let second = [
        TEST_CONNECTION_GROUPS,
        MATCH_EXTERNAL_ID,
        MATCH_GROUP_QUOTED_NAME,
        DISCOVERY_CONFIG,
        DISCOVERY_RESOURCE_TYPES,
        DISCOVERY_SCHEMAS,
        PAGINATION_FIRST_PAGE,
        PAGINATION_COUNT_ZERO,
        UNKNOWN_USER_404,
    ];
    let accepted_blocks = accepted.is_fail()
        && !matches!(
            accepted.failure,
            Some(FailureKind::Throttled | FailureKind::ServerError)
        );
    let blocker = if accepted_blocks {
        Some(AUTH_TOKEN_ACCEPTED.id)
    } else if users.is_fail()
        && !matches!(
            users.failure,
            // Findings about the query itself, or passing trouble (a throttle, a 5xx): the
            // other checks still have something to say.
            Some(
                FailureKind::FilterRejected
                    | FailureKind::TestUserFound
                    | FailureKind::UnexpectedStatus
                    | FailureKind::Throttled
                    | FailureKind::ServerError
            )
        )
    {
        Some(TEST_CONNECTION_USERS.id)
    } else {
        None
    };
    if let Some(blocker) = blocker {
        let reason = format!("{blocker} failed: fix that first");
        runner.skip_all(&second, &reason);
        if request.write_checks {
            runner.skip_all(&write_check_plan(), &reason);
        }
    } else {
        let (groups, _, _, _, _, _, first_page, _, _) = futures::join!(
            runner.run(
                TEST_CONNECTION_GROUPS,
                test_connection::check_groups(&probe, &guid)
            ),
            runner.run(
                MATCH_EXTERNAL_ID,
                match_queries::check_external_id(&probe, &guid)
            ),
            runner.run(
                MATCH_GROUP_QUOTED_NAME,
                match_queries::check_group_quoted_name(&probe, &guid)
            ),
            runner.run(
                DISCOVERY_CONFIG,
                discovery::check_service_provider_config(&probe)
            ),
            runner.run(
                DISCOVERY_RESOURCE_TYPES,
                discovery::check_resource_types(&probe)
            ),
            runner.run(DISCOVERY_SCHEMAS, discovery::check_schemas(&probe)),
            async {
                if runner.cancel.is_cancelled() {
                    return (runner.skip(PAGINATION_FIRST_PAGE, "cancelled"), None);
                }
                runner.start(PAGINATION_FIRST_PAGE);
                let started = Instant::now();
                let page = pagination::check_first_page(&probe).await;
                (runner.finish(page.check, started), page.user_domain)
            },
            runner.run(PAGINATION_COUNT_ZERO, pagination::check_count_zero(&probe)),
            runner.run(
                UNKNOWN_USER_404,
                error_shape::check_unknown_user(&probe, &guid)
            ),
        );
        let groups_offered = matches!(groups.outcome, Outcome::Pass | Outcome::Warn)
            && groups.failure != Some(FailureKind::GroupsNotOffered);
        if request.write_checks {
            let domain = request.test_domain.clone().or(first_page.1);
            match domain {
                _ if users.is_fail() => runner.skip_all(
                    &write_check_plan(),
                    "test-connection-users failed: fix that first",
                ),
                _ if cancel.is_cancelled() => runner.skip_all(&write_check_plan(), "cancelled"),
                Some(domain) => {
                    run_write_checks(
                        probe.clone(),
                        runner,
                        &domain,
                        shape.compliance_flag,
                        groups_offered,
                    )
                    .await
                }
                None => runner.skip_all(
                    &write_check_plan(),
                    "no validated domain known for the test user: give one (--test-domain)",
                ),
            }
        }
    }

    let log = probe.log();
    let now = Instant::now();
    runner.finish(error_shape::audit_error_shape(&log), now);
    runner.finish(error_shape::audit_content_types(&log), now);
    runner.finish(audit_resource_shapes(&log), now);
    runner.finish(error_shape::audit_response_times(&log), now);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/diagnose.md is the guide support staff read: it must list every check and every
    /// failure kind the engine can report.
    #[test]
    fn the_guide_lists_every_check_and_every_failure_kind() {
        let guide = include_str!("../../../../docs/diagnose.md");
        let mut plan = read_only_plan();
        plan.extend(write_check_plan());
        for check in plan {
            assert!(
                guide.contains(&format!("`{}`", check.id)),
                "docs/diagnose.md does not list {}",
                check.id
            );
        }
        for kind in FailureKind::ALL {
            let name = serde_json::to_string(kind).unwrap_or_default();
            let name = name.trim_matches('"');
            assert!(
                guide.contains(&format!("`{name}`")),
                "docs/diagnose.md does not list {name}"
            );
        }
    }
}
