//! The durable embedded backend on [redb](https://www.redb.org): one file, one owning process.
//!
//! Every table maps bytes to bytes in the layout of [`crate::codec`]. redb gives MVCC snapshots
//! (readers never block the writer), one writer at a time, copy-on-write B-trees with checksummed
//! commits (a crash leaves the last durable commit), and an exclusive file lock.

use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use redb::{ReadableDatabase, ReadableTable, TableDefinition};

use crate::codec::{FORMAT_MARKER, META_FORMAT, META_SCHEMA, Table};
use crate::error::{Error, Result};
use crate::kv::{KvRead, KvWrite, Txn, Visit};
use crate::{Durability, OLDEST_MIGRATABLE_SCHEMA, ReadTxn, SCHEMA_VERSION, Store, WriteTxn};

type Guard<'a> = redb::AccessGuard<'a, &'static [u8]>;
type Item<'a> = Result<(Guard<'a>, Guard<'a>), redb::StorageError>;
type Def = TableDefinition<'static, &'static [u8], &'static [u8]>;

const fn def(t: Table) -> Def {
    TableDefinition::new(t.name())
}

/// A store in one redb file, owned by one process.
///
/// Commits are durable by default: once [`WriteTxn::commit`] returns, the changes are on disk.
/// Opening a file another handle holds (in this process or another) fails at once with
/// [`Error::StoreInUse`].
///
/// ```
/// use dkms_store::{RedbStore, Store};
/// let path = std::env::temp_dir().join(format!("dkms-store-doc-{}.redb", std::process::id()));
/// # let _ = std::fs::remove_file(&path);
/// let store = RedbStore::open(&path)?;
/// let mut w = store.write()?;
/// w.append_kel("EPrefix", 0, "ESaid0", 0, b"body")?;
/// w.commit()?;
/// assert!(matches!(RedbStore::open(&path), Err(dkms_store::Error::StoreInUse { .. })));
/// drop(store);
/// assert_eq!(RedbStore::open(&path)?.read()?.kel("EPrefix", 0)?.len(), 1);
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), dkms_store::Error>(())
/// ```
pub struct RedbStore {
    db: redb::Database,
    path: PathBuf,
}

impl std::fmt::Debug for RedbStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedbStore").field("path", &self.path).finish_non_exhaustive()
    }
}

/// Maps a redb error that has no variant of its own.
fn backend(op: &'static str, e: impl std::fmt::Display) -> Error {
    Error::Backend { op, message: e.to_string() }
}

/// Maps a redb storage error: I/O failures keep their kind (disk full, permissions).
fn storage(path: &Path, op: &'static str, e: redb::StorageError) -> Error {
    match e {
        redb::StorageError::ValueTooLarge(len) => Error::ValueTooLarge { table: op, len },
        redb::StorageError::Io(source) => Error::Io { path: path.to_owned(), source: Arc::new(source) },
        redb::StorageError::Corrupted(reason) => Error::Damaged { path: path.to_owned(), reason },
        other => backend(op, other),
    }
}

fn table_err(path: &Path, t: Table, e: redb::TableError) -> Error {
    match e {
        redb::TableError::Storage(s) => storage(path, t.name(), s),
        other => Error::Backend { op: t.name(), message: other.to_string() },
    }
}

fn txn_err(path: &Path, op: &'static str, e: redb::TransactionError) -> Error {
    match e {
        redb::TransactionError::Storage(s) => storage(path, op, s),
        other => backend(op, other),
    }
}

fn commit_err(path: &Path, e: redb::CommitError) -> Error {
    match e {
        redb::CommitError::Storage(s) => storage(path, "commit", s),
        other => backend("commit", other),
    }
}

fn open_err(path: &Path, e: redb::DatabaseError) -> Error {
    match e {
        redb::DatabaseError::DatabaseAlreadyOpen | redb::DatabaseError::LockProtocolMismatch => {
            Error::StoreInUse { path: path.to_owned() }
        }
        redb::DatabaseError::UpgradeRequired(v) => {
            Error::NotAStore { path: path.to_owned(), reason: format!("redb file format {v} is not supported") }
        }
        redb::DatabaseError::Storage(redb::StorageError::Io(source)) => {
            if source.kind() == std::io::ErrorKind::InvalidData {
                Error::NotAStore { path: path.to_owned(), reason: source.to_string() }
            } else {
                Error::Io { path: path.to_owned(), source: Arc::new(source) }
            }
        }
        redb::DatabaseError::Storage(redb::StorageError::Corrupted(reason)) => {
            Error::Damaged { path: path.to_owned(), reason }
        }
        other => backend("open", other),
    }
}

