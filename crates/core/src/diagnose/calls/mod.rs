//! How a check calls the endpoint and reads the answer: `probe` makes each call the way Entra
//! makes it and keeps the log; `exchange` is what one call was and what its answer means;
//! `silence` remembers an endpoint that let a call wait out its bound.

pub(super) mod exchange;
pub(super) mod probe;
pub(super) mod silence;
