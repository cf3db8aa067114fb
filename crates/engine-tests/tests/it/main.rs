//! The engine driven against the simulated clouds, in one test binary (one link, one process
//! for every test): a module per concern, `engine_support` for the engine pointed at a
//! sandbox, and `shared` for what src-tauri's tests of the built binary use too.

mod bounded_time;
mod diagnose_field;
mod diagnose_foreign;
mod diagnose_on_demand;
mod diagnose_sandbox;
mod diagnose_tls;
mod engine_beyond;
mod engine_entra_failures;
mod engine_foreign_scim;
mod engine_parts;
mod engine_reconcile;
mod engine_setup;
mod engine_support;
mod engine_tenant;
mod faults_across_steps;
mod picker_search;
mod redact_echoed_token;
mod shared;
mod sign_in_trouble;
