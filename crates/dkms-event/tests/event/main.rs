//! Integration tests of dkms-event.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

mod cesr_streams;
mod events_keripy;
mod reference;
mod serialization;
mod signed_keripy;
