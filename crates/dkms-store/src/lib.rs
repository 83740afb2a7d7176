//! # dkms-store
//!
//! What a KERI node keeps, behind small object-safe traits (layer 4; it knows nothing of events or
//! KELs beyond identifiers and bytes, so it depends on no other dkms crate):
//!
//! * the **first-seen log** of each prefix: every accepted event with its sequence number, SAID,
//!   first-seen ordinal and first-seen time, in the order it was first seen — superseded events
//!   (before a recovery rotation) stay in it — plus an index (prefix, sn) → the latest accepted SAID;
//! * each accepted event's exact serialized body, stored with its first-seen entry and found by
//!   SAID through an index;
//! * **attachments** per event: controller signatures, witness signatures, receipt couples and
//!   transferable receipt quadruples, each a list of qb64 items ([`AttachmentKind`]);
//! * **key state** per prefix, an opaque blob the engine serializes;
//! * **escrows** per kind ([`EscrowKind`]) keyed (prefix, sn, SAID), each with its insertion time for
//!   timeouts and an opaque blob;
//! * **duplicitous events** kept as evidence;
//! * a **transaction** boundary: a [`WriteTxn`] commits many changes atomically (dropping it rolls back)
//!   and reads its own uncommitted writes; [`ReadTxn`]s see a snapshot and run while a writer writes.
//!
//! Backends, each behind a feature: [`MemoryStore`] (`memory`) and [`RedbStore`] (`redb`, the durable
//! embedded default). The engine holds an `Arc<dyn Store>`. `docs/storage.md` explains the layout,
//! durability, group commit, locking, schema versions and how a PostgreSQL backend would map.
//!
//! ```
//! # #[cfg(feature = "memory")] {
//! use dkms_store::{AttachmentKind, EscrowKey, EscrowKind, MemoryStore, Store};
//!
//! let store = MemoryStore::new();
//! let mut w = store.write()?;
//! let body = br#"{"v":"KERI10JSON0000ed_","t":"icp"}"#;
//! let entry = w.append_kel("EPrefix", 0, "ESaid0", 1_700_000_000_000_000, body)?;
//! assert_eq!(entry.ordinal, 0);
//! w.add_attachments(AttachmentKind::ControllerSigs, "ESaid0", &["AAsig".to_owned()])?;
//! w.put_state("EPrefix", b"engine-serialized key state")?;
//! // A write transaction reads its own writes.
//! assert_eq!(w.kel_entry("EPrefix", 0)?.map(|e| e.said), Some("ESaid0".to_owned()));
//! w.commit()?;
//!
//! let r = store.read()?;
//! assert_eq!(r.kel("EPrefix", 0)?.len(), 1);
//! let record = r.event_record("ESaid0")?.expect("appended");
//! assert_eq!((record.entry.ordinal, record.body.as_slice()), (0, &body[..]));
//! assert_eq!(record.attachments(AttachmentKind::ControllerSigs), ["AAsig"]);
//! assert!(r.escrow(EscrowKind::OutOfOrder)?.is_empty());
//!
//! // Dropping a write transaction rolls it back.
//! let mut w = store.write()?;
//! w.put_escrow(&EscrowKey::new(EscrowKind::OutOfOrder, "EPrefix", 5, "ESaid5"), 42, b"")?;
//! drop(w);
//! assert!(store.read()?.escrow(EscrowKind::OutOfOrder)?.is_empty());
//! # }
//! # Ok::<(), dkms_store::Error>(())
//! ```
#![cfg_attr(
    not(all(feature = "memory", feature = "redb")),
    allow(dead_code, reason = "parts of the shared key-value layer serve only one of the backends")
)]

mod codec;
mod error;
mod kv;
#[cfg(feature = "memory")]
mod memory;
#[cfg(feature = "redb")]
mod redb_store;
#[doc(hidden)]
pub mod testing;

pub use error::{Error, ErrorKind, Result};
#[cfg(feature = "memory")]
pub use memory::MemoryStore;
#[cfg(feature = "redb")]
pub use redb_store::{DEFAULT_CACHE_BYTES, RedbStore};

/// The schema version this build writes. Stores with a newer version are refused
/// ([`Error::SchemaTooNew`]); older ones from [`OLDEST_MIGRATABLE_SCHEMA`] on are migrated at open.
pub const SCHEMA_VERSION: u32 = 2;

