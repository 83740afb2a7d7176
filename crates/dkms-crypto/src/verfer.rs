//! Public keys that verify signatures (keripy `Verfer`).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};

use curve25519_dalek::edwards::{EdwardsPoint, VartimeEdwardsPrecomputation};
use curve25519_dalek::traits::VartimePrecomputedMultiscalarMul as _;
use curve25519_dalek::{Scalar, constants::ED25519_BASEPOINT_POINT};
use dkms_cesr::Matter;
use ed25519_dalek::Verifier as _;
use sha2::Digest as _;

use crate::algorithm::Algorithm;
use crate::error::{Error, Result};
use crate::signature::Signature;

#[derive(Clone)]
enum Key {
    Ed25519(Arc<Ed25519Key>),
    Secp256k1(k256::ecdsa::VerifyingKey),
    Secp256r1(p256::ecdsa::VerifyingKey),
    /// Bytes that are not an acceptable key: every verification fails.
    Invalid,
}

/// A public key with its CESR code: knows its algorithm and transferability
/// and verifies signatures exactly as keripy 1.1.17 does.
///
/// Any bytes of the right length make a `Verfer` (keripy accepts them too); a
/// key that is not a valid point never verifies anything, and
/// [`Verfer::check_key`] says so.
///
/// Verification rules:
/// * **Ed25519** accepts what libsodium 1.0.18's `crypto_sign_verify_detached`
///   accepts (keripy uses it): `S` must be canonical (`S < L`), the key `A` must
///   be canonically encoded (`y < p`) and not of small order, `R` must not be of
///   small order, and the cofactorless equation `[S]B = R + [k]A` must hold with
///   `R` compared byte for byte. We use ed25519-dalek's `verify_strict` and
///   reject non-canonical keys ourselves, because dalek reduces `y` mod `p` when
///   decoding a key while libsodium rejects such keys. Mixed-order keys and `R`
///   (a small-order component added) are accepted by both whenever the
///   cofactorless equation holds. Batch verification is deliberately not
///   offered: batch equations are cofactored and would accept signatures that
///   this check rejects.
/// * **ECDSA** (secp256k1, secp256r1): SHA-256 of the message, `r‖s` with
///   `1 <= r, s < n`. keripy (OpenSSL) accepts high-`S` signatures; k256 rejects
///   them, so secp256k1 signatures are normalised to low-`S` before checking,
///   which accepts exactly the same set (`(r, s)` is valid iff `(r, n - s)` is).
///   p256 accepts both forms as it is.
///
/// ```
/// use dkms_crypto::{Algorithm, SoftSigner, Signer, Verfer};
/// use dkms_crypto::secrecy::SecretBox;
/// let signer = SoftSigner::from_seed(Algorithm::Ed25519, &SecretBox::new(Box::new([0u8; 32])), true)?;
/// let verfer = Verfer::from_qb64(&signer.verfer().qb64())?;
/// assert!(verfer.is_transferable());
/// let sig = signer.sign(b"msg")?;
/// verfer.verify(&sig, b"msg")?;
/// assert!(verfer.verify(&sig, b"other").is_err());
/// # Ok::<(), dkms_crypto::Error>(())
/// ```
#[derive(Clone)]
pub struct Verfer {
    matter: Matter,
    algorithm: Algorithm,
    transferable: bool,
    key: Key,
}

/// Verifications with one key before its multiples table is built: a key that verifies a
/// few times (most keys of a rotation-heavy KEL, every key of a witness's many short KELs)
/// never pays for it, in time (building it costs more than a few verifications save) or in
/// memory (about 15 KiB per key, kept with the key state).
const PRECOMPUTE_AFTER: u32 = 8;

/// A checked Ed25519 key (canonical, not of small order) and, once it has been
/// used a few times, a table of its multiples that makes each verification cheaper.
struct Ed25519Key {
    vk: ed25519_dalek::VerifyingKey,
    /// The key's encoding, hashed into every challenge.
    bytes: [u8; 32],
    uses: AtomicU32,
    /// Wide lookup tables for `-A` and the base point, so `[k](-A) + [S]B` runs
    /// with width-8 windows for both scalars and no per-call table for `A`.
    table: OnceLock<VartimeEdwardsPrecomputation>,
}

