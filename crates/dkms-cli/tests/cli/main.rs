//! Integration tests of the `keri` binary: every verb, the error paths, the JSON shapes,
//! and (when `DKMS_KERIPY_PYTHON` is set) keripy's verdict on exported KELs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

mod errors;
mod harness;
mod json_shapes;
mod keripy;
mod stream;
mod verbs;
