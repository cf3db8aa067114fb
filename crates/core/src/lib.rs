//! The scim-setup engine. Every step is a plain async function here, testable with
//! `cargo test` and no display; `src-tauri` only wires these into commands and the CLI.

pub mod progress;
pub mod scim;
pub mod secret;

pub use progress::ProgressSink;
pub use secret::Secret;
