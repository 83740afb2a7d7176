//! Digests with their CESR codes (keripy `Diger` / `Saider.Digests`).

use dkms_cesr::{Matter, MatterCode};
use sha2::Digest as _;

use crate::error::{Error, Result};

/// A digest value held on the stack, with its code (no allocation).
///
/// ```
/// use dkms_crypto::digest_raw;
/// use dkms_cesr::MatterCode;
/// let d = digest_raw(MatterCode::Sha2_256, b"abc")?;
/// assert_eq!(d.as_bytes().len(), 32);
/// assert_eq!(d.code(), MatterCode::Sha2_256);
/// # Ok::<(), dkms_crypto::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RawDigest {
    code: MatterCode,
    len: usize,
    bytes: [u8; 64],
}

impl RawDigest {
    /// The digest's code.
    #[must_use]
    pub fn code(&self) -> MatterCode {
        self.code
    }

    /// The digest bytes (32 or 64).
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&self.bytes)
    }

    /// The digest as a CESR primitive.
    ///
    /// # Errors
    /// None in practice: the length always fits the code.
    pub fn to_matter(&self) -> Result<Matter> {
        Ok(Matter::new(self.code, self.as_bytes().to_vec())?)
    }
}

impl AsRef<[u8]> for RawDigest {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl core::fmt::Debug for RawDigest {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RawDigest").field("code", &self.code.code()).field("len", &self.len).finish()
    }
}

/// The size in bytes of the digests of `code`, `None` when `code` is not a digest code.
#[must_use]
pub fn digest_size(code: MatterCode) -> Option<usize> {
    match code {
        MatterCode::Blake3_256
        | MatterCode::Blake2b_256
        | MatterCode::Blake2s_256
        | MatterCode::Sha3_256
        | MatterCode::Sha2_256 => Some(32),
        MatterCode::Blake3_512 | MatterCode::Blake2b_512 | MatterCode::Sha3_512 | MatterCode::Sha2_512 => Some(64),
        _ => None,
    }
}

fn fixed<const N: usize>(code: MatterCode, out: [u8; N]) -> RawDigest {
    let mut bytes = [0u8; 64];
    if let Some(dst) = bytes.get_mut(..N) {
        dst.copy_from_slice(&out);
    }
    RawDigest { code, len: N, bytes }
}

/// The digest of `data` for a digest `code`, without allocating (the fast path:
/// [`digest`] adds one small allocation for the [`Matter`]).
///
/// The algorithms are keripy's (`Saider.Digests`): Blake3-256 `E`; Blake2b
/// with a 32-byte output parameter `F` (not a truncated Blake2b-512);
/// Blake2s-256 `G`; SHA3-256 `H`; SHA2-256 `I`; Blake3 extended output of
/// 64 bytes `0D`; Blake2b-512 `0E`; SHA3-512 `0F`; SHA2-512 `0G`. keripy 1.1's
/// `Diger` accepts only the 256-bit codes; its SAIDs use all nine.
///
/// # Errors
/// [`Error::UnexpectedCode`] when `code` is not a digest code.
pub fn digest_raw(code: MatterCode, data: &[u8]) -> Result<RawDigest> {
    Ok(match code {
        MatterCode::Blake3_256 => fixed(code, *blake3::hash(data).as_bytes()),
        MatterCode::Blake2b_256 => fixed::<32>(code, blake2::Blake2b256::digest(data).into()),
        MatterCode::Blake2s_256 => fixed::<32>(code, blake2::Blake2s256::digest(data).into()),
        MatterCode::Sha3_256 => fixed::<32>(code, sha3::Sha3_256::digest(data).into()),
        MatterCode::Sha2_256 => fixed::<32>(code, sha2::Sha256::digest(data).into()),
        MatterCode::Blake3_512 => {
            let mut bytes = [0u8; 64];
            blake3::Hasher::new().update(data).finalize_xof().fill(&mut bytes);
            RawDigest { code, len: 64, bytes }
        }
        MatterCode::Blake2b_512 => fixed::<64>(code, blake2::Blake2b512::digest(data).into()),
        MatterCode::Sha3_512 => fixed::<64>(code, sha3::Sha3_512::digest(data).into()),
        MatterCode::Sha2_512 => fixed::<64>(code, sha2::Sha512::digest(data).into()),
        other => return Err(Error::UnexpectedCode { code: other.code(), expected: "digest" }),
    })
}

/// The digest of `data` as a CESR primitive (keripy `Diger(ser=data, code=code)`).
///
/// ```
/// use dkms_crypto::digest;
/// use dkms_cesr::MatterCode;
/// // keri-reference §1.12
/// assert_eq!(digest(MatterCode::Blake3_256, b"abc")?.qb64(),
///            "EGQ3s6w4RlEz_7Y7dSc6jbVIxVhGXXnbA_01nGzVvZ2F");
/// # Ok::<(), dkms_crypto::Error>(())
/// ```
///
/// # Errors
/// [`Error::UnexpectedCode`] when `code` is not a digest code.
pub fn digest(code: MatterCode, data: &[u8]) -> Result<Matter> {
    digest_raw(code, data)?.to_matter()
}

/// Checks that `digest` (any digest code) is the digest of `data`.
///
/// ```
/// use dkms_crypto::{digest, verify_digest};
/// use dkms_cesr::MatterCode;
/// let d = digest(MatterCode::Sha3_512, b"data")?;
/// verify_digest(&d, b"data")?;
/// assert!(verify_digest(&d, b"other").is_err());
/// # Ok::<(), dkms_crypto::Error>(())
/// ```
///
/// # Errors
/// [`Error::UnexpectedCode`] when `digest` is not a digest primitive,
/// [`Error::DigestMismatch`] when it does not match.
pub fn verify_digest(digest: &Matter, data: &[u8]) -> Result<()> {
    let computed = digest_raw(digest.code(), data)?;
    if computed.as_bytes() == digest.raw() { Ok(()) } else { Err(Error::DigestMismatch { code: digest.code().code() }) }
}
