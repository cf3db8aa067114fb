//! The whole setup without a window: `run_setup` (the CLI's `setup`) runs every step in
//! order and records each as a step report.

pub(crate) mod recorder;
pub mod run_setup;
