//! Base64url (RFC 4648 §5, no padding) as CESR uses it: whole quadlets only,
//! strict alphabet, plus the "Base64 integer" helpers for code soft parts.
//!
//! The lookup tables here have 64 or 256 entries and are indexed by a `u8` or a
//! value masked to six bits, so every index is in bounds by construction.
#![allow(clippy::indexing_slicing, reason = "tables indexed by u8 or masked sextets; in bounds by type")]

use alloc::vec::Vec;

use zeroize::Zeroize as _;

/// The URL-safe Base64 alphabet; a character's index is its sextet value.
pub(crate) const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const INVALID: u8 = 0xFF;

/// Sextet value of each byte, or `INVALID`.
static DECODE: [u8; 256] = build_decode();

const fn build_decode() -> [u8; 256] {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
}

/// Sextet value of a Base64url character, `None` outside the alphabet.
#[inline]
pub(crate) fn sextet(c: u8) -> Option<u8> {
    let v = DECODE[usize::from(c)];
    (v != INVALID).then_some(v)
}

/// The character for a sextet value (only the low six bits are used).
#[inline]
pub(crate) fn char_of(v: u8) -> u8 {
    ALPHABET[usize::from(v & 0x3F)]
}

/// Encodes `bytes` (any length that is a multiple of 3) and appends the text to `out`.
pub(crate) fn encode_into(bytes: &[u8], out: &mut Vec<u8>) {
    out.reserve(bytes.len() / 3 * 4);
    for t in bytes.chunks_exact(3) {
        if let [a, b, c] = *t {
            let n = (u32::from(a) << 16) | (u32::from(b) << 8) | u32::from(c);
            out.extend_from_slice(&[sixbits(n >> 18), sixbits(n >> 12), sixbits(n >> 6), sixbits(n)]);
        }
    }
}

#[inline]
fn sixbits(n: u32) -> u8 {
    ALPHABET[(n & 0x3F) as usize]
}

/// Decodes one quadlet into a triplet; `Err(i)` names the first character (0..4) outside the alphabet.
#[inline]
pub(crate) fn decode_quad(q: [u8; 4]) -> Result<[u8; 3], usize> {
    let mut n: u32 = 0;
    for (i, c) in q.into_iter().enumerate() {
        let v = DECODE[usize::from(c)];
        if v == INVALID {
            return Err(i);
        }
        n = (n << 6) | u32::from(v);
    }
    let [_, a, b, c] = n.to_be_bytes();
    Ok([a, b, c])
}

/// Decodes `text` (a multiple of 4 characters) and appends the bytes to `out`.
/// `Err(i)` gives the index in `text` of the first character outside the alphabet.
pub(crate) fn decode_into(text: &[u8], out: &mut Vec<u8>) -> Result<(), usize> {
    out.reserve(text.len() / 4 * 3);
    for (qi, q) in text.chunks_exact(4).enumerate() {
        let quad = [q.first(), q.get(1), q.get(2), q.get(3)];
        let quad = match quad {
            [Some(a), Some(b), Some(c), Some(d)] => [*a, *b, *c, *d],
            _ => return Err(qi * 4),
        };
        let t = decode_quad(quad).map_err(|i| qi * 4 + i)?;
        out.extend_from_slice(&t);
    }
    Ok(())
}

/// The character for a sextet value (only the low six bits are used), computed
/// without a table lookup or a branch on the value, so its timing and memory
/// accesses do not depend on it. Used for secret material.
#[inline]
pub(crate) fn ct_char_of(v: u8) -> u8 {
    let v = i16::from(v & 0x3F);
    // 0..=25 -> 'A'.., 26..=51 -> 'a'.., 52..=61 -> '0'.., 62 -> '-', 63 -> '_'.
    // `(k - v) >> 8` is all ones exactly when v > k (v <= 63, arithmetic shift).
    let mut c = v + 65;
    c += ((25 - v) >> 8) & 6;
    c -= ((51 - v) >> 8) & 75;
    c -= ((61 - v) >> 8) & 13;
    c += ((62 - v) >> 8) & 49;
    (c & 0xFF) as u8
}

/// The sextet value of a character, or -1 outside the alphabet, computed without
/// a table lookup or a branch on the character. Used for secret material.
#[inline]
pub(crate) fn ct_sextet(c: u8) -> i16 {
    let c = i16::from(c);
    // `((lo - 1 - c) & (c - hi - 1)) >> 8` is all ones exactly when lo <= c <= hi.
    let mut r: i16 = -1;
    r += (((64 - c) & (c - 91)) >> 8) & (c - 64); // 'A'..='Z' -> 0..=25
    r += (((96 - c) & (c - 123)) >> 8) & (c - 70); // 'a'..='z' -> 26..=51
    r += (((47 - c) & (c - 58)) >> 8) & (c + 5); // '0'..='9' -> 52..=61
    r += (((44 - c) & (c - 46)) >> 8) & 63; // '-' -> 62
    r += (((94 - c) & (c - 96)) >> 8) & 64; // '_' -> 63
    r
}

