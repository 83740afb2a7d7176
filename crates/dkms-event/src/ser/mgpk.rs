//! MessagePack as msgpack-python 1.x `packb` writes KERI bodies: smallest
//! integer, string, list and map forms, `str8` allowed.

use std::borrow::Cow;
use std::ops::Range;

use super::{Kind, MAX_DEPTH, Reader, View, check_duplicate};
use crate::error::{Error, Result};
use crate::value::{Val, Value};

fn unsupported() -> Error {
    Error::Unsupported { what: "integer beyond 64 bits" }
}

fn int(i: i128, out: &mut Vec<u8>) -> Result<()> {
    if (0..=0x7f).contains(&i) {
        out.push(i as u8);
    } else if (-32..0).contains(&i) {
        out.push(i as i8 as u8);
    } else if i > 0 {
        let v = u64::try_from(i).map_err(|_| unsupported())?;
        if v <= 0xff {
            out.extend_from_slice(&[0xcc, v as u8]);
        } else if v <= 0xffff {
            out.push(0xcd);
            out.extend_from_slice(&(v as u16).to_be_bytes());
        } else if v <= 0xffff_ffff {
            out.push(0xce);
            out.extend_from_slice(&(v as u32).to_be_bytes());
        } else {
            out.push(0xcf);
            out.extend_from_slice(&v.to_be_bytes());
        }
    } else {
        let v = i64::try_from(i).map_err(|_| unsupported())?;
        if v >= -128 {
            out.extend_from_slice(&[0xd0, v as i8 as u8]);
        } else if v >= -32768 {
            out.push(0xd1);
            out.extend_from_slice(&(v as i16).to_be_bytes());
        } else if v >= -(1 << 31) {
            out.push(0xd2);
            out.extend_from_slice(&(v as i32).to_be_bytes());
        } else {
            out.push(0xd3);
            out.extend_from_slice(&v.to_be_bytes());
        }
    }
    Ok(())
}

fn sized(n: usize, fix: u8, fix_max: usize, b8: Option<u8>, b16: u8, b32: u8, out: &mut Vec<u8>) {
    if n < fix_max {
        out.push(fix | n as u8);
    } else if let Some(b8) = b8
        && n <= 0xff
    {
        out.extend_from_slice(&[b8, n as u8]);
    } else if n <= 0xffff {
        out.push(b16);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        out.push(b32);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    }
}

fn string(s: &str, out: &mut Vec<u8>) {
    sized(s.len(), 0xa0, 32, Some(0xd9), 0xda, 0xdb, out);
    out.extend_from_slice(s.as_bytes());
}

pub(super) fn encode(value: &Value, out: &mut Vec<u8>) -> Result<()> {
    match value {
        Value::Null => out.push(0xc0),
        Value::Bool(false) => out.push(0xc2),
        Value::Bool(true) => out.push(0xc3),
        Value::Float(x) => {
            let f: f64 = x.parse().map_err(|_| Error::Unsupported { what: "float literal" })?;
            out.push(0xcb);
            out.extend_from_slice(&f.to_be_bytes());
        }
        Value::Int(i) => int(*i, out)?,
        Value::Str(s) => string(s, out),
        Value::List(l) => {
            sized(l.len(), 0x90, 16, None, 0xdc, 0xdd, out);
            for v in l {
                encode(v, out)?;
            }
        }
        Value::Map(m) => {
            sized(m.len(), 0x80, 16, None, 0xde, 0xdf, out);
            for (k, v) in &m.0 {
                string(k, out);
                encode(v, out)?;
            }
        }
    }
    Ok(())
}

fn syntax(offset: usize, reason: &'static str) -> Error {
    Error::Syntax { kind: "MGPK", offset, reason }
}

/// Reads a string head; returns the length, requiring the smallest form.
fn str_len(r: &mut Reader<'_>, b: u8, at: usize) -> Result<Option<u64>> {
    let n = match b {
        0xa0..=0xbf => u64::from(b & 0x1f),
        0xd9 => r.uint_be(1)?,
        0xda => r.uint_be(2)?,
        0xdb => r.uint_be(4)?,
        _ => return Ok(None),
    };
    let minimal = match b {
        0xd9 => n >= 32,
        0xda => n > 0xff,
        0xdb => n > 0xffff,
        _ => true,
    };
    if !minimal {
        return Err(syntax(at, "non-minimal string length"));
    }
    Ok(Some(n))
}

