//! Secret material — private key seeds, private keys, salts — as CESR, with
//! every buffer wiped: [`SecretMatter`]. Which codes are secret by their code alone
//! is [`is_secret_code`](crate::is_secret_code), in the code table both this module and
//! [`Matter`](crate::Matter) read.

use alloc::string::String;
use alloc::vec::Vec;

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::b64;
use crate::codec::{self, Domain, pack_sextets};
use crate::codes::matter::MatterCode;
use crate::error::{Error, Result};
use crate::matter::{code_chars, code_for_raw, full_size_of, header};

/// A CESR primitive holding secret material (a private key seed, a private key,
/// a salt): a [`MatterCode`] and a raw value that is wiped on drop.
///
/// [`Matter`](crate::Matter) is built for public material and for speed: its
/// encoders leave their working buffers (the padded binary form, the Base64
/// text) to the allocator as they are, and its text codec looks characters up
/// in tables. `SecretMatter` encodes and decodes the same bytes, as strictly
/// (unknown codes, bad characters, non-zero pad bits or lead bytes, short and
/// trailing input are errors), but
///
/// * holds its value in a [`Zeroizing`] buffer, and hands out its encodings in
///   [`Zeroizing`] buffers (`Zeroizing<String>`, `Zeroizing<Vec<u8>>`);
/// * allocates every working buffer once, at its final size, so no buffer is
///   ever reallocated (which would free an unwiped copy), and wipes each one;
/// * converts Base64 without table lookups or branches on the value (a
///   cache-timing side channel on the secret), and wipes its working word;
/// * never puts input characters into its errors: a code it does not know is
///   reported as `<redacted>`, not echoed (only a byte outside the Base64
///   alphabet is named, and such a byte is part of no valid encoding);
/// * has a `Debug` that shows the code only, and no `Display`.
///
/// ```
/// use dkms_cesr::{MatterCode, SecretMatter};
///
/// // keripy: Signer(raw=bytes(range(32))).qb64
/// let seed: [u8; 32] = core::array::from_fn(|i| i as u8);
/// let secret = SecretMatter::new(MatterCode::Ed25519Seed, &seed)?;
/// let text = secret.qb64(); // Zeroizing<String>: wiped when dropped
/// assert_eq!(text.as_str(), "AAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f");
/// let back = SecretMatter::from_qb64(&text)?;
/// assert_eq!(back.expose_raw(), seed.as_slice());
/// assert_eq!(format!("{back:?}"), r#"SecretMatter { code: "A", raw: "<redacted>" }"#);
/// # Ok::<(), dkms_cesr::Error>(())
/// ```
///
/// What safe Rust cannot promise: copies the compiler makes in registers and on
/// the stack, and the caller's own copies of what [`SecretMatter::expose_raw`]
/// returns.
pub struct SecretMatter {
    code: MatterCode,
    raw: Zeroizing<Vec<u8>>,
}

/// A copy of `bytes` in a wiping buffer of exactly that size.
fn secret_copy(bytes: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(bytes.len()));
    out.extend_from_slice(bytes);
    out
}

/// A decode error that names no character of the input.
fn redact(e: Error) -> Error {
    match e {
        Error::UnknownCode { table, offset, .. } => {
            Error::UnknownCode { table, code: String::from("<redacted>"), offset }
        }
        other => other,
    }
}

impl SecretMatter {
    /// A secret primitive from a code and a raw value, which is copied into a
    /// wiping buffer (the caller keeps and wipes its own copy).
    ///
    /// Variable-size codes are normalised as [`Matter::new`](crate::Matter::new) does.
    ///
    /// # Errors
    /// [`Error::RawSize`] when the raw value does not fit the code.
    pub fn new(code: MatterCode, raw: &[u8]) -> Result<Self> {
        let code = code_for_raw(code, raw.len())?;
        Ok(Self { code, raw: secret_copy(raw) })
    }

