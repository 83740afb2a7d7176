//! # dkms-crypto
//!
//! Keys, signatures, digests and salt-based key derivation for KERI, byte-exact
//! with keripy 1.1.17 (layer 2, on top of [`dkms_cesr`]).
//!
//! * [`digest`] / [`verify_digest`]: every CESR digest code (`E F G H I 0D 0E 0F 0G`).
//! * [`Verfer`]: a public key (Ed25519, ECDSA secp256k1, ECDSA secp256r1) that
//!   verifies exactly what keripy verifies — libsodium's rules for Ed25519,
//!   OpenSSL's for ECDSA (high-`S` accepted).
//! * [`Signer`]: the signing trait, so an HSM, a KMS or a remote signer can
//!   stand in; [`SoftSigner`] is the in-memory one (from a seed or random).
//!   Indexed signatures get the code keripy's `Signer.sign` would pick.
//! * [`Salter`]: keripy's Argon2id derivation of seeds from a salt and a path,
//!   with its tiers ([`Tier`]).
//! * Secrets (seeds, salts, private keys) are zeroized on drop, never printed,
//!   and cross the API as [`secrecy`] types. Their qb64 forms are made and read
//!   with [`dkms_cesr::SecretMatter`], which wipes every buffer it uses, and no
//!   error quotes them.
//! * Ed448 codes are recognised but unusable (keripy 1.1 cannot use them):
//!   [`Error::UnsupportedAlgorithm`].
//!
//! ```
//! use dkms_crypto::{digest, verify_digest, KeySpec, Salter, Signature, Signer, Verfer};
//! use dkms_crypto::secrecy::SecretBox;
//! use dkms_cesr::MatterCode;
//!
//! // keripy: Salter(raw=b'0123456789abcdef').signers(count=2, temp=True)
//! let salter = Salter::new(SecretBox::new(Box::new(*b"0123456789abcdef")));
//! let signers = salter.signers(2, 0, "", KeySpec::default().temp())?;
//! let verfer = signers[0].verfer();
//! assert_eq!(verfer.qb64(), "DB-fH5uto5o5XHZjNN3_W3PdT4MIyTCmQWDzMxMZV2kI");
//!
//! // Sign at index 0 (code `A`), read it back from text and verify.
//! let siger = signers[0].sign_indexed(b"event bytes", 0, false, None)?;
//! let back = dkms_cesr::Indexer::from_qb64(&siger.qb64())?;
//! let key = Verfer::from_qb64(&verfer.qb64())?;
//! key.verify(&Signature::from_siger(&back)?, b"event bytes")?;
//!
//! // Next-key commitment: the Blake3-256 digest of the next public key's qb64.
//! let next = digest(MatterCode::Blake3_256, signers[1].verfer().qb64().as_bytes())?;
//! verify_digest(&next, signers[1].verfer().qb64().as_bytes())?;
//! # Ok::<(), dkms_crypto::Error>(())
//! ```

mod algorithm;
mod digest;
mod error;
mod salter;
mod signature;
mod signer;
mod verfer;

pub use secrecy;

pub use algorithm::Algorithm;
pub use digest::{RawDigest, digest, digest_raw, digest_size, verify_digest};
pub use error::{Error, Result};
pub use salter::{KeySpec, Salt, Salter, Tier};
pub use signature::Signature;
pub use signer::{Seed, Signer, SoftSigner};
pub use verfer::Verfer;
