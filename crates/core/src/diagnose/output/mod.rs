//! What a diagnosis tells people: `report` (each check's result with its evidence, the
//! report), `explain` (every failure's cause and fix), `redact` (the token kept out of all of
//! it) and `to_problem` (a failed check as the one `Problem` shape).

pub(super) mod explain;
pub(super) mod redact;
pub(super) mod report;
pub(super) mod to_problem;