    /// The code.
    #[must_use]
    pub fn code(&self) -> MatterCode {
        self.code
    }

    /// The raw secret value. Whatever the caller copies out of it is the caller's to wipe.
    #[must_use]
    pub fn expose_raw(&self) -> &[u8] {
        &self.raw
    }

    /// Full size in text characters.
    #[must_use]
    pub fn full_size(&self) -> usize {
        full_size_of(self.code, self.raw.len())
    }

    /// Binary-domain encoding (qb2), in a buffer wiped on drop.
    #[must_use]
    pub fn qb2(&self) -> Zeroizing<Vec<u8>> {
        let (chars, cs) = code_chars(self.code, self.raw.len());
        let ls = usize::from(self.code.sizes().ls);
        // Exactly the final size: code bytes + lead bytes + raw = fs / 4 * 3.
        let mut out = Zeroizing::new(Vec::with_capacity(self.full_size() / 4 * 3));
        pack_sextets(chars.get(..cs).unwrap_or_default(), &mut out);
        let code_len = out.len();
        out.resize(code_len + ls, 0);
        out.extend_from_slice(&self.raw);
        out
    }

    /// Text-domain encoding (qb64) as bytes, in a buffer wiped on drop.
    #[must_use]
    pub fn qb64b(&self) -> Zeroizing<Vec<u8>> {
        let qb2 = self.qb2();
        let mut out = Zeroizing::new(Vec::with_capacity(qb2.len() / 3 * 4));
        b64::encode_secret(&qb2, |c| out.push(c));
        out
    }

    /// Text-domain encoding (qb64), in a string wiped on drop.
    #[must_use]
    pub fn qb64(&self) -> Zeroizing<String> {
        let qb2 = self.qb2();
        let mut out = Zeroizing::new(String::with_capacity(qb2.len() / 3 * 4));
        // Every character is ASCII: one byte each, within the capacity.
        b64::encode_secret(&qb2, |c| out.push(char::from(c)));
        out
    }

    /// Decodes the primitive at the start of `buf` in `domain`; returns it and the bytes it took.
    ///
    /// # Errors
    /// As [`Matter::parse`](crate::Matter::parse), except that an unknown code is
    /// reported without its characters.
    pub fn parse(buf: &[u8], domain: Domain) -> Result<(Self, usize)> {
        let (code, fs) = header(buf, domain).map_err(redact)?;
        let len = domain.bytes_for_chars(fs);
        let item =
            buf.get(..len).ok_or_else(|| Error::Incomplete { offset: 0, needed: len.saturating_sub(buf.len()) })?;
        let mut qb2 = Zeroizing::new(Vec::with_capacity(fs / 4 * 3));
        match domain {
            Domain::Text => {
                if !b64::decode_secret(item, |b| qb2.push(b)) {
                    // The input is invalid anyway: find the culprit the ordinary way.
                    let (offset, byte) = item
                        .iter()
                        .enumerate()
                        .find(|(_, c)| b64::sextet(**c).is_none())
                        .map(|(i, c)| (i, *c))
                        .unwrap_or_default();
                    return Err(Error::InvalidBase64 { offset, byte });
                }
            }
            Domain::Binary => qb2.extend_from_slice(item),
        }
        let s = code.sizes();
        let raw = raw_of(&qb2, s.cs(), usize::from(s.ls), code.code())?;
        Ok((Self { code, raw }, len))
    }

    /// Decodes exactly one secret primitive filling `buf`.
    ///
    /// # Errors
    /// As [`SecretMatter::parse`], plus [`Error::TrailingBytes`] when input is left over.
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
    /// As [`SecretMatter::decode`].
    pub fn from_qb64(qb64: &str) -> Result<Self> {
        Self::decode(qb64.as_bytes(), Domain::Text)
    }

