//! The scim-setup engine. Every step is a plain async function here, testable with
//! `cargo test` and no display; `src-tauri` only wires these into commands and the CLI.

pub mod auth;
pub mod create_or_find;
pub mod data_folder_lock;
pub mod diagnose;
pub mod entra;
#[doc(hidden)]
pub mod fuzzing;
pub mod gate;
pub mod http;
pub mod logging;
pub mod problem;
pub mod profile;
pub mod progress;
pub mod redact;
pub mod report;
pub mod secret;
pub mod secrets;
pub mod settings;
pub mod startup;
pub mod unity;
pub mod wizard;

pub use problem::{Problem, ProblemDetail, ProblemInfo, ProblemKind};
pub use profile::CloudProfile;
pub use progress::ProgressSink;
pub use redact::redact_text;
pub use secret::Secret;
pub use secrets::{MemoryStore, SecretStore};
