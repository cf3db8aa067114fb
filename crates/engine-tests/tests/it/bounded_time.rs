//! Bounded time, never silent, in the engine: against endpoints that never answer, drip a
//! byte at a time, or answer 503 every time, the SCIM check of the setup path and a whole
//! `run_setup` end within their deadline (plus slack for a loaded machine), say what they
//! wait for at least every 5 s of the wait, and end with a cause naming the host, the tries
//! and the deadline. Deadlines are short by configuration (the app's HTTP settings, which
//! tighten Entra's bound), never by sleeping real minutes.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use scim_core::http::{observe_retry_waits, Http, HttpConfig, RetryWait, ScimBounds};
use scim_core::progress::ProgressSink;
use scim_core::unity::check_scim_endpoint;
use scim_core::wizard::{
    run_setup, MicrosoftSignInChoice, SetupOptions, StepId, UnityRoad, WizardProgress,
};
use scim_core::{Problem, Secret};
use tokio_util::sync::CancellationToken;

use crate::engine_support;
use crate::shared::slow_servers::{start_slow_server, Slowness};

const PER_CALL: Duration = Duration::from_secs(2);
const TRIES: u32 = 3;
const DEADLINE: Duration = Duration::from_secs(6);
/// What a loaded machine may add to a deadline we set; never a speed we expect.
const SLACK: Duration = Duration::from_secs(5);
/// The longest a person may see nothing new while a call waits.
const SILENCE: Duration = Duration::from_secs(5);

fn short_bounds() -> HttpConfig {
    HttpConfig {
        connect_timeout: PER_CALL,
        total_timeout: PER_CALL,
        max_attempts: TRIES,
        deadline: DEADLINE,
        ..HttpConfig::default()
    }
}

/// The longest stretch without a word between `started`, each moment in `said`, and `ended`.
fn longest_silence(started: Instant, said: &[Instant], ended: Instant) -> Duration {
    let mut moments = vec![started];
    moments.extend_from_slice(said);
    moments.push(ended);
    moments
        .windows(2)
        .map(|pair| pair[1].saturating_duration_since(pair[0]))
        .max()
        .unwrap_or_default()
}