    /// Decodes whole qb64 bytes.
    ///
    /// # Errors
    /// As [`SecretMatter::decode`].
    pub fn from_qb64b(qb64b: &[u8]) -> Result<Self> {
        Self::decode(qb64b, Domain::Text)
    }

    /// Decodes whole qb2 bytes.
    ///
    /// # Errors
    /// As [`SecretMatter::decode`].
    pub fn from_qb2(qb2: &[u8]) -> Result<Self> {
        Self::decode(qb2, Domain::Binary)
    }
}

/// From the binary form of a whole item, checks the pad bits and lead bytes (neither is
/// secret; see [`codec::raw_start`]) and copies the raw value into a wiping buffer of its
/// exact size.
fn raw_of(qb2: &[u8], cs: usize, ls: usize, code: &'static str) -> Result<Zeroizing<Vec<u8>>> {
    let front = codec::raw_start(qb2, cs, ls, code)?;
    Ok(secret_copy(qb2.get(front..).unwrap_or_default()))
}

impl Zeroize for SecretMatter {
    /// Wipes the value and leaves it empty (the code stays).
    fn zeroize(&mut self) {
        self.raw.zeroize();
    }
}

/// The value lives in a [`Zeroizing`] buffer, so dropping a `SecretMatter` wipes it.
impl ZeroizeOnDrop for SecretMatter {}

impl core::fmt::Debug for SecretMatter {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SecretMatter").field("code", &self.code.code()).field("raw", &"<redacted>").finish()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

    use alloc::format;
    use alloc::vec;

    use proptest::prelude::*;

    use super::*;
    use crate::Matter;

    const _: () = {
        const fn zeroizes<T: ZeroizeOnDrop>() {}
        zeroizes::<SecretMatter>();
    };

    fn raw_for(code: MatterCode, fill: u8) -> Vec<u8> {
        vec![fill; code.raw_size().unwrap_or(20)]
    }

    #[test]
    fn same_bytes_as_matter_for_every_code_and_exact_buffers() {
        for &code in MatterCode::ALL {
            for fill in [0u8, 0x5A, 0xFF] {
                let raw = raw_for(code, fill);
                let Ok(plain) = Matter::new(code, raw.clone()) else { continue };
                let secret = SecretMatter::new(code, &raw).unwrap();
                assert_eq!(secret.code(), plain.code());
                let (qb2, qb64b, qb64) = (secret.qb2(), secret.qb64b(), secret.qb64());
                assert_eq!(qb2.as_slice(), plain.qb2().as_slice(), "{code:?}");
                assert_eq!(qb64.as_str(), plain.qb64(), "{code:?}");
                assert_eq!(qb64b.as_slice(), qb64.as_bytes());
                // No buffer grew past its first allocation (a reallocation frees an unwiped copy).
                assert_eq!(qb2.capacity(), qb2.len(), "{code:?}");
                assert_eq!(qb64b.capacity(), qb64b.len(), "{code:?}");
                assert_eq!(qb64.capacity(), qb64.len(), "{code:?}");
                for (domain, bytes) in [(Domain::Text, qb64b.as_slice()), (Domain::Binary, qb2.as_slice())] {
                    let plain_back = Matter::decode(bytes, domain);
                    let back = SecretMatter::decode(bytes, domain);
                    match (plain_back, back) {
                        (Ok(p), Ok(s)) => {
                            assert_eq!(s.code(), p.code());
                            assert_eq!(s.expose_raw(), p.raw());
                            assert_eq!(s.raw.capacity(), s.raw.len());
                        }
                        (p, s) => panic!("{code:?} {domain:?}: {p:?} vs {s:?}"),
                    }
                }
            }
        }
    }

