//! JSON exactly as Python's `json.dumps(sad, separators=(",", ":"), ensure_ascii=False)` writes it.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::ops::Range;

use super::{Kind, MAX_DEPTH, View, check_duplicate};
use crate::error::{Error, Result};
use crate::value::{Val, Value};

pub(super) fn encode(value: &Value, out: &mut Vec<u8>) -> Result<()> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Int(i) => {
            let mut s = String::new();
            let _ = write!(s, "{i}");
            out.extend_from_slice(s.as_bytes());
        }
        Value::Str(s) => string(s, out),
        Value::Float(x) => out.extend_from_slice(x.as_bytes()),
        Value::List(l) => {
            out.push(b'[');
            for (n, v) in l.iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                encode(v, out)?;
            }
            out.push(b']');
        }
        Value::Map(m) => {
            out.push(b'{');
            for (n, (k, v)) in m.0.iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                string(k, out);
                out.push(b':');
                encode(v, out)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

fn string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            c if u32::from(c) < 0x20 => {
                let mut e = String::new();
                let _ = write!(e, "\\u{:04x}", u32::from(c));
                out.extend_from_slice(e.as_bytes());
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}

struct Parser<'a> {
    raw: &'a [u8],
    /// The body as text when it is valid UTF-8 as a whole (the usual case): strings are
    /// then sliced from it without checking each one again.
    text: Option<&'a str>,
    pos: usize,
}

/// Bytes that end a run of ordinary string content: `"`, `\` and control characters.
#[inline]
fn is_special(b: u8) -> bool {
    matches!(b, b'"' | b'\\' | 0x00..=0x1f)
}

/// Length of the run of ordinary string bytes at the start of `s` (up to the first
/// `"`, `\\` or control character, or all of `s`). Eight bytes at a time while no
/// byte of the word can be one of them.
#[inline]
fn ordinary_run(s: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut n = 0;
    for chunk in s.chunks_exact(8) {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else { break };
        let x = u64::from_le_bytes(word);
        let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
        // A byte below 0x20, equal to '"' or equal to '\\' sets its high bit here.
        let hit = (x.wrapping_sub(ONES * 0x20) & !x & HIGH) | zero(x ^ (ONES * 0x22)) | zero(x ^ (ONES * 0x5c));
        if hit != 0 {
            break;
        }
        n += 8;
    }
    let rest = s.get(n..).unwrap_or_default();
    n + rest.iter().position(|b| is_special(*b)).unwrap_or(rest.len())
}

/// Entries of a map being decoded.
type Entries<'a> = Vec<(Cow<'a, str>, Val<'a>)>;

pub(super) fn decode(raw: &[u8]) -> Result<View<'_>> {
    let mut p = Parser { raw, text: std::str::from_utf8(raw).ok(), pos: 0 };
    p.expect(b'{')?;
    // KERI bodies have at most 14 top-level fields.
    let mut map: Entries<'_> = Vec::with_capacity(16);
    let mut spans = Vec::with_capacity(16);
    if p.peek() == Some(b'}') {
        p.pos += 1;
    } else {
        loop {
            let key_at = p.pos;
            let (key, _) = p.string()?;
            check_duplicate(&map, &key, Kind::Json, key_at)?;
            p.expect(b':')?;
            let (value, span) = p.value(1)?;
            map.push((key, value));
            spans.push(span);
            match p.next()? {
                b',' => continue,
                b'}' => break,
                _ => return Err(p.err_at(p.pos - 1, "expected ',' or '}'")),
            }
        }
    }
    if p.pos != raw.len() {
        return Err(p.err("data after the end of the body map"));
    }
    Ok(View { fields: map, spans })
}

impl<'a> Parser<'a> {
    fn err(&self, reason: &'static str) -> Error {
        self.err_at(self.pos, reason)
    }

