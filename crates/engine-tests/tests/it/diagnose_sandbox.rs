//! `diagnose::diagnose` against the sandbox's Unity SCIM: healthy, then one test per failure row
//! with the fault that produces it, asserting the check, its cause and its fix. Every report
//! is also searched for the token, in JSON and in text.

use std::time::Duration;

use scim_core::diagnose::{
    diagnose, DiagnoseProgress, DiagnoseReport, DiagnoseRequest, FailureKind, Outcome,
};
use scim_core::progress::{CollectProgress, FnProgress, NoProgress};
use scim_core::Secret;
use scim_sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

struct Env {
    sandbox: Sandbox,
    profile: Value,
}

impl Env {
    async fn start(faults: &[&str]) -> Self {
        let sandbox = scim_sandbox::start(SandboxConfig {
            faults: faults.iter().map(|f| f.to_string()).collect(),
            ..Default::default()
        })
        .await
        .expect("sandbox starts");
        let profile = sandbox.profile();
        Self { sandbox, profile }
    }

    fn fact(&self, name: &str) -> String {
        self.profile["sandbox"][name]
            .as_str()
            .unwrap_or_else(|| panic!("profile has sandbox.{name}"))
            .to_string()
    }

    fn request(&self) -> DiagnoseRequest {
        let mut request = DiagnoseRequest::new(
            self.fact("scimBaseUrl"),
            Secret::new(self.fact("scimBearerToken")),
        );
        request.timeout = Duration::from_secs(2);
        request
    }

    async fn scim_users(&self) -> u64 {
        let state: Value = reqwest::get(format!("{}/state", self.fact("control")))
            .await
            .expect("state answers")
            .json()
            .await
            .expect("state is JSON");
        state["scimUsers"].as_u64().expect("scimUsers is a number")
    }

    async fn run(&self, request: DiagnoseRequest) -> DiagnoseReport {
        let token = request.token.expose().to_string();
        let report = diagnose(request, &NoProgress, CancellationToken::new()).await;
        assert_token_absent(&report, &token);
        report
    }

    async fn shutdown(self) {
        self.sandbox.shutdown().await;
    }
}

fn assert_token_absent(report: &DiagnoseReport, token: &str) {
    let bare = token.trim().trim_start_matches("Bearer ").trim();
    let json = serde_json::to_string(report).expect("report serializes");
    let text = report.to_text();
    assert!(
        !json.contains(bare),
        "the token leaked into the JSON report"
    );
    assert!(
        !text.contains(bare),
        "the token leaked into the text report"
    );
}

/// Asserts a check ended with this outcome and catalogue row, and that it says why and what to do.
fn assert_check(
    report: &DiagnoseReport,
    id: &str,
    outcome: Outcome,
    kind: FailureKind,
    fix_mentions: &str,
) {
    let check = report
        .check(id)
        .unwrap_or_else(|| panic!("check {id} in report:\n{}", report.to_text()));
    assert_eq!(check.outcome, outcome, "{id}:\n{}", report.to_text());
    assert_eq!(check.failure, Some(kind), "{id}:\n{}", report.to_text());
    let cause = check.cause.as_deref().unwrap_or_default();
    let fix = check.fix.as_deref().unwrap_or_default();
    assert!(!cause.is_empty(), "{id} has a cause");
    assert!(
        fix.to_lowercase().contains(&fix_mentions.to_lowercase()),
        "{id}: fix {fix:?} should mention {fix_mentions:?}"
    );
}

fn outcome(report: &DiagnoseReport, id: &str) -> Outcome {
    report
        .check(id)
        .unwrap_or_else(|| panic!("check {id} in report"))
        .outcome
        .clone()
}

#[tokio::test]
async fn a_healthy_endpoint_passes_every_check() {
    let env = Env::start(&[]).await;
    let sink = CollectProgress::<DiagnoseProgress>::default();
    let request = env.request();
    let token = request.token.expose().to_string();
    let report = diagnose(request, &sink, CancellationToken::new()).await;
    assert_token_absent(&report, &token);
    assert!(report.passed(), "{}", report.to_text());
    for check in &report.checks {
        match check.id.as_str() {
            // Loopback http: the sandbox, a warning by design; no TLS to judge.
            "url-https" => assert_eq!(check.failure, Some(FailureKind::PlainHttpLoopback)),
            "tls-certificate" | "tls-version" => {
                assert!(matches!(check.outcome, Outcome::Skipped { .. }))
            }
            // A fresh organization has nobody in SCIM yet: no resource to judge read-only.
            "resource-shape" => assert!(matches!(check.outcome, Outcome::Skipped { .. })),
            _ => assert_eq!(check.outcome, Outcome::Pass, "{}", report.to_text()),
        }
    }
    // Progress: the plan first, then every check finished exactly once.
    let events = sink.events();
    assert!(matches!(
        events.first(),
        Some(DiagnoseProgress::Planned { .. })
    ));
    for check in &report.checks {
        let finished = events
            .iter()
            .filter(|e| matches!(e, DiagnoseProgress::CheckFinished { result } if result.id == check.id))
            .count();
        assert_eq!(finished, 1, "{} finished once", check.id);
    }
    println!(
        "healthy read-only run on loopback: {} ms",
        report.elapsed_ms
    );
    env.shutdown().await;
}

