//! Integration tests of dkms-kel against keripy 1.1.17 scenarios.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

mod adversary;
mod dispositions;
mod interop;
mod keripy_scenarios;
mod keripy_streams;
mod parallel;
mod persistence;
mod properties;
mod rules;

use std::cell::Cell;
use std::sync::Arc;

use dkms_kel::{Config, Kevery};

thread_local! {
    /// When set, `kevery` gives validators over a store that commit after every message,
    /// so that every rule reads accepted events back from the store.
    static THROUGH_STORE: Cell<bool> = const { Cell::new(false) };
}

/// A validator for a test: in memory, or through a store (see [`through_store`]).
pub(crate) fn kevery(config: Config) -> Kevery {
    if THROUGH_STORE.get() {
        let config = Config { group_commit_ops: 1, ..config };
        Kevery::open(Arc::new(dkms_store::MemoryStore::new()), config).unwrap()
    } else {
        Kevery::new(config)
    }
}

/// Runs a test body with validators over a store.
pub(crate) fn through_store(f: impl FnOnce()) {
    THROUGH_STORE.set(true);
    f();
    THROUGH_STORE.set(false);
}

/// Test shorthands: a message or a stream at a fixed time (microseconds).
pub(crate) trait At {
    fn process_at(&mut self, sm: dkms_event::signed::SignedMessage, now: u64) -> dkms_kel::Outcome;
    fn ingest_at(&mut self, bytes: &[u8], now: u64) -> dkms_kel::Report;
    fn expire_at(&mut self, now: u64) -> usize;
}

impl At for Kevery {
    fn process_at(&mut self, sm: dkms_event::signed::SignedMessage, now: u64) -> dkms_kel::Outcome {
        self.set_clock(dkms_kel::Clock::fixed(now));
        self.process(sm)
    }

    fn ingest_at(&mut self, bytes: &[u8], now: u64) -> dkms_kel::Report {
        let report = self.ingest(bytes, dkms_kel::Options::default().clock(dkms_kel::Clock::fixed(now))).unwrap();
        assert!(report.balanced(), "dispositions do not add up: {report:?}");
        report
    }

    fn expire_at(&mut self, now: u64) -> usize {
        self.set_clock(dkms_kel::Clock::fixed(now));
        self.expire().unwrap()
    }
}
