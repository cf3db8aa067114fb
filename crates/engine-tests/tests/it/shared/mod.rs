//! Test support both integration-test binaries use: this crate's (the engine against the
//! sandbox) and src-tauri's (the built `scim-setup` against the sandbox), which includes this
//! folder by path so each piece is written once. Kept small: only what both sides need.
#![allow(dead_code)]

pub mod echo_scim;
pub mod files;
pub mod hostile_scim;
pub mod sandbox_state;
pub mod slow_servers;
pub mod stub_servers;
