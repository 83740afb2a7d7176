//! Integration tests of dkms-kel against keripy 1.1.17 scenarios.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

mod interop;
mod keripy_scenarios;
mod keripy_streams;
mod persistence;
mod properties;
mod rules;