impl Ed25519Key {
    fn table(&self) -> Option<&VartimeEdwardsPrecomputation> {
        if let Some(t) = self.table.get() {
            return Some(t);
        }
        if self.uses.fetch_add(1, Ordering::Relaxed) < PRECOMPUTE_AFTER {
            return None;
        }
        Some(self.table.get_or_init(|| self.build_table()))
    }

    fn build_table(&self) -> VartimeEdwardsPrecomputation {
        let minus_a = -self.vk.to_edwards();
        VartimeEdwardsPrecomputation::new([minus_a, ED25519_BASEPOINT_POINT])
    }

    /// The same acceptance as `verify_strict` (the key itself was checked once, when
    /// it was loaded): `R` is a point not of small order, `S` is canonical, and
    /// `[S]B - [k]A` encodes to exactly the bytes of `R`, with `k = SHA-512(R ‖ A ‖ M) mod L`.
    ///
    /// `R` is never decompressed (that costs a square root, about a tenth of a
    /// verification). Only a canonical encoding can equal the encoding of the computed
    /// point, so once `R` is known not to be one of the eight canonical small-order
    /// encodings, the final byte comparison proves everything `verify_strict` checks
    /// by decompressing: `R` is a point (the computed one), and not of small order.
    /// libsodium, which keripy uses, checks `R` the same way.
    fn verify(&self, sig: &[u8], msg: &[u8]) -> bool {
        self.expected_r(sig, msg).is_some_and(|(expected, r)| expected.compress().to_bytes() == r)
    }

    /// The point `[S]B - [k]A` the signature's `R` must encode, with `R`'s bytes; `None`
    /// when `R` or `S` alone already fails (a small-order `R`, a non-canonical `S`).
    fn expected_r(&self, sig: &[u8], msg: &[u8]) -> Option<(EdwardsPoint, [u8; 32])> {
        let r: [u8; 32] = sig.get(..32)?.try_into().ok()?;
        let s: [u8; 32] = sig.get(32..64)?.try_into().ok()?;
        if SMALL_ORDER_ENCODINGS.contains(&r) {
            return None;
        }
        let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(s))?;
        let hash: [u8; 64] =
            sha2::Sha512::new().chain_update(r).chain_update(self.bytes).chain_update(msg).finalize().into();
        let k = Scalar::from_bytes_mod_order_wide(&hash);
        let expected = match self.table() {
            Some(table) => table.vartime_multiscalar_mul([k, s]),
            // Few uses so far: no table for this key yet.
            None => EdwardsPoint::vartime_double_scalar_mul_basepoint(&k, &-self.vk.to_edwards(), &s),
        };
        Some((expected, r))
    }
}

/// The canonical encodings of the eight points of small order (the 8-torsion subgroup):
/// the identity `(0, 1)`, `(0, -1)`, `(±√-1, 0)` and the four points of order 8.
const SMALL_ORDER_ENCODINGS: [[u8; 32]; 8] = {
    const ZERO: [u8; 32] = [0; 32];
    let mut one = ZERO;
    one[0] = 1;
    let mut minus_one = [0xff; 32];
    minus_one[0] = 0xec;
    minus_one[31] = 0x7f;
    let mut zero_neg = ZERO;
    zero_neg[31] = 0x80;
    let eight_a = [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf,
        0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05,
    ];
    let eight_b = [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20,
        0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a,
    ];
    let mut eight_a_neg = eight_a;
    eight_a_neg[31] |= 0x80;
    let mut eight_b_neg = eight_b;
    eight_b_neg[31] |= 0x80;
    [one, minus_one, ZERO, zero_neg, eight_a, eight_a_neg, eight_b, eight_b_neg]
};

fn parse_ed25519(raw: &[u8]) -> Key {
    let Ok(bytes) = <[u8; 32]>::try_from(raw) else { return Key::Invalid };
    let Ok(vk) = ed25519_dalek::VerifyingKey::from_bytes(&bytes) else { return Key::Invalid };
    // libsodium rejects non-canonical encodings (ge25519_is_canonical) and
    // small-order keys (ge25519_has_small_order) before anything else.
    if vk.to_edwards().compress().to_bytes() != bytes || vk.is_weak() {
        return Key::Invalid;
    }
    Key::Ed25519(Arc::new(Ed25519Key { vk, bytes, uses: AtomicU32::new(0), table: OnceLock::new() }))
}

