//! Start-up for every subcommand but `sandbox`: the engine resolves the data folder, the
//! saved settings and the profile (`scim_core::startup`); a problem with any of them prints
//! the file, the cause and the fix, and exits 2 (bad usage or configuration).

use std::process::ExitCode;

use scim_core::startup::{resolve, Startup, StartupRequest};

use super::output::usage_error;
use super::GlobalArgs;

/// The resolved start-up, or exit 2 with the engine's words.
pub fn startup(global: &GlobalArgs) -> Result<Startup, ExitCode> {
    resolve(&StartupRequest {
        data_dir: global.data_dir.clone(),
        profile: global.profile.clone(),
        sandbox: false,
    })
    .map_err(|problem| usage_error(&problem.to_string()))
}
