//! The phases of one diagnosis in dependency order: local checks, then DNS → TCP → TLS, then
//! Entra's calls (the first three together, the rest together once they show the endpoint is
//! worth probing), the opt-in write checks, and the audits over every call. A phase that stops
//! the run skips what is left of the plan, naming the check that stopped it.

use std::sync::Arc;
use std::time::Instant;

use tokio_util::sync::CancellationToken;
use url::Url;

use super::plan::{LOCAL, NETWORK, SECOND_CALLS};
use super::request::DiagnoseRequest;
use crate::diagnose::calls::probe::Probe;
use crate::diagnose::output::explain::FailureKind;
use crate::diagnose::output::report::{Check, CheckResult, Outcome};
use crate::diagnose::read_only::auth_checks::{self, AUTH_TOKEN_ACCEPTED, AUTH_WITHOUT_TOKEN};
use crate::diagnose::read_only::discovery::{
    self, DISCOVERY_CONFIG, DISCOVERY_RESOURCE_TYPES, DISCOVERY_SCHEMAS,
};
use crate::diagnose::read_only::error_shape::{self, UNKNOWN_USER_404};
use crate::diagnose::read_only::match_queries::{self, MATCH_EXTERNAL_ID, MATCH_GROUP_QUOTED_NAME};
use crate::diagnose::read_only::network;
use crate::diagnose::read_only::pagination::{self, PAGINATION_COUNT_ZERO, PAGINATION_FIRST_PAGE};
use crate::diagnose::read_only::resource_shape::audit_resource_shapes;
use crate::diagnose::read_only::test_connection::{
    self, TEST_CONNECTION_GROUPS, TEST_CONNECTION_USERS,
};
use crate::diagnose::read_only::url_shape;
use crate::diagnose::runner::Runner;
use crate::diagnose::write::lifecycle::{run_write_checks, write_check_plan};

/// Everything after the plan, in dependency order; skips name the check that stopped them.
pub(super) async fn run_checks(
    request: &DiagnoseRequest,
    runner: &Runner<'_>,
    plan: &[Check],
    cancel: CancellationToken,
) {
    let Some((url, compliance_flag)) = run_local_checks(request, runner, plan) else {
        return;
    };
    if !run_network_checks(request, runner, plan, &url).await {
        return;
    }
    let Some(probe) = open_probe(request, runner, plan, url, cancel) else {
        return;
    };
    let guid = uuid::Uuid::new_v4().to_string();
    let first = run_first_calls(request, runner, &probe, &guid).await;
    if let Some(blocker) = first.blocker() {
        let reason = format!("{blocker} failed: fix that first");
        runner.skip_all(&SECOND_CALLS, &reason);
        if request.write_checks {
            runner.skip_all(&write_check_plan(), &reason);
        }
    } else {
        let second = run_second_calls(runner, &probe, &guid).await;
        if request.write_checks {
            run_write_phase(
                request,
                runner,
                &probe,
                &first.users,
                second,
                compliance_flag,
            )
            .await;
        }
    }
    run_audits(runner, &probe);
}

/// The planned checks not reported yet: what a phase that stops the run skips.
fn remaining(plan: &[Check], done: &[Check]) -> Vec<Check> {
    plan.iter().copied().filter(|c| !done.contains(c)).collect()
}

/// The Tenant URL's shape and the token's form, judged without a call. The URL to call and
/// whether it carries `?aadOptscim062020`, or `None` (the rest skipped) when it cannot be read.
fn run_local_checks(
    request: &DiagnoseRequest,
    runner: &Runner<'_>,
    plan: &[Check],
) -> Option<(Url, bool)> {
    let now = Instant::now();
    let shape = url_shape::check_url(&request.url);
    for result in shape.checks {
        runner.finish(result, now);
    }
    runner.finish(
        auth_checks::check_token_format(&request.token, chrono::Utc::now().timestamp()),
        now,
    );
    match shape.url {
        Some(url) => Some((url, shape.compliance_flag)),
        None => {
            runner.skip_all(&remaining(plan, &LOCAL), "the Tenant URL could not be read");
            None
        }
    }
}

/// The checks a phase after the network ones skips when it stops the run.
fn after_network(plan: &[Check]) -> Vec<Check> {
    let done: Vec<Check> = LOCAL.iter().chain(NETWORK.iter()).copied().collect();
    remaining(plan, &done)
}

/// DNS → TCP → TLS, together. `false` (the rest skipped) when Entra could not connect either.
async fn run_network_checks(
    request: &DiagnoseRequest,
    runner: &Runner<'_>,
    plan: &[Check],
    url: &Url,
) -> bool {
    let network_started = Instant::now();
    for check in NETWORK {
        runner.start(check);
    }
    let network = network::check_network(
        url,
        request.timeout,
        &request.dns_overrides,
        &request.extra_roots_der,
    )
    .await;
    for result in network.checks {
        runner.finish(result, network_started);
    }
    if !network.reachable {
        let reason = format!(
            "{} failed, so Entra could not connect either",
            network.blocker.unwrap_or("the network check")
        );
        runner.skip_all(&after_network(plan), &reason);
    }
    network.reachable
}

