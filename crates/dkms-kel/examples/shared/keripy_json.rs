//! Key states in the JSON shape keripy's scripts print (`interop/keripy/judge.py` `states()`):
//! shared by the `interop_kels` and `differential` examples and the `interop` tests.

use dkms_event::value::Value as EventValue;
use dkms_kel::KeyState;
use serde_json::{Value, json};

/// A threshold (or any event value) as JSON.
pub(crate) fn value_json(v: &EventValue) -> Value {
    match v {
        EventValue::Null => Value::Null,
        EventValue::Bool(b) => json!(b),
        EventValue::Int(i) => i64::try_from(*i).map_or_else(|_| json!(i.to_string()), |x| json!(x)),
        EventValue::Str(s) => json!(s),
        EventValue::Float(x) => {
            x.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number)
        }
        EventValue::List(l) => Value::Array(l.iter().map(value_json).collect()),
        EventValue::Map(m) => Value::Object(m.0.iter().map(|(k, v)| (k.clone(), value_json(v))).collect()),
    }
}

/// A key state as keripy's scripts print it.
pub(crate) fn state_json(s: &KeyState) -> Value {
    let sn = |n: u128| u64::try_from(n).map_or_else(|_| json!(n.to_string()), |x| json!(x));
    json!({
        "prefix": s.prefix().qb64(),
        "sn": sn(s.sn()),
        "said": s.said().qb64(),
        "keys": s.keys().iter().map(|k| k.qb64()).collect::<Vec<_>>(),
        "next": s.next().iter().map(|d| d.qb64()).collect::<Vec<_>>(),
        "kt": value_json(&s.kt().to_value()),
        "nt": value_json(&s.nt().to_value()),
        "toad": s.toad(),
        "witnesses": s.witnesses().iter().map(|w| w.qb64()).collect::<Vec<_>>(),
        "delegator": s.delegator().map(|d| d.qb64()),
        "config": s.config().iter().map(|c| c.as_str().to_owned()).collect::<Vec<_>>(),
        "last_est": {"sn": sn(s.last_est().sn), "said": s.last_est().said.qb64()},
    })
}
