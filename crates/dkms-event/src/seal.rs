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

    /// Reads an entry.
    ///
    /// # Errors
    /// [`Error::Field`] for a seal-shaped map with a malformed value.
    pub fn from_value(v: &Value, label: &str) -> Result<Self> {
        if let Value::Map(m) = v
            && let Some(seal) = Seal::from_map(m, label)?
        {
            return Ok(Anchor::Seal(seal));
        }
        Ok(Anchor::Data(v.clone()))
    }

    /// As [`Anchor::from_value`], on a borrowed value.
    pub(crate) fn from_val(v: &Val<'_>, label: &str) -> Result<Self> {
        if let Val::Map(m) = v
            && let Some(seal) = Seal::from_fields(m, label)?
        {
            return Ok(Anchor::Seal(seal));
        }
        Ok(Anchor::Data(v.to_value()))
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
}

impl Trait {
    /// The trait's text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Trait::EstablishmentOnly => "EO",
            Trait::DoNotDelegate => "DND",
            Trait::NoBackers => "NB",
            Trait::RegistrarBackers => "RB",
            Trait::Other(s) => s,
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