    fn err_at(&self, offset: usize, reason: &'static str) -> Error {
        Error::Syntax { kind: "JSON", offset, reason }
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.raw.get(self.pos).copied()
    }

    #[inline]
    fn next(&mut self) -> Result<u8> {
        let b = self.peek().ok_or_else(|| self.err("unexpected end of body"))?;
        self.pos += 1;
        Ok(b)
    }

    #[inline]
    fn expect(&mut self, b: u8) -> Result<()> {
        if self.next()? != b {
            return Err(self.err_at(
                self.pos - 1,
                match b {
                    b'{' => "expected '{'",
                    b':' => "expected ':' (no whitespace allowed)",
                    b'"' => "expected '\"'",
                    _ => "unexpected byte",
                },
            ));
        }
        Ok(())
    }

    /// A value; for strings also the span of the content.
    fn value(&mut self, depth: usize) -> Result<(Val<'a>, Option<Range<usize>>)> {
        if depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        match self.peek().ok_or_else(|| self.err("unexpected end of body"))? {
            b'"' => {
                let (s, span) = self.string()?;
                Ok((Val::Str(s), Some(span)))
            }
            b'{' => {
                self.pos += 1;
                let mut map: Entries<'a> = Vec::new();
                if self.peek() == Some(b'}') {
                    self.pos += 1;
                    return Ok((Val::Map(map), None));
                }
                loop {
                    let key_at = self.pos;
                    let (key, _) = self.string()?;
                    check_duplicate(&map, &key, Kind::Json, key_at)?;
                    self.expect(b':')?;
                    let (v, _) = self.value(depth + 1)?;
                    map.push((key, v));
                    match self.next()? {
                        b',' => continue,
                        b'}' => return Ok((Val::Map(map), None)),
                        _ => return Err(self.err_at(self.pos - 1, "expected ',' or '}'")),
                    }
                }
            }
            b'[' => {
                self.pos += 1;
                let mut list = Vec::new();
                if self.peek() == Some(b']') {
                    self.pos += 1;
                    return Ok((Val::List(list), None));
                }
                loop {
                    let (v, _) = self.value(depth + 1)?;
                    list.push(v);
                    match self.next()? {
                        b',' => continue,
                        b']' => return Ok((Val::List(list), None)),
                        _ => return Err(self.err_at(self.pos - 1, "expected ',' or ']'")),
                    }
                }
            }
            b't' => self.word(b"true", Val::Bool(true)),
            b'f' => self.word(b"false", Val::Bool(false)),
            b'n' => self.word(b"null", Val::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(self.err("unexpected byte (no whitespace allowed)")),
        }
    }

    fn word(&mut self, w: &[u8], v: Val<'a>) -> Result<(Val<'a>, Option<Range<usize>>)> {
        if self.raw.get(self.pos..self.pos + w.len()) != Some(w) {
            return Err(self.err("invalid literal"));
        }
        self.pos += w.len();
        Ok((v, None))
    }

    fn number(&mut self) -> Result<(Val<'a>, Option<Range<usize>>)> {
        let start = self.pos;
        let neg = self.peek() == Some(b'-');
        if neg {
            self.pos += 1;
        }
        let digits_at = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        let digits = self.raw.get(digits_at..self.pos).unwrap_or_default();
        if digits.is_empty() {
            return Err(self.err_at(start, "invalid number"));
        }
        if digits.len() > 1 && digits.first() == Some(&b'0') {
            return Err(self.err_at(start, "number with a leading zero"));
        }
        if matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return self.float(start);
        }
        if neg && digits == b"0" {
            return Err(self.err_at(start, "negative zero is not canonical"));
        }
        let mut v: i128 = 0;
        for d in digits {
            v = v
                .checked_mul(10)
                .and_then(|v| v.checked_add(i128::from(d - b'0')))
                .ok_or_else(|| self.err_at(start, "integer out of range"))?;
        }
        let v = if neg { -v } else { v };
        if !(-(1i128 << 64)..(1i128 << 64)).contains(&v) {
            return Err(self.err_at(start, "integer out of range"));
        }
        Ok((Val::Int(v), None))
    }

