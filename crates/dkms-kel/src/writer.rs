//! The background writer: one group of changes written on its own thread while the engine
//! validates the next group.

use std::sync::Arc;

use dkms_store::{Durability, Store};

use crate::error::{Error, Result};
use crate::journal::{Op, write_all};

/// A group of changes being written on a background thread. The thread owns the changes:
/// they are dropped there once written, and handed back only when the write failed.
pub(crate) struct Inflight {
    changes: usize,
    writer: std::thread::JoinHandle<std::result::Result<(), (Error, Vec<Op>)>>,
}

impl core::fmt::Debug for Inflight {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Inflight({} changes)", self.changes)
    }
}

impl Inflight {
    /// Starts writing `ops`; `garbage` (what the engine no longer needs) is dropped on the
    /// writer's thread too, after the write.
    pub(crate) fn start<G: Send + 'static>(
        store: Arc<dyn Store>,
        ops: Vec<Op>,
        durability: Durability,
        garbage: G,
    ) -> Self {
        let changes = ops.len();
        let writer = std::thread::spawn(move || {
            let res = write(store.as_ref(), &ops, durability);
            // Freeing cannot fail in a way that matters; it must not lose the changes either.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(garbage)));
            res.map_err(|e| (e, ops))
        });
        Self { changes, writer }
    }

    /// Whether the write has ended (successfully or not): waiting for it is then immediate.
    pub(crate) fn is_finished(&self) -> bool {
        self.writer.is_finished()
    }

    /// Waits for the write; on failure returns the error and the changes, to be retried.
    pub(crate) fn wait(self) -> std::result::Result<(), (Error, Vec<Op>)> {
        // The thread catches panics, so joining fails only if it could not even run.
        self.writer.join().unwrap_or_else(|_| Err((Error::Writer("the background writer failed"), Vec::new())))
    }
}

/// Writes `ops` in one transaction. A store that panics is an error like any other: the
/// changes stay recorded for a retry, and the engine goes on.
pub(crate) fn write(store: &dyn Store, ops: &[Op], durability: Durability) -> Result<()> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| write_all(store, ops, durability)))
        .unwrap_or(Err(Error::Writer("the store panicked while writing")))
}
