//! Shared pieces of the primitive codec: domains, reading code characters in
//! either domain, packing code sextets, and the strict pad/lead check.

use alloc::vec::Vec;

use crate::b64;
use crate::error::{Error, Result};

/// The two CESR encodings of the same material.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Domain {
    /// Text domain (qb64): Base64url characters, four per quadlet.
    Text,
    /// Binary domain (qb2): three bytes per quadlet.
    Binary,
}

impl Domain {
    /// Bytes taken by `chars` characters (a multiple of 4) in this domain.
    #[must_use]
    #[inline]
    pub const fn bytes_for_chars(self, chars: usize) -> usize {
        match self {
            Domain::Text => chars,
            Domain::Binary => chars / 4 * 3,
        }
    }

    /// Bytes that must be present to read the first `chars` characters.
    #[inline]
    pub(crate) const fn bytes_to_read(self, chars: usize) -> usize {
        match self {
            Domain::Text => chars,
            Domain::Binary => (chars * 3).div_ceil(4),
        }
    }
}

/// Characters `0..n` (n ≤ 8) of the item at the start of `buf`, as text.
#[inline]
pub(crate) fn head(buf: &[u8], domain: Domain, n: usize) -> Result<[u8; 8]> {
    let mut out = [b'A'; 8];
    head_into(buf, domain, 0, n, &mut out)?;
    Ok(out)
}

/// Characters `from..n` (n ≤ 8) of the item at the start of `buf`, written to the same
/// positions of `out`. Only these characters are read and checked: a caller that reads a
/// code in steps (first character, hard part, soft part) checks each character once.
/// Errors are those of [`head`] with `n`, given that characters `0..from` were read
/// (and checked) before.
#[inline]
pub(crate) fn head_into(buf: &[u8], domain: Domain, from: usize, n: usize, out: &mut [u8; 8]) -> Result<()> {
    let need = domain.bytes_to_read(n);
    if buf.len() < need {
        return Err(Error::Incomplete { offset: 0, needed: need - buf.len() });
    }
    let n = n.min(out.len());
    match domain {
        Domain::Text => {
            let (Some(src), Some(dst)) = (buf.get(from..n), out.get_mut(from..n)) else { return Ok(()) };
            for (i, (slot, c)) in dst.iter_mut().zip(src).enumerate() {
                if b64::sextet(*c).is_none() {
                    return Err(Error::InvalidBase64 { offset: from + i, byte: *c });
                }
                *slot = *c;
            }
        }
        Domain::Binary => {
            // Binary input has no invalid characters; characters before `from` come out the same.
            b64::nab_chars(buf, n, out).ok_or(Error::Incomplete { offset: 0, needed: 1 })?;
        }
    }
    Ok(())
}

/// The binary form of a whole item of `fs` characters at the start of `buf`.
#[allow(
    clippy::slow_vector_initialization,
    reason = "malloc + memset of a primitive-sized buffer costs fewer instructions than calloc (callgrind)"
)]
pub(crate) fn qb2_of(buf: &[u8], domain: Domain, fs: usize) -> Result<Vec<u8>> {
    let len = domain.bytes_for_chars(fs);
    let item = buf.get(..len).ok_or_else(|| Error::Incomplete { offset: 0, needed: len.saturating_sub(buf.len()) })?;
    match domain {
        Domain::Text => {
            // Decode quadlet by quadlet straight into a buffer of the final size.
            let mut out = Vec::with_capacity(fs / 4 * 3);
            out.resize(fs / 4 * 3, 0);
            for (qi, (q, t)) in item.chunks_exact(4).zip(out.chunks_exact_mut(3)).enumerate() {
                let (Ok(quad), Ok(triplet)) = (<[u8; 4]>::try_from(q), <&mut [u8; 3]>::try_from(t)) else {
                    continue;
                };
                *triplet = b64::decode_quad(quad).map_err(|i| Error::InvalidBase64 {
                    offset: qi * 4 + i,
                    byte: q.get(i).copied().unwrap_or_default(),
                })?;
            }
            Ok(out)
        }
        Domain::Binary => Ok(item.to_vec()),
    }
}

/// Packs code characters (alphabet only) into bytes, zero-filling the last byte.
pub(crate) fn pack_sextets(chars: &[u8], out: &mut Vec<u8>) {
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for c in chars {
        acc = (acc << 6) | u32::from(b64::sextet(*c).unwrap_or(0));
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xFF) as u8);
        }
    }
    if bits > 0 {
        out.push(((acc << (8 - bits)) & 0xFF) as u8);
    }
}

/// From the binary form of a whole item, checks the pad bits after the `cs`
/// code characters and the `ls` lead bytes, and returns where the raw value starts.
pub(crate) fn raw_start(qb2: &[u8], cs: usize, ls: usize, code: &'static str) -> Result<usize> {
    let p = cs % 4;
    let code_bytes = cs / 4 * 3 + p;
    if p > 0 {
        let last = qb2.get(code_bytes - 1).copied().unwrap_or_default();
        let mask = (1u8 << (2 * p)) - 1;
        if last & mask != 0 {
            return Err(Error::NonZeroPadBits { code, offset: 0 });
        }
    }
    let front = code_bytes + ls;
    let lead = qb2.get(code_bytes..front).ok_or(Error::Incomplete { offset: 0, needed: 1 })?;
    if lead.iter().any(|b| *b != 0) {
        return Err(Error::NonZeroLeadBytes { code, offset: 0 });
    }
    Ok(front)
}

/// As [`raw_start`], returning the raw value itself.
pub(crate) fn extract_raw(mut qb2: Vec<u8>, cs: usize, ls: usize, code: &'static str) -> Result<Vec<u8>> {
    let front = raw_start(&qb2, cs, ls, code)?;
    qb2.drain(..front);
    Ok(qb2)
}

/// Builds the binary form: code characters, `ls` zero bytes, raw.
pub(crate) fn build_qb2(code_chars: &[u8], ls: usize, raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(code_chars.len() * 3 / 4 + 1 + ls + raw.len());
    pack_sextets(code_chars, &mut out);
    out.resize(out.len() + ls, 0);
    out.extend_from_slice(raw);
    out
}

/// Text form of a binary form (whole quadlets).
pub(crate) fn qb64_of_qb2(qb2: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(qb2.len() / 3 * 4);
    b64::encode_into(qb2, &mut out);
    out
}

/// Converts a concatenation of whole text-domain items to the binary domain.
///
/// CESR items are whole quadlets, so a concatenation converts as a whole.
///
/// # Errors
/// [`Error::InvalidBase64`] for a byte outside the alphabet, and
/// [`Error::Incomplete`] when the length is not a multiple of 4.
pub fn text_to_binary(text: &[u8]) -> Result<Vec<u8>> {
    if !text.len().is_multiple_of(4) {
        return Err(Error::Incomplete { offset: text.len() / 4 * 4, needed: 4 - text.len() % 4 });
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    b64::decode_into(text, &mut out)
        .map_err(|i| Error::InvalidBase64 { offset: i, byte: text.get(i).copied().unwrap_or_default() })?;
    Ok(out)
}

/// Converts a concatenation of whole binary-domain items to the text domain.
///
/// # Errors
/// [`Error::Incomplete`] when the length is not a multiple of 3.
pub fn binary_to_text(bytes: &[u8]) -> Result<Vec<u8>> {
    if !bytes.len().is_multiple_of(3) {
        return Err(Error::Incomplete { offset: bytes.len() / 3 * 3, needed: 3 - bytes.len() % 3 });
    }
    Ok(qb64_of_qb2(bytes))
}
