//! The facade's error type.

use std::path::PathBuf;

/// Everything that can go wrong in the keystore or the controller.
///
/// Each variant says what a person needs to act on it; a failed signature
/// check says only that it failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The passcode does not open this keystore.
    #[error("wrong passcode for the keystore in {dir}")]
    WrongPasscode {
        /// The keystore directory.
        dir: PathBuf,
    },
    /// A keystore record (or its header) was altered, truncated, or moved to another name.
    #[error("keystore record {name:?} in {dir} was tampered with or is damaged")]
    Tampered {
        /// The keystore directory.
        dir: PathBuf,
        /// The record's name (`header` for the header).
        name: String,
    },
    /// No keystore at this place.
    #[error("no keystore in {dir}: run `keri init` (or `Keystore::create`) first")]
    NoKeystore {
        /// The directory looked in.
        dir: PathBuf,
    },
    /// A keystore already exists where one was to be created.
    #[error("a keystore already exists in {dir}")]
    KeystoreExists {
        /// The directory.
        dir: PathBuf,
    },
    /// The keystore header is not one this version reads.
    #[error("keystore header {path}: {reason}")]
    BadHeader {
        /// The header file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// File-system failure.
    #[error("I/O error on {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Argon2id, the random generator or the cipher failed (the third-party error is not
    /// passed on; this names the step).
    #[error("keystore cryptography failed: {step}")]
    Kdf {
        /// The step that failed (`random generator`, `Argon2id`, `encryption`, …).
        step: &'static str,
    },
    /// No identifier with this alias.
    #[error("unknown alias {alias:?}")]
    UnknownAlias {
        /// The alias.
        alias: String,
    },
    /// The alias is taken.
    #[error("alias {alias:?} already exists")]
    AliasExists {
        /// The alias.
        alias: String,
    },
    /// An alias that cannot be used (empty, too long, control characters).
    #[error("invalid alias {alias:?}: {reason}")]
    InvalidAlias {
        /// The alias.
        alias: String,
        /// Why.
        reason: &'static str,
    },
    /// No key state for this identifier (its KEL is not known here).
    #[error("unknown identifier {prefix}")]
    UnknownIdentifier {
        /// The prefix (or the alias or prefix text given).
        prefix: String,
    },
    /// The operation needs the keystore, and the controller was opened without it.
    #[error("this operation needs the keystore: open the controller with a passcode")]
    Locked,
    /// The identifier's keys live elsewhere (external signing): use prepare/finalize.
    #[error("identifier {alias:?} is signed externally: use the prepare/finalize path")]
    External {
        /// The alias.
        alias: String,
    },
    /// The identifier cannot rotate or interact any more (no next keys, or not transferable).
    #[error("identifier {prefix} is not transferable (no next keys)")]
    NotTransferable {
        /// The prefix.
        prefix: String,
    },
    /// An invalid option or argument.
    #[error("invalid {what}: {reason}")]
    Invalid {
        /// What was invalid.
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// Our own event was not accepted by the validator; nothing of it was kept in the keystore.
    #[error("{ilk} {sn} for {prefix} was not accepted: {reason}")]
    NotAccepted {
        /// Message type.
        ilk: &'static str,
        /// Identifier.
        prefix: String,
        /// Sequence number of the event.
        sn: u128,
        /// What the validator did with it (boxed: it carries the validator's error).
        #[source]
        reason: Box<Refusal>,
    },
    /// A signer's key is not one of the keys that sign this event (or these data).
    #[error("key {key} is not a signing key of {prefix} here")]
    UnknownSigner {
        /// The signer's public key (qb64).
        key: String,
        /// The identifier.
        prefix: String,
    },
    /// A signer (software, HSM, KMS, remote) failed to sign; nothing was signed or stored.
    #[error("the signer of key {index} ({key}) failed")]
    Signer {
        /// The index of its key in the event.
        index: u32,
        /// Its public key (qb64).
        key: String,
        /// What the signer reported.
        #[source]
        source: dkms_crypto::Error,
    },
    /// A signature attached to a prepared event does not verify against the key at its index.
    #[error("the signature at index {index} does not verify")]
    InvalidSignature {
        /// The signature's index.
        index: u32,
    },
    /// The identifier's KEL moved on since the event was prepared: prepare it again.
    #[error("the prepared event is stale: {prefix} is now at sequence number {sn}")]
    Stale {
        /// The identifier.
        prefix: String,
        /// Its current sequence number.
        sn: u128,
    },
    /// A prepared event's body is not a key event.
    #[error("{ilk} is not a key event")]
    NotAKeyEvent {
        /// The message type.
        ilk: &'static str,
    },
    /// A prepared event is for another identifier than the alias names.
    #[error("the prepared event for {prefix} is not one of alias {alias:?}")]
    ForeignEvent {
        /// The alias.
        alias: String,
        /// The event's identifier.
        prefix: String,
    },
    /// The identifier's keys live in this keystore: rotate it with [`crate::Controller::rotate`].
    #[error("identifier {alias:?} is signed by this keystore: use rotate")]
    KeystoreSigned {
        /// The alias.
        alias: String,
    },
    /// A keystore record that opened but does not make sense (e.g. an unknown algorithm name).
    #[error("the keystore record of {alias:?} is unusable: {reason}")]
    BadRecord {
        /// The alias.
        alias: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// Signatures over data do not verify or do not meet the threshold.
    #[error("signature verification failed")]
    VerificationFailed,
    /// An error of the crypto layer.
    #[error(transparent)]
    Crypto(#[from] dkms_crypto::Error),
    /// An error of the event layer.
    #[error(transparent)]
    Event(#[from] dkms_event::Error),
    /// An error of the CESR layer.
    #[error(transparent)]
    Cesr(#[from] dkms_cesr::Error),
    /// An error of the validator.
    #[error(transparent)]
    Kel(#[from] dkms_kel::Error),
    /// An error of the store (including [`dkms_store::Error::StoreInUse`]).
    #[error(transparent)]
    Store(#[from] dkms_store::Error),
    /// Reading a stream (the input of [`crate::verify_reader`] or [`crate::Controller::import_reader`]) failed.
    #[error("reading the stream: {0}")]
    Read(#[source] std::io::Error),
}

impl Error {
    /// A short machine-readable name of the kind of error.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Error::WrongPasscode { .. } => "wrong_passcode",
            Error::Tampered { .. } => "tampered",
            Error::NoKeystore { .. } => "no_keystore",
            Error::KeystoreExists { .. } => "keystore_exists",
            Error::BadHeader { .. } => "bad_header",
            Error::Io { .. } => "io",
            Error::Kdf { .. } => "kdf",
            Error::UnknownAlias { .. } => "unknown_alias",
            Error::AliasExists { .. } => "alias_exists",
            Error::InvalidAlias { .. } => "invalid_alias",
            Error::UnknownIdentifier { .. } => "unknown_identifier",
            Error::Locked => "locked",
            Error::External { .. } => "external",
            Error::NotTransferable { .. } => "not_transferable",
            Error::Invalid { .. } => "invalid",
            Error::NotAccepted { .. } => "not_accepted",
            Error::UnknownSigner { .. } => "unknown_signer",
            Error::Signer { .. } => "signer",
            Error::InvalidSignature { .. } => "invalid_signature",
            Error::Stale { .. } => "stale",
            Error::NotAKeyEvent { .. } => "not_a_key_event",
            Error::ForeignEvent { .. } => "foreign_event",
            Error::KeystoreSigned { .. } => "keystore_signed",
            Error::BadRecord { .. } => "bad_record",
            Error::VerificationFailed => "verification_failed",
            Error::Crypto(_) => "crypto",
            Error::Event(_) => "event",
            Error::Cesr(_) => "cesr",
            Error::Kel(_) => "kel",
            Error::Store(dkms_store::Error::StoreInUse { .. }) => "store_in_use",
            Error::Store(_) => "store",
            Error::Read(_) => "read",
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }

    pub(crate) fn invalid(what: &'static str, reason: impl Into<String>) -> Self {
        Error::Invalid { what, reason: reason.into() }
    }
}

/// What the validator did with one of our own events instead of accepting it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// Rejected, for this reason.
    #[error(transparent)]
    Rejected(dkms_kel::Error),
    /// Held in an escrow the controller cannot resolve (e.g. `likely-duplicitous`).
    #[error("held in the {} escrow, waiting for {}", .0.kind().as_str(), .0)]
    Escrowed(dkms_kel::Waiting),
    /// Already in the KEL.
    #[error("already in the KEL")]
    Duplicate,
    /// Not something the validator processes.
    #[error("ignored by the validator")]
    Ignored,
    /// An outcome this version of the facade does not know.
    #[error("an outcome this version does not know")]
    Unknown,
}

/// Result with the facade's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