/// The oldest schema version this build migrates; older ones are refused ([`Error::SchemaTooOld`]).
///
/// Version 1 (events and attachments keyed by SAID) is refused rather than migrated: no release
/// wrote it, and rewriting every event of a large store in one transaction would need memory in
/// proportion to the store. Re-ingest the KELs into a new store instead (`docs/storage.md`).
pub const OLDEST_MIGRATABLE_SCHEMA: u32 = 2;

/// One entry of a prefix's first-seen log.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct KelEntry {
    /// The identifier prefix (qb64).
    pub prefix: String,
    /// The event's sequence number.
    pub sn: u128,
    /// The event's SAID (qb64).
    pub said: String,
    /// The first-seen ordinal: 0, 1, 2, … per prefix, in the order events were accepted.
    pub ordinal: u64,
    /// When the event was first seen, µs since the Unix epoch (as given by the engine).
    pub first_seen_micros: u64,
}

/// The kinds of attachment kept per event, each a list of qb64 items (text domain).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum AttachmentKind {
    /// Controller indexed signatures.
    ControllerSigs,
    /// Witness indexed signatures.
    WitnessSigs,
    /// Non-transferable receipt couples (each item: prefix then signature, concatenated qb64).
    Receipts,
    /// Transferable receipt quadruples (each item: prefix, sn, SAID, signature, concatenated qb64).
    TransReceipts,
    /// Source seal couples of a delegated event (`-G`: sequence number then SAID of the
    /// delegating event, concatenated qb64).
    SourceSeals,
}

impl AttachmentKind {
    /// Every kind.
    pub const ALL: [AttachmentKind; 5] = [
        AttachmentKind::ControllerSigs,
        AttachmentKind::WitnessSigs,
        AttachmentKind::Receipts,
        AttachmentKind::TransReceipts,
        AttachmentKind::SourceSeals,
    ];

    /// The byte stored in keys (stable across versions).
    const fn code(self) -> u8 {
        match self {
            AttachmentKind::ControllerSigs => 1,
            AttachmentKind::WitnessSigs => 2,
            AttachmentKind::Receipts => 3,
            AttachmentKind::TransReceipts => 4,
            AttachmentKind::SourceSeals => 5,
        }
    }

    fn from_code(code: u8) -> Option<AttachmentKind> {
        AttachmentKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// An accepted event as stored: its first-seen entry, its body and its attachments.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EventRecord {
    /// Its entry in the first-seen log (prefix, sn, SAID, ordinal, first-seen time).
    pub entry: KelEntry,
    /// The exact serialized event body.
    pub body: Vec<u8>,
    /// The non-empty attachment lists, by kind.
    attachments: Vec<(AttachmentKind, Vec<String>)>,
}

impl EventRecord {
    /// The attachments of `kind` (empty when none).
    #[must_use]
    pub fn attachments(&self, kind: AttachmentKind) -> &[String] {
        self.attachments.iter().find(|(k, _)| *k == kind).map_or(&[], |(_, items)| items.as_slice())
    }
}

/// The escrows a KERI node keeps events in until they can be accepted (or time out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum EscrowKind {
    /// Events whose prior event has not been seen.
    OutOfOrder,
    /// Events with fewer controller signatures than the threshold.
    PartiallySigned,
    /// Events with fewer witness receipts than the witness threshold.
    PartiallyWitnessed,
    /// Delegated events waiting for the delegator's approval (anchoring seal).
    Delegation,
    /// Non-transferable receipts of events not yet seen.
    UnverifiedReceipt,
    /// Transferable receipts whose event or receiptor's establishment event is not yet seen.
    UnverifiedTransReceipt,
    /// Events that may be duplicitous, held for evidence and later resolution.
    LikelyDuplicitous,
}

impl EscrowKind {
    /// Every kind.
    pub const ALL: [EscrowKind; 7] = [
        EscrowKind::OutOfOrder,
        EscrowKind::PartiallySigned,
        EscrowKind::PartiallyWitnessed,
        EscrowKind::Delegation,
        EscrowKind::UnverifiedReceipt,
        EscrowKind::UnverifiedTransReceipt,
        EscrowKind::LikelyDuplicitous,
    ];

