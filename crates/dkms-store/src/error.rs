//! The one error type of this crate.

use std::path::PathBuf;
use std::sync::Arc;

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Everything that can go wrong opening, reading or writing a store.
///
/// No backend type (redb, SQL) appears here: backend failures that have no variant of their own are
/// carried as [`Error::Backend`] with the operation and the backend's message. [`Error::kind`] tells
/// the cases apart without matching on fields.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Another process (or another handle in this process) has the store file open.
    #[error("store in use: {path} is already open (one process owns a store file)")]
    StoreInUse {
        /// The store file.
        path: PathBuf,
    },
    /// The store was written by a newer version of this crate; this version cannot read it.
    #[error("store {path} has schema version {found}, newer than the {supported} this version supports; upgrade dkms")]
    SchemaTooNew {
        /// The store file.
        path: PathBuf,
        /// The version written in the store.
        found: u32,
        /// The newest version this build reads.
        supported: u32,
    },
    /// The store was written by a version too old to migrate.
    #[error("store {path} has schema version {found}; the oldest this version migrates is {oldest}")]
    SchemaTooOld {
        /// The store file.
        path: PathBuf,
        /// The version written in the store.
        found: u32,
        /// The oldest version this build migrates.
        oldest: u32,
    },
    /// The file is not a dkms store (another program's database, or an unreadable file format).
    #[error("{path} is not a dkms store: {reason}")]
    NotAStore {
        /// The file.
        path: PathBuf,
        /// What was found instead.
        reason: String,
    },
    /// The backend found the store file damaged (truncated, bad checksum) and cannot open it.
    #[error("store {path} is damaged: {reason}")]
    Damaged {
        /// The store file.
        path: PathBuf,
        /// What the backend found.
        reason: String,
    },
    /// A record read back does not decode: the store is corrupt.
    #[error("corrupt record in table `{table}` at key {key}: {reason}")]
    Corrupt {
        /// The table holding the record.
        table: &'static str,
        /// The record's key, printable (non-printable bytes as `\xNN`).
        key: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A key given by the caller cannot be stored (empty, too long).
    #[error("invalid {what} {value:?}: {reason}")]
    InvalidKey {
        /// Which key (`prefix`, `said`).
        what: &'static str,
        /// The value given (cut to 100 characters).
        value: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// An attachment was given for an event that was never appended.
    #[error("no event {said:?} in the store")]
    NoSuchEvent {
        /// The SAID given (cut to 100 characters).
        said: String,
    },
    /// A value given by the caller cannot be stored (too large for its length field).
    #[error("value too large for table `{table}`: {len} bytes")]
    ValueTooLarge {
        /// The table.
        table: &'static str,
        /// Its length in bytes.
        len: usize,
    },
    /// File-system failure on the store's file or directory (reading, writing, syncing).
    #[error("I/O error on {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error (shared, so the error can be cloned).
        #[source]
        source: Arc<std::io::Error>,
    },
    /// Any other failure of the backend, including damage it detected itself.
    #[error("storage backend failed during {op}: {message}")]
    Backend {
        /// What was being done (`open`, `begin write`, `commit`, `read table events`, …).
        op: &'static str,
        /// The backend's description.
        message: String,
    },
}

/// What kind of failure an [`Error`] is, for callers that branch on it (retry, tell the user the
/// store is busy, refuse to start) without matching on the variants' fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`Error::StoreInUse`]: another process (or handle) owns the store file.
    StoreInUse,
    /// [`Error::SchemaTooNew`] or [`Error::SchemaTooOld`]: the file's format version is not this
    /// build's.
    SchemaVersion,
    /// [`Error::NotAStore`]: the file is something else.
    NotAStore,
    /// [`Error::Damaged`] or [`Error::Corrupt`]: the file or a record in it is damaged.
    Corrupt,
    /// [`Error::InvalidKey`], [`Error::ValueTooLarge`] or [`Error::NoSuchEvent`]: the caller
    /// asked for something the store cannot do; the store is fine.
    InvalidInput,
    /// [`Error::Io`]: the file system failed (disk full, permissions, I/O error).
    Io,
    /// [`Error::Backend`]: any other failure of the backend.
    Backend,
}

impl Error {
    /// The kind of failure.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::StoreInUse { .. } => ErrorKind::StoreInUse,
            Error::SchemaTooNew { .. } | Error::SchemaTooOld { .. } => ErrorKind::SchemaVersion,
            Error::NotAStore { .. } => ErrorKind::NotAStore,
            Error::Damaged { .. } | Error::Corrupt { .. } => ErrorKind::Corrupt,
            Error::InvalidKey { .. } | Error::ValueTooLarge { .. } | Error::NoSuchEvent { .. } => {
                ErrorKind::InvalidInput
            }
            Error::Io { .. } => ErrorKind::Io,
            Error::Backend { .. } => ErrorKind::Backend,
        }
    }
}

/// Printable rendering of a binary key for error messages.
pub(crate) fn printable(key: &[u8]) -> String {
    let mut out = String::with_capacity(key.len());
    for &b in key {
        if b.is_ascii_graphic() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}
