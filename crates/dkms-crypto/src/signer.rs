//! Signing: the [`Signer`] trait and the in-memory [`SoftSigner`].

use dkms_cesr::{Indexer, Matter, SecretMatter};
use ed25519_dalek::Signer as _;
use secrecy::{ExposeSecret, ExposeSecretMut, SecretBox, SecretString};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::algorithm::Algorithm;
use crate::error::{Error, Result};
use crate::signature::Signature;
use crate::verfer::Verfer;

/// A 32-byte private key seed, zeroized on drop.
pub type Seed = SecretBox<[u8; 32]>;

/// Something that signs with one key: a software key ([`SoftSigner`]), an
/// HSM, a KMS or a remote signer.
///
/// Implementations return a raw [`Signature`]; the provided methods wrap it
/// as CESR exactly as keripy's `Signer.sign` does.
///
/// ```
/// use dkms_crypto::{Error, Signature, Signer, SoftSigner, Verfer};
///
/// /// A signer that forwards to another one, as an HSM client would.
/// struct Remote(SoftSigner);
/// impl Signer for Remote {
///     fn verfer(&self) -> &Verfer { self.0.verfer() }
///     fn sign(&self, msg: &[u8]) -> Result<Signature, Error> { self.0.sign(msg) }
/// }
///
/// let remote = Remote(SoftSigner::random(dkms_crypto::Algorithm::Secp256r1, true)?);
/// let siger = remote.sign_indexed(b"event", 0, false, None)?;
/// assert_eq!(siger.code(), dkms_cesr::IndexerCode::Ecdsa256r1Sig);
/// remote.verfer().verify(&Signature::from_siger(&siger)?, b"event")?;
/// # Ok::<(), Error>(())
/// ```
pub trait Signer {
    /// The public key of this signer.
    fn verfer(&self) -> &Verfer;

    /// Signs `msg`.
    ///
    /// # Errors
    /// Whatever the signer's backend reports ([`Error::Signer`] for external ones).
    fn sign(&self, msg: &[u8]) -> Result<Signature>;

    /// Signs `msg` and returns a non-indexed signature primitive (keripy `Cigar`).
    ///
    /// # Errors
    /// As [`Signer::sign`].
    fn sign_cigar(&self, msg: &[u8]) -> Result<Matter> {
        self.sign(msg)?.to_cigar()
    }

    /// Signs `msg` and returns an indexed signature with the code keripy's
    /// `Signer.sign(ser, index, only, ondex)` would choose (see [`Signature::to_siger`]).
    ///
    /// # Errors
    /// As [`Signer::sign`], and [`Error::IndexOutOfRange`].
    fn sign_indexed(&self, msg: &[u8], index: u32, only: bool, ondex: Option<u32>) -> Result<Indexer> {
        self.sign(msg)?.to_siger(index, only, ondex)
    }
}

enum SecretKey {
    Ed25519(ed25519_dalek::SigningKey),
    Secp256k1(k256::ecdsa::SigningKey),
    Secp256r1(p256::ecdsa::SigningKey),
}

// The key types wipe themselves on drop, and so does every type here that holds a secret.
const _: () = {
    const fn zeroizes<T: ZeroizeOnDrop + ?Sized>() {}
    zeroizes::<ed25519_dalek::SigningKey>();
    zeroizes::<k256::ecdsa::SigningKey>();
    zeroizes::<p256::ecdsa::SigningKey>();
    zeroizes::<Seed>();
    zeroizes::<SecretString>();
    zeroizes::<SecretMatter>();
};

/// A secret text as a [`SecretString`], without leaving a copy behind: the
/// allocation is moved when it has no spare capacity (`SecretString::from`
/// would otherwise reallocate and free the old buffer unwiped), else copied to
/// an exact-size one while `text` is wiped.
pub(crate) fn secret_string(mut text: Zeroizing<String>) -> SecretString {
    if text.len() == text.capacity() {
        SecretString::from(core::mem::take(&mut *text))
    } else {
        SecretString::from(text.as_str())
    }
}