/// Memory for cached pages of a [`RedbStore`] opened with [`RedbStore::open`]: 16 MiB.
///
/// The cache fills up to this size whatever the store's size (written pages stay in it), so it
/// counts fully towards a node's memory. Appends touch only the ends of the tables and the small
/// newest run of the SAID index, so 16 MiB holds what an import works on (`docs/storage.md`).
pub const DEFAULT_CACHE_BYTES: usize = 16 << 20;

impl RedbStore {
    /// Opens the store at `path`, creating it if the file does not exist.
    ///
    /// A store of an older schema version is migrated; see `docs/storage.md`.
    ///
    /// # Errors
    /// [`Error::StoreInUse`] if another handle has it open, [`Error::SchemaTooNew`] /
    /// [`Error::SchemaTooOld`], [`Error::NotAStore`] for a foreign or damaged file, [`Error::Io`].
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with_cache(path, DEFAULT_CACHE_BYTES)
    }

    /// As [`RedbStore::open`], with at most `cache_bytes` of memory for cached pages
    /// (the default is [`DEFAULT_CACHE_BYTES`]). A node that must stay within a memory
    /// budget sets it; reads of pages not cached go to the file.
    ///
    /// # Errors
    /// As [`RedbStore::open`].
    pub fn open_with_cache(path: impl AsRef<Path>, cache_bytes: usize) -> Result<Self> {
        let path = path.as_ref().to_owned();
        let db = redb::Database::builder().set_cache_size(cache_bytes).create(&path).map_err(|e| open_err(&path, e))?;
        let store = RedbStore { db, path };
        store.check_schema()?;
        Ok(store)
    }

    /// Test hook: makes `alias` collide with the appended event `existing` in the SAID index.
    ///
    /// # Errors
    /// [`Error::NoSuchEvent`] when `existing` was never appended; a backend failure.
    #[doc(hidden)]
    pub fn alias_said_for_tests(&self, existing: &str, alias: &str) -> Result<()> {
        let txn = self.db.begin_write().map_err(|e| txn_err(&self.path, "begin write", e))?;
        crate::kv::alias_said(Txn::new(RedbWrite(txn, &self.path)), existing, alias)
    }

    /// The store's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Creates the tables of a new store, or checks the format marker and schema version of an
    /// existing one (migrating older versions). Nothing is written unless all checks pass.
    fn check_schema(&self) -> Result<()> {
        let path = self.path.as_path();
        let mut txn = self.db.begin_write().map_err(|e| txn_err(path, "begin write", e))?;
        let names: Vec<String> = txn
            .list_tables()
            .map_err(|e| storage(path, "list tables", e))?
            .map(|h| redb::TableHandle::name(&h).to_owned())
            .collect();
        let not_a_store = |reason: &str| Error::NotAStore { path: self.path.clone(), reason: reason.to_owned() };
        if names.is_empty() {
            // Not synced on its own: a crash before the next durable commit leaves an empty
            // file, which the next open sets up again. Saves two fsyncs per new store.
            txn.set_durability(redb::Durability::None).map_err(|e| backend("set durability", e))?;
            for t in Table::ALL {
                txn.open_table(def(t)).map_err(|e| table_err(path, t, e))?;
            }
            {
                let mut meta = txn.open_table(def(Table::Meta)).map_err(|e| table_err(path, Table::Meta, e))?;
                meta.insert(META_FORMAT, FORMAT_MARKER).map_err(|e| storage(path, "meta", e))?;
                meta.insert(META_SCHEMA, SCHEMA_VERSION.to_be_bytes().as_slice())
                    .map_err(|e| storage(path, "meta", e))?;
            }
            return txn.commit().map_err(|e| commit_err(path, e));
        }
        if !names.iter().any(|n| n == Table::Meta.name()) {
            return Err(not_a_store("a redb database without dkms metadata"));
        }
        let version = {
            let meta = txn.open_table(def(Table::Meta)).map_err(|_| not_a_store("its `meta` table has other types"))?;
            let format = meta.get(META_FORMAT).map_err(|e| storage(path, "meta", e))?;
            if format.as_ref().map(|g| g.value()) != Some(FORMAT_MARKER) {
                return Err(not_a_store("no dkms format marker"));
            }
            let version = meta.get(META_SCHEMA).map_err(|e| storage(path, "meta", e))?;
            let bytes = version.as_ref().map(|g| g.value()).unwrap_or_default();
            let bytes = <[u8; 4]>::try_from(bytes).map_err(|_| Error::Corrupt {
                table: Table::Meta.name(),
                key: "schema_version".to_owned(),
                reason: "not a 4-byte version",
            })?;
            u32::from_be_bytes(bytes)
        };
        if version > SCHEMA_VERSION {
            return Err(Error::SchemaTooNew { path: self.path.clone(), found: version, supported: SCHEMA_VERSION });
        }
        if version < OLDEST_MIGRATABLE_SCHEMA {
            // Refused before anything is written: the file stays as it was.
            return Err(Error::SchemaTooOld {
                path: self.path.clone(),
                found: version,
                oldest: OLDEST_MIGRATABLE_SCHEMA,
            });
        }
        // Migrations from `version` to SCHEMA_VERSION go here, one step per version, in this one
        // transaction (so a crash mid-migration leaves the old version). Version 2 is the oldest
        // this build reads. Tables missing from a store are created.
        let missing: Vec<Table> = Table::ALL.into_iter().filter(|t| !names.iter().any(|n| n == t.name())).collect();
        if missing.is_empty() {
            // Nothing to change: no commit, no fsync.
            return txn.abort().map_err(|e| storage(path, "abort", e));
        }
        for t in missing {
            txn.open_table(def(t)).map_err(|e| table_err(path, t, e))?;
        }
        txn.commit().map_err(|e| commit_err(path, e))
    }
}

