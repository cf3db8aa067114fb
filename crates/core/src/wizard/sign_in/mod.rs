//! Signing in to Microsoft and Unity (the one session manager both faces use) and signing
//! out again, one thing at a time.

pub mod session_manager;
pub mod sign_out;
