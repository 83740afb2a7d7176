//! Signature algorithms and their CESR codes.

use dkms_cesr::{IndexerCode, MatterCode};

use crate::error::{Error, Result};

/// A signature algorithm of the CESR v1 code table.
///
/// ```
/// use dkms_crypto::Algorithm;
/// use dkms_cesr::MatterCode;
/// assert_eq!(Algorithm::from_seed_code(MatterCode::Ecdsa256k1Seed), Some(Algorithm::Secp256k1));
/// assert_eq!(Algorithm::Secp256r1.verkey_code(false), MatterCode::Ecdsa256r1N);
/// assert!(!Algorithm::Ed448.is_supported());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Algorithm {
    /// Ed25519 (RFC 8032), verified with libsodium's rules: seed `A`, keys `B`/`D`,
    /// signature `0B`, indexed `A B 2A 2B`.
    Ed25519,
    /// ECDSA over secp256k1 with SHA-256, SEC1-compressed keys, `r‖s` signatures:
    /// seed `J`, keys `1AAA`/`1AAB`, signature `0C`, indexed `C D 2C 2D`.
    Secp256k1,
    /// ECDSA over secp256r1 (P-256) with SHA-256, SEC1-compressed keys, `r‖s` signatures:
    /// seed `Q`, keys `1AAI`/`1AAJ`, signature `0I`, indexed `E F 2E 2F`.
    Secp256r1,
    /// Ed448. Its codes decode, but it cannot be used: keripy 1.1 tables the
    /// signature code `1AAE` at 39 bytes (an Ed448 signature has 114) and the seed
    /// `K` at 56 bytes (57 needed), and its `Verfer`/`Signer` reject the codes, so
    /// nothing keripy-compatible can be produced or checked. Every use gives
    /// [`Error::UnsupportedAlgorithm`].
    Ed448,
}

impl Algorithm {
    /// The usable algorithms, in table order.
    pub const SUPPORTED: &'static [Algorithm] = &[Algorithm::Ed25519, Algorithm::Secp256k1, Algorithm::Secp256r1];

