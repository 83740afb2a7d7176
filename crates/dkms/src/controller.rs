//! The controller: identifiers whose keys live in a [`Keystore`], and the KELs a
//! [`Kevery`] keeps in a store.
//!
//! A home directory holds `keystore/` (see [`crate::keystore`]) and `kel.redb` (the
//! embedded store, created on first use). The controller's own events go through the
//! same validator as everyone else's, with its prefixes marked local (they need no
//! witness receipts here), so nothing it writes escapes the KEL rules.
//!
//! Keys:
//! * from the OS random generator (default), or
//! * from a salt, exactly as keripy's `SaltyCreator` derives them: the seed of key `k` of
//!   rotation `r` of identifier number `p` is `Salter.signer(path = hex(p) ‖ hex(r) ‖ hex(k))`,
//!   `k` counting keys across rotations. The salt and the tier are kept in the keystore so
//!   later keys follow the same scheme.
//!
//! Current and next seeds are both sealed in the keystore record of the identifier. A
//! rotation first stores the new next seeds beside the old ones, then applies the event,
//! then promotes them; a crash in between is repaired when the identifier is next used.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use dkms_cesr::{Domain, Indexer, MatterCode};
use dkms_crypto::secrecy::{ExposeSecret, SecretString};
use dkms_crypto::{Algorithm, KeySpec, Salter, Signer, SoftSigner, Tier, Verfer};
use dkms_event::builder::{Incept, Interact, Rotate, default_nt};
use dkms_event::message::{Body, Ilk, Message};
use dkms_event::primitives::{Digest, Prefix, Verkey};
use dkms_event::seal::{Anchor, Seal, Trait};
use dkms_event::signed::{Attachments, SignedMessage};
use dkms_event::threshold::Threshold;
use dkms_kel::{Config, EscrowKind, Kevery, KeyState, Logged, Outcome, Report};
use dkms_store::Store;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{Error, Refusal, Result};
use crate::keystore::Keystore;
#[cfg(feature = "redb")]
use crate::keystore::{KdfParams, create_private_dir};
pub use crate::prepared::Prepared;
use crate::prepared::{Change, sign_at};

/// The keystore directory inside a home directory.
pub const KEYSTORE_DIR: &str = "keystore";
/// The embedded store file inside a home directory.
pub const STORE_FILE: &str = "kel.redb";
const RECORD_PREFIX: &str = "id:";
const MAX_ALIAS_LEN: usize = 100;

/// How to make a new identifier.
#[derive(Clone, Debug)]
pub struct InceptOptions {
    /// Signature algorithm of every key (default Ed25519).
    pub algorithm: Algorithm,
    /// Number of signing keys (default 1).
    pub key_count: usize,
    /// Signing threshold (default keripy's `max(1, ceil(keys/2))`).
    pub kt: Option<Threshold>,
    /// Number of next (pre-rotated) keys (default: `key_count`; 0 makes the identifier
    /// non-rotatable).
    pub next_count: Option<usize>,
    /// Next threshold (default: `kt` when there are as many next keys as keys, else
    /// keripy's `ceil(next/2)`).
    pub nt: Option<Threshold>,
    /// Witnesses (non-transferable prefixes).
    pub witnesses: Vec<Prefix>,
    /// Witness threshold (default keripy's `ample`).
    pub toad: Option<u64>,
    /// Configuration traits (`EO`, `DND`, …).
    pub config: Vec<Trait>,
    /// Delegator: makes a delegated inception (`dip`). When the delegator is one of
    /// this controller's identifiers it approves at once (an `ixn` anchoring the `dip`);
    /// otherwise the event waits in escrow for the delegator's approval.
    pub delegator: Option<Prefix>,
    /// Data anchored in the inception event.
    pub anchors: Vec<Anchor>,
    /// Derive keys from this salt (qb64 `0A…`, keripy-compatible) instead of the OS
    /// random generator.
    pub salt: Option<SecretString>,
    /// Argon2id tier for salted keys (default keripy's `low`).
    pub tier: Tier,
    /// Identifier number `p` in salted key paths (default: the number of identifiers
    /// this keystore already holds).
    pub pidx: Option<u64>,
}

impl Default for InceptOptions {
    fn default() -> Self {
        Self {
            algorithm: Algorithm::Ed25519,
            key_count: 1,
            kt: None,
            next_count: None,
            nt: None,
            witnesses: Vec::new(),
            toad: None,
            config: Vec::new(),
            delegator: None,
            anchors: Vec::new(),
            salt: None,
            tier: Tier::Low,
            pidx: None,
        }
    }
}

/// How to rotate. The new signing keys are always the previous next keys, in order.
#[derive(Clone, Debug, Default)]
pub struct RotateOptions {
    /// New signing threshold (default: the next threshold committed to before).
    pub kt: Option<Threshold>,
    /// Number of new next keys (default: as many as the new signing keys; 0 abandons the
    /// identifier).
    pub next_count: Option<usize>,
    /// New next threshold (default: `kt` when the counts match, else `ceil(next/2)`).
    pub nt: Option<Threshold>,
    /// Witnesses to add.
    pub adds: Vec<Prefix>,
    /// Witnesses to remove.
    pub cuts: Vec<Prefix>,
    /// Witness threshold (default keripy's `ample` of the new witness count).
    pub toad: Option<u64>,
    /// Data anchored in the rotation.
    pub anchors: Vec<Anchor>,
}

/// What happened to an event the controller made.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// Accepted into the KEL.
    Accepted,
    /// Waiting in this escrow (e.g. `delegation`: the delegator has not approved yet).
    Escrowed(EscrowKind),
}

/// An event the controller made.
#[derive(Clone, Debug)]
pub struct EventSummary {
    /// The alias.
    pub alias: String,
    /// The identifier.
    pub prefix: String,
    /// The event type.
    pub ilk: Ilk,
    /// Its sequence number.
    pub sn: u128,
    /// Its SAID.
    pub said: String,
    /// Accepted or escrowed.
    pub status: Status,
}

/// An identifier of the keystore.
#[derive(Clone, Debug)]
pub struct Identifier {
    /// The alias.
    pub alias: String,
    /// The prefix.
    pub prefix: String,
    /// The key algorithm (`None` for externally signed identifiers).
    pub algorithm: Option<Algorithm>,
    /// True when its keys live outside this keystore.
    pub external: bool,
    /// Key state, once its inception is accepted.
    pub state: Option<KeyState>,
}

