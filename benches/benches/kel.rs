//! KEL ingest: keripy's 10k-event single-key KEL into the validator, in memory and
//! durable (redb, group commits), next to the floor measured in the same run: per
//! event one strict Ed25519 verify (ed25519-dalek's `verify_strict`, the bare crate)
//! + one blake3 of the body + one JSON parse.
#![allow(missing_docs, reason = "criterion's macros generate undocumented items")]
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "bench setup on fixed, committed inputs"
)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dkms_cesr::stream::Framer;
use dkms_event::signed::SignedMessage;
use dkms_kel::{Config, Kevery};
use dkms_store::{MemoryStore, RedbStore, Store};
use ed25519_dalek::{Signature, VerifyingKey};

const KEL_10K: &[u8] = include_bytes!("../data/keripy-1.1.17/kel_single_key_10k.cesr");

/// (body, key, signature) per event, for the floor.
fn floor_inputs() -> Vec<(Vec<u8>, VerifyingKey, Signature)> {
    let mut out = Vec::new();
    let mut key = None;
    for m in Framer::new().messages(KEL_10K) {
        let s = SignedMessage::from_framed(&m.expect("frames")).expect("parses");
        if let dkms_event::Body::Inception(b) = s.message.body() {
            let raw: [u8; 32] = b.keys[0].matter().raw().try_into().unwrap();
            key = Some(VerifyingKey::from_bytes(&raw).unwrap());
        }
        let raw: [u8; 64] = s.attachments.controller_sigs[0].raw().try_into().unwrap();
        out.push((s.message.raw().to_vec(), key.unwrap(), Signature::from_bytes(&raw)));
    }
    out
}

fn bench(c: &mut Criterion) {
    let inputs = floor_inputs();
    let events = inputs.len() as u64;
    let mut g = c.benchmark_group("kel_ingest_10k");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(events));
    g.bench_function("floor_verify_blake3_json", |b| {
        b.iter(|| {
            for (body, key, sig) in &inputs {
                key.verify_strict(body, sig).unwrap();
                black_box(blake3::hash(body));
                black_box(serde_json::from_slice::<serde_json::Value>(body).unwrap());
            }
        })
    });
    g.bench_function("memory_no_store", |b| {
        b.iter(|| {
            let mut k = Kevery::default();
            let r = k.ingest(KEL_10K, 1);
            assert_eq!(r.accepted, 10_000);
        })
    });
    g.bench_function("memory_store", |b| {
        b.iter(|| {
            let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
            let mut k = Kevery::open(store, Config::default()).unwrap();
            let r = k.ingest(KEL_10K, 1);
            assert_eq!(r.accepted, 10_000);
        })
    });
    let dir = std::env::temp_dir().join(format!("dkms-kel-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut n = 0;
    g.bench_function("redb_group_commit", |b| {
        b.iter(|| {
            n += 1;
            let path = dir.join(format!("s{n}.redb"));
            let store: Arc<dyn Store> = Arc::new(RedbStore::open(&path).unwrap());
            let mut k = Kevery::open(store, Config::default()).unwrap();
            let r = k.ingest(KEL_10K, 1);
            assert_eq!(r.accepted, 10_000);
            drop(k);
            let _ = std::fs::remove_file(&path);
        })
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