#[tokio::test]
async fn write_checks_pass_and_leave_nothing_behind() {
    let env = Env::start(&[]).await;
    let before = env.scim_users().await;
    let mut request = env.request();
    request.write_checks = true;
    request.test_domain = Some(env.fact("validatedDomain"));
    let report = env.run(request).await;
    assert!(report.passed(), "{}", report.to_text());
    // Every request Entra sends, replayed and read back (docs/diagnose.md lists them).
    for id in [
        "write-filter-external-id",
        "write-patch-no-op",
        "write-create-second-user",
        "write-work-email-upsert",
        "write-manager",
        "write-group-add-member-compliant",
        "write-group-find",
        "write-group-remove-member",
        "write-group-remove-member-compliant",
    ] {
        assert!(
            report.check(id).is_some(),
            "{id} ran:\n{}",
            report.to_text()
        );
    }
    for check in report
        .checks
        .iter()
        .filter(|c| c.id.starts_with("write-") || c.id == "resource-shape")
    {
        assert_eq!(
            check.outcome,
            Outcome::Pass,
            "{}:\n{}",
            check.id,
            report.to_text()
        );
    }
    assert_eq!(
        env.scim_users().await,
        before,
        "the write checks left a user behind"
    );
    env.shutdown().await;
}

#[tokio::test]
async fn a_wrong_token_is_named_with_its_fix() {
    let env = Env::start(&[]).await;
    let mut request = env.request();
    request.token = Secret::new("not-the-token-at-all-1234");
    let report = env.run(request).await;
    assert_check(
        &report,
        "auth-token-accepted",
        Outcome::Fail,
        FailureKind::TokenRejected,
        "bearer token",
    );
    assert!(!report.passed());
    // Nothing else is worth asking with a refused token.
    assert!(matches!(
        outcome(&report, "pagination-first-page"),
        Outcome::Skipped { .. }
    ));
    env.shutdown().await;
}

#[tokio::test]
async fn a_token_pasted_with_bearer_is_detected() {
    let env = Env::start(&[]).await;
    let mut request = env.request();
    request.token = Secret::new(format!("Bearer {}", env.fact("scimBearerToken")));
    let report = env.run(request).await;
    assert_check(
        &report,
        "token-format",
        Outcome::Fail,
        FailureKind::BearerPrefixPasted,
        "without the word Bearer",
    );
    assert_check(
        &report,
        "auth-token-accepted",
        Outcome::Fail,
        FailureKind::BearerPrefixPasted,
        "without the word Bearer",
    );
    let accepted = report.check("auth-token-accepted").expect("check");
    assert!(
        accepted.facts.iter().any(|f| f.value == "accepted"),
        "the stripped token works: {:?}",
        accepted.facts
    );
    env.shutdown().await;
}

