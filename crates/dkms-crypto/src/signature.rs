//! Signatures: raw bytes with their algorithm, as non-indexed (`Cigar`) or indexed (`Siger`) CESR.

use dkms_cesr::{Indexer, Matter};

use crate::algorithm::Algorithm;
use crate::error::{Error, Result};

/// A 64-byte signature and its algorithm (Ed25519 `R‖S`; ECDSA `r‖s`, big-endian).
///
/// ```
/// use dkms_crypto::{Algorithm, Signature};
/// use dkms_cesr::IndexerCode;
/// let sig = Signature::new(Algorithm::Ed25519, [1u8; 64])?;
/// assert!(sig.to_cigar()?.qb64().starts_with("0B"));
/// // keripy's `Signer.sign(ser, index=5, only=True)` picks the current-only code
/// assert_eq!(sig.to_siger(5, true, None)?.code(), IndexerCode::Ed25519CrtSig);
/// assert_eq!(sig.to_siger(1, false, Some(3))?.code(), IndexerCode::Ed25519BigSig);
/// # Ok::<(), dkms_crypto::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Signature {
    algorithm: Algorithm,
    bytes: [u8; 64],
}

impl Signature {
    /// A signature from its algorithm and bytes.
    ///
    /// # Errors
    /// [`Error::UnsupportedAlgorithm`] for Ed448.
    pub fn new(algorithm: Algorithm, bytes: [u8; 64]) -> Result<Self> {
        let algorithm = algorithm.supported(algorithm.signature_code().code())?;
        Ok(Self { algorithm, bytes })
    }

    /// A signature from its algorithm and a byte slice.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] unless `bytes` has 64 bytes; [`Error::UnsupportedAlgorithm`] for Ed448.
    pub fn from_slice(algorithm: Algorithm, bytes: &[u8]) -> Result<Self> {
        let arr: [u8; 64] = bytes.try_into().map_err(|_| Error::InvalidLength {
            what: "signature",
            expected: 64,
            actual: bytes.len(),
        })?;
        Self::new(algorithm, arr)
    }

    /// A signature from a non-indexed signature primitive (`0B 0C 0I`; keripy `Cigar`).
    ///
    /// # Errors
    /// [`Error::UnexpectedCode`] for other codes, [`Error::UnsupportedAlgorithm`] for `1AAE` (Ed448).
    pub fn from_cigar(cigar: &Matter) -> Result<Self> {
        let code = cigar.code();
        let algorithm = Algorithm::from_signature_code(code)
            .ok_or(Error::UnexpectedCode { code: code.code(), expected: "signature" })?
            .supported(code.code())?;
        Self::from_slice(algorithm, cigar.raw())
    }

    /// A signature from an indexed signature (keripy `Siger`).
    ///
    /// # Errors
    /// [`Error::UnexpectedCode`] for keripy's test-only codes, [`Error::UnsupportedAlgorithm`] for Ed448.
    pub fn from_siger(siger: &Indexer) -> Result<Self> {
        let code = siger.code();
        let algorithm = Algorithm::from_indexer_code(code)
            .ok_or(Error::UnexpectedCode { code: code.code(), expected: "signature" })?
            .supported(code.code())?;
        Self::from_slice(algorithm, siger.raw())
    }

    /// The algorithm.
    #[must_use]
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The signature bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8; 64] {
        &self.bytes
    }

    /// As a non-indexed signature primitive (keripy `Cigar`).
    ///
    /// # Errors
    /// None in practice (the length always fits the code).
    pub fn to_cigar(&self) -> Result<Matter> {
        Ok(Matter::new(self.algorithm.signature_code(), self.bytes.to_vec())?)
    }

    /// As an indexed signature, choosing the code exactly as keripy's
    /// `Signer.sign(ser, index, only, ondex)` does:
    ///
    /// * `only` (current keys only): the ondex is dropped; the small current-only
    ///   code (`B D F`) when `index <= 63`, else the big one (`2B 2D 2F`);
    /// * otherwise `ondex` defaults to `index`; the small "both" code (`A C E`) when
    ///   `ondex == index` and `index <= 63`, else the big one (`2A 2C 2E`).
    ///
    /// # Errors
    /// [`Error::IndexOutOfRange`] when `index` or `ondex` exceeds 4095 (keripy raises too).
    pub fn to_siger(&self, index: u32, only: bool, ondex: Option<u32>) -> Result<Indexer> {
        let (code, ondex_out) = if only {
            (self.algorithm.indexer_code(index > 63, true), None)
        } else {
            let o = ondex.unwrap_or(index);
            (self.algorithm.indexer_code(!(o == index && index <= 63), false), Some(o))
        };
        let sizes = code.sizes();
        if index > sizes.max_index() || ondex_out.is_some_and(|o| sizes.os > 0 && o > sizes.max_ondex()) {
            return Err(Error::IndexOutOfRange { index, ondex });
        }
        Ok(Indexer::new(code, index, ondex_out, self.bytes.to_vec())?)
    }
}