/// Runs the setup path's SCIM check against `url`, recording every wait as it is heard.
async fn check_recording_waits(
    http: &Http,
    url: &str,
) -> (Result<(), Problem>, Vec<(Instant, RetryWait)>, Duration) {
    let (waits, mut heard) = tokio::sync::mpsc::unbounded_channel();
    let recorder = tokio::spawn(async move {
        let mut said = Vec::new();
        while let Some(wait) = heard.recv().await {
            said.push((Instant::now(), wait));
        }
        said
    });
    let started = Instant::now();
    let token = Secret::new("bounded-time-token-7Q2a");
    let cancel = CancellationToken::new();
    let checked = observe_retry_waits(waits, check_scim_endpoint(http, url, &token, &cancel))
        .await
        .map(|_| ());
    let took = started.elapsed();
    let said = recorder.await.expect("recorder");
    (checked, said, took)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_slow_endpoint_costs_at_most_the_deadline_and_counts_down_while_it_waits() {
    // The bounds the check gets are Entra's tightened by the app's config, as in the app.
    let http = Http::new(short_bounds()).expect("client");
    let scim = ScimBounds::ENTRA.within(http.config());
    assert_eq!(
        (scim.total_timeout, scim.max_attempts, scim.deadline),
        (PER_CALL, TRIES, DEADLINE)
    );
    for slowness in Slowness::ALL {
        let server = start_slow_server(slowness).await;
        let started = Instant::now();
        let (checked, said, took) = check_recording_waits(&http, &server.base_url).await;
        let problem = checked.expect_err("a slow endpoint fails the check");
        let cause = problem.info().cause.clone();

        // Bounded: never past the deadline (plus a loaded machine's slack).
        assert!(took <= DEADLINE + SLACK, "{slowness:?}: took {took:?}");
        // Never silent: a line at least every 5 s, from the first try to the end.
        let moments: Vec<Instant> = said.iter().map(|(at, _)| *at).collect();
        let silence = longest_silence(started, &moments, started + took);
        assert!(
            silence <= SILENCE,
            "{slowness:?}: silent for {silence:?}: {said:#?}"
        );
        // Each line says who, which try, and the time left within the deadline.
        for (_, wait) in &said {
            let line = wait.describe();
            assert!(
                line.to_lowercase()
                    .contains(&format!("the scim endpoint ({})", server.host)),
                "{line}"
            );
            assert!(line.contains(&format!("of {TRIES}")), "{line}");
            assert!(line.ends_with(" s left") && wait.left <= DEADLINE, "{line}");
        }
        // The end names the host, the tries and the deadline.
        assert!(cause.contains(&server.host), "{slowness:?}: {cause}");
        assert!(
            cause.contains("tries") || cause.contains("Tried"),
            "{slowness:?}: {cause}"
        );
        assert!(
            cause.contains(&format!("deadline is {} s", DEADLINE.as_secs())),
            "{slowness:?}: {cause}"
        );
        let tries = server.requests();
        assert!((1..=TRIES).contains(&tries), "{slowness:?}: {tries} tries");
        match slowness {
            Slowness::Unavailable { .. } => {
                assert_eq!(problem.kind_name(), "server", "{problem}");
                assert_eq!(
                    tries, TRIES,
                    "a quick 503 is tried every time the deadline allows"
                );
                assert!(cause.contains("HTTP 503"), "{cause}");
            }
            _ => assert_eq!(problem.kind_name(), "timeout", "{slowness:?}: {problem}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_after_past_the_deadline_is_not_waited_out() {
    let http = Http::new(short_bounds()).expect("client");
    for retry_after in [7, 30, 3600] {
        let server = start_slow_server(Slowness::Unavailable { retry_after }).await;
        let (checked, said, took) = check_recording_waits(&http, &server.base_url).await;
        let problem = checked.expect_err("503");
        let cause = &problem.info().cause;
        assert_eq!(
            server.requests(),
            1,
            "Retry-After {retry_after}: no second try"
        );
        assert!(said.is_empty(), "no wait was started: {said:#?}");
        assert!(took <= DEADLINE + SLACK, "{took:?}");
        assert!(
            cause.contains(&format!("asked to wait {retry_after} s"))
                && cause.contains(&format!("deadline of {} s", DEADLINE.as_secs()))
                && cause.contains(&server.host),
            "{cause}"
        );
    }
}

/// Progress with the moment each event arrived.
#[derive(Default)]
struct TimedProgress {
    events: Mutex<Vec<(Instant, WizardProgress)>>,
}

impl ProgressSink<WizardProgress> for TimedProgress {
    fn report(&self, event: WizardProgress) {
        if let Ok(mut events) = self.events.lock() {
            events.push((Instant::now(), event));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_setup_on_a_silent_or_dripping_endpoint_counts_down_on_its_step_then_stops() {
    let env = engine_support::start_with_http(engine_support::config(), short_bounds()).await;
    for slowness in [
        Slowness::Silent,
        Slowness::DripBody,
        Slowness::DripStatusLine,
    ] {
        let server = start_slow_server(slowness).await;
        let progress = Arc::new(TimedProgress::default());
        let options = SetupOptions {
            road: UnityRoad::Guided {
                scim_url: server.base_url.clone(),
                token: Secret::new("bounded-time-token-7Q2a"),
            },
            microsoft: MicrosoftSignInChoice::DeviceCode,
            app_name: "Unity".into(),
            create_app: false,
            provision: Vec::new(),
            protection: Default::default(),
        };
        let launcher = scim_core::auth::FollowRedirectsLauncher::new().expect("launcher");
        let started = Instant::now();
        let report = run_setup(&env.ctx, options, &launcher, &*progress, &env.cancel).await;
        let took = started.elapsed();
        assert!(!report.ok, "{slowness:?}");
        assert!(took <= DEADLINE + SLACK, "{slowness:?}: took {took:?}");
        let events = progress
            .events
            .lock()
            .map(|e| e.clone())
            .unwrap_or_default();
        let waits: Vec<(Instant, StepId, String, Option<u64>)> = events
            .iter()
            .filter_map(|(at, event)| match event {
                WizardProgress::Waiting {
                    step,
                    reason,
                    left_seconds,
                    ..
                } => Some((*at, *step, reason.clone(), *left_seconds)),
                _ => None,
            })
            .collect();
        assert!(!waits.is_empty(), "{slowness:?}: {events:#?}");
        for (_, step, reason, left) in &waits {
            assert_eq!(*step, StepId::ConnectorUrl, "{reason}");
            assert!(reason.contains(&server.host), "{reason}");
            assert!(
                left.is_some_and(|left| left <= DEADLINE.as_secs()),
                "{reason}"
            );
        }
        let moments: Vec<Instant> = events.iter().map(|(at, _)| *at).collect();
        let silence = longest_silence(started, &moments, started + took);
        assert!(silence <= SILENCE, "{slowness:?}: silent for {silence:?}");
        let failed = report
            .steps
            .iter()
            .find(|step| step.problem.is_some())
            .expect("a failed step");
        assert_eq!(failed.id, StepId::ConnectorUrl);
        let cause = failed.cause.clone().unwrap_or_default();
        assert!(
            cause.contains(&server.host)
                && cause.contains(&format!("deadline is {} s", DEADLINE.as_secs())),
            "{slowness:?}: {cause}"
        );
    }
    env.shutdown().await;
}
