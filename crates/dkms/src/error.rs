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
    /// Argon2id or the random generator failed.
    #[error("key derivation failed: {0}")]
    Kdf(String),
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
    /// Our own event was not accepted by the validator.
    #[error("{ilk} for {prefix} was not accepted: {reason}")]
    NotAccepted {
        /// Message type.
        ilk: &'static str,
        /// Identifier.
        prefix: String,
        /// The validator's reason (escrow kind or rejection).
        reason: String,
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
            Error::Kdf(_) => "kdf",
            Error::UnknownAlias { .. } => "unknown_alias",
            Error::AliasExists { .. } => "alias_exists",
            Error::InvalidAlias { .. } => "invalid_alias",
            Error::UnknownIdentifier { .. } => "unknown_identifier",
            Error::Locked => "locked",
            Error::External { .. } => "external",
            Error::NotTransferable { .. } => "not_transferable",
            Error::Invalid { .. } => "invalid",
            Error::NotAccepted { .. } => "not_accepted",
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

/// Result with the facade's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
