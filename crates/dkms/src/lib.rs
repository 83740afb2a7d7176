//! # dkms
//!
//! KERI in Rust, byte-exact with keripy 1.1.17. This facade re-exports the layers
//! under short names and adds what an application needs on top of them:
//!
//! * [`cesr`] (CESR codec and stream framer), [`crypto`] (keys, signatures, digests,
//!   salts), [`event`] (messages, builders, thresholds, seals), [`store`] (storage
//!   traits and backends), [`kel`] (the validator and key state);
//! * [`keystore::Keystore`]: secrets sealed at rest (Argon2id + XChaCha20-Poly1305, `0600`);
//! * [`Controller`]: make identifiers (one or many keys, numeric or weighted thresholds,
//!   witnesses, traits, delegation; Ed25519, secp256k1 or secp256r1 keys, random or from a
//!   salt), rotate, interact, sign and verify data, export and import KELs as CESR;
//! * one path for making events, whoever holds the keys: prepare a [`Prepared`] event, sign
//!   it with any [`crypto::Signer`] (the keystore's software signers, an HSM, a KMS, another
//!   device), then [`Controller::finalize`] it (see below);
//! * [`verify_stream`] / [`verify_reader`]: stateless verification of a CESR stream, in
//!   bounded memory however long the stream is.
//!
//! ```
//! use dkms::{Controller, InceptOptions, RotateOptions, KdfParams};
//! use dkms::crypto::secrecy::SecretString;
//! use dkms::event::threshold::Threshold;
//!
//! let home = std::env::temp_dir().join(format!("dkms-doc-lib-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&home);
//! let pass = SecretString::from("a long enough passcode");
//! // `KdfParams::default()` for real use; the fast ones keep the example quick.
//! let mut c = Controller::create(&home, &pass, KdfParams::insecure_fast())?;
//! let icp = c.incept("alice", InceptOptions { key_count: 2, kt: Some(Threshold::numeric(2)), ..Default::default() })?;
//! c.rotate("alice", RotateOptions::default())?;
//! let sigs = c.sign("alice", b"hello")?;
//! assert_eq!(c.verify("alice", b"hello", &sigs)?.indices, vec![0, 1]);
//! assert!(c.verify(&icp.prefix, b"other", &sigs).is_err());
//! let kel = c.export("alice")?;
//! let verdict = dkms::verify_stream(&kel);
//! assert!(verdict.valid);
//! assert_eq!(verdict.states[0].sn(), 1);
//! # drop(c); std::fs::remove_dir_all(&home).ok();
//! # Ok::<(), dkms::Error>(())
//! ```
//!
//! ## One signing path
//!
//! [`Controller::incept`], [`Controller::rotate`] and [`Controller::interact`] are thin
//! wrappers over three steps that work the same for keys held anywhere:
//!
//! 1. **prepare**: [`Controller::prepare_incept`], [`Controller::prepare_rotate`],
//!    [`Controller::prepare_interact`] (or [`Controller::prepared_from_body`] after a round
//!    trip) build the unsigned event and note what the keystore must change once it is
//!    accepted;
//! 2. **sign**: [`Prepared::sign`] asks each `&dyn Signer` for an indexed signature at its
//!    key's place (a key not in the event is [`Error::UnknownSigner`], a failing signer
//!    [`Error::Signer`]); [`Prepared::attach`] adds signatures made elsewhere;
//! 3. **finalize**: [`Controller::finalize`] checks every signature against the key at its
//!    index ([`Error::InvalidSignature`]), stores what must survive a crash, hands the event
//!    to the validator, and only then commits the keystore change (a rotation's next keys
//!    become current). Too few signatures leave it in the partially-signed escrow; any error
//!    leaves the keystore as it was.
//!
//! ```
//! use dkms::{Controller, ExternalIncept, ExternalRotate, KdfParams};
//! use dkms::crypto::{Algorithm, Signer, SoftSigner, secrecy::SecretString};
//! use dkms::event::primitives::Verkey;
//!
//! # let home = std::env::temp_dir().join(format!("dkms-doc-signers-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&home);
//! let pass = SecretString::from("a long enough passcode");
//! let mut c = Controller::create(&home, &pass, KdfParams::insecure_fast())?;
//! // Keys held outside the keystore: anything that implements `Signer` (an HSM client, …).
//! let [now, next, later] = [0, 1, 2].map(|_| SoftSigner::random(Algorithm::Ed25519, true));
//! let (now, next, later) = (now?, next?, later?);
//! let key = |s: &SoftSigner| Verkey::new(s.verfer().matter().clone());
//! let commit = |s: &SoftSigner| dkms::next_digest(&key(s)?);
//!
//! let mut icp = c.prepare_incept("hsm", ExternalIncept {
//!     keys: vec![key(&now)?], next: vec![commit(&next)?], ..Default::default()
//! })?;
//! icp.sign(&[&now])?;
//! c.finalize(icp)?;
//! // Rotate to the pre-rotated key; the integrator commits to the one after it.
//! let mut rot = c.prepare_rotate("hsm", ExternalRotate {
//!     keys: vec![key(&next)?], next: vec![commit(&later)?], ..Default::default()
//! })?;
//! rot.sign(&[&next])?;
//! assert_eq!(c.finalize(rot)?.sn, 1);
//! // The retired key signs nothing any more; the current one signs data.
//! assert!(matches!(c.sign_with("hsm", b"doc", &[&now]), Err(dkms::Error::UnknownSigner { .. })));
//! let sigs = c.sign_with("hsm", b"doc", &[&next])?;
//! assert_eq!(c.verify("hsm", b"doc", &sigs)?.indices, vec![0]);
//! # drop(c); std::fs::remove_dir_all(&home).ok();
//! # Ok::<(), dkms::Error>(())
//! ```
//!
//! Features: `redb` (default) gives [`Controller::open`] over the embedded store in a
//! home directory; `memory` adds the in-memory store, used by [`verify_stream`] and by
//! tests through [`Controller::with_store`].

pub use dkms_cesr as cesr;
pub use dkms_crypto as crypto;
pub use dkms_event as event;
pub use dkms_kel as kel;
pub use dkms_store as store;

pub mod controller;
mod error;
pub mod keystore;
mod prepared;
mod verify;

/// Entry points for the fuzz targets in `fuzz/` (hidden; not a stable API).
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::keystore::fuzzing::{header as keystore_header, record as keystore_record};

    /// A stream imported into a controller over an in-memory store: never a panic.
    pub fn import(data: &[u8]) {
        let store: std::sync::Arc<dyn dkms_store::Store> = std::sync::Arc::new(dkms_store::MemoryStore::new());
        if let Ok(mut c) = crate::Controller::with_store(store, None) {
            let _ = c.import(data);
        }
    }
}

pub use controller::{
    Controller, EventSummary, ExternalIncept, ExternalRotate, Identifier, InceptOptions, Prepared, RotateOptions,
    Status, Verified, chain, next_digest, verify_with_state,
};
pub use error::{Error, Refusal, Result};
pub use keystore::{KdfParams, Keystore};
pub use verify::{
    DEFAULT_MEMORY_LIMIT, DEFAULT_SPILL_CACHE_BYTES, StreamVerdict, VerifyOptions, signatures_from_cesr,
    signatures_to_cesr, verify_reader, verify_stream, verify_stream_with_progress,
};
