//! The one error type of this crate.

use std::path::PathBuf;

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Everything that can go wrong opening, reading or writing a store.
///
/// No backend type (redb, SQL) appears here: backend failures that have no variant of their own are
/// carried as [`Error::Backend`] with the operation and the backend's message.
#[derive(Debug, thiserror::Error)]
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
    /// A value given by the caller cannot be stored (too large for its length field).
    #[error("value too large for table `{table}`: {len} bytes")]
    ValueTooLarge {
        /// The table.
        table: &'static str,
        /// Its length in bytes.
        len: usize,
    },
    /// File-system failure on the store's file or directory.
    #[error("I/O error on {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
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