/// Which keys of the current key state verified a signature set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// The identifier.
    pub prefix: String,
    /// Sequence number of the key state used.
    pub sn: u128,
    /// Indices of the keys whose signatures verified.
    pub indices: Vec<u32>,
}

/// Keys and thresholds for an externally signed inception.
#[derive(Clone, Debug, Default)]
pub struct ExternalIncept {
    /// Signing keys.
    pub keys: Vec<Verkey>,
    /// Signing threshold.
    pub kt: Option<Threshold>,
    /// Next key digests (see [`next_digest`]).
    pub next: Vec<Digest>,
    /// Next threshold.
    pub nt: Option<Threshold>,
    /// Witnesses.
    pub witnesses: Vec<Prefix>,
    /// Witness threshold.
    pub toad: Option<u64>,
    /// Configuration traits.
    pub config: Vec<Trait>,
    /// Delegator.
    pub delegator: Option<Prefix>,
    /// Anchors.
    pub anchors: Vec<Anchor>,
}

/// Keys and thresholds for an externally signed rotation.
#[derive(Clone, Debug, Default)]
pub struct ExternalRotate {
    /// New signing keys (they must be the ones committed to as next keys).
    pub keys: Vec<Verkey>,
    /// New signing threshold.
    pub kt: Option<Threshold>,
    /// New next key digests.
    pub next: Vec<Digest>,
    /// New next threshold.
    pub nt: Option<Threshold>,
    /// Witnesses to add.
    pub adds: Vec<Prefix>,
    /// Witnesses to remove.
    pub cuts: Vec<Prefix>,
    /// Witness threshold.
    pub toad: Option<u64>,
    /// Anchors.
    pub anchors: Vec<Anchor>,
}

/// The next-key commitment to `key`: the Blake3-256 digest of its qb64 text.
///
/// # Errors
/// Never in practice.
pub fn next_digest(key: &Verkey) -> Result<Digest> {
    Ok(Digest::new(dkms_crypto::digest(MatterCode::Blake3_256, key.qb64().as_bytes())?)?)
}

/// The keystore record of one identifier. Seeds and salt are wiped on drop.
#[derive(Serialize, Deserialize, Default)]
pub(crate) struct Record {
    alias: String,
    prefix: String,
    algorithm: String,
    external: bool,
    salt: Option<String>,
    tier: Option<String>,
    pidx: u64,
    ridx: u64,
    kidx: u64,
    current: Vec<String>,
    next: Vec<String>,
    pending_next: Option<Vec<String>>,
}

impl Drop for Record {
    fn drop(&mut self) {
        self.salt.zeroize();
        self.current.zeroize();
        self.next.zeroize();
        self.pending_next.zeroize();
    }
}

/// A writer that counts bytes and keeps none of them.
struct ByteCount(usize);

impl std::io::Write for ByteCount {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 = self.0.saturating_add(buf.len());
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn algorithm_from_name(name: &str) -> Option<Algorithm> {
    Algorithm::SUPPORTED.iter().copied().find(|a| a.name().eq_ignore_ascii_case(name))
}

fn tier_from_name(name: &str) -> Option<Tier> {
    [Tier::Temp, Tier::Low, Tier::Med, Tier::High].into_iter().find(|t| t.name() == name)
}

fn check_alias(alias: &str) -> Result<()> {
    let reason = if alias.is_empty() {
        "empty"
    } else if alias.len() > MAX_ALIAS_LEN {
        "longer than 100 bytes"
    } else if alias.chars().any(char::is_control) {
        "contains control characters"
    } else {
        return Ok(());
    };
    Err(Error::InvalidAlias { alias: alias.to_owned(), reason })
}

fn seeds_of(signers: &[SoftSigner]) -> Result<Vec<String>> {
    signers.iter().map(|s| Ok(s.seed_qb64()?.expose_secret().to_owned())).collect()
}

fn signers_of(seeds: &[String]) -> Result<Vec<SoftSigner>> {
    // `SecretString::from(&str)` makes an exact-size copy that is wiped on drop.
    seeds.iter().map(|s| Ok(SoftSigner::from_qb64(&SecretString::from(s.as_str()), true)?)).collect()
}

fn verkey_of(s: &SoftSigner) -> Result<Verkey> {
    Ok(Verkey::new(s.verfer().matter().clone())?)
}

/// The signers as trait objects, for [`Prepared::sign`].
fn as_dyn(signers: &[SoftSigner]) -> Vec<&dyn Signer> {
    signers.iter().map(|s| s as &dyn Signer).collect()
}

/// The controller: a keystore (optional, for identifiers it signs for) and a validator over a store.
///
/// See the crate documentation for an example.
pub struct Controller {
    keystore: Option<Keystore>,
    store: Arc<dyn Store>,
    kevery: Kevery,
    config: Config,
    home: Option<PathBuf>,
}

/// The controller's only secret is its [`Keystore`]'s record key, wiped when the keystore is
/// dropped; seeds and salts are read from the keystore for each operation and wiped after it.
impl ZeroizeOnDrop for Controller {}

/// [`Record`]'s `Drop` wipes its seeds and salt.
impl ZeroizeOnDrop for Record {}

const _: () = {
    const fn zeroizes<T: ZeroizeOnDrop>() {}
    zeroizes::<Keystore>();
    zeroizes::<Record>();
    zeroizes::<Controller>();
    zeroizes::<SoftSigner>();
    zeroizes::<Salter>();
};

impl core::fmt::Debug for Controller {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Controller")
            .field("home", &self.home)
            .field("keystore", &self.keystore)
            .field("local", &self.config.local.iter().map(Prefix::qb64).collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "redb")]
impl Controller {
    fn open_store(home: &Path) -> Result<Arc<dyn Store>> {
        Self::open_store_with_cache(home, dkms_store::DEFAULT_CACHE_BYTES)
    }

    fn open_store_with_cache(home: &Path, cache_bytes: usize) -> Result<Arc<dyn Store>> {
        create_private_dir(home)?;
        Ok(Arc::new(dkms_store::RedbStore::open_with_cache(home.join(STORE_FILE), cache_bytes)?))
    }

