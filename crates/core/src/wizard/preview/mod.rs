//! Preview: what Start will do to every user in scope, read-only.

pub(crate) mod classify;
pub mod preview_provisioning;
pub(crate) mod scope;
