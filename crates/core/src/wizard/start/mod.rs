//! The Start view: the prerequisite checks, and where the window resumes.

pub mod prerequisites;
pub mod resume;