/// The sandbox's long-lived SCIM tokens do not expire (as Unity's), so an expired JWT stands in
/// for a short-lived token pasted by mistake: its `exp` names the cause before and after the call.
#[tokio::test]
async fn an_expired_token_is_named() {
    use base64::Engine;
    let env = Env::start(&[]).await;
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let jwt = format!(
        "{}.{}.c2lnbmF0dXJl",
        engine.encode(br#"{"alg":"RS256","typ":"JWT"}"#),
        engine.encode(br#"{"sub":"svc","exp":1600000000}"#)
    );
    let mut request = env.request();
    request.token = Secret::new(jwt);
    let report = env.run(request).await;
    assert_check(
        &report,
        "token-format",
        Outcome::Fail,
        FailureKind::TokenExpired,
        "new long-lived bearer token",
    );
    assert_check(
        &report,
        "auth-token-accepted",
        Outcome::Fail,
        FailureKind::TokenExpired,
        "new long-lived bearer token",
    );
    env.shutdown().await;
}

#[tokio::test]
async fn a_missing_scim_authenticator_role_is_named() {
    let env = Env::start(&["drop-role"]).await;
    let report = env.run(env.request()).await;
    assert_check(
        &report,
        "auth-token-accepted",
        Outcome::Fail,
        FailureKind::MissingRole,
        "SCIM Authenticator",
    );
    env.shutdown().await;
}

#[tokio::test]
async fn a_token_of_an_account_without_the_role_is_named() {
    let env = Env::start(&[]).await;
    let mut request = env.request();
    request.token = Secret::new(env.fact("scimTokenWithoutRole"));
    let report = env.run(request).await;
    assert_check(
        &report,
        "auth-token-accepted",
        Outcome::Fail,
        FailureKind::MissingRole,
        "SCIM Authenticator",
    );
    env.shutdown().await;
}

#[tokio::test]
async fn a_wrong_base_url_is_named() {
    let env = Env::start(&[]).await;
    let base = env.fact("scimBaseUrl");
    let (prefix, _org) = base.rsplit_once('/').expect("base has an org id");
    let mut request = env.request();
    request.url = format!("{prefix}/00000000-wrong-org");
    let report = env.run(request).await;
    assert_check(
        &report,
        "test-connection-users",
        Outcome::Fail,
        FailureKind::WrongBaseUrl,
        "SCIM base connector URL",
    );
    // The base without /tenants/{org} is wrong the same way.
    let mut request = env.request();
    request.url = prefix.trim_end_matches("/tenants").to_string();
    let report = env.run(request).await;
    assert_check(
        &report,
        "test-connection-users",
        Outcome::Fail,
        FailureKind::WrongBaseUrl,
        "SCIM base connector URL",
    );
    env.shutdown().await;
}

#[tokio::test]
async fn a_trailing_users_is_caught_before_any_call() {
    let env = Env::start(&[]).await;
    let mut request = env.request();
    request.url = format!("{}/Users", env.fact("scimBaseUrl"));
    let report = env.run(request).await;
    assert_check(
        &report,
        "url-path",
        Outcome::Fail,
        FailureKind::TrailingUsersPath,
        "remove the trailing /Users",
    );
    env.shutdown().await;
}

#[tokio::test]
async fn an_untrusted_certificate_is_named_and_stops_the_run() {
    let env = Env::start(&[]).await;
    let mut request = env.request();
    request.url = env.fact("scimTlsBaseUrl");
    let report = env.run(request).await;
    assert_check(
        &report,
        "tls-certificate",
        Outcome::Fail,
        FailureKind::UntrustedCertificate,
        "public CA",
    );
    assert_eq!(
        outcome(&report, "tls-version"),
        Outcome::Pass,
        "{}",
        report.to_text()
    );
    assert!(matches!(
        outcome(&report, "test-connection-users"),
        Outcome::Skipped { .. }
    ));
    env.shutdown().await;
}

#[tokio::test]
async fn an_unreachable_host_is_named() {
    let env = Env::start(&[]).await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let mut request = env.request();
    request.url = format!("http://127.0.0.1:{port}/scim/v2/tenants/x");
    let report = env.run(request).await;
    assert_check(
        &report,
        "tcp-connect",
        Outcome::Fail,
        FailureKind::UnreachableHost,
        "host and port",
    );
    env.shutdown().await;
}

#[tokio::test]
async fn a_host_that_does_not_resolve_is_named() {
    let env = Env::start(&[]).await;
    let mut request = env.request();
    request.url = "https://scim.nowhere.test/scim/v2/tenants/x".to_string();
    request.dns_overrides = vec![("scim.nowhere.test".to_string(), Vec::new())];
    let report = env.run(request).await;
    assert_check(
        &report,
        "dns",
        Outcome::Fail,
        FailureKind::DnsFailed,
        "spelling of the host",
    );
    env.shutdown().await;
}

#[tokio::test]
async fn a_login_page_instead_of_scim_is_named() {
    let env = Env::start(&["html@/scim/v2/*"]).await;
    let report = env.run(env.request()).await;
    assert_check(
        &report,
        "test-connection-users",
        Outcome::Fail,
        FailureKind::LoginPage,
        "SCIM base connector URL",
    );
    env.shutdown().await;
}

#[tokio::test]
async fn a_hanging_endpoint_is_waited_on_a_few_times_not_once_per_check() {
    let env = Env::start(&["hang@/scim/v2/*"]).await;
    let mut request = env.request();
    request.timeout = Duration::from_millis(700);
    let report = env.run(request).await;
    assert_check(
        &report,
        "test-connection-users",
        Outcome::Fail,
        FailureKind::Hang,
        "health",
    );
    // Each call is bounded by the timeout, and a hanging endpoint is waited on a few times at
    // most, not once per check: the checks after it are skipped. (Its time is in the bench.)
    let hung: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.failure == Some(FailureKind::Hang))
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(
        hung,
        [
            "auth-token-accepted",
            "auth-without-token",
            "test-connection-users"
        ],
        "only the first, concurrent calls wait for the timeout"
    );
    let waited_on_again = report
        .checks
        .iter()
        .filter(|c| !hung.contains(&c.id.as_str()))
        .filter(|c| c.outcome == Outcome::Fail)
        .count();
    assert_eq!(waited_on_again, 0, "every later check is skipped");
    env.shutdown().await;
}

#[tokio::test]
async fn a_dropped_connection_is_named() {
    let env = Env::start(&["reset@/scim/v2/*"]).await;
    let report = env.run(env.request()).await;
    assert_check(
        &report,
        "test-connection-users",
        Outcome::Fail,
        FailureKind::ConnectionDropped,
        "proxy or firewall",
    );
    env.shutdown().await;
}

#[tokio::test]
async fn throttling_is_named_with_retry_after() {
    let env = Env::start(&["status:429:7@/scim/v2/*"]).await;
    let report = env.run(env.request()).await;
    assert_check(
        &report,
        "test-connection-users",
        Outcome::Fail,
        FailureKind::Throttled,
        "Retry-After",
    );
    let check = report.check("test-connection-users").expect("check");
    assert!(
        check
            .cause
            .as_deref()
            .unwrap_or_default()
            .contains("Retry-After: 7"),
        "{:?}",
        check.cause
    );
    assert_eq!(check.evidence[0].retry_after.as_deref(), Some("7"));
    env.shutdown().await;
}

#[tokio::test]
async fn a_server_error_is_named() {
    let env = Env::start(&["status:503@/scim/v2/*"]).await;
    let report = env.run(env.request()).await;
    assert_check(
        &report,
        "test-connection-users",
        Outcome::Fail,
        FailureKind::ServerError,
        "request-id",
    );
    env.shutdown().await;
}

#[tokio::test]
async fn a_user_outside_the_validated_domains_is_named_and_nothing_is_left() {
    let env = Env::start(&[]).await;
    let before = env.scim_users().await;
    let mut request = env.request();
    request.write_checks = true;
    request.test_domain = Some("not-validated.example".to_string());
    let report = env.run(request).await;
    assert_check(
        &report,
        "write-create-user",
        Outcome::Fail,
        FailureKind::DomainNotValidated,
        "validate the domain",
    );
    assert!(matches!(
        outcome(&report, "write-get-user"),
        Outcome::Skipped { .. }
    ));
    assert_eq!(outcome(&report, "write-cleanup"), Outcome::Pass);
    assert_eq!(env.scim_users().await, before);
    env.shutdown().await;
}

#[tokio::test]
async fn cancelling_mid_write_still_cleans_up() {
    let env = Env::start(&[]).await;
    let before = env.scim_users().await;
    let mut request = env.request();
    request.write_checks = true;
    request.test_domain = Some(env.fact("validatedDomain"));
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let sink = FnProgress(move |event: DiagnoseProgress| {
        if let DiagnoseProgress::CheckFinished { result } = event {
            if result.id == "write-get-user" {
                trigger.cancel();
            }
        }
    });
    let report = diagnose(request, &sink, cancel).await;
    assert!(report.cancelled);
    assert!(!report.passed());
    assert_eq!(
        outcome(&report, "write-create-user"),
        Outcome::Pass,
        "{}",
        report.to_text()
    );
    assert!(matches!(
        outcome(&report, "write-patch-legacy"),
        Outcome::Skipped { .. }
    ));
    assert_eq!(
        outcome(&report, "write-cleanup"),
        Outcome::Pass,
        "{}",
        report.to_text()
    );
    assert_eq!(
        env.scim_users().await,
        before,
        "cancel left the test user behind"
    );
    env.shutdown().await;
}

/// One 429 is passing trouble: it fails the check that met it, and the rest still runs.
#[tokio::test]
async fn a_single_throttled_call_does_not_stop_the_run() {
    let env = Env::start(&["status:429@/scim/v2/*#1"]).await;
    let report = env.run(env.request()).await;
    let throttled: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.failure == Some(FailureKind::Throttled))
        .map(|c| c.id.as_str())
        .collect();
    assert!(
        throttled.contains(&"response-times"),
        "{}",
        report.to_text()
    );
    assert_eq!(
        outcome(&report, "pagination-first-page"),
        Outcome::Pass,
        "{}",
        report.to_text()
    );
    env.shutdown().await;
}
