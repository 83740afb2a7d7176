//! Entry points for the fuzz targets in `fuzz/` (hidden; not a stable API).
//!
//! Each function feeds arbitrary bytes to one decoder and checks the
//! invariants that must hold for any input: no panic, and whatever decodes
//! re-encodes to exactly the bytes it was read from.

use crate::stream::{Framer, Item, Status};
use crate::{Counter, Domain, Indexer, Matter};

/// Primitive decoders in both domains; a successful decode must round-trip.
#[allow(clippy::panic, reason = "a fuzz oracle reports a broken invariant by panicking")]
pub fn primitives(data: &[u8]) {
    for domain in [Domain::Text, Domain::Binary] {
        if let Ok((m, n)) = Matter::parse(data, domain) {
            let mut out = alloc::vec::Vec::new();
            m.encode_into(domain, &mut out);
            if data.get(..n) != Some(&out[..]) {
                panic!("matter round trip differs");
            }
        }
        if let Ok((s, n)) = Indexer::parse(data, domain) {
            let mut out = alloc::vec::Vec::new();
            s.encode_into(domain, &mut out);
            if data.get(..n) != Some(&out[..]) {
                panic!("indexer round trip differs");
            }
        }
        if let Ok((c, n)) = Counter::parse(data, domain) {
            let mut out = alloc::vec::Vec::new();
            c.encode_into(domain, &mut out);
            if data.get(..n) != Some(&out[..]) {
                panic!("counter round trip differs");
            }
        }
    }
}

/// The stream framer: whole-buffer iteration, incremental feeding, and group parts.
#[allow(clippy::panic, reason = "a fuzz oracle reports a broken invariant by panicking")]
pub fn stream(data: &[u8]) {
    let framer = Framer::new();
    let mut total = 0usize;
    for msg in framer.messages(data).flatten() {
        total += msg.body.raw.len();
        for g in &msg.attachments {
            if g.parts().is_err() {
                panic!("a framed group does not re-frame");
            }
        }
    }
    if total > data.len() {
        panic!("framed more bytes than given");
    }
    // Incremental: every prefix either completes, asks for more, or errors; never more than it has.
    let mut end = 0;
    while end <= data.len() {
        let prefix = data.get(..end).unwrap_or_default();
        match framer.next_item(prefix) {
            Ok(Status::Done(item, n)) => {
                if n > prefix.len() || n == 0 {
                    panic!("item length out of range");
                }
                if let Item::Group(g) = item
                    && g.raw.len() != n
                {
                    panic!("group length mismatch");
                }
            }
            Ok(Status::Incomplete(needed)) => {
                if needed == 0 {
                    panic!("incomplete with zero bytes needed");
                }
            }
            Err(_) => {}
        }
        end += 1 + end / 4;
    }
}
