//! Indexed signatures: a code, a main index, an optional ondex, and the signature bytes.

use alloc::string::String;
use alloc::vec::Vec;

use crate::b64;
use crate::codec::{Domain, build_qb2, extract_raw, head_into, qb2_of, qb64_of_qb2};
use crate::codes::indexer::{IndexKind, IndexerCode, hard_size};
use crate::error::{Error, Result, Table};

/// An indexed signature (keripy `Indexer`/`Siger`).
///
/// `index` is the signing key's offset in the current key list; `ondex` its
/// offset in the prior next-digest list, `None` for current-only codes. For
/// small "both" codes the ondex is implicit and equals the index.
///
/// ```
/// use dkms_cesr::{Indexer, IndexerCode};
/// let raw: Vec<u8> = (0u8..64).collect();
/// let sig = Indexer::new(IndexerCode::Ed25519BigSig, 1, Some(3), raw.clone())?;
/// assert!(sig.qb64().starts_with("2AABADAAAQID"));
/// let small = Indexer::new(IndexerCode::Ed25519Sig, 5, None, raw)?;
/// assert_eq!(small.ondex(), Some(5));
/// assert_eq!(Indexer::from_qb64(&small.qb64())?, small);
/// # Ok::<(), dkms_cesr::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Indexer {
    code: IndexerCode,
    index: u32,
    ondex: Option<u32>,
    raw: Vec<u8>,
}

struct Header {
    code: IndexerCode,
    index: u32,
    ondex: Option<u32>,
    fs: usize,
}

fn header(buf: &[u8], domain: Domain) -> Result<Header> {
    // The code is read in steps (selector, hard part, soft part), each character checked once.
    let mut chars = [b'A'; 8];
    head_into(buf, domain, 0, 1, &mut chars)?;
    let [c0, ..] = chars;
    match c0 {
        b'-' => return Err(Error::UnexpectedCounter { expected: Table::Indexer, offset: 0 }),
        b'_' => return Err(Error::UnexpectedOpCode { expected: Table::Indexer, offset: 0 }),
        _ => {}
    }
    let hs = usize::from(hard_size(c0));
    let unknown = |chars: &[u8; 8], n: usize| Error::UnknownCode {
        table: Table::Indexer,
        code: String::from_utf8_lossy(chars.get(..n).unwrap_or_default()).into_owned(),
        offset: 0,
    };
    if hs == 0 {
        return Err(unknown(&chars, 1));
    }
    head_into(buf, domain, 1, hs, &mut chars)?;
    let code = IndexerCode::from_hard(chars.get(..hs).unwrap_or_default()).ok_or_else(|| unknown(&chars, hs))?;
    let s = code.sizes();
    let cs = s.cs();
    let ms = s.ms();
    head_into(buf, domain, hs, cs, &mut chars)?;
    let int = |from: usize, to: usize| -> Result<u32> {
        let text = chars.get(from..to).unwrap_or_default();
        let v = b64::b64_to_u64(text)
            .map_err(|i| Error::InvalidBase64 { offset: from + i, byte: text.get(i).copied().unwrap_or_default() })?;
        // at most 3 characters (18 bits)
        Ok(u32::try_from(v).unwrap_or(u32::MAX))
    };
    let index = int(hs, hs + ms)?;
    let ondex_field = int(hs + ms, cs)?;
    let ondex = match code.kind() {
        IndexKind::CurrentOnly => {
            if s.os > 0 && ondex_field != 0 {
                return Err(Error::NonZeroOndex { code: code.code(), ondex: u64::from(ondex_field), offset: 0 });
            }
            None
        }
        _ => Some(if s.os > 0 { ondex_field } else { index }),
    };
    let fs = match s.fs {
        Some(fs) => fs as usize,
        None => cs + 4 * index as usize,
    };
    Ok(Header { code, index, ondex, fs })
}

impl Indexer {
    /// An indexed signature from its parts.
    ///
    /// `ondex`: `None` for current-only codes; for "both" codes `None` means "same
    /// as the index" (keripy's default), and codes without ondex characters
    /// require it to equal the index.
    ///
    /// # Errors
    /// [`Error::IndexOutOfRange`], [`Error::InvalidOndex`] or [`Error::RawSize`].
    pub fn new(code: IndexerCode, index: u32, ondex: Option<u32>, raw: impl Into<Vec<u8>>) -> Result<Self> {
        let raw = raw.into();
        let s = code.sizes();
        if index > s.max_index() {
            return Err(Error::IndexOutOfRange {
                code: code.code(),
                index: u64::from(index),
                max: u64::from(s.max_index()),
            });
        }
        let bad_ondex =
            |o: u32| Error::InvalidOndex { code: code.code(), index: u64::from(index), ondex: u64::from(o) };
        let ondex = match (code.kind(), ondex) {
            (IndexKind::CurrentOnly, Some(o)) => return Err(bad_ondex(o)),
            (IndexKind::CurrentOnly, None) => None,
            (_, None) => Some(index),
            (_, Some(o)) if s.os == 0 && o != index => return Err(bad_ondex(o)),
            (_, Some(o)) if s.os > 0 && o > s.max_ondex() => return Err(bad_ondex(o)),
            (_, Some(o)) => Some(o),
        };
        let rs = match s.raw_size() {
            Some(rs) => rs,
            None => index as usize * 3,
        };
        if raw.len() != rs {
            return Err(Error::RawSize { code: code.code(), expected: rs, actual: raw.len() });
        }
        Ok(Self { code, index, ondex, raw })
    }

