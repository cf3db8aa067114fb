//! Intentionally empty: this crate exists for its `tests/`.
