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
//!   salt), rotate, interact, sign and verify data, export and import KELs as CESR, and a
//!   prepare / sign elsewhere / [`Controller::finalize`] path for keys held outside;
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
//! assert_eq!(verdict.states[0].sn, 1);
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
pub use error::{Error, Result};
pub use keystore::{KdfParams, Keystore};
pub use verify::{
    DEFAULT_MEMORY_LIMIT, DEFAULT_SPILL_CACHE_BYTES, StreamVerdict, VerifyOptions, signatures_from_cesr,
    signatures_to_cesr, verify_reader, verify_stream, verify_stream_with_progress,
};
