//! What every step stands on: the shared context, the journal and its readers, the step ids
//! and the progress events the steps report.

pub mod journal;
pub mod progress;
