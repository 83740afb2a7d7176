//! Entry points for the fuzz targets in `fuzz/` (hidden; not a stable API).

use crate::kevery::{Config, Kevery};

/// The validator fed arbitrary bytes (structure-aware when seeded with keripy
/// streams): never panics, every message is counted once, and no identifier gets
/// further than the number of messages allows.
#[allow(clippy::panic, reason = "a fuzz oracle reports a broken invariant by panicking")]
pub fn ingest(data: &[u8]) {
    let mut k = Kevery::new(Config { max_escrow_per_prefix: 64, max_escrow_total: 256, ..Config::default() });
    let report = k.ingest(data, 1);
    let messages = report.accepted + report.rejected + report.duplicates + report.ignored + report.escrowed;
    if report.accepted > messages {
        panic!("accepted more than was given");
    }
    for p in k.prefixes() {
        if let Some(s) = k.state(p)
            && s.sn > messages as u128
        {
            panic!("key state ahead of the stream");
        }
    }
    // Replaying the same bytes changes nothing that was accepted.
    let before: Vec<_> = k.prefixes().iter().map(|p| k.state(p).map(|s| s.said.clone())).collect();
    k.ingest(data, 2);
    let after: Vec<_> = k.prefixes().iter().map(|p| k.state(p).map(|s| s.said.clone())).collect();
    if before.len() > after.len() {
        panic!("replay lost an identifier");
    }
}