impl Store for RedbStore {
    fn read(&self) -> Result<Box<dyn ReadTxn + '_>> {
        let txn = self.db.begin_read().map_err(|e| txn_err(&self.path, "begin read", e))?;
        Ok(Box::new(Txn::new(RedbRead(txn, &self.path))))
    }

    fn write_with(&self, durability: Durability) -> Result<Box<dyn WriteTxn + '_>> {
        let mut txn = self.db.begin_write().map_err(|e| txn_err(&self.path, "begin write", e))?;
        let d = match durability {
            Durability::Immediate => redb::Durability::Immediate,
            Durability::Deferred => redb::Durability::None,
        };
        txn.set_durability(d).map_err(|e| backend("set durability", e))?;
        Ok(Box::new(Txn::new(RedbWrite(txn, &self.path))))
    }

    fn flush(&self) -> Result<()> {
        // An empty immediate commit makes every earlier deferred commit durable.
        let txn = self.db.begin_write().map_err(|e| txn_err(&self.path, "begin write", e))?;
        txn.commit().map_err(|e| commit_err(&self.path, e))
    }
}

fn get_in<T: ReadableTable<&'static [u8], &'static [u8]>>(
    path: &Path,
    table: &T,
    t: Table,
    key: &[u8],
) -> Result<Option<Vec<u8>>> {
    Ok(table.get(key).map_err(|e| storage(path, t.name(), e))?.map(|g| g.value().to_vec()))
}

fn scan_in<T: ReadableTable<&'static [u8], &'static [u8]>>(
    path: &Path,
    table: &T,
    t: Table,
    lo: &[u8],
    hi: Option<&[u8]>,
    rev: bool,
    visit: Visit<'_>,
) -> Result<()> {
    if hi.is_some_and(|hi| lo >= hi) {
        return Ok(());
    }
    let bounds: (Bound<&[u8]>, Bound<&[u8]>) = (Bound::Included(lo), hi.map_or(Bound::Unbounded, Bound::Excluded));
    let range = table.range::<&[u8]>(bounds).map_err(|e| storage(path, t.name(), e))?;
    let mut step = |item: Item<'_>| {
        let (k, v) = item.map_err(|e| storage(path, t.name(), e))?;
        visit(k.value(), v.value())
    };
    if rev {
        for item in range.rev() {
            if !step(item)? {
                break;
            }
        }
    } else {
        for item in range {
            if !step(item)? {
                break;
            }
        }
    }
    Ok(())
}