/// The HTTP client every call of the run goes through, or `None` (the rest skipped) when it
/// cannot be built.
fn open_probe(
    request: &DiagnoseRequest,
    runner: &Runner<'_>,
    plan: &[Check],
    url: Url,
    cancel: CancellationToken,
) -> Option<Arc<Probe>> {
    let tls = match network::client_config(
        &request.extra_roots_der,
        &[&rustls::version::TLS13, &rustls::version::TLS12],
    ) {
        Ok(tls) => tls,
        Err(err) => {
            runner.skip_all(&after_network(plan), &format!("no TLS client: {err}"));
            return None;
        }
    };
    match Probe::new(
        url,
        request.token.clone(),
        request.timeout,
        cancel,
        tls,
        &request.dns_overrides,
        runner.silence(),
    ) {
        Ok(probe) => Some(Arc::new(probe)),
        Err(err) => {
            runner.skip_all(&after_network(plan), &format!("no HTTP client: {err}"));
            None
        }
    }
}

/// The results of Entra's first calls that decide whether the rest is worth asking.
struct FirstCalls {
    accepted: CheckResult,
    users: CheckResult,
}

impl FirstCalls {
    /// The check whose failure leaves the other calls nothing to say, if one failed that way.
    fn blocker(&self) -> Option<&'static str> {
        let accepted_blocks = self.accepted.is_fail()
            && !matches!(
                self.accepted.failure,
                Some(FailureKind::Throttled | FailureKind::ServerError)
            );
        if accepted_blocks {
            Some(AUTH_TOKEN_ACCEPTED.id)
        } else if self.users.is_fail()
            && !matches!(
                self.users.failure,
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
        }
    }
}

/// Entra's first calls, together: the token with and without, and Test Connection's query.
async fn run_first_calls(
    request: &DiagnoseRequest,
    runner: &Runner<'_>,
    probe: &Probe,
    guid: &str,
) -> FirstCalls {
    let (accepted, _, users) = futures::join!(
        runner.run(
            AUTH_TOKEN_ACCEPTED,
            auth_checks::check_token_accepted(probe, &request.token, guid)
        ),
        runner.run(
            AUTH_WITHOUT_TOKEN,
            auth_checks::check_without_token(probe, guid)
        ),
        runner.run(
            TEST_CONNECTION_USERS,
            test_connection::check_users(probe, guid)
        ),
    );
    FirstCalls { accepted, users }
}

/// What the second calls tell the write phase.
struct SecondCalls {
    /// `/Groups` answered: the group checks have something to write to.
    groups_offered: bool,
    /// The domain of a listed user, for the test user when no validated domain was given.
    user_domain: Option<String>,
}

/// The rest of Entra's read-only calls, together.
async fn run_second_calls(runner: &Runner<'_>, probe: &Probe, guid: &str) -> SecondCalls {
    let (groups, _, _, _, _, _, user_domain, _, _) = futures::join!(
        runner.run(
            TEST_CONNECTION_GROUPS,
            test_connection::check_groups(probe, guid)
        ),
        runner.run(
            MATCH_EXTERNAL_ID,
            match_queries::check_external_id(probe, guid)
        ),
        runner.run(
            MATCH_GROUP_QUOTED_NAME,
            match_queries::check_group_quoted_name(probe, guid)
        ),
        runner.run(
            DISCOVERY_CONFIG,
            discovery::check_service_provider_config(probe)
        ),
        runner.run(
            DISCOVERY_RESOURCE_TYPES,
            discovery::check_resource_types(probe)
        ),
        runner.run(DISCOVERY_SCHEMAS, discovery::check_schemas(probe)),
        run_first_page(runner, probe),
        runner.run(PAGINATION_COUNT_ZERO, pagination::check_count_zero(probe)),
        runner.run(
            UNKNOWN_USER_404,
            error_shape::check_unknown_user(probe, guid)
        ),
    );
    SecondCalls {
        groups_offered: matches!(groups.outcome, Outcome::Pass | Outcome::Warn)
            && groups.failure != Some(FailureKind::GroupsNotOffered),
        user_domain,
    }
}

/// The first page of users, which also yields a listed user's domain.
async fn run_first_page(runner: &Runner<'_>, probe: &Probe) -> Option<String> {
    if runner.is_cancelled() {
        runner.skip(PAGINATION_FIRST_PAGE, "cancelled");
        return None;
    }
    runner.start(PAGINATION_FIRST_PAGE);
    let started = Instant::now();
    let page = pagination::check_first_page(probe).await;
    runner.finish(page.check, started);
    page.user_domain
}

/// The opt-in write checks, when Test Connection passed, the run goes on and a domain for
/// the test user is known; otherwise each is skipped with the reason.
async fn run_write_phase(
    request: &DiagnoseRequest,
    runner: &Runner<'_>,
    probe: &Arc<Probe>,
    users: &CheckResult,
    second: SecondCalls,
    compliance_flag: bool,
) {
    let domain = request.test_domain.clone().or(second.user_domain);
    match domain {
        _ if users.is_fail() => runner.skip_all(
            &write_check_plan(),
            "test-connection-users failed: fix that first",
        ),
        _ if runner.is_cancelled() => runner.skip_all(&write_check_plan(), "cancelled"),
        Some(domain) => {
            run_write_checks(
                probe.clone(),
                runner,
                &domain,
                compliance_flag,
                second.groups_offered,
            )
            .await
        }
        None => runner.skip_all(
            &write_check_plan(),
            "no validated domain known for the test user: give one (--test-domain)",
        ),
    }
}

/// The audits over every call the run made, judged without another call.
fn run_audits(runner: &Runner<'_>, probe: &Probe) {
    let log = probe.log();
    let now = Instant::now();
    runner.finish(error_shape::audit_error_shape(&log), now);
    runner.finish(error_shape::audit_content_types(&log), now);
    runner.finish(audit_resource_shapes(&log), now);
    runner.finish(error_shape::audit_response_times(&log), now);
}
