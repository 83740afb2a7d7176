//! Loading the committed keripy vectors.

use serde_json::Value;

/// Reads `tests/vectors/keripy-1.1.17/<name>` as JSON.
pub(crate) fn load(name: &str) -> Value {
    let path = format!("{}/tests/vectors/keripy-1.1.17/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["keripy"], "1.1.17", "{name} must come from keripy 1.1.17");
    v
}

pub(crate) fn cases(v: &Value) -> &Vec<Value> {
    v["cases"].as_array().expect("cases")
}

pub(crate) fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

pub(crate) fn bytes(v: &Value) -> Vec<u8> {
    hex::decode(s(v)).unwrap()
}
