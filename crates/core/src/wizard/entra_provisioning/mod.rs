//! Step 3, the Entra side, and the job afterwards: the enterprise app, its provisioning job,
//! Test Connection, the saved credentials and deletion safeguards, Start, the job's controls
//! and token rotation.

pub mod deletion_protection;
pub mod existing_job;
pub mod job_control;
pub mod provisioning_job;
pub mod rotate_token;
