//! The byte layout shared by every key-value backend (schema version 2).
//!
//! Keys are concatenations of fields that sort like the tuples they encode: strings as a 2-byte
//! big-endian length then their bytes, integers big-endian, kinds as one byte. A string that is the
//! last field of a key or value is stored bare. Every decoder checks lengths and UTF-8 and answers
//! [`Error::Corrupt`] naming the table and key.
//!
//! Each prefix gets a small number (its id, 0, 1, 2, … in the order prefixes first appear) and
//! everything kept per event is keyed by (id, first-seen ordinal): a KEL's records are appended at
//! the end of each table, never scattered. Lookups by SAID go through `said_index`, keyed by a
//! 64-bit hash of the SAID (collisions are resolved by comparing the first-seen record's SAID).

use crate::error::{Error, Result, printable};

/// The tables of schema version 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Table {
    /// `name` → value: schema version, format marker.
    Meta,
    /// prefix (bare) → id u64.
    PrefixIds,
    /// id u64 → prefix (bare).
    IdPrefixes,
    /// First-seen log: (id, ordinal) → (sn, first-seen µs, said).
    Fel,
    /// KEL index: (id, sn) → ordinal of the latest accepted event at sn.
    Kel,
    /// (id, ordinal) → event body.
    Events,
    /// (id, ordinal, attachment kind) → list of qb64 items.
    Attachments,
    /// (level u8, run u64, SAID hash u64, id, ordinal) → nothing: the SAID index, in sorted runs.
    SaidIndex,
    /// (level u8, run u64) → entries u64: the runs of the SAID index; (0, 0) → (entries of run
    /// (0, 0), next run number u64).
    SaidRuns,
    /// prefix → key-state blob.
    States,
    /// (escrow kind, prefix, sn, said) → (inserted µs, blob).
    Escrows,
    /// (prefix, sn, said) → (event body, attachments).
    Duplicates,
}

impl Table {
    /// How many tables there are.
    pub(crate) const COUNT: usize = 12;

    /// Every table, in index order.
    pub(crate) const ALL: [Table; Table::COUNT] = [
        Table::Meta,
        Table::PrefixIds,
        Table::IdPrefixes,
        Table::Fel,
        Table::Kel,
        Table::Events,
        Table::Attachments,
        Table::SaidIndex,
        Table::SaidRuns,
        Table::States,
        Table::Escrows,
        Table::Duplicates,
    ];

    /// The table's name on disk (and in errors).
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Table::Meta => "meta",
            Table::PrefixIds => "prefix_ids",
            Table::IdPrefixes => "id_prefixes",
            Table::Fel => "first_seen",
            Table::Kel => "kel_index",
            Table::Events => "events",
            Table::Attachments => "attachments",
            Table::SaidIndex => "said_index",
            Table::SaidRuns => "said_runs",
            Table::States => "states",
            Table::Escrows => "escrows",
            Table::Duplicates => "duplicates",
        }
    }

    /// Position in [`Table::ALL`].
    pub(crate) const fn index(self) -> usize {
        self as usize
    }

    /// The table with this on-disk name.
    pub(crate) fn by_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// A stable 64-bit hash of a SAID for `said_index` (FNV-1a; part of the on-disk format, so it
