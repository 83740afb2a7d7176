//! dkms-store integration tests: one conformance suite run against every backend, crash safety of
//! the redb backend (SIGKILL of an importer child), and the store-in-use lock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]
#![cfg_attr(not(all(feature = "memory", feature = "redb")), allow(dead_code, reason = "helpers of the other backend"))]

mod conformance;
#[cfg(all(feature = "redb", unix))]
mod crash;
#[cfg(feature = "redb")]
mod locking;

use std::path::PathBuf;

/// A fresh path in the temp directory, unique per process and call (the file does not exist).
pub(crate) fn temp_path(name: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("dkms-store-test-{}-{name}-{n}.redb", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

/// Removes the file when dropped.
pub(crate) struct Cleanup(pub(crate) PathBuf);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