    /// Initialises a home directory: a new keystore with `params` and the embedded store.
    ///
    /// # Errors
    /// [`Error::KeystoreExists`], [`dkms_store::Error::StoreInUse`] (as [`Error::Store`]),
    /// and as [`Keystore::create_with`].
    pub fn create(home: impl AsRef<Path>, passcode: &SecretString, params: KdfParams) -> Result<Self> {
        let home = home.as_ref();
        if Keystore::exists(home.join(KEYSTORE_DIR)) {
            return Err(Error::KeystoreExists { dir: home.join(KEYSTORE_DIR) });
        }
        let store = Self::open_store(home)?;
        let keystore = Keystore::create_with(home.join(KEYSTORE_DIR), passcode, params)?;
        let mut c = Self::with_store(store, Some(keystore))?;
        c.home = Some(home.to_path_buf());
        Ok(c)
    }

    /// Opens a home directory with its keystore. The store is opened (and locked) first, so
    /// a home in use by another process is reported before the passcode is stretched.
    ///
    /// # Errors
    /// [`Error::Store`] ([`dkms_store::Error::StoreInUse`] among others), [`Error::NoKeystore`],
    /// [`Error::WrongPasscode`], [`Error::Tampered`].
    pub fn open(home: impl AsRef<Path>, passcode: &SecretString) -> Result<Self> {
        let home = home.as_ref();
        if !Keystore::exists(home.join(KEYSTORE_DIR)) {
            return Err(Error::NoKeystore { dir: home.join(KEYSTORE_DIR) });
        }
        let store = Self::open_store(home)?;
        let keystore = Keystore::open(home.join(KEYSTORE_DIR), passcode)?;
        let mut c = Self::with_store(store, Some(keystore))?;
        c.home = Some(home.to_path_buf());
        Ok(c)
    }

    /// Opens a home directory's store without the keystore: enough to verify, import,
    /// export and show KELs by prefix, not to sign or to resolve aliases.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub fn open_public(home: impl AsRef<Path>) -> Result<Self> {
        Self::open_public_with_cache(home, dkms_store::DEFAULT_CACHE_BYTES)
    }

    /// As [`Controller::open_public`], with at most `cache_bytes` of memory for the store's
    /// cached pages (see [`dkms_store::RedbStore::open_with_cache`]): a long import stays
    /// within a memory budget.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub fn open_public_with_cache(home: impl AsRef<Path>, cache_bytes: usize) -> Result<Self> {
        let home = home.as_ref();
        let store = Self::open_store_with_cache(home, cache_bytes)?;
        let mut c = Self::with_store(store, None)?;
        c.home = Some(home.to_path_buf());
        Ok(c)
    }
}

impl Controller {
    /// A controller over any store, with or without a keystore.
    ///
    /// # Errors
    /// [`Error::Kel`] when the store cannot be loaded, [`Error::Tampered`] for a damaged record,
    /// [`Error::BadRecord`] for a record whose prefix does not parse, [`Error::Io`].
    pub fn with_store(store: Arc<dyn Store>, keystore: Option<Keystore>) -> Result<Self> {
        let mut local = Vec::new();
        if let Some(ks) = &keystore {
            for name in ks.names()? {
                if let Some(alias) = name.strip_prefix(RECORD_PREFIX)
                    && let Some(rec) = Self::read_record(ks, alias)?
                    && !rec.prefix.is_empty()
                {
                    let prefix = Prefix::parse(&rec.prefix, "prefix").map_err(|_| Error::BadRecord {
                        alias: alias.to_owned(),
                        reason: "its prefix does not parse",
                    })?;
                    local.push(prefix);
                }
            }
        }
        let config = Config { local, ..Config::default() };
        let kevery = Kevery::open(store.clone(), config.clone())?;
        Ok(Self { keystore, store, kevery, config, home: None })
    }

    /// The home directory, when opened from one.
    #[must_use]
    pub fn home(&self) -> Option<&Path> {
        self.home.as_deref()
    }

    /// The validator (key states, KELs, escrows).
    #[must_use]
    pub fn kevery(&self) -> &Kevery {
        &self.kevery
    }

    /// True when opened with the keystore.
    #[must_use]
    pub fn is_unlocked(&self) -> bool {
        self.keystore.is_some()
    }

    fn keystore(&self) -> Result<&Keystore> {
        self.keystore.as_ref().ok_or(Error::Locked)
    }

    fn read_record(ks: &Keystore, alias: &str) -> Result<Option<Record>> {
        let name = format!("{RECORD_PREFIX}{alias}");
        let Some(secret) = ks.get(&name)? else { return Ok(None) };
        let rec: Record = serde_json::from_slice(secret.expose_secret())
            .map_err(|_| Error::Tampered { dir: ks.dir().to_path_buf(), name })?;
        Ok(Some(rec))
    }

    fn write_record(&self, rec: &Record) -> Result<()> {
        let err = |_| Error::BadRecord { alias: rec.alias.clone(), reason: "cannot be serialized" };
        // The JSON holds seeds and the salt. A growing `Vec` would free unwiped copies of it as
        // it reallocates, so it is serialized twice: once to learn its size, once into a wiping
        // buffer of exactly that size.
        let mut size = ByteCount(0);
        serde_json::to_writer(&mut size, rec).map_err(err)?;
        let mut bytes = Zeroizing::new(Vec::with_capacity(size.0));
        serde_json::to_writer(&mut *bytes, rec).map_err(err)?;
        self.keystore()?.put(&format!("{RECORD_PREFIX}{}", rec.alias), &bytes)
    }

    /// Loads an alias's record, repairing a rotation interrupted after its event was accepted.
    fn record(&self, alias: &str) -> Result<Record> {
        let ks = self.keystore()?;
        let mut rec = Self::read_record(ks, alias)?.ok_or_else(|| Error::UnknownAlias { alias: alias.to_owned() })?;
        if rec.pending_next.is_some()
            && let Some(state) = self.kevery.state(&rec.prefix)
        {
            let next_keys: Vec<String> = signers_of(&rec.next)?.iter().map(|s| s.verfer().qb64()).collect::<Vec<_>>();
            let state_keys: Vec<String> = state.keys().iter().map(Verkey::qb64).collect();
            if !next_keys.is_empty() && next_keys == state_keys {
                rec = Self::promote(rec);
                self.write_record(&rec)?;
            }
        }
        Ok(rec)
    }

