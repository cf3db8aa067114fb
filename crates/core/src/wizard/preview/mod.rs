//! Preview: what Start will do to every user in scope, read-only. `preview_provisioning`
//! reads the job, the scope (`scope`) and Unity's accounts, `classify` gives each user its
//! verdict, `report` holds the shapes they share, and `export` writes the result out.

pub(crate) mod classify;
pub mod export;
pub mod preview_provisioning;
pub mod report;
pub(crate) mod scope;
