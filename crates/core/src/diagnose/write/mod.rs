//! The opt-in write checks: `lifecycle` runs them in Entra's order over the shared `kit`;
//! `user`, `patch_dialects`, `entra_updates` and `groups` hold the checks; `cleanup` deletes
//! whatever they created.

pub(super) mod cleanup;
pub(super) mod entra_updates;
pub(super) mod groups;
pub(super) mod kit;
pub(super) mod lifecycle;
pub(super) mod patch_dialects;
pub(super) mod user;
