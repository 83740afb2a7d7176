//! The value model of KERI v1 bodies: the common subset of JSON, CBOR and
//! MessagePack that KERI messages use, with maps kept in field order.

use std::borrow::Cow;
use std::fmt;

/// A body value. Maps keep their insertion order, which is part of the
/// serialization (keripy emits and requires fields in a fixed order).
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Value {
    /// `null` / nil.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer in `-2^64 ..= 2^64 - 1` (what all three encodings share).
    Int(i128),
    /// A text string.
    Str(String),
    /// A floating-point number (JSON only), kept as its literal text, which is exactly what
    /// Python's `repr` (so keripy) writes for it. No KERI rule reads one; they appear in
    /// anchored data.
    Float(String),
    /// A list.
    List(Vec<Value>),
    /// A map with string keys, in order.
    Map(Map),
}

/// An ordered map with string keys.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Map(pub Vec<(String, Value)>);

impl Map {
    /// An empty map.
    #[must_use]
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// Appends an entry (does not check for duplicates; see [`Map::insert`]).
    pub fn push(&mut self, key: impl Into<String>, value: impl Into<Value>) {
        self.0.push((key.into(), value.into()));
    }

    /// Sets `key`, replacing an existing entry in place or appending a new one.
    pub fn insert(&mut self, key: &str, value: impl Into<Value>) {
        let value = value.into();
        if let Some(slot) = self.0.iter_mut().find(|(k, _)| k == key) {
            slot.1 = value;
        } else {
            self.0.push((key.to_owned(), value));
        }
    }

    /// The value of `key`.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// Number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Iterates over the entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl Value {
    /// The string, if this is one.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The list, if this is one.
    #[must_use]
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// The map, if this is one.
    #[must_use]
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// A short name of the value's type, for error messages.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) => "integer",
            Value::Str(_) => "string",
            Value::Float(_) => "float",
            Value::List(_) => "list",
            Value::Map(_) => "map",
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}
impl From<Map> for Value {
    fn from(m: Map) -> Self {
        Value::Map(m)
    }
}
impl From<Vec<Value>> for Value {
    fn from(l: Vec<Value>) -> Self {
        Value::List(l)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i128::from(i))
    }
}
impl From<u64> for Value {
    fn from(i: u64) -> Self {
        Value::Int(i128::from(i))
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::Float(x) => f.write_str(x),
            Value::List(l) => f.debug_list().entries(l).finish(),
            Value::Map(m) => m.fmt(f),
        }
    }
}

impl fmt::Debug for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.iter().map(|(k, v)| (k, v))).finish()
    }
}

/// The entries of a borrowed map, in order.
pub(crate) type Fields<'a> = [(Cow<'a, str>, Val<'a>)];

/// A body value borrowed from the bytes it was decoded from (or from a [`Value`]):
/// what the strict parsers produce, so that reading a message allocates only for
/// lists, maps and the few strings that hold escapes. [`Val::to_value`] gives the owned form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Val<'a> {
    /// `null` / nil.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i128),
    /// A text string.
    Str(Cow<'a, str>),
    /// A floating-point literal (JSON only).
    Float(Cow<'a, str>),
    /// A list.
    List(Vec<Val<'a>>),
    /// A map with string keys, in order.
    Map(Vec<(Cow<'a, str>, Val<'a>)>),
}

impl<'a> Val<'a> {
    /// A borrowed view of an owned value.
    pub(crate) fn of(v: &'a Value) -> Self {
        match v {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(*b),
            Value::Int(i) => Val::Int(*i),
            Value::Str(s) => Val::Str(Cow::Borrowed(s)),
            Value::Float(x) => Val::Float(Cow::Borrowed(x)),
            Value::List(l) => Val::List(l.iter().map(Val::of).collect()),
            Value::Map(m) => Val::Map(Val::of_map(m)),
        }
    }

    /// A borrowed view of an owned map's entries.
    pub(crate) fn of_map(m: &'a Map) -> Vec<(Cow<'a, str>, Val<'a>)> {
        m.0.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), Val::of(v))).collect()
    }

    /// The owned value.
    pub(crate) fn to_value(&self) -> Value {
        match self {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(*b),
            Val::Int(i) => Value::Int(*i),
            Val::Str(s) => Value::Str(s.as_ref().to_owned()),
            Val::Float(x) => Value::Float(x.as_ref().to_owned()),
            Val::List(l) => Value::List(l.iter().map(Val::to_value).collect()),
            Val::Map(m) => Value::Map(map_to_owned(m)),
        }
    }

    /// The owned value, reusing what is owned already.
    pub(crate) fn into_value(self) -> Value {
        match self {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(b),
            Val::Int(i) => Value::Int(i),
            Val::Str(s) => Value::Str(s.into_owned()),
            Val::Float(x) => Value::Float(x.into_owned()),
            Val::List(l) => Value::List(l.into_iter().map(Val::into_value).collect()),
            Val::Map(m) => Value::Map(Map(m.into_iter().map(|(k, v)| (k.into_owned(), v.into_value())).collect())),
        }
    }

    /// The string, if this is one.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The list, if this is one.
    pub(crate) fn as_list(&self) -> Option<&[Val<'a>]> {
        match self {
            Val::List(l) => Some(l),
            _ => None,
        }
    }

    /// The map entries, if this is a map.
    pub(crate) fn as_map(&self) -> Option<&Fields<'a>> {
        match self {
            Val::Map(m) => Some(m),
            _ => None,
        }
    }

    /// A short name of the value's type, for error messages (as [`Value::type_name`]).
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "bool",
            Val::Int(_) => "integer",
            Val::Str(_) => "string",
            Val::Float(_) => "float",
            Val::List(_) => "list",
            Val::Map(_) => "map",
        }
    }
}

/// The owned map of borrowed entries.
pub(crate) fn map_to_owned(m: &Fields<'_>) -> Map {
    Map(m.iter().map(|(k, v)| (k.as_ref().to_owned(), v.to_value())).collect())
}

/// The value of `key` among borrowed entries.
pub(crate) fn get<'f, 'a>(m: &'f Fields<'a>, key: &str) -> Option<&'f Val<'a>> {
    m.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// The text Python's `repr` (and so `json.dumps`, and so keripy) writes for `f`: the shortest
/// digits that read back as `f`, positional for exponents -4..16, else `d.ddde±XX`.
/// `None` for infinities and NaN (not JSON).
#[must_use]
pub fn python_float_repr(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    // Rust's `{:e}` gives the shortest round-trip digits too: "1.5e0", "-2.5e-1", "1e16".
    let s = format!("{f:e}");
    let (mant, exp) = s.split_once('e')?;
    let exp: i32 = exp.parse().ok()?;
    let neg = mant.starts_with('-');
    let digits: String = mant.trim_start_matches('-').chars().filter(char::is_ascii_digit).collect();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if (-4..16).contains(&exp) {
        if exp >= 0 {
            let int_len = usize::try_from(exp).ok()? + 1;
            if digits.len() <= int_len {
                out.push_str(&digits);
                out.extend(std::iter::repeat_n('0', int_len - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(digits.get(..int_len)?);
                out.push('.');
                out.push_str(digits.get(int_len..)?);
            }
        } else {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', usize::try_from(-exp - 1).ok()?));
            out.push_str(&digits);
        }
    } else {
        out.push_str(digits.get(..1)?);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(digits.get(1..)?);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.unsigned_abs()));
    }
    Some(out)
}
