//! Integration tests of dkms-event.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

mod builders;
mod cesr_streams;
mod events_keripy;
mod lenient;
mod properties;
mod reference;
mod serialization;
mod signed_keripy;
