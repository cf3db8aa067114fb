//! Step 3, the Entra side, and the job afterwards: the enterprise app, its provisioning job,
//! Test Connection and the saved credentials with the deletion safeguards, Start, then the
//! job card's controls, the deletions a cycle held back, and token rotation.

pub mod credentials;
pub mod deletion_protection;
pub mod enterprise_app;
pub mod existing_job;
pub mod held_back_deletions;
pub mod job_control;
pub mod provisioning_job;
pub mod rotate_token;
pub mod start;
