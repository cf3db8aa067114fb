//! The simulated Entra provisioning service (stub, filled next).
use std::time::Duration;
use crate::state::SharedApp;
pub(crate) const SCIM_TIMEOUT: Duration = Duration::from_secs(5);
pub(crate) async fn run_sync_cycles(app: SharedApp) { app.shutdown.cancelled().await; }
