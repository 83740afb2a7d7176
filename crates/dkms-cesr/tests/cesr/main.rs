//! Integration tests of dkms-cesr: keripy 1.1.17 known-answer vectors, negative
//! cases, stream framing, and property tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

mod negative;
mod primitives_keripy;
mod properties;
mod streams_keripy;
mod tables_keripy;

use serde_json::Value;

/// Loads a JSON vector file from `tests/vectors/keripy-1.1.17/`.
pub(crate) fn vectors(name: &str) -> Value {
    let path = format!("{}/tests/vectors/keripy-1.1.17/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// Reads a binary vector file.
pub(crate) fn vector_bytes(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/vectors/keripy-1.1.17/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub(crate) fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

pub(crate) fn hex(v: &Value) -> Vec<u8> {
    hex::decode(s(v)).unwrap()
}

pub(crate) fn arr(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap()
}
