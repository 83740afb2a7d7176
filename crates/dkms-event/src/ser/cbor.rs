//! CBOR as Python's `cbor2.dumps` writes KERI bodies: definite lengths, minimal
//! heads, text strings, insertion-ordered maps.

use std::borrow::Cow;
use std::ops::Range;

use super::{Kind, MAX_DEPTH, Reader, View, check_duplicate};
use crate::error::{Error, Result};
use crate::value::{Val, Value};

fn head(major: u8, v: u64, out: &mut Vec<u8>) {
    let m = major << 5;
    if v < 24 {
        out.push(m | v as u8);
    } else if v <= 0xff {
        out.extend_from_slice(&[m | 24, v as u8]);
    } else if v <= 0xffff {
        out.push(m | 25);
        out.extend_from_slice(&(v as u16).to_be_bytes());
    } else if v <= 0xffff_ffff {
        out.push(m | 26);
        out.extend_from_slice(&(v as u32).to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend_from_slice(&v.to_be_bytes());
    }
}

fn len(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

pub(super) fn encode(value: &Value, out: &mut Vec<u8>) -> Result<()> {
    match value {
        Value::Null => out.push(0xf6),
        Value::Bool(false) => out.push(0xf4),
        Value::Bool(true) => out.push(0xf5),
        Value::Float(x) => {
            let f: f64 = x.parse().map_err(|_| Error::Unsupported { what: "float literal" })?;
            out.push(0xfb);
            out.extend_from_slice(&f.to_be_bytes());
        }
        Value::Int(i) => {
            if *i >= 0 {
                head(0, u64::try_from(*i).map_err(|_| Error::Unsupported { what: "integer beyond 64 bits" })?, out);
            } else {
                let n = u64::try_from(-1 - *i).map_err(|_| Error::Unsupported { what: "integer beyond 64 bits" })?;
                head(1, n, out);
            }
        }
        Value::Str(s) => {
            head(3, len(s.len()), out);
            out.extend_from_slice(s.as_bytes());
        }
        Value::List(l) => {
            head(4, len(l.len()), out);
            for v in l {
                encode(v, out)?;
            }
        }
        Value::Map(m) => {
            head(5, len(m.len()), out);
            for (k, v) in &m.0 {
                head(3, len(k.len()), out);
                out.extend_from_slice(k.as_bytes());
                encode(v, out)?;
            }
        }
    }
    Ok(())
}

/// Reads a head; returns (major, argument), rejecting non-minimal and indefinite forms.
fn read_head(r: &mut Reader<'_>) -> Result<(u8, u64)> {
    let at = r.pos;
    let b = r.byte()?;
    let major = b >> 5;
    let info = b & 0x1f;
    let v = match info {
        0..=23 => u64::from(info),
        24 => r.uint_be(1)?,
        25 => r.uint_be(2)?,
        26 => r.uint_be(4)?,
        27 => r.uint_be(8)?,
        _ => return Err(Error::Syntax { kind: "CBOR", offset: at, reason: "indefinite length or reserved value" }),
    };
    let minimal = match info {
        24 => v >= 24,
        25 => v > 0xff,
        26 => v > 0xffff,
        27 => v > 0xffff_ffff,
        _ => true,
    };
    if !minimal && major != 7 {
        return Err(Error::Syntax { kind: "CBOR", offset: at, reason: "non-minimal length or integer" });
    }
    Ok((major, v))
}

fn value<'a>(r: &mut Reader<'a>, depth: usize) -> Result<(Val<'a>, Option<Range<usize>>)> {
    if depth > MAX_DEPTH {
        return Err(r.err("nesting too deep"));
    }
    let at = r.pos;
    let (major, v) = read_head(r)?;
    let err = |reason| Error::Syntax { kind: "CBOR", offset: at, reason };
    Ok(match major {
        0 => (Val::Int(i128::from(v)), None),
        1 => (Val::Int(-1 - i128::from(v)), None),
        3 => {
            let (s, span) = r.text(v)?;
            (Val::Str(Cow::Borrowed(s)), Some(span))
        }
        4 => {
            let mut list = Vec::new();
            for _ in 0..v {
                list.push(value(r, depth + 1)?.0);
            }
            (Val::List(list), None)
        }
        5 => (Val::Map(map_body(r, v, depth)?.0), None),
        7 => match (r.raw.get(at), v) {
            (Some(0xf4), _) => (Val::Bool(false), None),
            (Some(0xf5), _) => (Val::Bool(true), None),
            (Some(0xf6), _) => (Val::Null, None),
            _ => return Err(err("floats and simple values are not used in KERI bodies")),
        },
        2 => return Err(err("byte strings are not used in KERI bodies")),
        _ => return Err(err("tags are not used in KERI bodies")),
    })
}

type Entries<'a> = Vec<(Cow<'a, str>, Val<'a>)>;

fn map_body<'a>(r: &mut Reader<'a>, n: u64, depth: usize) -> Result<(Entries<'a>, Vec<Option<Range<usize>>>)> {
    // Reserve for the usual sizes only: the count is not bounded by the input here.
    let cap = usize::try_from(n).unwrap_or(0).min(64);
    let mut map = Vec::with_capacity(cap);
    let mut spans = Vec::with_capacity(cap);
    for _ in 0..n {
        let key_at = r.pos;
        let (major, klen) = read_head(r)?;
        if major != 3 {
            return Err(Error::Syntax { kind: "CBOR", offset: key_at, reason: "map key is not a text string" });
        }
        let (key, _) = r.text(klen)?;
        check_duplicate(&map, key, Kind::Cbor, key_at)?;
        let (v, span) = value(r, depth + 1)?;
        map.push((Cow::Borrowed(key), v));
        spans.push(span);
    }
    Ok((map, spans))
}

pub(super) fn decode(raw: &[u8]) -> Result<View<'_>> {
    let mut r = Reader::new(raw, Kind::Cbor);
    let (major, n) = read_head(&mut r)?;
    if major != 5 {
        return Err(Error::Syntax { kind: "CBOR", offset: 0, reason: "body is not a map" });
    }
    // Each entry takes at least two bytes: bound the count by the input before looping.
    if n > u64::try_from(raw.len()).unwrap_or(u64::MAX) {
        return Err(r.err("map count larger than the body"));
    }
    let (map, spans) = map_body(&mut r, n, 0)?;
    if r.pos != raw.len() {
        return Err(r.err("data after the end of the body map"));
    }
    Ok(View { fields: map, spans })
}
