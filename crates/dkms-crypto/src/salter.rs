//! Salt-based deterministic key derivation, identical to keripy's `Salter`.

use argon2::{Algorithm as Argon2Algorithm, Argon2, Params, Version};
use dkms_cesr::{MatterCode, SecretMatter};
use secrecy::{ExposeSecret, ExposeSecretMut, SecretBox, SecretString};
use zeroize::ZeroizeOnDrop;

use crate::algorithm::Algorithm;
use crate::error::{Error, Result};
use crate::signer::{Seed, SoftSigner, secret_array, secret_string};

/// A 16-byte salt, zeroized on drop.
pub type Salt = SecretBox<[u8; 16]>;

/// How hard the salt is stretched: keripy's `temp=True` test setting and its
/// three `Tiers`, which are libsodium's Argon2id presets.
///
/// | tier | keripy | libsodium preset | t (passes) | memory |
/// |---|---|---|---|---|
/// | [`Tier::Temp`] | `temp=True` | `OPSLIMIT_MIN`/`MEMLIMIT_MIN` | 1 | 8 KiB |
/// | [`Tier::Low`] | `Tiers.low` (default) | interactive | 2 | 64 MiB |
/// | [`Tier::Med`] | `Tiers.med` | moderate | 3 | 256 MiB |
/// | [`Tier::High`] | `Tiers.high` | sensitive | 4 | 1 GiB |
///
/// `Temp` is for tests only: it gives no protection to a guessable salt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Tier {
    /// keripy `temp=True`: t = 1, m = 8 KiB. Tests only.
    Temp,
    /// keripy `Tiers.low` (libsodium interactive): t = 2, m = 64 MiB.
    Low,
    /// keripy `Tiers.med` (libsodium moderate): t = 3, m = 256 MiB.
    Med,
    /// keripy `Tiers.high` (libsodium sensitive): t = 4, m = 1 GiB.
    High,
}

impl Tier {
    /// Argon2id passes (`t_cost`, libsodium `opslimit`).
    #[must_use]
    pub const fn passes(self) -> u32 {
        match self {
            Tier::Temp => 1,
            Tier::Low => 2,
            Tier::Med => 3,
            Tier::High => 4,
        }
    }

    /// Argon2id memory in KiB (`m_cost`; libsodium's `memlimit` / 1024).
    #[must_use]
    pub const fn memory_kib(self) -> u32 {
        match self {
            Tier::Temp => 8,
            Tier::Low => 65_536,
            Tier::Med => 262_144,
            Tier::High => 1_048_576,
        }
    }

    /// keripy's name (`"temp"`, `"low"`, `"med"`, `"high"`).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Tier::Temp => "temp",
            Tier::Low => "low",
            Tier::Med => "med",
            Tier::High => "high",
        }
    }
}

/// What to derive: algorithm, transferability of the public key, and tier.
///
/// ```
/// use dkms_crypto::{Algorithm, KeySpec, Tier};
/// let spec = KeySpec::new(Algorithm::Secp256k1).non_transferable().temp();
/// assert_eq!(spec.tier(), Some(Tier::Temp));
/// assert_eq!(KeySpec::default().algorithm(), Algorithm::Ed25519);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeySpec {
    algorithm: Algorithm,
    transferable: bool,
    tier: Option<Tier>,
}

impl Default for KeySpec {
    /// Ed25519, transferable, the salter's own tier (keripy's defaults).
    fn default() -> Self {
        Self::new(Algorithm::Ed25519)
    }
}

impl KeySpec {
    /// Transferable keys of `algorithm` at the salter's tier.
    #[must_use]
    pub const fn new(algorithm: Algorithm) -> Self {
        Self { algorithm, transferable: true, tier: None }
    }

    /// Non-transferable public keys (`B 1AAA 1AAI`; keripy `transferable=False`).
    #[must_use]
    pub const fn non_transferable(mut self) -> Self {
        self.transferable = false;
        self
    }

    /// Sets the transferability.
    #[must_use]
    pub const fn with_transferable(mut self, transferable: bool) -> Self {
        self.transferable = transferable;
        self
    }

    /// Stretch with `tier` instead of the salter's tier.
    #[must_use]
    pub const fn with_tier(mut self, tier: Tier) -> Self {
        self.tier = Some(tier);
        self
    }

    /// keripy's `temp=True` (same as `with_tier(Tier::Temp)`).
    #[must_use]
    pub const fn temp(self) -> Self {
        self.with_tier(Tier::Temp)
    }

    /// The algorithm.
    #[must_use]
    pub const fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Whether public keys are transferable.
    #[must_use]
    pub const fn transferable(&self) -> bool {
        self.transferable
    }

    /// The tier, `None` for the salter's own.
    #[must_use]
    pub const fn tier(&self) -> Option<Tier> {
        self.tier
    }
}

