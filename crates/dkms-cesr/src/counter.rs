//! Counters: the group codes that frame attachments.

use alloc::string::String;
use alloc::vec::Vec;

use crate::b64;
use crate::codec::{Domain, head_into, pack_sextets};
use crate::codes::counter::{CesrVersion, CounterEntry, CounterKind, CounterTable};
use crate::error::{Error, Result, Table};

/// A counter: a group code of some CESR version and its count.
///
/// ```
/// use dkms_cesr::{Counter, CounterKind};
/// let c = Counter::new(CounterKind::ControllerIdxSigs, 1)?;
/// assert_eq!(c.qb64(), "-AAB");
/// assert_eq!(c.qb2(), vec![0xf8, 0x00, 0x01]);
/// let big = Counter::new(CounterKind::BigAttachedMaterialQuadlets, 100_000)?;
/// assert_eq!(big.qb64(), "-0VAAYag");
/// assert_eq!(Counter::from_qb64(&big.qb64())?, big);
/// # Ok::<(), dkms_cesr::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counter {
    entry: &'static CounterEntry,
    count: u64,
}

impl Counter {
    /// A CESR 1.0 counter of `kind` with `count`.
    ///
    /// # Errors
    /// [`Error::CountOutOfRange`] or [`Error::NoCodeForKind`].
    pub fn new(kind: CounterKind, count: u64) -> Result<Self> {
        Self::with_version(CesrVersion::V1, kind, count)
    }

    /// A counter of `kind` with `count` in the table of `version`.
    ///
    /// # Errors
    /// [`Error::CountOutOfRange`] or [`Error::NoCodeForKind`].
    pub fn with_version(version: CesrVersion, kind: CounterKind, count: u64) -> Result<Self> {
        let entry =
            CounterTable::for_version(version).entry(kind).ok_or(Error::NoCodeForKind { kind: kind_name(kind) })?;
        Self::from_entry(entry, count)
    }

    /// A counter from a table entry and count.
    ///
    /// # Errors
    /// [`Error::CountOutOfRange`].
    pub fn from_entry(entry: &'static CounterEntry, count: u64) -> Result<Self> {
        if count > entry.max_count() {
            return Err(Error::CountOutOfRange { code: entry.code, count, max: entry.max_count() });
        }
        Ok(Self { entry, count })
    }

    /// The table entry (code, kind, layout).
    #[must_use]
    pub fn entry(&self) -> &'static CounterEntry {
        self.entry
    }

    /// The kind.
    #[must_use]
    pub fn kind(&self) -> CounterKind {
        self.entry.kind
    }

    /// The hard code text, e.g. `"-A"`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        self.entry.code
    }

    /// The count (for the protocol-stack code: the version value).
    #[must_use]
    pub fn count(&self) -> u64 {
        self.count
    }

    /// For the protocol-stack code (`--AAA…`): the (major, minor) version it carries.
    #[must_use]
    pub fn genus_version(&self) -> Option<(u8, u16)> {
        (self.entry.kind == CounterKind::KeriProtocolStack)
            .then_some((((self.count >> 12) & 0x3F) as u8, (self.count & 0xFFF) as u16))
    }

    /// Size in text characters.
    #[must_use]
    pub fn full_size(&self) -> usize {
        self.entry.fs()
    }

    fn chars(&self) -> Vec<u8> {
        let mut chars = Vec::with_capacity(self.entry.fs());
        chars.extend_from_slice(self.entry.code.as_bytes());
        // constructors guarantee the count fits
        let _ = b64::u64_to_b64(self.count, usize::from(self.entry.ss), &mut chars);
        chars
    }

    /// Text-domain encoding as bytes.
    #[must_use]
    pub fn qb64b(&self) -> Vec<u8> {
        self.chars()
    }

    /// Text-domain encoding.
    #[must_use]
    pub fn qb64(&self) -> String {
        String::from_utf8(self.chars()).unwrap_or_default()
    }

    /// Binary-domain encoding.
    #[must_use]
    pub fn qb2(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.entry.fs() / 4 * 3);
        pack_sextets(&self.chars(), &mut out);
        out
    }

    /// Appends the encoding in `domain` to `out`.
    pub fn encode_into(&self, domain: Domain, out: &mut Vec<u8>) {
        match domain {
            Domain::Text => out.extend_from_slice(&self.chars()),
            Domain::Binary => out.extend_from_slice(&self.qb2()),
        }
    }

    /// Decodes the counter at the start of `buf` with `table`; returns it and the bytes it took.
    ///
    /// # Errors
    /// [`Error::Incomplete`] when `buf` ends early, [`Error::UnknownCode`],
    /// [`Error::UnexpectedOpCode`] or [`Error::InvalidBase64`].
    pub fn parse_with(table: &CounterTable, buf: &[u8], domain: Domain) -> Result<(Self, usize)> {
        // The code is read in steps (selector, hard part, count), each character checked once.
        let mut chars = [b'A'; 8];
        head_into(buf, domain, 0, 2, &mut chars)?;
        let unknown = |chars: &[u8; 8], n: usize| Error::UnknownCode {
            table: Table::Counter,
            code: String::from_utf8_lossy(chars.get(..n).unwrap_or_default()).into_owned(),
            offset: 0,
        };
        let [c0, c1, ..] = chars;
        if c0 == b'_' {
            return Err(Error::UnexpectedOpCode { expected: Table::Counter, offset: 0 });
        }
        let hs = table.hard_size([c0, c1]).ok_or_else(|| unknown(&chars, 2))?;
        head_into(buf, domain, 2, hs, &mut chars)?;
        let entry = table.lookup(chars.get(..hs).unwrap_or_default()).ok_or_else(|| unknown(&chars, hs))?;
        let fs = entry.fs();
        head_into(buf, domain, hs, fs, &mut chars)?;
        let soft = chars.get(hs..fs).unwrap_or_default();
        let count = b64::b64_to_u64(soft)
            .map_err(|i| Error::InvalidBase64 { offset: hs + i, byte: soft.get(i).copied().unwrap_or_default() })?;
        Ok((Self { entry, count }, domain.bytes_for_chars(fs)))
    }

    /// Decodes a CESR 1.0 counter at the start of `buf`.
    ///
    /// # Errors
    /// As [`Counter::parse_with`].
    pub fn parse(buf: &[u8], domain: Domain) -> Result<(Self, usize)> {
        Self::parse_with(CounterTable::V1, buf, domain)
    }

    /// Decodes exactly one CESR 1.0 counter filling `buf`.
    ///
    /// # Errors
    /// As [`Counter::parse`], plus [`Error::TrailingBytes`].
    pub fn decode(buf: &[u8], domain: Domain) -> Result<Self> {
        let (c, used) = Self::parse(buf, domain)?;
        if used != buf.len() {
            return Err(Error::TrailingBytes { offset: used, extra: buf.len() - used });
        }
        Ok(c)
    }

    /// Decodes a whole qb64 counter (CESR 1.0).
    ///
    /// # Errors
    /// As [`Counter::decode`].
    pub fn from_qb64(qb64: &str) -> Result<Self> {
        Self::decode(qb64.as_bytes(), Domain::Text)
    }

    /// Decodes a whole qb2 counter (CESR 1.0).
    ///
    /// # Errors
    /// As [`Counter::decode`].
    pub fn from_qb2(qb2: &[u8]) -> Result<Self> {
        Self::decode(qb2, Domain::Binary)
    }
}

fn kind_name(kind: CounterKind) -> &'static str {
    CounterTable::V1.entry(kind).map_or("unknown", |e| e.name)
}