fn value<'a>(r: &mut Reader<'a>, depth: usize) -> Result<(Val<'a>, Option<Range<usize>>)> {
    if depth > MAX_DEPTH {
        return Err(r.err("nesting too deep"));
    }
    let at = r.pos;
    let b = r.byte()?;
    if let Some(n) = str_len(r, b, at)? {
        let (s, span) = r.text(n)?;
        return Ok((Val::Str(Cow::Borrowed(s)), Some(span)));
    }
    let non_minimal = || syntax(at, "non-minimal integer");
    let v = match b {
        0x00..=0x7f => Val::Int(i128::from(b)),
        0xe0..=0xff => Val::Int(i128::from(b as i8)),
        0xc0 => Val::Null,
        0xc2 => Val::Bool(false),
        0xc3 => Val::Bool(true),
        0xcc..=0xcf => {
            let v = r.uint_be(1 << (b - 0xcc))?;
            let min = match b {
                0xcc => 0x80,
                0xcd => 0x100,
                0xce => 0x1_0000,
                _ => 0x1_0000_0000,
            };
            if v < min {
                return Err(non_minimal());
            }
            Val::Int(i128::from(v))
        }
        0xd0..=0xd3 => {
            let n = 1usize << (b - 0xd0);
            let raw = r.uint_be(n)?;
            let shift = 64 - 8 * n as u32;
            let v = ((raw << shift) as i64) >> shift;
            let min = match b {
                0xd0 => -32,
                0xd1 => -128,
                0xd2 => -32768,
                _ => -(1i64 << 31),
            };
            if v >= min {
                return Err(non_minimal());
            }
            Val::Int(i128::from(v))
        }
        0x90..=0x9f | 0xdc | 0xdd => {
            let n = match b {
                0xdc => r.uint_be(2)?,
                0xdd => r.uint_be(4)?,
                _ => u64::from(b & 0x0f),
            };
            if (b == 0xdc && n < 16) || (b == 0xdd && n <= 0xffff) {
                return Err(syntax(at, "non-minimal list length"));
            }
            let mut list = Vec::new();
            for _ in 0..n {
                list.push(value(r, depth + 1)?.0);
            }
            Val::List(list)
        }
        0x80..=0x8f | 0xde | 0xdf => {
            let n = map_len(r, b, at)?;
            Val::Map(map_body(r, n, depth)?.0)
        }
        _ => return Err(syntax(at, "type not used in KERI bodies")),
    };
    Ok((v, None))
}

fn map_len(r: &mut Reader<'_>, b: u8, at: usize) -> Result<u64> {
    let n = match b {
        0xde => r.uint_be(2)?,
        0xdf => r.uint_be(4)?,
        0x80..=0x8f => u64::from(b & 0x0f),
        _ => return Err(syntax(at, "body is not a map")),
    };
    if (b == 0xde && n < 16) || (b == 0xdf && n <= 0xffff) {
        return Err(syntax(at, "non-minimal map length"));
    }
    Ok(n)
}

type Entries<'a> = Vec<(Cow<'a, str>, Val<'a>)>;

fn map_body<'a>(r: &mut Reader<'a>, n: u64, depth: usize) -> Result<(Entries<'a>, Vec<Option<Range<usize>>>)> {
    // Reserve for the usual sizes only: the count is not bounded by the input here.
    let cap = usize::try_from(n).unwrap_or(0).min(64);
    let mut map = Vec::with_capacity(cap);
    let mut spans = Vec::with_capacity(cap);
    for _ in 0..n {
        let key_at = r.pos;
        let b = r.byte()?;
        let klen = str_len(r, b, key_at)?.ok_or_else(|| syntax(key_at, "map key is not a string"))?;
        let (key, _) = r.text(klen)?;
        check_duplicate(&map, key, Kind::Mgpk, key_at)?;
        let (v, span) = value(r, depth + 1)?;
        map.push((Cow::Borrowed(key), v));
        spans.push(span);
    }
    Ok((map, spans))
}

pub(super) fn decode(raw: &[u8]) -> Result<View<'_>> {
    let mut r = Reader::new(raw, Kind::Mgpk);
    let b = r.byte()?;
    let n = map_len(&mut r, b, 0)?;
    let (map, spans) = map_body(&mut r, n, 0)?;
    if r.pos != raw.len() {
        return Err(r.err("data after the end of the body map"));
    }
    Ok(View { fields: map, spans })
}
