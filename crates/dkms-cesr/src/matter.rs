//! Matter primitives: a code and a raw value.

use alloc::string::String;
use alloc::vec::Vec;

use zeroize::Zeroize as _;

use crate::b64;
use crate::codec::{Domain, build_qb2, extract_raw, head, qb2_of, qb64_of_qb2};
use crate::codes::matter::{MatterCode, hard_size, is_secret_code};
use crate::error::{Error, Result, Table};

/// A CESR primitive: a [`MatterCode`] and its raw value.
///
/// ```
/// use dkms_cesr::{Matter, MatterCode};
/// // keripy: Salter(raw=b'0123456789abcdef').qb64
/// let salt = Matter::new(MatterCode::Salt128, b"0123456789abcdef".to_vec())?;
/// assert_eq!(salt.qb64(), "0AAwMTIzNDU2Nzg5YWJjZGVm");
/// let back = Matter::from_qb64("0AAwMTIzNDU2Nzg5YWJjZGVm")?;
/// assert_eq!(back, salt);
/// assert_eq!(Matter::from_qb2(&back.qb2())?, salt);
/// # Ok::<(), dkms_cesr::Error>(())
/// ```
///
/// `Debug` never shows the value of a private key or seed code
/// ([`is_secret_code`](crate::is_secret_code)), and a `Matter` of such a code
/// wipes its value when dropped. Its encodings are ordinary buffers, though:
/// secrets (seeds, private keys, salts) belong in [`SecretMatter`](crate::SecretMatter),
/// whose every buffer is wiped.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Matter {
    code: MatterCode,
    raw: Vec<u8>,
}

/// Reads the code of the Matter at the start of `buf` and returns it with the
/// full size in characters, without decoding the value.
pub(crate) fn header(buf: &[u8], domain: Domain) -> Result<(MatterCode, usize)> {
    let first = head(buf, domain, 1)?;
    let c0 = first[0];
    match c0 {
        b'-' => return Err(Error::UnexpectedCounter { expected: Table::Matter, offset: 0 }),
        b'_' => return Err(Error::UnexpectedOpCode { expected: Table::Matter, offset: 0 }),
        _ => {}
    }
    let hs = usize::from(hard_size(c0));
    if hs == 0 {
        return Err(unknown(&first, 1));
    }
    let chars = head(buf, domain, hs)?;
    let hard = chars.get(..hs).unwrap_or_default();
    let code = MatterCode::from_hard(hard).ok_or_else(|| unknown(&chars, hs))?;
    let sizes = code.sizes();
    let cs = sizes.cs();
    let fs = match sizes.fs {
        Some(fs) => fs as usize,
        None => {
            let chars = head(buf, domain, cs)?;
            let soft = chars.get(hs..cs).unwrap_or_default();
            let size = b64::b64_to_u64(soft)
                .map_err(|i| Error::InvalidBase64 { offset: hs + i, byte: soft.get(i).copied().unwrap_or_default() })?;
            // size < 64^4, so this cannot overflow
            cs + 4 * usize::try_from(size).unwrap_or(usize::MAX / 8)
        }
    };
    Ok((code, fs))
}

/// The code `Matter::new` gives a raw value of `raw_len` bytes under `code`:
/// the code itself for fixed sizes (when the length fits), the family member of
/// the right lead size and small/big form for variable sizes.
pub(crate) fn code_for_raw(code: MatterCode, raw_len: usize) -> Result<MatterCode> {
    match code.sizes().fs {
        Some(_) => {
            let rs = code.raw_size().unwrap_or_default();
            if raw_len != rs {
                return Err(Error::RawSize { code: code.code(), expected: rs, actual: raw_len });
            }
            Ok(code)
        }
        None => code.for_raw_len(raw_len).ok_or(Error::RawSize {
            code: code.code(),
            expected: (64usize.pow(4) - 1) * 3,
            actual: raw_len,
        }),
    }
}

/// Full size in text characters of a primitive of `code` holding `raw_len` bytes
/// (`code` as [`code_for_raw`] returns it).
pub(crate) fn full_size_of(code: MatterCode, raw_len: usize) -> usize {
    let s = code.sizes();
    match s.fs {
        Some(fs) => fs as usize,
        None => s.cs() + (raw_len + usize::from(s.ls)) / 3 * 4,
    }
}

/// The code characters (hard, then soft for variable sizes) of a primitive of
/// `code` holding `raw_len` bytes, and how many there are. Only the length of
/// the value is read, never the value.
pub(crate) fn code_chars(code: MatterCode, raw_len: usize) -> ([u8; 8], usize) {
    let mut chars = [b'A'; 8];
    let s = code.sizes();
    let hard = code.code().as_bytes();
    for (slot, c) in chars.iter_mut().zip(hard) {
        *slot = *c;
    }
    let cs = s.cs();
    if s.is_variable() {
        let size = (raw_len + usize::from(s.ls)) / 3;
        let mut soft = Vec::with_capacity(4);
        // `code_for_raw` guarantees the size fits the soft part.
        let _ = b64::u64_to_b64(u64::try_from(size).unwrap_or(u64::MAX), usize::from(s.ss), &mut soft);
        for (slot, c) in chars.iter_mut().skip(hard.len()).zip(&soft) {
            *slot = *c;
        }
    }
    (chars, cs)
}