/// Copies a decoded secret into a fixed-size, wiped-on-drop box.
pub(crate) fn secret_array<const N: usize>(raw: &[u8], what: &'static str) -> Result<SecretBox<[u8; N]>> {
    if raw.len() != N {
        return Err(Error::InvalidLength { what, expected: N, actual: raw.len() });
    }
    let mut out = SecretBox::new(Box::new([0u8; N]));
    out.expose_secret_mut().copy_from_slice(raw);
    Ok(out)
}

/// A software signer holding its private key in memory (keripy `Signer`).
///
/// * Ed25519: the key pair is libsodium's `crypto_sign_seed_keypair(seed)`
///   (RFC 8032); signatures are deterministic and byte-identical to keripy's.
/// * ECDSA secp256k1 / secp256r1: the private scalar is the seed read as a
///   big-endian integer (it must be in `1..n`), the public key is SEC1
///   compressed. keripy signs SHA-256 of the message with a random nonce
///   (OpenSSL); we use the RFC 6979 deterministic nonce, so signatures differ
///   from keripy's run to run but are equally valid, and equal OpenSSL's own
///   RFC 6979 signatures. secp256k1 signatures come out low-`S` (k256
///   normalises); secp256r1 ones are not normalised (neither are OpenSSL's).
///
/// The key is zeroized on drop, and `Debug` shows only the public key.
///
/// ```
/// use dkms_crypto::{Algorithm, Signer, SoftSigner};
/// use dkms_crypto::secrecy::{ExposeSecret, SecretBox};
/// // keri-reference §1.12: seed bytes 0..31
/// let seed: [u8; 32] = core::array::from_fn(|i| i as u8);
/// let signer = SoftSigner::from_seed(Algorithm::Ed25519, &SecretBox::new(Box::new(seed)), true)?;
/// assert_eq!(signer.verfer().qb64(), "DAOhB7_zzhC-HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4");
/// assert_eq!(signer.seed_qb64()?.expose_secret(), "AAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f");
/// assert_eq!(signer.sign_cigar(b"abc")?.qb64(),
///   "0BDMRtYtN1T0F1Sye26iyywnK6-npaH2BivQYPQU5Qyq6sLaZq05zvRCSpAjbqkHt9gFfjRD3Fq_yZhpZ-5yE6QH");
/// # Ok::<(), dkms_crypto::Error>(())
/// ```
pub struct SoftSigner {
    key: SecretKey,
    verfer: Verfer,
}

impl ZeroizeOnDrop for SoftSigner {}

