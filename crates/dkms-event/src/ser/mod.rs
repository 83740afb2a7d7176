//! Byte-exact serialization of [`Value`]s as keripy produces them, and strict
//! parsing that accepts only that canonical form.
//!
//! keripy re-serializes every body it receives and requires byte equality with
//! what arrived (reference §2.3). Our parsers accept exactly the bytes our
//! serializers produce — no whitespace, no alternative escapes, no non-minimal
//! lengths or integers, no duplicate keys — so that check holds by
//! construction and no body is ever serialized twice on the way in.

mod cbor;
mod json;
mod mgpk;

use std::borrow::Cow;
use std::ops::Range;

pub use dkms_cesr::stream::Kind;

use crate::error::{Error, Result};
use crate::value::{Fields, Map, Val, Value};

/// Nesting depth a body may reach (maps and lists inside each other).
pub const MAX_DEPTH: usize = 32;

/// A top-level map decoded from a body, with the byte span of each string value's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The fields in order.
    pub map: Map,
    /// For each field: the byte range of its value's string content in the raw body
    /// (`None` for non-string values). SAIDs are verified by overwriting these bytes.
    pub spans: Vec<Option<Range<usize>>>,
}

/// Serializes a value in `kind`.
///
/// # Errors
/// [`Error::Unsupported`] for integers the encoding cannot carry.
pub fn encode(value: &Value, kind: Kind) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(512);
    match kind {
        Kind::Json => json::encode(value, &mut out)?,
        Kind::Cbor => cbor::encode(value, &mut out)?,
        Kind::Mgpk => mgpk::encode(value, &mut out)?,
        _ => return Err(Error::Unsupported { what: "serialization kind" }),
    }
    Ok(out)
}

/// Strictly parses a body whose top level must be a map.
///
/// # Errors
/// [`Error::Syntax`] with the byte offset for anything that is not the canonical encoding.
pub fn decode(raw: &[u8], kind: Kind) -> Result<Decoded> {
    let view = decode_view(raw, kind)?;
    let map = Map(view.fields.into_iter().map(|(k, v)| (k.into_owned(), v.into_value())).collect());
    Ok(Decoded { map, spans: view.spans })
}

/// A top-level map decoded from a body, borrowing its strings from the body.
#[derive(Debug)]
pub(crate) struct View<'a> {
    /// The fields in order.
    pub(crate) fields: Vec<(Cow<'a, str>, Val<'a>)>,
    /// As [`Decoded::spans`].
    pub(crate) spans: Vec<Option<Range<usize>>>,
}

/// As [`decode`], without copying the strings (same checks, same errors).
pub(crate) fn decode_view(raw: &[u8], kind: Kind) -> Result<View<'_>> {
    match kind {
        Kind::Json => json::decode(raw),
        Kind::Cbor => cbor::decode(raw),
        Kind::Mgpk => mgpk::decode(raw),
        _ => Err(Error::Unsupported { what: "serialization kind" }),
    }
}

/// A byte reader shared by the binary decoders.
struct Reader<'a> {
    raw: &'a [u8],
    pos: usize,
    kind: Kind,
}

impl<'a> Reader<'a> {
    fn new(raw: &'a [u8], kind: Kind) -> Self {
        Self { raw, pos: 0, kind }
    }

    fn err(&self, reason: &'static str) -> Error {
        Error::Syntax { kind: self.kind.as_str(), offset: self.pos, reason }
    }

    fn byte(&mut self) -> Result<u8> {
        let b = *self.raw.get(self.pos).ok_or_else(|| self.err("unexpected end of body"))?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).ok_or_else(|| self.err("length overflow"))?;
        let s = self.raw.get(self.pos..end).ok_or_else(|| self.err("unexpected end of body"))?;
        self.pos = end;
        Ok(s)
    }

    fn uint_be(&mut self, n: usize) -> Result<u64> {
        let mut v: u64 = 0;
        for b in self.take(n)? {
            v = (v << 8) | u64::from(*b);
        }
        Ok(v)
    }

    fn text(&mut self, len: u64) -> Result<(&'a str, Range<usize>)> {
        let len = usize::try_from(len).map_err(|_| self.err("length overflow"))?;
        let start = self.pos;
        let bytes = self.take(len)?;
        let s = std::str::from_utf8(bytes).map_err(|_| Error::Syntax {
            kind: self.kind.as_str(),
            offset: start,
            reason: "string is not valid UTF-8",
        })?;
        Ok((s, start..self.pos))
    }
}

/// Rejects a repeated key in a map being decoded.
fn check_duplicate(map: &Fields<'_>, key: &str, kind: Kind, offset: usize) -> Result<()> {
    if map.iter().any(|(k, _)| k == key) {
        return Err(Error::Syntax { kind: kind.as_str(), offset, reason: "duplicate map key" });
    }
    Ok(())
}
