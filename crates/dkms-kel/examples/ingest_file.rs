//! Ingests a CESR stream file into a fresh in-memory validator and prints the report
//! (a profiling and smoke tool: `cargo run --release -p dkms-kel --example ingest_file -- FILE`).
//! With `--floor` it does only what any validator must do per event instead — one strict
//! Ed25519 verify, one blake3 of the body and one JSON parse — for instruction-count ratios
//! under `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*measured_*'`
//! (only the measured part counts: not reading the file, nor preparing the floor's inputs). With `--store memory|redb:PATH` it ingests through a store; with `--threads N` it uses
//! the parallel pipeline with N verifier threads.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, reason = "example tool")]

use std::sync::Arc;

use dkms_cesr::stream::Framer;
use dkms_event::signed::SignedMessage;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: ingest_file FILE [--floor | --store memory|redb:PATH | --threads N]");
    let bytes = std::fs::read(path).expect("readable file");
    let start = std::time::Instant::now();
    let events = match args.get(2).map(String::as_str) {
        Some("--floor") => floor(&bytes),
        Some("--store") => {
            let spec = args.get(3).expect("store spec");
            let store: Arc<dyn dkms_store::Store> = match spec.strip_prefix("redb:") {
                Some(p) => Arc::new(dkms_store::RedbStore::open(p).unwrap()),
                None => Arc::new(dkms_store::MemoryStore::new()),
            };
            let mut k = dkms_kel::Kevery::open(store, dkms_kel::Config::default()).unwrap();
            measured_ingest(&mut k, &bytes)
        }
        Some("--threads") => {
            let threads: usize = args.get(3).expect("thread count").parse().expect("a number");
            measured_parallel(&mut dkms_kel::Kevery::default(), &bytes, threads)
        }
        _ => measured_ingest(&mut dkms_kel::Kevery::default(), &bytes),
    };
    let took = start.elapsed();
    println!(
        "{events} events in {:.1} ms ({:.1} µs/event)",
        took.as_secs_f64() * 1e3,
        took.as_secs_f64() * 1e6 / events.max(1) as f64
    );
}

/// Per event: strict Ed25519 verify (bare ed25519-dalek `verify_strict`) + blake3 of the
/// body + JSON parse (serde_json).
fn floor(bytes: &[u8]) -> usize {
    let mut inputs = Vec::new();
    // The current key of each identifier (an inception or rotation sets it).
    let mut keys = std::collections::HashMap::new();
    for m in Framer::new().messages(bytes) {
        let s = SignedMessage::from_framed(&m.unwrap()).unwrap();
        let prefix = s.message.prefix().unwrap().qb64();
        if let Some(k) = s.message.body().keys() {
            let raw: [u8; 32] = k[0].matter().raw().try_into().unwrap();
            keys.insert(prefix.clone(), ed25519_dalek::VerifyingKey::from_bytes(&raw).unwrap());
        }
        let raw: [u8; 64] = s.attachments.controller_sigs[0].raw().try_into().unwrap();
        inputs.push((s.message.raw().to_vec(), keys[&prefix], ed25519_dalek::Signature::from_bytes(&raw)));
    }
    let t = std::time::Instant::now();
    measured_floor(&inputs);
    eprintln!("floor loop alone: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    inputs.len()
}

/// The floor's per-event work, alone (callgrind: `--toggle-collect=*measured_*`).
#[inline(never)]
fn measured_floor(inputs: &[(Vec<u8>, ed25519_dalek::VerifyingKey, ed25519_dalek::Signature)]) {
    for (body, key, sig) in inputs {
        key.verify_strict(body, sig).unwrap();
        std::hint::black_box(blake3::hash(body));
        std::hint::black_box(serde_json::from_slice::<serde_json::Value>(body).unwrap());
    }
}

/// Our parallel ingest of the stream, alone (callgrind: `--toggle-collect=*measured_*`).
#[inline(never)]
fn measured_parallel(k: &mut dkms_kel::Kevery, bytes: &[u8], threads: usize) -> usize {
    k.ingest(bytes, dkms_kel::Options::default().threads(threads).clock(dkms_kel::Clock::fixed(1)))
        .map_or(0, |r| r.accepted)
}

/// Our whole ingest of the stream, alone (callgrind: `--toggle-collect=*measured_*`).
#[inline(never)]
fn measured_ingest(k: &mut dkms_kel::Kevery, bytes: &[u8]) -> usize {
    k.ingest(bytes, dkms_kel::Options::default().clock(dkms_kel::Clock::fixed(1))).map_or(0, |r| r.accepted)
}