    /// The code.
    #[must_use]
    pub fn code(&self) -> IndexerCode {
        self.code
    }

    /// Offset of the signing key in the current key list.
    #[must_use]
    pub fn index(&self) -> u32 {
        self.index
    }

    /// Offset in the prior next-digest list, `None` for current-only signatures.
    #[must_use]
    pub fn ondex(&self) -> Option<u32> {
        self.ondex
    }

    /// The signature bytes.
    #[must_use]
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// Full size in text characters.
    #[must_use]
    pub fn full_size(&self) -> usize {
        let s = self.code.sizes();
        s.fs.map_or(s.cs() + self.index as usize * 4, |fs| fs as usize)
    }

    /// Binary-domain encoding.
    #[must_use]
    pub fn qb2(&self) -> Vec<u8> {
        let s = self.code.sizes();
        let mut chars = Vec::with_capacity(s.cs());
        chars.extend_from_slice(self.code.code().as_bytes());
        // `new` and decoding guarantee both values fit their fields.
        let _ = b64::u64_to_b64(u64::from(self.index), s.ms(), &mut chars);
        let ondex = if s.os > 0 { self.ondex.unwrap_or(0) } else { 0 };
        let _ = b64::u64_to_b64(u64::from(ondex), usize::from(s.os), &mut chars);
        build_qb2(&chars, usize::from(s.ls), &self.raw)
    }

    /// Text-domain encoding as bytes.
    #[must_use]
    pub fn qb64b(&self) -> Vec<u8> {
        qb64_of_qb2(&self.qb2())
    }

    /// Text-domain encoding.
    #[must_use]
    pub fn qb64(&self) -> String {
        String::from_utf8(self.qb64b()).unwrap_or_default()
    }

    /// Appends the encoding in `domain` to `out`.
    pub fn encode_into(&self, domain: Domain, out: &mut Vec<u8>) {
        match domain {
            Domain::Text => out.extend_from_slice(&self.qb64b()),
            Domain::Binary => out.extend_from_slice(&self.qb2()),
        }
    }

    /// Decodes the indexed signature at the start of `buf`; returns it and the bytes it took.
    ///
    /// # Errors
    /// [`Error::Incomplete`] when `buf` ends early; any decode error otherwise.
    pub fn parse(buf: &[u8], domain: Domain) -> Result<(Self, usize)> {
        let h = header(buf, domain)?;
        let s = h.code.sizes();
        let qb2 = qb2_of(buf, domain, h.fs)?;
        let raw = extract_raw(qb2, s.cs(), usize::from(s.ls), h.code.code())?;
        Ok((Self { code: h.code, index: h.index, ondex: h.ondex, raw }, domain.bytes_for_chars(h.fs)))
    }

    /// Decodes exactly one indexed signature filling `buf`.
    ///
    /// # Errors
    /// As [`Indexer::parse`], plus [`Error::TrailingBytes`].
    pub fn decode(buf: &[u8], domain: Domain) -> Result<Self> {
        let (m, used) = Self::parse(buf, domain)?;
        if used != buf.len() {
            return Err(Error::TrailingBytes { offset: used, extra: buf.len() - used });
        }
        Ok(m)
    }

    /// Decodes a whole qb64 string.
    ///
    /// # Errors
    /// As [`Indexer::decode`].
    pub fn from_qb64(qb64: &str) -> Result<Self> {
        Self::decode(qb64.as_bytes(), Domain::Text)
    }

    /// Decodes whole qb2 bytes.
    ///
    /// # Errors
    /// As [`Indexer::decode`].
    pub fn from_qb2(qb2: &[u8]) -> Result<Self> {
        Self::decode(qb2, Domain::Binary)
    }
}

/// Size in characters of the indexed signature at the start of `buf`, without decoding it.
pub(crate) fn full_size(buf: &[u8], domain: Domain) -> Result<usize> {
    header(buf, domain).map(|h| h.fs)
}