/// Encodes `bytes` (a multiple of 3 long; a shorter tail is ignored) for secret
/// material: constant time in the values, each character handed to `push`, and
/// the one working word wiped at the end. Nothing is allocated here.
pub(crate) fn encode_secret(bytes: &[u8], mut push: impl FnMut(u8)) {
    let mut n: u32 = 0;
    for t in bytes.chunks_exact(3) {
        n = 0;
        for b in t {
            n = (n << 8) | u32::from(*b);
        }
        for shift in [18u32, 12, 6, 0] {
            push(ct_char_of(((n >> shift) & 0x3F) as u8));
        }
    }
    n.zeroize();
}

/// Decodes `text` (a multiple of 4 long; a shorter tail is ignored) for secret
/// material: constant time in the characters, each byte handed to `push`, the
/// working word wiped at the end. Returns false when any character is outside
/// the alphabet; the bytes pushed are then meaningless (the caller discards them).
pub(crate) fn decode_secret(text: &[u8], mut push: impl FnMut(u8)) -> bool {
    let mut n: u32 = 0;
    let mut bad: i16 = 0;
    for q in text.chunks_exact(4) {
        n = 0;
        for c in q {
            let v = ct_sextet(*c);
            bad |= v;
            n = (n << 6) | u32::from((v & 0x3F) as u8);
        }
        for shift in [16u32, 8, 0] {
            push(((n >> shift) & 0xFF) as u8);
        }
    }
    n.zeroize();
    bad >= 0
}

/// Value of a Base64 "integer" (big-endian sextets). `Err(i)` names a bad character.
/// At most 10 characters (60 bits) are accepted by callers.
pub(crate) fn b64_to_u64(text: &[u8]) -> Result<u64, usize> {
    let mut n: u64 = 0;
    for (i, c) in text.iter().enumerate() {
        let v = sextet(*c).ok_or(i)?;
        n = (n << 6) | u64::from(v);
    }
    Ok(n)
}

/// Writes `value` as exactly `len` Base64 characters, left-padded with `A`.
/// Returns `None` when the value does not fit.
pub(crate) fn u64_to_b64(value: u64, len: usize, out: &mut Vec<u8>) -> Option<()> {
    let bits = len.checked_mul(6)?;
    if bits < 64 && value >> bits != 0 {
        return None;
    }
    for i in (0..len).rev() {
        let shift = i * 6;
        let v = if shift >= 64 { 0 } else { value >> shift };
        out.push(char_of((v & 0x3F) as u8));
    }
    Some(())
}

/// Sextet `i` of a binary-domain buffer, `None` when the buffer is too short.
#[inline]
pub(crate) fn nab_sextet(bytes: &[u8], i: usize) -> Option<u8> {
    let bit = i * 6;
    let byte = bit / 8;
    let off = bit % 8;
    let hi = u16::from(*bytes.get(byte)?);
    let word = if off <= 2 { hi << 8 } else { (hi << 8) | u16::from(*bytes.get(byte + 1)?) };
    // `off` is 0, 2, 4 or 6: the sextet sits at bits [15-off .. 10-off] of `word`.
    let shift = 10 - off;
    Some(((word >> shift) & 0x3F) as u8)
}

/// Characters 0..n of a binary-domain buffer, as text. `None` when too short.
pub(crate) fn nab_chars(bytes: &[u8], n: usize, out: &mut [u8]) -> Option<()> {
    for (i, slot) in out.iter_mut().take(n).enumerate() {
        *slot = char_of(nab_sextet(bytes, i)?);
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_round_trip() {
        let mut out = Vec::new();
        u64_to_b64(4095, 2, &mut out).unwrap();
        assert_eq!(out, b"__");
        assert_eq!(b64_to_u64(b"__").unwrap(), 4095);
        assert!(u64_to_b64(4096, 2, &mut Vec::new()).is_none());
        assert_eq!(b64_to_u64(b"A=").unwrap_err(), 1);
    }

    #[test]
    fn constant_time_alphabet_matches_the_table() {
        for v in 0..=255u8 {
            assert_eq!(ct_char_of(v), char_of(v), "sextet {v}");
        }
        for c in 0..=255u8 {
            let want = sextet(c).map_or(-1, i16::from);
            assert_eq!(ct_sextet(c), want, "byte {c:#04x}");
        }
    }

    #[test]
    fn secret_codec_matches_the_plain_one() {
        let bytes: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        let bytes = &bytes[..bytes.len() / 3 * 3];
        let mut plain = Vec::new();
        encode_into(bytes, &mut plain);
        let mut secret = Vec::new();
        encode_secret(bytes, |c| secret.push(c));
        assert_eq!(secret, plain);
        let mut back = Vec::new();
        assert!(decode_secret(&plain, |b| back.push(b)));
        assert_eq!(back, bytes);
        for bad in [b'=', b'+', b'/', 0, 0x80, b' '] {
            let mut text = plain.clone();
            text[5] = bad;
            assert!(!decode_secret(&text, |_| {}), "{bad:#04x}");
        }
    }

    #[test]
    fn sextets_of_binary() {
        // "-AAB" is f8 00 01
        let b = [0xf8, 0x00, 0x01];
        let mut t = [0u8; 4];
        nab_chars(&b, 4, &mut t).unwrap();
        assert_eq!(&t, b"-AAB");
        assert!(nab_sextet(&b, 4).is_none());
    }
}
