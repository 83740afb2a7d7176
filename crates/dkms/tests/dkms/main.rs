//! Facade tests: keystore format and failure modes, controller life cycle, external signing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

mod controller;
mod external_signers;
mod keystore;
mod stream;