    /// A short name (`out_of_order`, `partially_signed`, …).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            EscrowKind::OutOfOrder => "out_of_order",
            EscrowKind::PartiallySigned => "partially_signed",
            EscrowKind::PartiallyWitnessed => "partially_witnessed",
            EscrowKind::Delegation => "delegation",
            EscrowKind::UnverifiedReceipt => "unverified_receipt",
            EscrowKind::UnverifiedTransReceipt => "unverified_trans_receipt",
            EscrowKind::LikelyDuplicitous => "likely_duplicitous",
        }
    }

    /// The byte stored in keys (stable across versions).
    const fn code(self) -> u8 {
        match self {
            EscrowKind::OutOfOrder => 1,
            EscrowKind::PartiallySigned => 2,
            EscrowKind::PartiallyWitnessed => 3,
            EscrowKind::Delegation => 4,
            EscrowKind::UnverifiedReceipt => 5,
            EscrowKind::UnverifiedTransReceipt => 6,
            EscrowKind::LikelyDuplicitous => 7,
        }
    }

    fn from_code(code: u8) -> Option<EscrowKind> {
        EscrowKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// The key of an escrow entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EscrowKey {
    /// Which escrow.
    pub kind: EscrowKind,
    /// The event's prefix (qb64).
    pub prefix: String,
    /// The event's sequence number.
    pub sn: u128,
    /// The event's SAID (qb64).
    pub said: String,
}

impl EscrowKey {
    /// A key from its parts.
    pub fn new(kind: EscrowKind, prefix: impl Into<String>, sn: u128, said: impl Into<String>) -> Self {
        EscrowKey { kind, prefix: prefix.into(), sn, said: said.into() }
    }
}

/// An escrow entry: its key, when it was inserted, and the engine's blob.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EscrowEntry {
    /// The entry's key.
    pub key: EscrowKey,
    /// When it was (last) inserted, µs since the Unix epoch (as given by the engine).
    pub inserted_micros: u64,
    /// The engine's data (for example the attachments that came with the event).
    pub blob: Vec<u8>,
}

/// A duplicitous event kept as evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Duplicate {
    /// The event's prefix (qb64).
    pub prefix: String,
    /// The event's sequence number.
    pub sn: u128,
    /// The event's SAID (qb64).
    pub said: String,
    /// The exact serialized event body.
    pub event: Vec<u8>,
    /// Its attachments (raw CESR).
    pub attachments: Vec<u8>,
}

/// When a committed write transaction is on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Durability {
    /// [`WriteTxn::commit`] returns once the changes are on disk (fsync). The default.
    #[default]
    Immediate,
    /// The changes are visible to readers at once but reach the disk only with the next immediate
    /// commit or [`Store::flush`]; a crash before that loses them — all of them, never part of one
    /// transaction. For bulk import: commit many deferred transactions, then flush.
    Deferred,
}

/// A store: hands out read snapshots and (one at a time) write transactions.
///
/// Object safe: the engine holds an `Arc<dyn Store>`.
pub trait Store: Send + Sync {
    /// A read transaction over a consistent snapshot (later commits are not seen). Readers never
    /// block the writer nor each other.
    ///
    /// # Errors
    /// A backend failure.
    fn read(&self) -> Result<Box<dyn ReadTxn + '_>>;

    /// A write transaction whose commit has the given durability. Only one write transaction is open
    /// at a time: this waits for the current one to end (so do not open two on one thread).
    ///
    /// # Errors
    /// A backend failure.
    fn write_with(&self, durability: Durability) -> Result<Box<dyn WriteTxn + '_>>;

    /// A write transaction whose commit is durable ([`Durability::Immediate`]).
    ///
    /// # Errors
    /// A backend failure.
    fn write(&self) -> Result<Box<dyn WriteTxn + '_>> {
        self.write_with(Durability::Immediate)
    }

    /// Makes every commit so far durable (after [`Durability::Deferred`] commits). Waits for the
    /// current write transaction, if any, to end.
    ///
    /// # Errors
    /// A backend failure.
    fn flush(&self) -> Result<()>;
}

/// Reads from a snapshot (or, through [`WriteTxn`], from the transaction's own view).
///
/// Lists are returned whole, in key order; identifiers are qb64 strings.
pub trait ReadTxn {
    /// The latest accepted event at `sn` in the KEL of `prefix`.
    ///
    /// # Errors
    /// A corrupt record or a backend failure.
    fn kel_entry(&self, prefix: &str, sn: u128) -> Result<Option<KelEntry>>;

    /// The KEL of `prefix` from `from_sn` on: the latest accepted event at each sn, by sn.
    ///
    /// # Errors
    /// A corrupt record or a backend failure.
    fn kel(&self, prefix: &str, from_sn: u128) -> Result<Vec<KelEntry>>;

    /// The first-seen log of `prefix` from ordinal `from` on, in first-seen order, including events
    /// later superseded by a recovery.
    ///
    /// # Errors
    /// A corrupt record or a backend failure.
    fn first_seen(&self, prefix: &str, from: u64) -> Result<Vec<KelEntry>>;

