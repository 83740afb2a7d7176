//! Integration tests for dkms-crypto: keripy 1.1.17 known-answer vectors,
//! strictness edge cases and property tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

mod api;
mod digests;
mod ecdsa_edge;
mod ed25519_edge;
mod indexed;
mod props;
mod salter;
mod vectors;
