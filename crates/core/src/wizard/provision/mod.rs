//! Step 4, people: the directory picker, assignments, provisioning on demand, Entra's verdicts
//! in plain words, the read-back from Unity, and the provision run both faces use.

pub mod assignments;
pub mod directory_search;
pub mod on_demand;
pub mod provision_run;
pub(crate) mod verdicts;
pub mod verify;
