//! The crate's error type.

use crate::Algorithm;

/// Everything that can go wrong creating keys, signing, verifying or hashing.
///
/// A failed signature check is [`Error::VerificationFailed`] and nothing more:
/// it does not say which step of the check failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The code belongs to an algorithm this crate recognises but cannot use
    /// (Ed448: keripy 1.1 cannot use it either, see [`Algorithm::Ed448`]).
    #[error("unsupported algorithm {algorithm} (code {code})")]
    UnsupportedAlgorithm {
        /// The algorithm's name.
        algorithm: &'static str,
        /// The CESR code that named it.
        code: &'static str,
    },
    /// A CESR code of the wrong kind for this use (e.g. a digest code given as a key).
    #[error("code {code} is not a {expected} code")]
    UnexpectedCode {
        /// The code found.
        code: &'static str,
        /// What kind of code was expected: "digest", "public key", "seed", "signature", "salt".
        expected: &'static str,
    },
    /// A value has the wrong length for its code or use.
    #[error("{what} must be {expected} bytes, got {actual}")]
    InvalidLength {
        /// What was being read.
        what: &'static str,
        /// Required length in bytes.
        expected: usize,
        /// Length given.
        actual: usize,
    },
    /// A private key seed that is not a valid secret for its algorithm
    /// (ECDSA: the big-endian integer is zero or not below the group order).
    #[error("seed is not a valid {algorithm} private key")]
    InvalidSeed {
        /// The algorithm.
        algorithm: Algorithm,
    },
    /// A public key whose bytes are not an acceptable point for its algorithm
    /// (not on the curve, bad SEC1 tag, non-canonical or small-order Ed25519 encoding).
    #[error("public key with code {code} is not a valid {algorithm} key")]
    InvalidKey {
        /// The algorithm.
        algorithm: Algorithm,
        /// The key's code.
        code: &'static str,
    },
    /// A signature of one algorithm presented to a key of another.
    #[error("{signature} signature given to a {key} key")]
    AlgorithmMismatch {
        /// The key's algorithm.
        key: Algorithm,
        /// The signature's algorithm.
        signature: Algorithm,
    },
    /// The signature does not verify.
    #[error("signature verification failed")]
    VerificationFailed,
    /// The digest does not match the data.
    #[error("digest {code} does not match the data")]
    DigestMismatch {
        /// The digest's code.
        code: &'static str,
    },
    /// An indexed-signature index that the CESR code table cannot hold.
    #[error("signature index {index} (ondex {ondex:?}) is out of range")]
    IndexOutOfRange {
        /// The main index.
        index: u32,
        /// The other index, if any.
        ondex: Option<u32>,
    },
    /// Argon2id key stretching failed.
    #[error("Argon2id key stretching failed: {0}")]
    Stretch(String),
    /// The operating system's random number generator failed.
    #[error("the operating system random number generator failed")]
    Random,
    /// An external signer (HSM, KMS, remote) failed.
    #[error("external signer failed: {0}")]
    Signer(String),
    /// A CESR encoding or decoding error.
    #[error(transparent)]
    Cesr(#[from] dkms_cesr::Error),
}

/// The crate's result type.
pub type Result<T, E = Error> = core::result::Result<T, E>;
