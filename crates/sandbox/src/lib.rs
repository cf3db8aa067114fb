//! The simulated clouds: Microsoft sign-in and Graph, Unity sign-in, admin and SCIM, on loopback.
//!
//! One `start` binds three listeners (Microsoft, Unity, Unity SCIM over untrusted TLS), seeds a
//! deterministic directory and returns a handle whose `profile()` is the cloud-profile JSON the
//! app, the CLI and the tests point at. Shapes follow the public references exactly (see
//! README.md); where they leave a detail open (UNCONFIRMED) the choice made is explained where
//! it is made.

// Handlers return early with the cloud's own error `Response` (`Result<T, Response>`); its
// size does not matter for a loopback test server, and boxing it would only add noise.
#![allow(clippy::result_large_err)]

mod clock;
mod control;
mod faults;
#[doc(hidden)]
pub mod fuzzing;
mod graph;
mod http;
mod ids;
mod microsoft;
mod provisioning;
mod requests;
mod scim;
mod seed;
mod server;
mod state;
mod tls;
mod tokens;
mod unity;

use std::sync::Arc;
use std::time::Duration;

pub use faults::{Fault, FaultKind, FAULT_SYNTAX_HELP};
pub use requests::RequestCounts;

/// How to run a sandbox. `Default` gives the documented defaults.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// 0 = ephemeral ports; N = Microsoft on N, Unity on N+1, Unity SCIM over HTTPS on N+2.
    pub port: u16,
    /// Directory size (default 200). Users are computed from their index, so memory stays small.
    pub users: usize,
    /// Fault SPECs switched on at start, same syntax as `--fault`.
    pub faults: Vec<String>,
    /// Authorize redirects at once; device codes approve themselves after one pending poll
    /// and once `device_code_approval_delay` has passed.
    pub auto_consent: bool,
    /// With `auto_consent`, how long a device code waits before it approves itself: zero for
    /// tests, a few seconds in the window's embedded sandbox so the code can be seen (a person
    /// would take that long to type it).
    pub device_code_approval_delay: Duration,
    /// Compressed Entra sync cycle (the real one is about 40 minutes).
    pub sync_interval: Duration,
    /// provisionOnDemand and audit-log requests allowed per tenant per window.
    pub rate_limit: (u32, Duration),
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            port: 0,
            users: 200,
            faults: Vec::new(),
            auto_consent: true,
            device_code_approval_delay: Duration::ZERO,
            sync_interval: Duration::from_secs(2),
            rate_limit: (5, Duration::from_secs(10)),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("invalid fault spec {spec:?}: {reason}")]
    InvalidFault { spec: String, reason: String },
    #[error("could not bind 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error("could not set up the sandbox's TLS certificate: {0}")]
    Tls(String),
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// A running sandbox. `shutdown` stops it and waits; dropping it stops it without waiting.
pub struct Sandbox {
    app: Arc<state::App>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// Binds 127.0.0.1, seeds the clouds and starts serving.
pub async fn start(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
    server::start(config).await
}

impl Sandbox {
    /// The cloud-profile JSON (docs/architecture.md, "Cloud profiles"), with its `sandbox` object.
    pub fn profile(&self) -> serde_json::Value {
        self.app.profile()
    }

    /// Requests served so far by each simulated service (control requests not counted); a
    /// reading before and after a call, subtracted with `RequestCounts::since`, counts its own.
    pub fn requests(&self) -> RequestCounts {
        self.app.requests.snapshot()
    }

    /// Moves the sandbox's clock `by` into the future, as if that much time had passed for
    /// every timer of the simulated clouds: device-code polling (`slow_down` and the approval
    /// delay), code and token lifetimes, an app's replication lag, rate-limit windows and the
    /// sync schedule (a cycle that becomes due runs at once). Real time keeps running on top.
    /// Returns how far ahead of real time the clock now runs.
    pub fn advance_clock(&self, by: Duration) -> Duration {
        self.app.clock.advance(by)
    }

    /// Runs the next sync cycle of every started provisioning job now, whatever the schedule
    /// says, and returns once each has finished: how many jobs cycled. A test that needs a
    /// cycle calls this instead of waiting for `sync_interval`.
    pub async fn run_cycles_now(&self) -> usize {
        provisioning::run_cycles_now(&self.app).await
    }

    /// Stops every listener, open connection and background sync, and waits for them.
    pub async fn shutdown(mut self) {
        self.app.shutdown.cancel();
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    /// Dropping a sandbox stops it too (without waiting), so a forgotten handle frees its ports.
    fn drop(&mut self) {
        self.app.shutdown.cancel();
    }
}

/// Parses one `--fault` SPEC; the CLI rejects a bad one with exit code 2.
pub fn parse_fault(spec: &str) -> Result<Fault, SandboxError> {
    faults::parse(spec)
}