    /// The rest of a floating-point literal starting at `start`: accepted exactly when it is
    /// the text keripy (Python's `repr`) writes for its value, as keripy's round trip of the
    /// body requires.
    fn float(&mut self, start: usize) -> Result<(Val<'a>, Option<Range<usize>>)> {
        // One or more digits, or the number is malformed.
        let digits = |p: &mut Self| -> Result<()> {
            let at = p.pos;
            while let Some(b'0'..=b'9') = p.peek() {
                p.pos += 1;
            }
            if p.pos == at { Err(p.err_at(start, "invalid number")) } else { Ok(()) }
        };
        if self.peek() == Some(b'.') {
            self.pos += 1;
            digits(self)?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            digits(self)?;
        }
        let text = self.raw.get(start..self.pos).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or_default();
        let canonical = text.parse::<f64>().ok().and_then(crate::value::python_float_repr);
        if canonical.as_deref() != Some(text) {
            return Err(self.err_at(start, "floating-point number not in the form keripy writes (Python repr)"));
        }
        Ok((Val::Float(Cow::Borrowed(text)), None))
    }

    /// A string in canonical form; returns it (borrowed from the body unless it holds
    /// escapes) and the span of its content (between the quotes).
    fn string(&mut self) -> Result<(Cow<'a, str>, Range<usize>)> {
        self.expect(b'"')?;
        let start = self.pos;
        let mut out: Option<String> = None;
        let mut run = start;
        loop {
            // Skip the run of ordinary bytes up to the next quote, backslash or control byte.
            self.pos += ordinary_run(self.raw.get(self.pos..).unwrap_or_default());
            let at = self.pos;
            let b = self.next()?;
            match b {
                b'"' => {
                    let tail = self.slice_str(run, at)?;
                    let s = match out {
                        Some(mut s) => {
                            s.push_str(tail);
                            Cow::Owned(s)
                        }
                        None => Cow::Borrowed(tail),
                    };
                    return Ok((s, start..at));
                }
                b'\\' => {
                    let s = out.get_or_insert_with(String::new);
                    s.push_str(self.slice_str(run, at)?);
                    let c = match self.next()? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'u' => {
                            let hex =
                                self.raw.get(self.pos..self.pos + 4).ok_or_else(|| self.err("short \\u escape"))?;
                            let mut v = 0u32;
                            for h in hex {
                                let d = match h {
                                    b'0'..=b'9' => h - b'0',
                                    b'a'..=b'f' => h - b'a' + 10,
                                    _ => return Err(self.err_at(at, "non-canonical \\u escape")),
                                };
                                v = v * 16 + u32::from(d);
                            }
                            self.pos += 4;
                            // Python escapes only control characters without a short form.
                            if v >= 0x20 || matches!(v, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d) {
                                return Err(self.err_at(at, "non-canonical \\u escape"));
                            }
                            char::from_u32(v).ok_or_else(|| self.err_at(at, "invalid escape"))?
                        }
                        _ => return Err(self.err_at(at, "non-canonical escape")),
                    };
                    s.push(c);
                    run = self.pos;
                }
                _ => return Err(self.err_at(at, "control character in string")),
            }
        }
    }

    fn slice_str(&self, from: usize, to: usize) -> Result<&'a str> {
        // `from` and `to` are at ASCII bytes (after a quote or escape, at a quote or
        // backslash), so they are character boundaries of a valid body.
        if let Some(s) = self.text.and_then(|t| t.get(from..to)) {
            return Ok(s);
        }
        let bytes = self.raw.get(from..to).unwrap_or_default();
        std::str::from_utf8(bytes).map_err(|e| self.err_at(from + e.valid_up_to(), "string is not valid UTF-8"))
    }
}