    fn promote(mut rec: Record) -> Record {
        let pending = rec.pending_next.take().unwrap_or_default();
        rec.kidx = rec.kidx.saturating_add(rec.current.len() as u64);
        rec.ridx = rec.ridx.saturating_add(1);
        rec.current = std::mem::replace(&mut rec.next, pending);
        rec
    }

    /// Makes `prefix` local (its events need no witness receipts here).
    fn ensure_local(&mut self, prefix: &Prefix) -> Result<()> {
        if self.config.local.contains(prefix) {
            return Ok(());
        }
        self.kevery.commit()?;
        self.config.local.push(prefix.clone());
        // Kevery's configuration is fixed at open: reopen it over the same store.
        self.kevery = Kevery::open(self.store.clone(), self.config.clone())?;
        Ok(())
    }

    fn generate(rec: &Record, algorithm: Algorithm, count: usize, ridx: u64, kidx: u64) -> Result<Vec<SoftSigner>> {
        match &rec.salt {
            Some(salt) => {
                let tier = rec.tier.as_deref().and_then(tier_from_name).unwrap_or(Tier::Low);
                let salter = Salter::from_qb64(&SecretString::from(salt.as_str()))?.with_tier(tier);
                (0..count as u64)
                    .map(|i| {
                        let path = format!("{:x}{ridx:x}{:x}", rec.pidx, kidx.saturating_add(i));
                        Ok(salter.signer(&path, KeySpec::new(algorithm))?)
                    })
                    .collect()
            }
            None => (0..count).map(|_| Ok(SoftSigner::random(algorithm, true)?)).collect(),
        }
    }

    /// All identifiers of the keystore, sorted by alias.
    ///
    /// # Errors
    /// [`Error::Locked`], [`Error::Tampered`], [`Error::Io`].
    pub fn identifiers(&self) -> Result<Vec<Identifier>> {
        let ks = self.keystore()?;
        let mut out = Vec::new();
        for name in ks.names()? {
            let Some(alias) = name.strip_prefix(RECORD_PREFIX) else { continue };
            let Some(rec) = Self::read_record(ks, alias)? else { continue };
            out.push(Identifier {
                alias: rec.alias.clone(),
                prefix: rec.prefix.clone(),
                algorithm: algorithm_from_name(&rec.algorithm),
                external: rec.external,
                state: self.kevery.state(&rec.prefix).cloned(),
            });
        }
        Ok(out)
    }

    /// The prefix of an alias, or the text itself when it is a known prefix.
    ///
    /// # Errors
    /// [`Error::UnknownAlias`] / [`Error::UnknownIdentifier`].
    pub fn resolve(&self, alias_or_prefix: &str) -> Result<String> {
        if let Some(ks) = &self.keystore
            && check_alias(alias_or_prefix).is_ok()
            && let Some(rec) = Self::read_record(ks, alias_or_prefix)?
        {
            return Ok(rec.prefix.clone());
        }
        if self.kevery.state(alias_or_prefix).is_some() {
            return Ok(alias_or_prefix.to_owned());
        }
        if Prefix::parse(alias_or_prefix, "prefix").is_ok() {
            Err(Error::UnknownIdentifier { prefix: alias_or_prefix.to_owned() })
        } else {
            Err(Error::UnknownAlias { alias: alias_or_prefix.to_owned() })
        }
    }

    /// Key state of an alias or prefix.
    ///
    /// # Errors
    /// As [`Controller::resolve`].
    pub fn state(&self, alias_or_prefix: &str) -> Result<&KeyState> {
        let prefix = self.resolve(alias_or_prefix)?;
        self.kevery.state(&prefix).ok_or(Error::UnknownIdentifier { prefix })
    }

    /// Makes a new identifier under `alias`, its keys made and kept by the keystore: a thin
    /// wrapper over the prepare / [`Prepared::sign`] / [`Controller::finalize`] path, signed by
    /// the keystore's software signers.
    ///
    /// # Errors
    /// [`Error::AliasExists`], [`Error::InvalidAlias`], [`Error::Invalid`] for a key count of
    /// zero, [`Error::Event`] for options the event builder refuses (a threshold the keys
    /// cannot meet, a toad out of range, …), [`Error::NotAccepted`], [`Error::Locked`],
    /// keystore errors. On any error the alias stays free.
    pub fn incept(&mut self, alias: &str, opts: InceptOptions) -> Result<EventSummary> {
        let (mut prepared, signers) = self.prepare_keystore_incept(alias, &opts)?;
        prepared.sign(&as_dyn(&signers))?;
        drop(signers);
        self.finalize(prepared)
    }

    /// The unsigned inception of a keystore identifier, with the signers of its keys.
    fn prepare_keystore_incept(&self, alias: &str, opts: &InceptOptions) -> Result<(Prepared, Vec<SoftSigner>)> {
        check_alias(alias)?;
        let ks = self.keystore()?;
        if Self::read_record(ks, alias)?.is_some() {
            return Err(Error::AliasExists { alias: alias.to_owned() });
        }
        if opts.key_count == 0 {
            return Err(Error::invalid("key count", "at least one signing key is needed"));
        }
        let pidx = match opts.pidx {
            Some(p) => p,
            None => ks.names()?.iter().filter(|n| n.starts_with(RECORD_PREFIX)).count() as u64,
        };
        let next_count = opts.next_count.unwrap_or(opts.key_count);
        let mut rec = Record::default();
        rec.alias = alias.to_owned();
        rec.algorithm = opts.algorithm.name().to_owned();
        rec.salt = opts.salt.as_ref().map(|s| s.expose_secret().to_owned());
        rec.tier = opts.salt.as_ref().map(|_| opts.tier.name().to_owned());
        rec.pidx = pidx;
        let current = Self::generate(&rec, opts.algorithm, opts.key_count, 0, 0)?;
        let next = Self::generate(&rec, opts.algorithm, next_count, 1, opts.key_count as u64)?;
        let keys = current.iter().map(verkey_of).collect::<Result<Vec<_>>>()?;
        let next_digests = next.iter().map(|s| next_digest(&verkey_of(s)?)).collect::<Result<Vec<_>>>()?;
        let nt = opts.nt.clone().or_else(|| if next_count == opts.key_count { opts.kt.clone() } else { None });
        let message = Incept {
            keys: keys.clone(),
            kt: opts.kt.clone(),
            next: next_digests,
            nt,
            toad: opts.toad,
            witnesses: opts.witnesses.clone(),
            config: opts.config.clone(),
            anchors: opts.anchors.clone(),
            delegator: opts.delegator.clone(),
            prefix_code: Some(MatterCode::Blake3_256),
            kind: None,
            intive: false,
        }
        .build()?;
        let prefix = message.prefix().cloned().ok_or_else(|| Error::invalid("inception", "no prefix"))?;
        rec.prefix = prefix.qb64();
        rec.current = seeds_of(&current)?;
        rec.next = seeds_of(&next)?;
        let prepared = Prepared {
            alias: alias.to_owned(),
            message,
            keys,
            prior_next: None,
            delegator: opts.delegator.clone(),
            change: Change::NewKeystore(Box::new(rec)),
            sigs: Vec::new(),
        };
        Ok((prepared, current))
    }

