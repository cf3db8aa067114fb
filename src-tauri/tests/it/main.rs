//! The app binary's tests, in one test binary: the CLI run as scripts and admins run it
//! (`CARGO_BIN_EXE_scim-setup`, which Cargo builds before this binary), against in-process
//! sandboxes, and the built UI's reach. A module per concern.

mod cli_accounts;
mod cli_bad_input;
mod cli_beyond;
mod cli_bounded_time;
mod cli_diagnose;
mod cli_hostile_servers;
mod cli_killed_after_create;
mod cli_killed_at_crash_points;
mod cli_racing_writers;
mod cli_redact_echoed_token;
mod cli_redirects;
mod cli_setup;
mod cli_sign_in_trouble;
mod cli_support;
// What the engine's tests use too, written once in engine-tests (see its `shared` module).
#[path = "../../../crates/engine-tests/tests/it/shared/mod.rs"]
mod shared;
mod webview_assets;