    #[test]
    fn errors_match_matter_but_never_echo_a_code() {
        let seed = SecretMatter::new(MatterCode::Ed25519Seed, &[9u8; 32]).unwrap().qb64();
        let cases: Vec<Vec<u8>> = vec![
            seed.as_bytes()[..43].to_vec(),
            [seed.as_bytes(), b"AAAA"].concat(),
            {
                let mut b = seed.as_bytes().to_vec();
                b[20] = b'=';
                b
            },
            b"AB".to_vec(),
            {
                // non-zero pad bits after the code
                let mut b = seed.as_bytes().to_vec();
                b[1] = b'_';
                b
            },
        ];
        for case in &cases {
            let p = Matter::from_qb64b(case).unwrap_err();
            let s = SecretMatter::from_qb64b(case).unwrap_err();
            assert_eq!(p, s, "{:?}", core::str::from_utf8(case));
        }
        // A hex seed given where qb64 is expected: Matter names the characters it read, we do not.
        let hex = b"3f1d6a2c9b8e7f605142332415060708f1e2d3c4b5a69788796a5b4c3d2e1f00";
        let p = Matter::from_qb64b(hex).unwrap_err();
        let s = SecretMatter::from_qb64b(hex).unwrap_err();
        assert!(matches!(p, Error::UnknownCode { ref code, .. } if code.starts_with('3')), "{p:?}");
        assert!(matches!(s, Error::UnknownCode { ref code, .. } if code == "<redacted>"), "{s:?}");
        assert!(!format!("{s} {s:?}").contains("3f1d"));
        // Binary domain: too short.
        assert!(matches!(SecretMatter::from_qb2(&[0u8; 2]), Err(Error::Incomplete { .. })));
    }

    #[test]
    fn debug_redacts_and_zeroize_empties() {
        let seed = [0xA7u8; 32];
        let mut s = SecretMatter::new(MatterCode::Ed25519Seed, &seed).unwrap();
        let dbg = format!("{s:?} {s:#?}");
        assert!(!dbg.contains("167") && !dbg.contains("a7") && !dbg.contains("A7"), "{dbg}");
        assert!(!dbg.contains(&s.qb64()[1..9]), "{dbg}");
        s.zeroize();
        assert!(s.expose_raw().is_empty());
        // A secret-coded Matter redacts too, and wipes on zeroize of its value.
        let m = Matter::new(MatterCode::Ecdsa256k1Seed, seed.to_vec()).unwrap();
        assert!(format!("{m:?}").contains("<redacted>"));
    }

    proptest! {
        #[test]
        fn round_trips_like_matter(raw in proptest::collection::vec(any::<u8>(), 0..200)) {
            for code in [MatterCode::BytesL0, MatterCode::Ed25519Seed, MatterCode::Salt128] {
                let Ok(plain) = Matter::new(code, raw.clone()) else { continue };
                let secret = SecretMatter::new(code, &raw).unwrap();
                let text = secret.qb64();
                prop_assert_eq!(text.as_str(), plain.qb64());
                let back = SecretMatter::from_qb64(&secret.qb64()).unwrap();
                prop_assert_eq!(back.expose_raw(), raw.as_slice());
                let back = SecretMatter::from_qb2(&secret.qb2()).unwrap();
                prop_assert_eq!(back.expose_raw(), raw.as_slice());
            }
        }

        #[test]
        fn decodes_exactly_what_matter_decodes(text in "[A-Za-z0-9_=-]{0,60}") {
            let p = Matter::from_qb64(&text);
            let s = SecretMatter::from_qb64(&text);
            match (p, s) {
                (Ok(p), Ok(s)) => {
                    prop_assert_eq!(p.code(), s.code());
                    prop_assert_eq!(p.raw(), s.expose_raw());
                }
                (Err(Error::UnknownCode { offset: a, .. }), Err(Error::UnknownCode { offset: b, code, .. })) => {
                    prop_assert_eq!(a, b);
                    prop_assert_eq!(code.as_str(), "<redacted>");
                }
                (Err(a), Err(b)) => prop_assert_eq!(a, b),
                (a, b) => prop_assert!(false, "{:?} vs {:?}", a, b),
            }
        }
    }
}