impl Verfer {
    /// A verifier from a public key primitive (`B D 1AAA 1AAB 1AAI 1AAJ`).
    ///
    /// # Errors
    /// [`Error::UnexpectedCode`] for non-key codes, [`Error::UnsupportedAlgorithm`] for Ed448 (`1AAC 1AAD`).
    pub fn new(matter: Matter) -> Result<Self> {
        let code = matter.code();
        let (algorithm, transferable) = Algorithm::from_verkey_code(code)
            .ok_or(Error::UnexpectedCode { code: code.code(), expected: "public key" })?;
        let algorithm = algorithm.supported(code.code())?;
        let raw = matter.raw();
        let key = match algorithm {
            Algorithm::Ed25519 => parse_ed25519(raw),
            Algorithm::Secp256k1 => {
                k256::ecdsa::VerifyingKey::from_sec1_bytes(raw).map_or(Key::Invalid, Key::Secp256k1)
            }
            Algorithm::Secp256r1 => {
                p256::ecdsa::VerifyingKey::from_sec1_bytes(raw).map_or(Key::Invalid, Key::Secp256r1)
            }
            Algorithm::Ed448 => Key::Invalid,
        };
        Ok(Self { matter, algorithm, transferable, key })
    }

    /// A verifier from qb64 text.
    ///
    /// # Errors
    /// CESR decoding errors, then as [`Verfer::new`].
    pub fn from_qb64(qb64: &str) -> Result<Self> {
        Self::new(Matter::from_qb64(qb64)?)
    }

    /// A verifier from an algorithm, transferability and raw key bytes
    /// (32 for Ed25519, 33 SEC1-compressed for ECDSA).
    ///
    /// # Errors
    /// [`Error::InvalidLength`] for a wrong length, [`Error::UnsupportedAlgorithm`] for Ed448.
    pub fn from_raw(algorithm: Algorithm, transferable: bool, raw: &[u8]) -> Result<Self> {
        let code = algorithm.verkey_code(transferable);
        algorithm.supported(code.code())?;
        let expected = code.raw_size().unwrap_or_default();
        if raw.len() != expected {
            return Err(Error::InvalidLength { what: "public key", expected, actual: raw.len() });
        }
        Self::new(Matter::new(code, raw.to_vec())?)
    }

    /// The key as a CESR primitive.
    #[must_use]
    pub fn matter(&self) -> &Matter {
        &self.matter
    }

    /// The key's qb64 text.
    #[must_use]
    pub fn qb64(&self) -> String {
        self.matter.qb64()
    }

    /// The raw key bytes.
    #[must_use]
    pub fn raw(&self) -> &[u8] {
        self.matter.raw()
    }

    /// The algorithm.
    #[must_use]
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// True for transferable key codes (`D 1AAB 1AAJ`), false for basic
    /// non-transferable ones (`B 1AAA 1AAI`).
    #[must_use]
    pub fn is_transferable(&self) -> bool {
        self.transferable
    }

    /// Checks that the key bytes are an acceptable key (what libsodium or
    /// OpenSSL would load).
    ///
    /// keripy answers "does not verify" for a bad Ed25519 key but *raises* for an
    /// ECDSA key that is not a curve point, which drops the whole message;
    /// callers that need that distinction call this first.
    ///
    /// # Errors
    /// [`Error::InvalidKey`].
    pub fn check_key(&self) -> Result<()> {
        match self.key {
            Key::Invalid => Err(Error::InvalidKey { algorithm: self.algorithm, code: self.matter.code().code() }),
            _ => Ok(()),
        }
    }

    /// Builds the Ed25519 key's table of multiples now rather than at its ninth
    /// verification (a no-op for other algorithms and for invalid keys). Results of
    /// [`Verfer::verify`] are the same with or without the table; only the cost differs
    /// (the table takes about 15 KiB and is shared by clones of this `Verfer`).
    pub fn precompute(&self) {
        if let Key::Ed25519(key) = &self.key {
            key.table.get_or_init(|| key.build_table());
        }
    }