fn unknown(chars: &[u8; 8], n: usize) -> Error {
    Error::UnknownCode {
        table: Table::Matter,
        code: String::from_utf8_lossy(chars.get(..n).unwrap_or_default()).into_owned(),
        offset: 0,
    }
}

impl Matter {
    /// A primitive from a code and raw value.
    ///
    /// For variable-size codes the code is normalised within its family to the
    /// lead size and small/big form the length needs (keripy's behaviour), so
    /// `Matter::new(MatterCode::BytesL0, b"a")` gets code `6B`.
    ///
    /// # Errors
    /// [`Error::RawSize`] when the raw value does not fit the code.
    pub fn new(code: MatterCode, raw: impl Into<Vec<u8>>) -> Result<Self> {
        let raw = raw.into();
        let code = code_for_raw(code, raw.len())?;
        Ok(Self { code, raw })
    }

    /// The code.
    #[must_use]
    pub fn code(&self) -> MatterCode {
        self.code
    }

    /// The raw value.
    #[must_use]
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// Takes the raw value.
    #[must_use]
    pub fn into_raw(mut self) -> Vec<u8> {
        // `Matter` wipes secret codes on drop, so the value is moved out, not destructured.
        core::mem::take(&mut self.raw)
    }

    /// Full size in text characters.
    #[must_use]
    pub fn full_size(&self) -> usize {
        full_size_of(self.code, self.raw.len())
    }

    /// Binary-domain encoding (qb2).
    ///
    /// The buffer is an ordinary `Vec`: for private keys, seeds and salts use
    /// [`SecretMatter`](crate::SecretMatter), whose encodings are wiped.
    #[must_use]
    pub fn qb2(&self) -> Vec<u8> {
        let (chars, cs) = code_chars(self.code, self.raw.len());
        build_qb2(chars.get(..cs).unwrap_or_default(), usize::from(self.code.sizes().ls), &self.raw)
    }

    /// Text-domain encoding (qb64) as bytes.
    #[must_use]
    pub fn qb64b(&self) -> Vec<u8> {
        qb64_of_qb2(&self.qb2())
    }

    /// Text-domain encoding (qb64).
    ///
    /// The temporaries and the result are not wiped: for private keys, seeds and
    /// salts use [`SecretMatter::qb64`](crate::SecretMatter::qb64).
    #[must_use]
    pub fn qb64(&self) -> String {
        // Base64url output is ASCII.
        String::from_utf8(self.qb64b()).unwrap_or_default()
    }

    /// Appends the encoding in `domain` to `out`.
    pub fn encode_into(&self, domain: Domain, out: &mut Vec<u8>) {
        match domain {
            Domain::Text => out.extend_from_slice(&self.qb64b()),
            Domain::Binary => out.extend_from_slice(&self.qb2()),
        }
    }

    /// Decodes the primitive at the start of `buf` in `domain`; returns it and the bytes it took.
    ///
    /// # Errors
    /// [`Error::Incomplete`] when `buf` ends early; any decode error otherwise.
    pub fn parse(buf: &[u8], domain: Domain) -> Result<(Self, usize)> {
        let (code, fs) = header(buf, domain)?;
        let s = code.sizes();
        let qb2 = qb2_of(buf, domain, fs)?;
        let raw = extract_raw(qb2, s.cs(), usize::from(s.ls), code.code())?;
        Ok((Self { code, raw }, domain.bytes_for_chars(fs)))
    }

    /// Decodes exactly one primitive filling `buf`.
    ///
    /// # Errors
    /// As [`Matter::parse`], plus [`Error::TrailingBytes`] when input is left over.
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
    /// As [`Matter::decode`].
    pub fn from_qb64(qb64: &str) -> Result<Self> {
        Self::decode(qb64.as_bytes(), Domain::Text)
    }

    /// Decodes whole qb64 bytes.
    ///
    /// # Errors
    /// As [`Matter::decode`].
    pub fn from_qb64b(qb64b: &[u8]) -> Result<Self> {
        Self::decode(qb64b, Domain::Text)
    }

    /// Decodes whole qb2 bytes.
    ///
    /// # Errors
    /// As [`Matter::decode`].
    pub fn from_qb2(qb2: &[u8]) -> Result<Self> {
        Self::decode(qb2, Domain::Binary)
    }
}

impl Drop for Matter {
    fn drop(&mut self) {
        if is_secret_code(self.code) {
            self.raw.zeroize();
        }
    }
}

impl core::fmt::Debug for Matter {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut d = f.debug_struct("Matter");
        d.field("code", &self.code.code());
        if is_secret_code(self.code) {
            d.field("raw", &"<redacted>");
        } else {
            d.field("qb64", &self.qb64());
        }
        d.finish()
    }
}