    /// Every prefix with a KEL, sorted.
    ///
    /// # Errors
    /// A corrupt record or a backend failure.
    fn prefixes(&self) -> Result<Vec<String>>;

    /// The body of the accepted event `said`.
    ///
    /// # Errors
    /// An invalid SAID, a corrupt record or a backend failure.
    fn event(&self, said: &str) -> Result<Option<Vec<u8>>>;

    /// The accepted event `said` with its first-seen entry and every attachment list, read
    /// together (one lookup by SAID). For a SAID appended more than once (the engine never does
    /// that), which of its entries is returned is not specified.
    ///
    /// # Errors
    /// An invalid SAID, a corrupt record or a backend failure.
    fn event_record(&self, said: &str) -> Result<Option<EventRecord>>;

    /// The key-state blob of `prefix`.
    ///
    /// # Errors
    /// A backend failure.
    fn state(&self, prefix: &str) -> Result<Option<Vec<u8>>>;

    /// Every entry of an escrow, by (prefix, sn, SAID).
    ///
    /// # Errors
    /// A corrupt record or a backend failure.
    fn escrow(&self, kind: EscrowKind) -> Result<Vec<EscrowEntry>>;

    /// The duplicitous events kept for `prefix`, by (sn, SAID).
    ///
    /// # Errors
    /// A corrupt record or a backend failure.
    fn duplicates(&self, prefix: &str) -> Result<Vec<Duplicate>>;
}

/// A write transaction: its changes commit atomically with [`WriteTxn::commit`]; dropping it rolls
/// them back. It reads its own uncommitted writes through [`ReadTxn`].
///
/// The first-seen log is append-only: there is no call that removes or rewrites a KEL entry.
pub trait WriteTxn: ReadTxn {
    /// Appends an accepted event to the first-seen log of `prefix`, assigning the next ordinal,
    /// stores its body, and makes it the latest accepted event at `sn` (a recovery supersedes the
    /// earlier one at that sn, which stays in the first-seen log).
    ///
    /// # Errors
    /// An invalid identifier, a corrupt record or a backend failure.
    fn append_kel(
        &mut self,
        prefix: &str,
        sn: u128,
        said: &str,
        first_seen_micros: u64,
        body: &[u8],
    ) -> Result<KelEntry>;

    /// Adds attachments to the list of `kind` of the appended event `said`, skipping items
    /// already there; returns how many were added.
    ///
    /// # Errors
    /// [`Error::NoSuchEvent`] when no event `said` was appended, an invalid SAID, a corrupt record
    /// or a backend failure.
    fn add_attachments(&mut self, kind: AttachmentKind, said: &str, items: &[String]) -> Result<usize>;

    /// Replaces the list of `kind` of the appended event `said` with `items` (duplicates dropped,
    /// order kept; an empty list removes it), without reading the old list: for an event whose
    /// attachments the caller has complete, such as one it has just appended.
    ///
    /// # Errors
    /// [`Error::NoSuchEvent`] when no event `said` was appended, an invalid SAID, an item that
    /// cannot be stored or a backend failure.
    fn set_attachments(&mut self, kind: AttachmentKind, said: &str, items: &[String]) -> Result<()>;

    /// Stores the key-state blob of `prefix`.
    ///
    /// # Errors
    /// An invalid prefix or a backend failure.
    fn put_state(&mut self, prefix: &str, blob: &[u8]) -> Result<()>;

    /// Puts an entry in an escrow (replacing the entry with the same key, and its time).
    ///
    /// # Errors
    /// An invalid identifier or a backend failure.
    fn put_escrow(&mut self, key: &EscrowKey, inserted_micros: u64, blob: &[u8]) -> Result<()>;

    /// Removes an escrow entry. Returns whether there was one.
    ///
    /// # Errors
    /// An invalid identifier or a backend failure.
    fn delete_escrow(&mut self, key: &EscrowKey) -> Result<bool>;

    /// Keeps a duplicitous event as evidence (replacing one with the same prefix, sn and SAID).
    ///
    /// # Errors
    /// An invalid identifier or a backend failure.
    fn put_duplicate(&mut self, prefix: &str, sn: u128, said: &str, event: &[u8], attachments: &[u8]) -> Result<()>;

    /// Commits every change atomically, with the durability the transaction was opened with.
    ///
    /// # Errors
    /// A backend failure; then nothing was committed.
    fn commit(self: Box<Self>) -> Result<()>;
}

/// Microseconds since the Unix epoch now (0 if the clock is before 1970), for first-seen and
/// escrow times.
pub fn now_micros() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}
