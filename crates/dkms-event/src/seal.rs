//! Seals (anchors in `a`) and configuration traits.

use crate::error::{Error, Result};
use crate::primitives::{Digest, Prefix};
use crate::threshold::parse_hex_u128;
use crate::value::{self, Fields, Map, Val, Value};

/// A seal: a commitment to other data placed in an event's `a` list
/// (keripy `Seal*` shapes; keys in exactly this order).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Seal {
    /// `{d}`: digest of any data.
    Digest {
        /// The digest.
        d: Digest,
    },
    /// `{rd}`: Merkle tree root digest.
    Root {
        /// The root digest.
        rd: Digest,
    },
    /// `{bi, d}`: backer (registrar) seal.
    Backer {
        /// Backer identifier.
        bi: Prefix,
        /// Digest.
        d: Digest,
    },
    /// `{i, s, d}`: an event of another KEL (delegation approval, TEL anchoring).
    Event {
        /// Identifier.
        i: Prefix,
        /// Sequence number.
        s: u128,
        /// Event SAID.
        d: Digest,
    },
    /// `{i}`: latest establishment event of an identifier.
    Last {
        /// Identifier.
        i: Prefix,
    },
    /// `{s, d}`: source event in the same KEL.
    Source {
        /// Sequence number.
        s: u128,
        /// Event SAID.
        d: Digest,
    },
}

impl Seal {
    /// The seal as a map.
    #[must_use]
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        match self {
            Seal::Digest { d } => m.push("d", d.qb64()),
            Seal::Root { rd } => m.push("rd", rd.qb64()),
            Seal::Backer { bi, d } => {
                m.push("bi", bi.qb64());
                m.push("d", d.qb64());
            }
            Seal::Event { i, s, d } => {
                m.push("i", i.qb64());
                m.push("s", format!("{s:x}"));
                m.push("d", d.qb64());
            }
            Seal::Last { i } => m.push("i", i.qb64()),
            Seal::Source { s, d } => {
                m.push("s", format!("{s:x}"));
                m.push("d", d.qb64());
            }
        }
        Value::Map(m)
    }

    /// Reads a seal from a map whose keys are exactly one of the seal shapes, in order.
    /// `Ok(None)` when the map has another shape (plain anchored data).
    ///
    /// # Errors
    /// [`Error::Field`] when the shape matches but a value is malformed.
    pub fn from_map(m: &Map, label: &str) -> Result<Option<Seal>> {
        Self::from_fields(&Val::of_map(m), label)
    }

    /// The seal if `m` is a well-formed one, else `None` (no error is formatted).
    pub(crate) fn well_formed(m: &Fields<'_>) -> Option<Seal> {
        let s = |v: &Val<'_>| v.as_str().and_then(|t| parse_hex_u128(t, "").ok());
        let d = |v: &Val<'_>| Digest::from_val(v, "").ok();
        let p = |v: &Val<'_>| Prefix::from_val(v, "").ok();
        Some(match m {
            [(k0, v0)] => match k0.as_ref() {
                "d" => Seal::Digest { d: d(v0)? },
                "rd" => Seal::Root { rd: d(v0)? },
                "i" => Seal::Last { i: p(v0)? },
                _ => return None,
            },
            [(k0, v0), (k1, v1)] => match (k0.as_ref(), k1.as_ref()) {
                ("bi", "d") => Seal::Backer { bi: p(v0)?, d: d(v1)? },
                ("s", "d") => Seal::Source { s: s(v0)?, d: d(v1)? },
                _ => return None,
            },
            [(k0, v0), (k1, v1), (k2, v2)] if k0 == "i" && k1 == "s" && k2 == "d" => {
                Seal::Event { i: p(v0)?, s: s(v1)?, d: d(v2)? }
            }
            _ => return None,
        })
    }

    /// As [`Seal::from_map`], on borrowed entries. Field labels (`{label}.{k}`) are
    /// formatted only for an error.
    pub(crate) fn from_fields(m: &Fields<'_>, label: &str) -> Result<Option<Seal>> {
        let get = |k: &str| value::get(m, k).ok_or_else(|| Error::field(label, "missing seal field"));
        let sub = |k: &str| format!("{label}.{k}");
        let sn = |k: &str| -> Result<u128> {
            let v = get(k)?;
            let s = v.as_str().ok_or_else(|| Error::field(sub(k), "must be a hex string"))?;
            parse_hex_u128(s, label).or_else(|_| parse_hex_u128(s, &sub(k)))
        };
        let dig = |k: &str| -> Result<Digest> {
            let v = get(k)?;
            Digest::from_val(v, label).or_else(|_| Digest::from_val(v, &sub(k)))
        };
        let pre = |k: &str| -> Result<Prefix> {
            let v = get(k)?;
            Prefix::from_val(v, label).or_else(|_| Prefix::from_val(v, &sub(k)))
        };
        let key = |i: usize| m.get(i).map(|(k, _)| k.as_ref());
        Ok(Some(match (m.len(), key(0), key(1), key(2)) {
            (1, Some("d"), ..) => Seal::Digest { d: dig("d")? },
            (1, Some("rd"), ..) => Seal::Root { rd: dig("rd")? },
            (2, Some("bi"), Some("d"), _) => Seal::Backer { bi: pre("bi")?, d: dig("d")? },
            (3, Some("i"), Some("s"), Some("d")) => Seal::Event { i: pre("i")?, s: sn("s")?, d: dig("d")? },
            (1, Some("i"), ..) => Seal::Last { i: pre("i")? },
            (2, Some("s"), Some("d"), _) => Seal::Source { s: sn("s")?, d: dig("d")? },
            _ => return Ok(None),
        }))
    }
}

