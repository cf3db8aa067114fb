//! The sandbox's contract, endpoint by endpoint, in one test binary: a module per simulated
//! service (and per concern of the simulated Entra), `common` for the shared set-up.

mod common;
mod faults;
mod graph;
mod leaving_scope;
mod microsoft;
mod profile;
mod provisioning;
mod scim;
mod unity;