/// must never change within a schema version).
pub(crate) fn said_hash(said: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in said.as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Meta key of the schema version (u32 big-endian).
pub(crate) const META_SCHEMA: &[u8] = b"schema_version";
/// Meta key of the format marker.
pub(crate) const META_FORMAT: &[u8] = b"format";
/// Value of the format marker.
pub(crate) const FORMAT_MARKER: &[u8] = b"dkms-store";

/// Longest prefix or SAID accepted (qb64 identifiers are far shorter).
pub(crate) const MAX_ID_LEN: usize = 1024;

/// Checks a prefix or SAID given by a caller.
pub(crate) fn check_id(what: &'static str, value: &str) -> Result<()> {
    let reason = if value.is_empty() {
        "empty"
    } else if value.len() > MAX_ID_LEN {
        "longer than 1024 bytes"
    } else {
        return Ok(());
    };
    Err(Error::InvalidKey { what, value: value.chars().take(100).collect(), reason })
}

/// Builds keys.
#[derive(Default)]
pub(crate) struct KeyBuf(pub(crate) Vec<u8>);

impl KeyBuf {
    pub(crate) fn new() -> Self {
        KeyBuf(Vec::with_capacity(64))
    }
    /// A length-prefixed string (checked by [`check_id`] first, so the length fits in u16).
    pub(crate) fn str(mut self, s: &str) -> Self {
        let len = u16::try_from(s.len()).unwrap_or(u16::MAX);
        self.0.extend_from_slice(&len.to_be_bytes());
        self.0.extend_from_slice(s.as_bytes());
        self
    }
    /// A bare string (last field).
    pub(crate) fn tail(mut self, s: &str) -> Self {
        self.0.extend_from_slice(s.as_bytes());
        self
    }
    pub(crate) fn u8(mut self, v: u8) -> Self {
        self.0.push(v);
        self
    }
    pub(crate) fn u64(mut self, v: u64) -> Self {
        self.0.extend_from_slice(&v.to_be_bytes());
        self
    }
    pub(crate) fn u128(mut self, v: u128) -> Self {
        self.0.extend_from_slice(&v.to_be_bytes());
        self
    }
    pub(crate) fn bytes(mut self, b: &[u8]) -> Self {
        self.0.extend_from_slice(b);
        self
    }
    pub(crate) fn done(self) -> Vec<u8> {
        self.0
    }
}

/// The smallest byte string greater than every string starting with `prefix`, if any.
pub(crate) fn successor(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut out = prefix.to_vec();
    while let Some(last) = out.pop() {
        if last < u8::MAX {
            out.push(last + 1);
            return Some(out);
        }
    }
    None
}

/// Reads fields back, failing with [`Error::Corrupt`].
pub(crate) struct Reader<'a> {
    table: Table,
    key: &'a [u8],
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Reads `data`, a key or value of `key` in `table`.
    pub(crate) fn new(table: Table, key: &'a [u8], data: &'a [u8]) -> Self {
        Reader { table, key, rest: data }
    }

    pub(crate) fn corrupt(&self, reason: &'static str) -> Error {
        Error::Corrupt { table: self.table.name(), key: printable(self.key), reason }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        match self.rest.split_at_checked(n) {
            Some((head, tail)) => {
                self.rest = tail;
                Ok(head)
            }
            None => Err(self.corrupt("record truncated")),
        }
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let head = self.take(N)?;
        <[u8; N]>::try_from(head).map_err(|_| self.corrupt("record truncated"))
    }

    pub(crate) fn u8(&mut self) -> Result<u8> {
        Ok(u8::from_be_bytes(self.array::<1>()?))
    }
    pub(crate) fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_be_bytes(self.array::<4>()?))
    }
    pub(crate) fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_be_bytes(self.array::<8>()?))
    }
    pub(crate) fn u128(&mut self) -> Result<u128> {
        Ok(u128::from_be_bytes(self.array::<16>()?))
    }

    fn utf8(&self, b: &[u8]) -> Result<String> {
        let s = std::str::from_utf8(b).map_err(|_| self.corrupt("identifier is not UTF-8"))?;
        if s.is_empty() {
            return Err(self.corrupt("empty identifier"));
        }
        Ok(s.to_owned())
    }

    /// A length-prefixed string.
    pub(crate) fn str(&mut self) -> Result<String> {
        let len = u16::from_be_bytes(self.array::<2>()?);
        let b = self.take(usize::from(len))?;
        self.utf8(b)
    }

    /// A u32-length-prefixed byte string.
    pub(crate) fn blob(&mut self) -> Result<Vec<u8>> {
        let len = usize::try_from(self.u32()?).map_err(|_| self.corrupt("length overflows"))?;
        Ok(self.take(len)?.to_vec())
    }

    /// The rest as a bare string.
    pub(crate) fn tail_str(&mut self) -> Result<String> {
        let b = std::mem::take(&mut self.rest);
        self.utf8(b)
    }

    /// The rest as bytes.
    pub(crate) fn tail_bytes(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.rest).to_vec()
    }

    /// Fails unless everything was read.
    pub(crate) fn end(&self) -> Result<()> {
        if self.rest.is_empty() { Ok(()) } else { Err(self.corrupt("trailing bytes")) }
    }
}

/// Appends a u32-length-prefixed byte string.
pub(crate) fn put_blob(out: &mut Vec<u8>, table: Table, b: &[u8]) -> Result<()> {
    let len = u32::try_from(b.len()).map_err(|_| Error::ValueTooLarge { table: table.name(), len: b.len() })?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(b);
    Ok(())
}

/// Encodes a list of qb64 items.
pub(crate) fn encode_items(items: &[String]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(items.iter().map(|i| i.len() + 4).sum());
    for item in items {
        put_blob(&mut out, Table::Attachments, item.as_bytes())?;
    }
    Ok(out)
}

/// Decodes a list of qb64 items.
pub(crate) fn decode_items(key: &[u8], value: &[u8]) -> Result<Vec<String>> {
    let mut r = Reader::new(Table::Attachments, key, value);
    let mut out = Vec::new();
    while !r.rest.is_empty() {
        let b = r.blob()?;
        let s = String::from_utf8(b).map_err(|_| r.corrupt("attachment item is not UTF-8"))?;
        out.push(s);
    }
    Ok(out)
}
