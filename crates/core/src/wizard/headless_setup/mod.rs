//! The whole setup without a window: `run_setup` (the CLI's `setup`) runs every step in
//! order and `run_provision` (the CLI's `provision`) step 4 on a job set up before; the
//! recorder turns each step into a report, and the two share the Microsoft sign-in and the
//! recorded step 4.

pub mod microsoft_sign_in;
pub(crate) mod provision_step;
pub mod recorder;
pub mod run_provision;
pub mod run_setup;