/// One entry of an event's `a` list: a seal, or other anchored data kept as it is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Anchor {
    /// A seal.
    Seal(Seal),
    /// Anything else.
    Data(Value),
}

impl Anchor {
    /// The entry as a value.
    #[must_use]
    pub fn to_value(&self) -> Value {
        match self {
            Anchor::Seal(s) => s.to_value(),
            Anchor::Data(v) => v.clone(),
        }
    }

    /// The seal, when the entry is a well-formed one.
    #[must_use]
    pub fn seal(&self) -> Option<&Seal> {
        match self {
            Anchor::Seal(s) => Some(s),
            Anchor::Data(_) => None,
        }
    }

    /// Reads an entry: a well-formed seal ([`Seal::from_map`]) becomes [`Anchor::Seal`],
    /// anything else, a seal-shaped map with a malformed value included (`{"d":"EAbc"}`,
    /// `{"i":…,"s":"01","d":…}`), stays [`Anchor::Data`] as it is. keripy 1.1.17 and
    /// 1.3.6 accept any entry in `a`; only the rules that read a seal interpret one.
    #[must_use]
    pub fn from_value(v: &Value) -> Self {
        if let Value::Map(m) = v
            && let Ok(Some(seal)) = Seal::from_map(m, "a")
        {
            return Anchor::Seal(seal);
        }
        Anchor::Data(v.clone())
    }

    /// As [`Anchor::from_value`], on a borrowed value.
    pub(crate) fn from_val(v: &Val<'_>) -> Self {
        if let Val::Map(m) = v
            && let Some(seal) = Seal::well_formed(m)
        {
            return Anchor::Seal(seal);
        }
        Anchor::Data(v.to_value())
    }
}

/// A configuration trait in `c`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Trait {
    /// `EO`: establishment events only.
    EstablishmentOnly,
    /// `DND`: this identifier does not delegate.
    DoNotDelegate,
    /// `NB`: no backers (TEL registries).
    NoBackers,
    /// `RB`: registrar backers.
    RegistrarBackers,
    /// Any other string (keripy 1.1 ignores unknown traits).
    Other(String),
    /// An entry that is not a string (keripy 1.1.17 accepts and ignores it).
    Data(Value),
}