/// A salt from which seeds are derived by path (keripy `Salter`).
///
/// `seed = Argon2id v1.3(password = path, salt = the 16 salt bytes, t, m, p = 1, 32 bytes)`
/// — libsodium's `crypto_pwhash` with keripy's tier parameters. `signers(count,
/// start, path)` uses the paths `path + hex(start + i)` (lowercase, no padding),
/// so the same salt and path give keripy's keys exactly.
///
/// ```
/// use dkms_crypto::{KeySpec, Salter, Signer};
/// use dkms_crypto::secrecy::SecretBox;
/// let salter = Salter::new(SecretBox::new(Box::new(*b"0123456789abcdef")));
/// let signers = salter.signers(2, 0, "", KeySpec::default().temp())?;
/// // keri-reference §12.2
/// assert_eq!(signers[0].verfer().qb64(), "DB-fH5uto5o5XHZjNN3_W3PdT4MIyTCmQWDzMxMZV2kI");
/// assert_eq!(signers[1].verfer().qb64(), "DFmiD_SUKv8VjfP5AgHzXK0ejvUfoK-zoKJO2qmh238p");
/// # Ok::<(), dkms_crypto::Error>(())
/// ```
pub struct Salter {
    salt: Salt,
    tier: Tier,
}

impl Salter {
    /// A salter with tier [`Tier::Low`] (keripy's default).
    #[must_use]
    pub fn new(salt: Salt) -> Self {
        Self { salt, tier: Tier::Low }
    }

    /// Sets the default tier.
    #[must_use]
    pub fn with_tier(mut self, tier: Tier) -> Self {
        self.tier = tier;
        self
    }

    /// A salter with a fresh random salt.
    ///
    /// # Errors
    /// [`Error::Random`].
    pub fn random() -> Result<Self> {
        let mut salt = Salt::default();
        getrandom::fill(salt.expose_secret_mut()).map_err(|_| Error::Random)?;
        Ok(Self::new(salt))
    }

    /// A salter from its qb64 primitive (`0A…`; keripy `Salter(qb64=…)`).
    ///
    /// # Errors
    /// CESR decoding errors; [`Error::UnexpectedCode`] unless the code is `0A`.
    ///
    /// The text is decoded with [`SecretMatter`]: every buffer is wiped and no error
    /// quotes the input.
    pub fn from_qb64(qb64: &SecretString) -> Result<Self> {
        let matter = SecretMatter::from_qb64(qb64.expose_secret())?;
        if matter.code() != MatterCode::Salt128 {
            return Err(Error::UnexpectedCode { code: matter.code().code(), expected: "salt" });
        }
        Ok(Self::new(secret_array(matter.expose_raw(), "salt")?))
    }

    /// The salt as a qb64 primitive (`0A…`), encoded with [`SecretMatter`] so that
    /// no buffer on the way is left unwiped.
    ///
    /// # Errors
    /// None in practice.
    pub fn qb64(&self) -> Result<SecretString> {
        let matter = SecretMatter::new(MatterCode::Salt128, self.salt.expose_secret())?;
        Ok(secret_string(matter.qb64()))
    }

    /// The default tier.
    #[must_use]
    pub fn tier(&self) -> Tier {
        self.tier
    }

    /// The 32-byte seed for `path` (keripy `Salter.stretch(size=32, path, tier, temp)`).
    ///
    /// # Errors
    /// [`Error::Stretch`] when Argon2id fails (e.g. memory cannot be allocated).
    pub fn stretch(&self, path: &str, tier: Option<Tier>) -> Result<Seed> {
        let tier = tier.unwrap_or(self.tier);
        let params =
            Params::new(tier.memory_kib(), tier.passes(), 1, Some(32)).map_err(|e| Error::Stretch(e.to_string()))?;
        let argon = Argon2::new(Argon2Algorithm::Argon2id, Version::V0x13, params);
        let mut seed = Seed::default();
        argon
            .hash_password_into(path.as_bytes(), self.salt.expose_secret(), seed.expose_secret_mut())
            .map_err(|e| Error::Stretch(e.to_string()))?;
        Ok(seed)
    }

    /// One signer whose seed is derived from `path` (keripy `Salter.signer`).
    ///
    /// # Errors
    /// As [`Salter::stretch`] and [`SoftSigner::from_seed`] (an ECDSA seed out of
    /// range is an error, as in keripy).
    pub fn signer(&self, path: &str, spec: KeySpec) -> Result<SoftSigner> {
        spec.algorithm.supported(spec.algorithm.seed_code().code())?;
        let seed = self.stretch(path, spec.tier)?;
        SoftSigner::from_seed(spec.algorithm, &seed, spec.transferable)
    }

    /// `count` signers with paths `path + hex(start + i)` for `i` in `0..count`
    /// (keripy `Salter.signers(count, start, path, …)`).
    ///
    /// # Errors
    /// As [`Salter::signer`]; [`Error::IndexOutOfRange`] if `start + i` overflows.
    pub fn signers(&self, count: usize, start: usize, path: &str, spec: KeySpec) -> Result<Vec<SoftSigner>> {
        (0..count)
            .map(|i| {
                let n = start
                    .checked_add(i)
                    .ok_or(Error::IndexOutOfRange { index: u32::try_from(i).unwrap_or(u32::MAX), ondex: None })?;
                self.signer(&format!("{path}{n:x}"), spec)
            })
            .collect()
    }
}

/// The salt is a [`Salt`] (a `SecretBox`), wiped when the salter is dropped.
impl ZeroizeOnDrop for Salter {}

const _: () = {
    const fn zeroizes<T: ZeroizeOnDrop>() {}
    zeroizes::<Salt>();
    zeroizes::<Salter>();
};

impl core::fmt::Debug for Salter {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Salter").field("tier", &self.tier).finish_non_exhaustive()
    }
}
