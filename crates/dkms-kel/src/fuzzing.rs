//! Entry points for the fuzz targets in `fuzz/` (hidden; not a stable API).

use crate::clock::Clock;
use crate::ingest::Options;
use crate::kevery::{Config, Kevery};

/// The validator fed arbitrary bytes (structure-aware when seeded with keripy
/// streams): never panics, every message is counted once, and no identifier gets
/// further than the number of messages allows.
#[allow(clippy::panic, reason = "a fuzz oracle reports a broken invariant by panicking")]
pub fn ingest(data: &[u8]) {
    let mut k = Kevery::new(Config { max_escrow_per_prefix: 64, max_escrow_total: 256, ..Config::default() });
    let Ok(report) = k.ingest(data, Options::default().clock(Clock::fixed(1))) else {
        panic!("reading a byte slice failed");
    };
    if !report.balanced() {
        panic!("the dispositions do not add up to the messages: {report:?}");
    }
    if report.errors.len() + report.errors_omitted != report.rejected {
        panic!("one error per rejected message: {report:?}");
    }
    if report.pending.len() + report.pending_omitted != report.escrowed {
        panic!("one pending entry per escrowed message: {report:?}");
    }
    let held: usize = k.escrowed().values().sum();
    if held > 256 {
        panic!("escrow beyond its limit: {held}");
    }
    let messages = report.messages;
    for p in k.prefixes() {
        if let Some(s) = k.state(p)
            && s.sn > messages as u128
        {
            panic!("key state ahead of the stream");
        }
    }
    // Replaying the same bytes changes nothing that was accepted.
    let before: Vec<_> = k.prefixes().iter().map(|p| k.state(p).map(|s| s.said.clone())).collect();
    let _ = k.ingest(data, Options::default().clock(Clock::fixed(2)));
    let after: Vec<_> = k.prefixes().iter().map(|p| k.state(p).map(|s| s.said.clone())).collect();
    if before.len() > after.len() {
        panic!("replay lost an identifier");
    }
}