impl Trait {
    /// The trait's text (empty for [`Trait::Data`]).
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Trait::EstablishmentOnly => "EO",
            Trait::DoNotDelegate => "DND",
            Trait::NoBackers => "NB",
            Trait::RegistrarBackers => "RB",
            Trait::Other(s) => s,
            Trait::Data(_) => "",
        }
    }

    /// The entry as a value.
    #[must_use]
    pub fn to_value(&self) -> Value {
        match self {
            Trait::Data(v) => v.clone(),
            other => Value::Str(other.as_str().to_owned()),
        }
    }

    /// Reads a trait from its text.
    #[must_use]
    pub fn parse(s: &str) -> Self {
        match s {
            "EO" => Trait::EstablishmentOnly,
            "DND" => Trait::DoNotDelegate,
            "NB" => Trait::NoBackers,
            "RB" => Trait::RegistrarBackers,
            other => Trait::Other(other.to_owned()),
        }
    }
}

/// Why a seal's text form ([`Seal::from_str`](std::str::FromStr)) was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SealSyntaxError {
    /// A comma-separated item that is not `key=value`.
    #[error("seal item {item:?} is not key=value")]
    Pair {
        /// The item.
        item: String,
    },
    /// Keys that are not one of the seal shapes, in order.
    #[error("seal keys {keys:?} are not one of d | rd | bi,d | i,s,d | i | s,d")]
    Shape {
        /// The keys found, comma-separated.
        keys: String,
    },
    /// A value that is not what its key holds: a digest (`d`, `rd`), an identifier
    /// prefix (`i`, `bi`) or a hex sequence number (`s`).
    #[error("seal {key}={value:?}: {reason}")]
    Value {
        /// The key.
        key: &'static str,
        /// The value.
        value: String,
        /// What is wrong.
        reason: String,
    },
}

impl std::str::FromStr for Seal {
    type Err = SealSyntaxError;

    /// Reads the text form the command line takes (`docs/guide.md`): `key=value` items
    /// separated by `,` (spaces around keys and values ignored), the keys of one seal
    /// shape in order: `d=` | `rd=` | `bi=,d=` | `i=,s=,d=` | `i=` | `s=,d=`, with `s` in
    /// hexadecimal.
    fn from_str(text: &str) -> Result<Self, SealSyntaxError> {
        let mut fields: Vec<(&str, &str)> = Vec::new();
        for item in text.split(',') {
            let (k, v) = item.split_once('=').ok_or_else(|| SealSyntaxError::Pair { item: item.to_owned() })?;
            fields.push((k.trim(), v.trim()));
        }
        let bad = |key: &'static str, value: &str, e: &dyn std::fmt::Display| SealSyntaxError::Value {
            key,
            value: value.to_owned(),
            reason: e.to_string(),
        };
        let dig = |key: &'static str, v: &str| Digest::parse(v, key).map_err(|e| bad(key, v, &e));
        let pre = |key: &'static str, v: &str| Prefix::parse(v, key).map_err(|e| bad(key, v, &e));
        let sn = |v: &str| u128::from_str_radix(v, 16).map_err(|e| bad("s", v, &e));
        Ok(match fields.as_slice() {
            [("d", d)] => Seal::Digest { d: dig("d", d)? },
            [("rd", d)] => Seal::Root { rd: dig("rd", d)? },
            [("bi", i), ("d", d)] => Seal::Backer { bi: pre("bi", i)?, d: dig("d", d)? },
            [("i", i), ("s", s), ("d", d)] => Seal::Event { i: pre("i", i)?, s: sn(s)?, d: dig("d", d)? },
            [("i", i)] => Seal::Last { i: pre("i", i)? },
            [("s", s), ("d", d)] => Seal::Source { s: sn(s)?, d: dig("d", d)? },
            _ => {
                let keys: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
                return Err(SealSyntaxError::Shape { keys: keys.join(",") });
            }
        })
    }
}
