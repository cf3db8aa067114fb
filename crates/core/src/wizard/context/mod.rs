//! What every step stands on: the shared context, the journal and its readers, the step ids
//! and the progress events the steps report.

pub mod crash_points;
pub mod intents;
pub mod journal;
pub mod journal_intents;
pub mod journal_readers;
pub mod on_demand_outcome;
pub mod progress;
pub mod rate_limit;
pub mod sessions;
pub mod step_id;
pub mod timestamps;
pub mod wizard_context;