struct RedbRead<'a>(redb::ReadTransaction, &'a Path);

impl KvRead for RedbRead<'_> {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let t = self.0.open_table(def(table)).map_err(|e| table_err(self.1, table, e))?;
        get_in(self.1, &t, table, key)
    }

    fn scan(&self, table: Table, lo: &[u8], hi: Option<&[u8]>, rev: bool, visit: Visit<'_>) -> Result<()> {
        let t = self.0.open_table(def(table)).map_err(|e| table_err(self.1, table, e))?;
        scan_in(self.1, &t, table, lo, hi, rev, visit)
    }
}

struct RedbWrite<'a>(redb::WriteTransaction, &'a Path);

impl KvRead for RedbWrite<'_> {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let t = self.0.open_table(def(table)).map_err(|e| table_err(self.1, table, e))?;
        get_in(self.1, &t, table, key)
    }

    fn scan(&self, table: Table, lo: &[u8], hi: Option<&[u8]>, rev: bool, visit: Visit<'_>) -> Result<()> {
        let t = self.0.open_table(def(table)).map_err(|e| table_err(self.1, table, e))?;
        scan_in(self.1, &t, table, lo, hi, rev, visit)
    }
}

impl KvWrite for RedbWrite<'_> {
    fn put(&mut self, table: Table, key: &[u8], value: &[u8]) -> Result<()> {
        let mut t = self.0.open_table(def(table)).map_err(|e| table_err(self.1, table, e))?;
        t.insert(key, value).map_err(|e| storage(self.1, table.name(), e))?;
        Ok(())
    }

    fn delete(&mut self, table: Table, key: &[u8]) -> Result<bool> {
        let mut t = self.0.open_table(def(table)).map_err(|e| table_err(self.1, table, e))?;
        Ok(t.remove(key).map_err(|e| storage(self.1, table.name(), e))?.is_some())
    }

    fn commit(self) -> Result<()> {
        self.0.commit().map_err(|e| commit_err(self.1, e))
    }
}

/// Test hooks that write a store's file behind its back.
pub(crate) mod hooks {
    use super::{Path, Table, commit_err, def, open_err, storage, table_err, txn_err};
    use crate::codec::META_SCHEMA;
    use crate::error::Result;

    /// Replaces the value of every record of the table named `table` with `value`.
    pub(crate) fn overwrite_table(path: &Path, table: &str, value: &[u8]) -> Result<()> {
        let t = Table::by_name(table)
            .ok_or_else(|| crate::Error::Backend { op: "test hook", message: format!("no table {table}") })?;
        let db = redb::Database::builder().create(path).map_err(|e| open_err(path, e))?;
        let txn = db.begin_write().map_err(|e| txn_err(path, "begin write", e))?;
        {
            let mut tbl = txn.open_table(def(t)).map_err(|e| table_err(path, t, e))?;
            let keys: Vec<Vec<u8>> = redb::ReadableTable::iter(&tbl)
                .map_err(|e| storage(path, t.name(), e))?
                .map(|r| r.map(|(k, _)| k.value().to_vec()))
                .collect::<Result<_, _>>()
                .map_err(|e| storage(path, t.name(), e))?;
            for k in keys {
                tbl.insert(k.as_slice(), value).map_err(|e| storage(path, t.name(), e))?;
            }
        }
        txn.commit().map_err(|e| commit_err(path, e))
    }

    /// Writes `version` as the store's schema version.
    pub(crate) fn set_schema_version(path: &Path, version: u32) -> Result<()> {
        let db = redb::Database::builder().create(path).map_err(|e| open_err(path, e))?;
        let txn = db.begin_write().map_err(|e| txn_err(path, "begin write", e))?;
        {
            let mut tbl = txn.open_table(def(Table::Meta)).map_err(|e| table_err(path, Table::Meta, e))?;
            tbl.insert(META_SCHEMA, version.to_be_bytes().as_slice()).map_err(|e| storage(path, "meta", e))?;
        }
        txn.commit().map_err(|e| commit_err(path, e))
    }
}
