//! One diagnosis, top to bottom: the request, the plan, the read-only phases (which hand over
//! to the write phase) and the report they add up to.

pub(super) mod diagnosis;
pub(super) mod phases;
pub(super) mod plan;
pub(super) mod request;