    /// Processes one of our own events; asks a local delegator to approve it if needed.
    /// Events waiting for a delegator's approval or for more signatures are reported as
    /// [`Status::Escrowed`]; every other outcome but acceptance is an error.
    fn apply(
        &mut self,
        alias: &str,
        message: Message,
        sigs: Vec<Indexer>,
        delegator: Option<&Prefix>,
    ) -> Result<EventSummary> {
        let prefix = message.prefix().cloned().ok_or_else(|| Error::invalid("event", "no prefix"))?;
        let (ilk, sn, said) = (message.ilk(), message.sn().unwrap_or_default(), message.said().clone());
        self.ensure_local(&prefix)?;
        let signed =
            SignedMessage { message, attachments: Attachments { controller_sigs: sigs, ..Attachments::default() } };
        let mut outcome = self.kevery.process(signed.clone());
        if outcome.escrow_kind() == Some(EscrowKind::Delegation)
            && let Some(delegator) = delegator
            && let Some(dalias) = self.alias_of(&delegator.qb64())?
        {
            // Our own delegator approves by anchoring the event.
            let seal = Anchor::Seal(Seal::Event { i: prefix.clone(), s: sn, d: said.clone() });
            self.interact(&dalias, vec![seal])?;
            let accepted = |k: &Kevery| k.state(&prefix.qb64()).is_some_and(|s| s.sn() == sn && *s.said() == said);
            if !accepted(&self.kevery) {
                // dkms-kel retries a delegated rotation in escrow only when the delegate's own
                // KEL moves, not the delegator's: submit it again now that it is approved.
                self.kevery.process(signed);
            }
            if accepted(&self.kevery) {
                outcome = Outcome::Accepted;
            }
        }
        let refused =
            |reason| Error::NotAccepted { ilk: ilk.as_str(), prefix: prefix.qb64(), sn, reason: Box::new(reason) };
        let status = match outcome {
            Outcome::Accepted => Status::Accepted,
            Outcome::Escrowed(w) if matches!(w.kind(), EscrowKind::Delegation | EscrowKind::PartiallySigned) => {
                Status::Escrowed(w.kind())
            }
            Outcome::Escrowed(w) => return Err(refused(Refusal::Escrowed(w))),
            Outcome::Rejected(e) => return Err(refused(Refusal::Rejected(e))),
            Outcome::Duplicate => return Err(refused(Refusal::Duplicate)),
            Outcome::Ignored => return Err(refused(Refusal::Ignored)),
            _ => return Err(refused(Refusal::Unknown)),
        };
        Ok(EventSummary { alias: alias.to_owned(), prefix: prefix.qb64(), ilk, sn, said: said.qb64(), status })
    }

    /// The alias of one of our prefixes.
    fn alias_of(&self, prefix: &str) -> Result<Option<String>> {
        let Some(ks) = &self.keystore else { return Ok(None) };
        for name in ks.names()? {
            if let Some(alias) = name.strip_prefix(RECORD_PREFIX)
                && let Some(rec) = Self::read_record(ks, alias)?
                && rec.prefix == prefix
                && !rec.external
            {
                return Ok(Some(alias.to_owned()));
            }
        }
        Ok(None)
    }

    fn current_state(&self, rec: &Record) -> Result<KeyState> {
        self.kevery.state(&rec.prefix).cloned().ok_or_else(|| Error::UnknownIdentifier { prefix: rec.prefix.clone() })
    }

    /// Rotates `alias` to its pre-rotated next keys and commits to new next keys, all kept
    /// by the keystore: a thin wrapper over the prepare / sign / finalize path. The new next
    /// seeds are stored beside the old ones before the event is processed and promoted once
    /// it is accepted.
    ///
    /// # Errors
    /// [`Error::UnknownAlias`], [`Error::External`], [`Error::NotTransferable`],
    /// [`Error::BadRecord`], [`Error::NotAccepted`], [`Error::Event`] for options the builder
    /// refuses, keystore errors.
    pub fn rotate(&mut self, alias: &str, opts: RotateOptions) -> Result<EventSummary> {
        let (mut prepared, signers) = self.prepare_keystore_rotate(alias, &opts)?;
        prepared.sign(&as_dyn(&signers))?;
        drop(signers);
        self.finalize(prepared)
    }

