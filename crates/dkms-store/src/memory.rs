//! The in-memory backend: for tests and stateless verification.
//!
//! The committed state is an immutable snapshot behind an `Arc`; a reader clones the `Arc` and holds
//! no lock. A writer (one at a time) buffers its changes in an overlay it reads through, and its
//! commit applies the overlay to the snapshot in place — or, while readers still hold the old
//! snapshot, to a copy of it (`Arc::make_mut`).

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use crate::codec::Table;
use crate::error::Result;
use crate::kv::{KvRead, KvWrite, Txn, Visit};
use crate::{Durability, ReadTxn, Store, WriteTxn};

type Map = BTreeMap<Vec<u8>, Vec<u8>>;
type Overlay = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

#[derive(Clone, Default)]
struct Tables([Map; Table::COUNT]);

impl Tables {
    fn table(&self, t: Table) -> Option<&Map> {
        self.0.get(t.index())
    }
}

/// A store in memory: nothing survives the process. Cheap to create; `Send + Sync`.
///
/// ```
/// use dkms_store::{MemoryStore, Store};
/// let store = MemoryStore::new();
/// let mut w = store.write()?;
/// w.put_state("EPrefix", b"state")?;
/// w.commit()?;
/// assert_eq!(store.read()?.state("EPrefix")?, Some(b"state".to_vec()));
/// # Ok::<(), dkms_store::Error>(())
/// ```
#[derive(Default)]
pub struct MemoryStore {
    current: RwLock<Arc<Tables>>,
    writer: Mutex<()>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore").finish_non_exhaustive()
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn snapshot(&self) -> Arc<Tables> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Test hook: makes `alias` collide with the appended event `existing` in the SAID index.
    ///
    /// # Errors
    /// [`crate::Error::NoSuchEvent`] when `existing` was never appended.
    #[doc(hidden)]
    pub fn alias_said_for_tests(&self, existing: &str, alias: &str) -> Result<()> {
        let guard = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let base = self.snapshot();
        crate::kv::alias_said(
            Txn::new(MemWrite { _guard: guard, store: self, base, overlay: Default::default() }),
            existing,
            alias,
        )
    }

    /// Test hook: replaces the value of every record of the table named `table` with `value`.
    /// Returns whether the table exists.
    #[doc(hidden)]
    pub fn overwrite_table_for_tests(&self, table: &str, value: &[u8]) -> bool {
        let Some(t) = Table::by_name(table) else { return false };
        let _w = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let mut cur = self.current.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(map) = Arc::make_mut(&mut cur).0.get_mut(t.index()) {
            for v in map.values_mut() {
                *v = value.to_vec();
            }
        }
        true
    }
}

impl Store for MemoryStore {
    fn read(&self) -> Result<Box<dyn ReadTxn + '_>> {
        Ok(Box::new(Txn::new(MemRead(self.snapshot()))))
    }

    fn write_with(&self, _durability: Durability) -> Result<Box<dyn WriteTxn + '_>> {
        let guard = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let base = self.snapshot();
        Ok(Box::new(Txn::new(MemWrite { _guard: guard, store: self, base, overlay: Default::default() })))
    }

    fn flush(&self) -> Result<()> {
        Ok(())
    }
}

struct MemRead(Arc<Tables>);

fn bounds<'a>(lo: &'a [u8], hi: Option<&'a [u8]>) -> (Bound<&'a [u8]>, Bound<&'a [u8]>) {
    (Bound::Included(lo), hi.map_or(Bound::Unbounded, Bound::Excluded))
}

fn valid_range(lo: &[u8], hi: Option<&[u8]>) -> bool {
    hi.is_none_or(|hi| lo < hi)
}