    /// A short name (`"Ed25519"`, `"secp256k1"`, `"secp256r1"`, `"Ed448"`).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::Ed25519 => "Ed25519",
            Algorithm::Secp256k1 => "secp256k1",
            Algorithm::Secp256r1 => "secp256r1",
            Algorithm::Ed448 => "Ed448",
        }
    }

    /// False for [`Algorithm::Ed448`].
    #[must_use]
    pub const fn is_supported(self) -> bool {
        !matches!(self, Algorithm::Ed448)
    }

    /// The private key seed code (`A J Q K`).
    #[must_use]
    pub const fn seed_code(self) -> MatterCode {
        match self {
            Algorithm::Ed25519 => MatterCode::Ed25519Seed,
            Algorithm::Secp256k1 => MatterCode::Ecdsa256k1Seed,
            Algorithm::Secp256r1 => MatterCode::Ecdsa256r1Seed,
            Algorithm::Ed448 => MatterCode::Ed448Seed,
        }
    }

    /// The public key code, transferable or not (`D B`, `1AAB 1AAA`, `1AAJ 1AAI`, `1AAD 1AAC`).
    #[must_use]
    pub const fn verkey_code(self, transferable: bool) -> MatterCode {
        match (self, transferable) {
            (Algorithm::Ed25519, true) => MatterCode::Ed25519,
            (Algorithm::Ed25519, false) => MatterCode::Ed25519N,
            (Algorithm::Secp256k1, true) => MatterCode::Ecdsa256k1,
            (Algorithm::Secp256k1, false) => MatterCode::Ecdsa256k1N,
            (Algorithm::Secp256r1, true) => MatterCode::Ecdsa256r1,
            (Algorithm::Secp256r1, false) => MatterCode::Ecdsa256r1N,
            (Algorithm::Ed448, true) => MatterCode::Ed448,
            (Algorithm::Ed448, false) => MatterCode::Ed448N,
        }
    }

    /// The non-indexed signature code (`0B 0C 0I 1AAE`).
    #[must_use]
    pub const fn signature_code(self) -> MatterCode {
        match self {
            Algorithm::Ed25519 => MatterCode::Ed25519Sig,
            Algorithm::Secp256k1 => MatterCode::Ecdsa256k1Sig,
            Algorithm::Secp256r1 => MatterCode::Ecdsa256r1Sig,
            Algorithm::Ed448 => MatterCode::Ed448Sig,
        }
    }

    /// The indexed signature code: `big` selects the two-character-index form,
    /// `current_only` the form that does not count for the prior next keys.
    #[must_use]
    pub const fn indexer_code(self, big: bool, current_only: bool) -> IndexerCode {
        match (self, big, current_only) {
            (Algorithm::Ed25519, false, false) => IndexerCode::Ed25519Sig,
            (Algorithm::Ed25519, false, true) => IndexerCode::Ed25519CrtSig,
            (Algorithm::Ed25519, true, false) => IndexerCode::Ed25519BigSig,
            (Algorithm::Ed25519, true, true) => IndexerCode::Ed25519BigCrtSig,
            (Algorithm::Secp256k1, false, false) => IndexerCode::Ecdsa256k1Sig,
            (Algorithm::Secp256k1, false, true) => IndexerCode::Ecdsa256k1CrtSig,
            (Algorithm::Secp256k1, true, false) => IndexerCode::Ecdsa256k1BigSig,
            (Algorithm::Secp256k1, true, true) => IndexerCode::Ecdsa256k1BigCrtSig,
            (Algorithm::Secp256r1, false, false) => IndexerCode::Ecdsa256r1Sig,
            (Algorithm::Secp256r1, false, true) => IndexerCode::Ecdsa256r1CrtSig,
            (Algorithm::Secp256r1, true, false) => IndexerCode::Ecdsa256r1BigSig,
            (Algorithm::Secp256r1, true, true) => IndexerCode::Ecdsa256r1BigCrtSig,
            (Algorithm::Ed448, false, false) => IndexerCode::Ed448Sig,
            (Algorithm::Ed448, false, true) => IndexerCode::Ed448CrtSig,
            (Algorithm::Ed448, true, false) => IndexerCode::Ed448BigSig,
            (Algorithm::Ed448, true, true) => IndexerCode::Ed448BigCrtSig,
        }
    }

    /// The algorithm of a seed code.
    #[must_use]
    pub fn from_seed_code(code: MatterCode) -> Option<Self> {
        match code {
            MatterCode::Ed25519Seed => Some(Algorithm::Ed25519),
            MatterCode::Ecdsa256k1Seed => Some(Algorithm::Secp256k1),
            MatterCode::Ecdsa256r1Seed => Some(Algorithm::Secp256r1),
            MatterCode::Ed448Seed => Some(Algorithm::Ed448),
            _ => None,
        }
    }

    /// The algorithm and transferability of a public key code.
    #[must_use]
    pub fn from_verkey_code(code: MatterCode) -> Option<(Self, bool)> {
        match code {
            MatterCode::Ed25519 => Some((Algorithm::Ed25519, true)),
            MatterCode::Ed25519N => Some((Algorithm::Ed25519, false)),
            MatterCode::Ecdsa256k1 => Some((Algorithm::Secp256k1, true)),
            MatterCode::Ecdsa256k1N => Some((Algorithm::Secp256k1, false)),
            MatterCode::Ecdsa256r1 => Some((Algorithm::Secp256r1, true)),
            MatterCode::Ecdsa256r1N => Some((Algorithm::Secp256r1, false)),
            MatterCode::Ed448 => Some((Algorithm::Ed448, true)),
            MatterCode::Ed448N => Some((Algorithm::Ed448, false)),
            _ => None,
        }
    }

    /// The algorithm of a non-indexed signature code.
    #[must_use]
    pub fn from_signature_code(code: MatterCode) -> Option<Self> {
        match code {
            MatterCode::Ed25519Sig => Some(Algorithm::Ed25519),
            MatterCode::Ecdsa256k1Sig => Some(Algorithm::Secp256k1),
            MatterCode::Ecdsa256r1Sig => Some(Algorithm::Secp256r1),
            MatterCode::Ed448Sig => Some(Algorithm::Ed448),
            _ => None,
        }
    }

    /// The algorithm of an indexed signature code (`None` for keripy's test-only codes).
    #[must_use]
    pub fn from_indexer_code(code: IndexerCode) -> Option<Self> {
        match code {
            IndexerCode::Ed25519Sig
            | IndexerCode::Ed25519CrtSig
            | IndexerCode::Ed25519BigSig
            | IndexerCode::Ed25519BigCrtSig => Some(Algorithm::Ed25519),
            IndexerCode::Ecdsa256k1Sig
            | IndexerCode::Ecdsa256k1CrtSig
            | IndexerCode::Ecdsa256k1BigSig
            | IndexerCode::Ecdsa256k1BigCrtSig => Some(Algorithm::Secp256k1),
            IndexerCode::Ecdsa256r1Sig
            | IndexerCode::Ecdsa256r1CrtSig
            | IndexerCode::Ecdsa256r1BigSig
            | IndexerCode::Ecdsa256r1BigCrtSig => Some(Algorithm::Secp256r1),
            IndexerCode::Ed448Sig
            | IndexerCode::Ed448CrtSig
            | IndexerCode::Ed448BigSig
            | IndexerCode::Ed448BigCrtSig => Some(Algorithm::Ed448),
            _ => None,
        }
    }

    /// `Ok(self)` for usable algorithms, [`Error::UnsupportedAlgorithm`] naming `code` otherwise.
    pub(crate) fn supported(self, code: &'static str) -> Result<Self> {
        if self.is_supported() { Ok(self) } else { Err(Error::UnsupportedAlgorithm { algorithm: self.name(), code }) }
    }
}

impl core::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}