    /// Verifies several signatures, each with its own key and message: the verdicts
    /// (`true`: it verifies) are exactly those of [`Verfer::verify`] one at a time. It is
    /// not batch verification in the cryptographic sense — each signature is checked on
    /// its own equation — but the Ed25519 ones share the field inversion that encodes
    /// each recomputed `R`, which saves about a tenth of a verification per signature.
    ///
    /// ```
    /// use dkms_crypto::{Algorithm, Signer, SoftSigner, Verfer};
    /// use dkms_crypto::secrecy::SecretBox;
    /// let signer = SoftSigner::from_seed(Algorithm::Ed25519, &SecretBox::new(Box::new([3u8; 32])), true)?;
    /// let (good, bad) = (signer.sign(b"one")?, signer.sign(b"two")?);
    /// let v = signer.verfer();
    /// let verdicts = Verfer::verify_many(&[(&v, &good, b"one".as_slice()), (&v, &bad, b"one".as_slice())]);
    /// assert_eq!(verdicts, [true, false]);
    /// # Ok::<(), dkms_crypto::Error>(())
    /// ```
    #[must_use]
    pub fn verify_many(items: &[(&Verfer, &Signature, &[u8])]) -> Vec<bool> {
        let mut verdicts = vec![false; items.len()];
        // Ed25519 signatures whose R and S pass: their recomputed points, encoded together.
        let mut points = Vec::with_capacity(items.len());
        let mut pending = Vec::with_capacity(items.len());
        for (i, (verfer, sig, msg)) in items.iter().enumerate() {
            match &verfer.key {
                Key::Ed25519(key) if sig.algorithm() == verfer.algorithm => {
                    if let Some((point, r)) = key.expected_r(sig.as_bytes(), msg) {
                        points.push(point);
                        pending.push((i, r));
                    }
                }
                _ => {
                    if let Some(v) = verdicts.get_mut(i) {
                        *v = verfer.verify(sig, msg).is_ok();
                    }
                }
            }
        }
        let encoded = EdwardsPoint::compress_batch_alloc(&points);
        for ((i, r), e) in pending.into_iter().zip(encoded) {
            if let Some(v) = verdicts.get_mut(i) {
                *v = e.to_bytes() == r;
            }
        }
        verdicts
    }

    /// Verifies `sig` over `msg`.
    ///
    /// # Errors
    /// [`Error::AlgorithmMismatch`] when the signature is of another algorithm,
    /// [`Error::VerificationFailed`] when it does not verify (for any reason).
    pub fn verify(&self, sig: &Signature, msg: &[u8]) -> Result<()> {
        if sig.algorithm() != self.algorithm {
            return Err(Error::AlgorithmMismatch { key: self.algorithm, signature: sig.algorithm() });
        }
        let ok = match &self.key {
            // The key was checked once (canonical, not of small order) when this Verfer was
            // built; per signature only R, S and the equation are checked.
            Key::Ed25519(key) => key.verify(sig.as_bytes(), msg),
            Key::Secp256k1(vk) => match k256::ecdsa::Signature::from_slice(sig.as_bytes()) {
                // k256 refuses high-S; OpenSSL (keripy) accepts it. Normalising is
                // exact: (r, s) verifies iff (r, n - s) does.
                Ok(s) => vk.verify(msg, &s.normalize_s()).is_ok(),
                Err(_) => false,
            },
            Key::Secp256r1(vk) => match p256::ecdsa::Signature::from_slice(sig.as_bytes()) {
                Ok(s) => vk.verify(msg, &s).is_ok(),
                Err(_) => false,
            },
            Key::Invalid => false,
        };
        if ok { Ok(()) } else { Err(Error::VerificationFailed) }
    }
}

impl PartialEq for Verfer {
    fn eq(&self, other: &Self) -> bool {
        self.matter == other.matter
    }
}

impl Eq for Verfer {}

impl core::hash::Hash for Verfer {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.matter.hash(state);
    }
}

impl core::fmt::Debug for Verfer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("Verfer").field(&self.matter.qb64()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::SMALL_ORDER_ENCODINGS;

    #[test]
    fn small_order_encodings_are_the_eight_torsion_points() {
        let mut ours = SMALL_ORDER_ENCODINGS.to_vec();
        let mut dalek: Vec<[u8; 32]> =
            curve25519_dalek::constants::EIGHT_TORSION.iter().map(|p| p.compress().to_bytes()).collect();
        ours.sort_unstable();
        dalek.sort_unstable();
        assert_eq!(ours, dalek);
        for (i, r) in SMALL_ORDER_ENCODINGS.iter().enumerate() {
            let p = curve25519_dalek::edwards::CompressedEdwardsY(*r).decompress();
            assert!(p.is_some_and(|p| p.is_small_order() && p.compress().to_bytes() == *r), "entry {i}");
        }
    }
}