impl KvRead for MemRead {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.0.table(table).and_then(|m| m.get(key)).cloned())
    }

    fn scan(&self, table: Table, lo: &[u8], hi: Option<&[u8]>, rev: bool, visit: Visit<'_>) -> Result<()> {
        let Some(map) = self.0.table(table) else { return Ok(()) };
        if !valid_range(lo, hi) {
            return Ok(());
        }
        let range = map.range::<[u8], _>(bounds(lo, hi));
        let iter: Box<dyn Iterator<Item = (&Vec<u8>, &Vec<u8>)>> =
            if rev { Box::new(range.rev()) } else { Box::new(range) };
        for (k, v) in iter {
            if !visit(k, v)? {
                break;
            }
        }
        Ok(())
    }
}

struct MemWrite<'s> {
    _guard: MutexGuard<'s, ()>,
    store: &'s MemoryStore,
    base: Arc<Tables>,
    overlay: [Overlay; Table::COUNT],
}

impl KvRead for MemWrite<'_> {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>> {
        if let Some(change) = self.overlay.get(table.index()).and_then(|o| o.get(key)) {
            return Ok(change.clone());
        }
        Ok(self.base.table(table).and_then(|m| m.get(key)).cloned())
    }

    fn scan(&self, table: Table, lo: &[u8], hi: Option<&[u8]>, rev: bool, visit: Visit<'_>) -> Result<()> {
        let (Some(base), Some(over)) = (self.base.table(table), self.overlay.get(table.index())) else {
            return Ok(());
        };
        if !valid_range(lo, hi) {
            return Ok(());
        }
        type It<'a, V> = Box<dyn Iterator<Item = (&'a Vec<u8>, &'a V)> + 'a>;
        let b = base.range::<[u8], _>(bounds(lo, hi));
        let o = over.range::<[u8], _>(bounds(lo, hi));
        let (mut b, mut o): (It<'_, Vec<u8>>, It<'_, Option<Vec<u8>>>) =
            if rev { (Box::new(b.rev()), Box::new(o.rev())) } else { (Box::new(b), Box::new(o)) };
        let mut nb = b.next();
        let mut no = o.next();
        loop {
            // Which side comes first in scan order; on equal keys the overlay wins.
            let (key, value): (&[u8], Option<&[u8]>) = match (nb, no) {
                (None, None) => break,
                (Some((kb, vb)), None) => {
                    nb = b.next();
                    (kb, Some(vb))
                }
                (None, Some((ko, vo))) => {
                    no = o.next();
                    (ko, vo.as_deref())
                }
                (Some((kb, vb)), Some((ko, vo))) => {
                    let ord = if rev { ko.cmp(kb) } else { kb.cmp(ko) };
                    match ord {
                        std::cmp::Ordering::Less => {
                            nb = b.next();
                            (kb, Some(vb))
                        }
                        std::cmp::Ordering::Greater => {
                            no = o.next();
                            (ko, vo.as_deref())
                        }
                        std::cmp::Ordering::Equal => {
                            nb = b.next();
                            no = o.next();
                            (ko, vo.as_deref())
                        }
                    }
                }
            };
            if let Some(value) = value
                && !visit(key, value)?
            {
                break;
            }
        }
        Ok(())
    }
}

impl KvWrite for MemWrite<'_> {
    fn put(&mut self, table: Table, key: &[u8], value: &[u8]) -> Result<()> {
        if let Some(o) = self.overlay.get_mut(table.index()) {
            o.insert(key.to_vec(), Some(value.to_vec()));
        }
        Ok(())
    }

    fn delete(&mut self, table: Table, key: &[u8]) -> Result<bool> {
        let existed = self.get(table, key)?.is_some();
        if let Some(o) = self.overlay.get_mut(table.index()) {
            o.insert(key.to_vec(), None);
        }
        Ok(existed)
    }

    fn commit(self) -> Result<()> {
        let MemWrite { _guard, store, base, overlay } = self;
        // Drop our own reference so the snapshot is copied only if a reader still holds it.
        drop(base);
        let mut cur = store.current.write().unwrap_or_else(PoisonError::into_inner);
        let tables = Arc::make_mut(&mut cur);
        for (map, changes) in tables.0.iter_mut().zip(overlay) {
            for (k, v) in changes {
                match v {
                    Some(v) => map.insert(k, v),
                    None => map.remove(&k),
                };
            }
        }
        Ok(())
    }
}