    /// The unsigned rotation of a keystore identifier, with the signers of its new keys.
    fn prepare_keystore_rotate(&self, alias: &str, opts: &RotateOptions) -> Result<(Prepared, Vec<SoftSigner>)> {
        let rec = self.record(alias)?;
        if rec.external {
            return Err(Error::External { alias: alias.to_owned() });
        }
        let state = self.current_state(&rec)?;
        if rec.next.is_empty() || !state.transferable() {
            return Err(Error::NotTransferable { prefix: rec.prefix.clone() });
        }
        let algorithm = algorithm_from_name(&rec.algorithm)
            .ok_or_else(|| Error::BadRecord { alias: alias.to_owned(), reason: "unknown algorithm" })?;
        let new_current = signers_of(&rec.next)?;
        let next_count = opts.next_count.unwrap_or(new_current.len());
        let kidx = rec.kidx.saturating_add(rec.current.len() as u64).saturating_add(new_current.len() as u64);
        let new_next = Self::generate(&rec, algorithm, next_count, rec.ridx.saturating_add(2), kidx)?;
        let kt = opts.kt.clone().unwrap_or_else(|| state.nt().clone());
        let nt = opts
            .nt
            .clone()
            .unwrap_or_else(|| if next_count == new_current.len() { kt.clone() } else { default_nt(next_count) });
        let keys = new_current.iter().map(verkey_of).collect::<Result<Vec<_>>>()?;
        let mut rot = Rotate::new(
            state.prefix().clone(),
            state.sn().saturating_add(1),
            state.said().clone(),
            keys.clone(),
            new_next.iter().map(|s| next_digest(&verkey_of(s)?)).collect::<Result<Vec<_>>>()?,
        );
        rot.kt = Some(kt);
        rot.nt = Some(nt);
        rot.witnesses = state.witnesses().to_vec();
        rot.adds = opts.adds.clone();
        rot.cuts = opts.cuts.clone();
        rot.toad = opts.toad;
        rot.anchors = opts.anchors.clone();
        rot.delegated = state.delegator().is_some();
        let prepared = Prepared {
            alias: alias.to_owned(),
            message: rot.build()?,
            keys,
            prior_next: Some(state.next().to_vec()),
            delegator: state.delegator().cloned(),
            change: Change::Rotate(Zeroizing::new(seeds_of(&new_next)?)),
            sigs: Vec::new(),
        };
        Ok((prepared, new_current))
    }

    /// Adds an interaction event anchoring `anchors` (seals or other data), signed by the
    /// keystore: a thin wrapper over [`Controller::prepare_interact`], [`Prepared::sign`] and
    /// [`Controller::finalize`].
    ///
    /// # Errors
    /// [`Error::UnknownAlias`], [`Error::External`], [`Error::Locked`], [`Error::NotAccepted`]
    /// (e.g. for an establishment-only identifier).
    pub fn interact(&mut self, alias: &str, anchors: Vec<Anchor>) -> Result<EventSummary> {
        let signers = self.signers(alias)?;
        let mut prepared = self.prepare_interact(alias, anchors)?;
        prepared.sign(&as_dyn(&signers))?;
        drop(signers);
        self.finalize(prepared)
    }

    /// The software signers of the current keys of a keystore identifier, in key order
    /// (their seeds are wiped when they are dropped). With [`Prepared::sign`] and
    /// [`Controller::sign_with`] they sign beside signers held elsewhere.
    ///
    /// # Errors
    /// [`Error::UnknownAlias`], [`Error::External`] for an identifier whose keys live
    /// elsewhere, [`Error::Locked`], keystore errors.
    pub fn signers(&self, alias: &str) -> Result<Vec<SoftSigner>> {
        let rec = self.record(alias)?;
        if rec.external {
            return Err(Error::External { alias: alias.to_owned() });
        }
        signers_of(&rec.current)
    }

    /// Signs `data` with every current key of `alias`: indexed signatures, index = key
    /// position. As [`Controller::sign_with`] with the keystore's signers.
    ///
    /// # Errors
    /// [`Error::UnknownAlias`], [`Error::External`], [`Error::Locked`], crypto errors.
    pub fn sign(&self, alias: &str, data: &[u8]) -> Result<Vec<Indexer>> {
        let signers = self.signers(alias)?;
        self.sign_with(alias, data, &as_dyn(&signers))
    }

    /// Signs `data` with any signers (keystore, HSM, KMS, …) of the current keys of an alias
    /// or prefix: one indexed signature per signer, index = its key's position.
    ///
    /// # Errors
    /// As [`Controller::resolve`]; [`Error::UnknownSigner`] for a signer whose key is not a
    /// current key; [`Error::Signer`] when a signer fails.
    pub fn sign_with(&self, alias_or_prefix: &str, data: &[u8], signers: &[&dyn Signer]) -> Result<Vec<Indexer>> {
        let state = self.state(alias_or_prefix)?;
        let prefix = state.prefix().qb64();
        signers.iter().map(|s| sign_at(data, *s, state.keys(), None, &prefix)).collect()
    }

    /// Verifies indexed signatures over `data` against the current key state of an alias or
    /// prefix: the valid signatures must meet the current signing threshold.
    ///
    /// # Errors
    /// [`Error::UnknownIdentifier`] / [`Error::UnknownAlias`], [`Error::VerificationFailed`].
    pub fn verify(&self, alias_or_prefix: &str, data: &[u8], sigs: &[Indexer]) -> Result<Verified> {
        let state = self.state(alias_or_prefix)?;
        verify_with_state(state, data, sigs)
    }

    /// The KEL of an alias or prefix as a CESR stream (text domain): each event of the
    /// current chain followed by its attachments (controller signatures `-A`, witness
    /// signatures `-B`, source seal `-G`, receipts `-C`).
    ///
    /// # Errors
    /// As [`Controller::resolve`]; [`Error::Kel`] when the store cannot be read.
    pub fn export(&self, alias_or_prefix: &str) -> Result<Vec<u8>> {
        self.export_in(alias_or_prefix, Domain::Text)
    }

    /// As [`Controller::export`], attachments in `domain`.
    ///
    /// # Errors
    /// As [`Controller::export`].
    pub fn export_in(&self, alias_or_prefix: &str, domain: Domain) -> Result<Vec<u8>> {
        let prefix = self.resolve(alias_or_prefix)?;
        let mut out = Vec::new();
        for logged in chain(&self.kevery, &prefix)? {
            let attachments = Attachments {
                controller_sigs: logged.sigs.clone(),
                witness_sigs: logged.wigs.clone(),
                source_seals: logged.source.iter().cloned().collect(),
                nontrans_receipts: logged.receipts.clone(),
                ..Attachments::default()
            };
            out.extend(SignedMessage { message: logged.message.clone(), attachments }.to_cesr(domain, false)?);
        }
        Ok(out)
    }

