//! The app's settings now live in the engine (`scim_core::settings`), so the CLI reads the
//! same file the window writes; this module keeps the shell's paths to them.

pub use scim_core::settings::{WindowSettings, FILE_NAME};