impl SoftSigner {
    /// A signer from a 32-byte seed.
    ///
    /// # Errors
    /// [`Error::InvalidSeed`] when an ECDSA seed is not a scalar in `1..n`;
    /// [`Error::UnsupportedAlgorithm`] for Ed448.
    pub fn from_seed(algorithm: Algorithm, seed: &Seed, transferable: bool) -> Result<Self> {
        let algorithm = algorithm.supported(algorithm.seed_code().code())?;
        let bytes = seed.expose_secret();
        let key = match algorithm {
            Algorithm::Ed25519 => SecretKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(bytes)),
            Algorithm::Secp256k1 => SecretKey::Secp256k1(
                k256::ecdsa::SigningKey::from_slice(bytes).map_err(|_| Error::InvalidSeed { algorithm })?,
            ),
            Algorithm::Secp256r1 => SecretKey::Secp256r1(
                p256::ecdsa::SigningKey::from_slice(bytes).map_err(|_| Error::InvalidSeed { algorithm })?,
            ),
            Algorithm::Ed448 => return Err(Error::UnsupportedAlgorithm { algorithm: "Ed448", code: "K" }),
        };
        let raw: Vec<u8> = match &key {
            SecretKey::Ed25519(k) => k.verifying_key().to_bytes().to_vec(),
            SecretKey::Secp256k1(k) => k.verifying_key().to_sec1_point(true).as_bytes().to_vec(),
            SecretKey::Secp256r1(k) => k.verifying_key().to_sec1_point(true).as_bytes().to_vec(),
        };
        let verfer = Verfer::new(Matter::new(algorithm.verkey_code(transferable), raw)?)?;
        Ok(Self { key, verfer })
    }

    /// A signer from a seed primitive in qb64 (`A…`, `J…`, `Q…`; keripy `Signer(qb64=…)`).
    ///
    /// # Errors
    /// CESR decoding errors, [`Error::UnexpectedCode`] for a non-seed code, then as [`SoftSigner::from_seed`].
    ///
    /// The text is decoded with [`SecretMatter`]: every buffer is wiped and no error
    /// quotes the input.
    pub fn from_qb64(seed: &SecretString, transferable: bool) -> Result<Self> {
        let matter = SecretMatter::from_qb64(seed.expose_secret())?;
        let code = matter.code();
        let algorithm =
            Algorithm::from_seed_code(code).ok_or(Error::UnexpectedCode { code: code.code(), expected: "seed" })?;
        let algorithm = algorithm.supported(code.code())?;
        let seed: Seed = secret_array(matter.expose_raw(), "seed")?;
        Self::from_seed(algorithm, &seed, transferable)
    }

    /// A signer with a fresh seed from the operating system's random generator.
    ///
    /// # Errors
    /// [`Error::Random`]; [`Error::UnsupportedAlgorithm`] for Ed448.
    pub fn random(algorithm: Algorithm, transferable: bool) -> Result<Self> {
        algorithm.supported(algorithm.seed_code().code())?;
        // An ECDSA seed is out of range with probability below 2^-32; draw again.
        let mut last = Error::Random;
        for _ in 0..16 {
            let mut seed = Seed::default();
            getrandom::fill(seed.expose_secret_mut()).map_err(|_| Error::Random)?;
            match Self::from_seed(algorithm, &seed, transferable) {
                Ok(s) => return Ok(s),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// The algorithm.
    #[must_use]
    pub fn algorithm(&self) -> Algorithm {
        self.verfer.algorithm()
    }

    /// The 32-byte seed (for ECDSA the big-endian private scalar).
    #[must_use]
    pub fn seed(&self) -> Seed {
        let mut seed = Seed::default();
        let out = seed.expose_secret_mut();
        match &self.key {
            SecretKey::Ed25519(k) => out.copy_from_slice(k.as_bytes()),
            SecretKey::Secp256k1(k) => {
                let mut b = k.to_bytes();
                out.copy_from_slice(b.as_slice());
                b.zeroize();
            }
            SecretKey::Secp256r1(k) => {
                let mut b = k.to_bytes();
                out.copy_from_slice(b.as_slice());
                b.zeroize();
            }
        }
        seed
    }

    /// The seed as a qb64 primitive (`A…`, `J…`, `Q…`; keripy `Signer.qb64`),
    /// encoded with [`SecretMatter`] so that no buffer on the way is left unwiped.
    ///
    /// # Errors
    /// None in practice.
    pub fn seed_qb64(&self) -> Result<SecretString> {
        let seed = self.seed();
        let matter = SecretMatter::new(self.algorithm().seed_code(), seed.expose_secret())?;
        Ok(secret_string(matter.qb64()))
    }
}

impl Signer for SoftSigner {
    fn verfer(&self) -> &Verfer {
        &self.verfer
    }

    fn sign(&self, msg: &[u8]) -> Result<Signature> {
        let (algorithm, bytes): (Algorithm, [u8; 64]) = match &self.key {
            SecretKey::Ed25519(k) => (Algorithm::Ed25519, k.sign(msg).to_bytes()),
            SecretKey::Secp256k1(k) => {
                let s: k256::ecdsa::Signature = k.sign(msg);
                (Algorithm::Secp256k1, s.to_bytes().into())
            }
            SecretKey::Secp256r1(k) => {
                let s: p256::ecdsa::Signature = k.sign(msg);
                (Algorithm::Secp256r1, s.to_bytes().into())
            }
        };
        Signature::new(algorithm, bytes)
    }
}

impl core::fmt::Debug for SoftSigner {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SoftSigner").field("verfer", &self.verfer.qb64()).finish_non_exhaustive()
    }
}
