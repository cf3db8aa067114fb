//! The one timestamp format the journal and its records use: UTC, RFC 3339, whole seconds.

/// Now, as RFC 3339 in UTC to the second (`2026-12-08T02:10:00Z`).
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
