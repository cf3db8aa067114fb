//! The engine's public surface under attack and given bad input, in one test binary: a module
//! per concern.

mod bad_input;
mod loopback_attacks;