    /// Imports a CESR stream: every message is validated; valid events join their KELs.
    ///
    /// # Errors
    /// [`Error::Kel`] when the store cannot be written.
    pub fn import(&mut self, bytes: &[u8]) -> Result<Report> {
        self.import_with_progress(bytes, &mut |_, _| {})
    }

    /// As [`Controller::import`], calling `progress(done_bytes, total_bytes)` as the stream is read.
    ///
    /// # Errors
    /// [`Error::Kel`] when the store cannot be written.
    pub fn import_with_progress(
        &mut self,
        bytes: &[u8],
        progress: &mut (dyn FnMut(usize, usize) + Send),
    ) -> Result<Report> {
        let total = bytes.len();
        self.import_reader(bytes, 1, &mut |done| progress(usize::try_from(done).unwrap_or(usize::MAX), total))
    }

    /// As [`Controller::import`], reading the stream from `reader` through a bounded buffer:
    /// memory does not grow with the stream (with a store on disk; an in-memory store holds
    /// what it is given). Controller signatures are verified on `threads` worker threads
    /// (0 or 1: on this thread; the outcome does not depend on it). `progress(bytes_read)` is
    /// called as the stream is read. Offsets in the report are from the start of the stream.
    ///
    /// # Errors
    /// [`Error::Read`] when reading fails (the messages read before are imported);
    /// [`Error::Kel`] when the store cannot be written.
    pub fn import_reader(
        &mut self,
        reader: impl std::io::Read + Send,
        threads: usize,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<Report> {
        let mut input = crate::verify::Counting::new(reader, progress);
        let read =
            self.kevery.ingest(dkms_kel::Source::reader(&mut input), dkms_kel::Options::default().threads(threads));
        self.kevery.commit()?;
        read.map_err(Error::Read)
    }

    /// Prepares an inception whose keys live elsewhere (HSM, KMS, another device): the
    /// integrator supplies the keys and the next-key digests (see [`next_digest`]).
    ///
    /// # Errors
    /// [`Error::AliasExists`], [`Error::InvalidAlias`], [`Error::Locked`], [`Error::Event`]
    /// for specs the builder refuses.
    pub fn prepare_incept(&self, alias: &str, spec: ExternalIncept) -> Result<Prepared> {
        check_alias(alias)?;
        if Self::read_record(self.keystore()?, alias)?.is_some() {
            return Err(Error::AliasExists { alias: alias.to_owned() });
        }
        let message = Incept {
            keys: spec.keys.clone(),
            kt: spec.kt,
            next: spec.next,
            nt: spec.nt,
            toad: spec.toad,
            witnesses: spec.witnesses,
            config: spec.config,
            anchors: spec.anchors,
            delegator: spec.delegator.clone(),
            prefix_code: Some(MatterCode::Blake3_256),
            kind: None,
            intive: false,
        }
        .build()?;
        Ok(Prepared {
            alias: alias.to_owned(),
            message,
            keys: spec.keys,
            prior_next: None,
            delegator: spec.delegator,
            change: Change::NewExternal,
            sigs: Vec::new(),
        })
    }

    /// The record and key state of an identifier whose keys live elsewhere.
    fn external_state(&self, alias: &str) -> Result<KeyState> {
        let rec = self.record(alias)?;
        if !rec.external {
            return Err(Error::KeystoreSigned { alias: alias.to_owned() });
        }
        self.current_state(&rec)
    }

    /// Prepares a rotation of an identifier whose keys live elsewhere: the new keys (the ones
    /// committed to before) and new next-key digests come from the integrator.
    ///
    /// # Errors
    /// [`Error::UnknownAlias`], [`Error::KeystoreSigned`] for an identifier of this keystore,
    /// [`Error::Event`] for specs the builder refuses.
    pub fn prepare_rotate(&self, alias: &str, spec: ExternalRotate) -> Result<Prepared> {
        let state = self.external_state(alias)?;
        let mut rot = Rotate::new(
            state.prefix().clone(),
            state.sn().saturating_add(1),
            state.said().clone(),
            spec.keys.clone(),
            spec.next,
        );
        rot.kt = spec.kt;
        rot.nt = spec.nt;
        rot.witnesses = state.witnesses().to_vec();
        rot.adds = spec.adds;
        rot.cuts = spec.cuts;
        rot.toad = spec.toad;
        rot.anchors = spec.anchors;
        rot.delegated = state.delegator().is_some();
        Ok(Prepared {
            alias: alias.to_owned(),
            message: rot.build()?,
            keys: spec.keys,
            prior_next: Some(state.next().to_vec()),
            delegator: state.delegator().cloned(),
            change: Change::Nothing,
            sigs: Vec::new(),
        })
    }

    /// Prepares an interaction of any identifier of this keystore (its keys here or elsewhere).
    ///
    /// # Errors
    /// [`Error::UnknownAlias`], [`Error::UnknownIdentifier`] while its inception is not
    /// accepted, [`Error::Locked`], [`Error::Event`] from the builder.
    pub fn prepare_interact(&self, alias: &str, anchors: Vec<Anchor>) -> Result<Prepared> {
        let rec = self.record(alias)?;
        let state = self.current_state(&rec)?;
        let message = Interact {
            prefix: state.prefix().clone(),
            sn: state.sn().saturating_add(1),
            prior: state.said().clone(),
            anchors,
            kind: None,
        }
        .build()?;
        Ok(Prepared {
            alias: alias.to_owned(),
            message,
            keys: state.keys().to_vec(),
            prior_next: None,
            delegator: None,
            change: Change::Nothing,
            sigs: Vec::new(),
        })
    }

    /// Rebuilds a prepared event from its body, e.g. after a round trip to a signer that only
    /// sees bytes: an inception registers `alias` for keys held elsewhere; a rotation must be
    /// of such an identifier; an interaction may be of any identifier of this keystore.
    ///
    /// # Errors
    /// [`Error::Event`] when the body is not a valid message, [`Error::NotAKeyEvent`],
    /// [`Error::UnknownAlias`], [`Error::KeystoreSigned`] for a rotation of a keystore
    /// identifier (its new next seeds are not in the body), [`Error::ForeignEvent`].
    pub fn prepared_from_body(&self, alias: &str, body: &[u8]) -> Result<Prepared> {
        let message = Message::parse(body)?;
        let (keys, prior_next, delegator, change) = match message.body() {
            Body::Inception(icp) => (icp.keys.clone(), None, icp.delegator.clone(), Change::NewExternal),
            Body::Rotation(rot) => {
                let state = self.external_state(alias)?;
                (rot.keys.clone(), Some(state.next().to_vec()), state.delegator().cloned(), Change::Nothing)
            }
            Body::Interaction(_) => {
                let rec = self.record(alias)?;
                (self.current_state(&rec)?.keys().to_vec(), None, None, Change::Nothing)
            }
            _ => return Err(Error::NotAKeyEvent { ilk: message.ilk().as_str() }),
        };
        let prepared =
            Prepared { alias: alias.to_owned(), message, keys, prior_next, delegator, change, sigs: Vec::new() };
        if !matches!(prepared.change, Change::NewExternal) && self.record(alias)?.prefix != prepared.prefix() {
            return Err(Error::ForeignEvent { alias: alias.to_owned(), prefix: prepared.prefix() });
        }
        Ok(prepared)
    }

    /// Finalizes a prepared event: checks that it still follows the KEL and that every
    /// signature it holds verifies against the key at its index, stores what must survive a
    /// crash (the new identifier's record, the new next seeds as pending), hands the event to
    /// the validator (which checks it exactly as it checks anyone's), and only then changes
    /// the keystore for good: a rotation's next keys become current once it is accepted. On
    /// any error the keystore is as before.
    ///
    /// Signatures that do not meet the threshold leave the event in the validator's
    /// partially-signed escrow ([`Status::Escrowed`]); a delegated event whose delegator is
    /// not one of ours waits in the delegation escrow.
    ///
    /// # Errors
    /// [`Error::AliasExists`] for an inception whose alias was taken meanwhile,
    /// [`Error::ForeignEvent`], [`Error::Stale`] when the KEL moved since it was prepared,
    /// [`Error::InvalidSignature`] naming the index of a signature that does not verify,
    /// [`Error::NotAccepted`] with the validator's [`Refusal`], keystore errors.
    pub fn finalize(&mut self, prepared: Prepared) -> Result<EventSummary> {
        let alias = prepared.alias.clone();
        let prefix = prepared.prefix();
        // Whose event it is, and whether it still follows the KEL.
        let mut rec = match &prepared.change {
            Change::NewKeystore(_) | Change::NewExternal => {
                check_alias(&alias)?;
                if Self::read_record(self.keystore()?, &alias)?.is_some() {
                    return Err(Error::AliasExists { alias });
                }
                None
            }
            Change::Nothing | Change::Rotate(_) => {
                let rec = self.record(&alias)?;
                if rec.prefix != prefix {
                    return Err(Error::ForeignEvent { alias, prefix });
                }
                let state = self.current_state(&rec)?;
                let prior = match prepared.message.body() {
                    Body::Rotation(r) => Some(&r.prior),
                    Body::Interaction(i) => Some(&i.prior),
                    _ => None,
                };
                if prepared.sn() != state.sn().saturating_add(1) || prior != Some(state.said()) {
                    return Err(Error::Stale { prefix, sn: state.sn() });
                }
                Some(rec)
            }
        };
        prepared.check_signatures()?;
        let Prepared { message, delegator, change, sigs, .. } = prepared;
        // Keys are stored before the event exists anywhere, so they are never lost.
        match &change {
            Change::NewKeystore(new) => self.write_record(new)?,
            Change::NewExternal => {
                let mut new = Record::default();
                new.alias = alias.clone();
                new.prefix = prefix.clone();
                new.external = true;
                self.write_record(&new)?;
            }
            Change::Rotate(seeds) => {
                if let Some(rec) = rec.as_mut() {
                    rec.pending_next = Some(seeds.to_vec());
                    self.write_record(rec)?;
                }
            }
            Change::Nothing => {}
        }
        let res = self.apply(&alias, message, sigs, delegator.as_ref());
        match (&res, change, rec) {
            (Ok(s), Change::Rotate(_), Some(rec)) if s.status == Status::Accepted => {
                self.write_record(&Self::promote(rec))?;
            }
            // An escrowed rotation is promoted when it is accepted (see `record`).
            (Ok(_), _, _) => {}
            (Err(_), Change::NewKeystore(_) | Change::NewExternal, _) => {
                // Best effort: the error of the event is the one to report.
                let _ = self.keystore()?.delete(&format!("{RECORD_PREFIX}{alias}"));
            }
            (Err(_), Change::Rotate(_), Some(mut rec)) => {
                rec.pending_next = None;
                self.write_record(&rec)?;
            }
            (Err(_), _, _) => {}
        }
        res
    }
}

/// The authoritative chain of a KEL, inception first (superseded events left out).
///
/// # Errors
/// [`Error::UnknownIdentifier`], [`Error::Kel`] when the store cannot be read.
pub fn chain(kevery: &Kevery, prefix: &str) -> Result<Vec<Logged>> {
    if kevery.state(prefix).is_none() {
        return Err(Error::UnknownIdentifier { prefix: prefix.to_owned() });
    }
    Ok(kevery.chain(prefix)?)
}

/// Verifies indexed signatures over `data` against a key state's current keys and threshold.
///
/// A signature whose index is beyond the key list is skipped, not an error (the data is
/// not an event; keripy fails an event for one).
///
/// # Errors
/// [`Error::VerificationFailed`] when the valid signatures do not meet the threshold.
pub fn verify_with_state(state: &KeyState, data: &[u8], sigs: &[Indexer]) -> Result<Verified> {
    let Ok(verfers) = state.keys().iter().map(|k| Verfer::new(k.matter().clone())).collect::<Result<Vec<_>, _>>()
    else {
        return Err(Error::VerificationFailed);
    };
    let checked = dkms_event::verify::check_indexed(data, &verfers, sigs, |_, _| None);
    let mut indices: Vec<u32> = checked.indices().collect();
    if !state.kt().satisfied_by(indices.iter().copied()) {
        return Err(Error::VerificationFailed);
    }
    indices.sort_unstable();
    indices.dedup();
    Ok(Verified { prefix: state.prefix().qb64(), sn: state.sn(), indices })
}
