//! Store benches: append throughput (events/s) of each backend with a durable commit per event, a
//! deferred commit per event (one flush per iteration), and group commits of 1000 events; and
//! read-back of a 10k-event KEL (entries, bodies and signatures).
//!
//! An "event" is what the KEL engine writes for one accepted event: a first-seen entry with a
//! 300-byte body, one controller signature and the prefix's key state. SAIDs are random-looking
//! (hashes), as real ones are, so the SAID index sees the same insert pattern. redb files go to the temp directory.
#![allow(missing_docs, reason = "criterion's macros generate undocumented items")]
#![allow(clippy::expect_used, reason = "bench setup on fresh stores")]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dkms_store::{AttachmentKind, Durability, MemoryStore, RedbStore, Store, WriteTxn};

const PREFIX: &str = "EBenchPrefix00000000000000000000000000000000";
const BODY: [u8; 300] = [b'x'; 300];
const GROUP: u64 = 1000;
const PER_EVENT: u64 = 100;
const READ_KEL: u64 = 10_000;

fn said(i: u64) -> String {
    // A 43-character pseudo-random tail (splitmix64 of i, four times), like a digest's.
    let mut x = i;
    let mut tail = String::with_capacity(44);
    tail.push('E');
    while tail.len() < 44 {
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        tail.push_str(&format!("{z:016x}"));
    }
    tail.truncate(44);
    tail
}

fn append(w: &mut dyn WriteTxn, prefix: &str, i: u64) {
    let s = said(i);
    w.append_kel(prefix, u128::from(i), &s, i, &BODY).expect("append");
    w.set_attachments(AttachmentKind::ControllerSigs, &s, &[format!("AA{i:086}")]).expect("sigs");
    w.put_state(prefix, &i.to_be_bytes()).expect("state");
}

fn temp_file(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("dkms-bench-{}-{name}.redb", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

/// A store of each backend, and the file to remove afterwards.
fn stores(name: &str) -> Vec<(&'static str, Box<dyn Store>, Option<PathBuf>)> {
    let path = temp_file(name);
    vec![
        ("memory", Box::new(MemoryStore::new()), None),
        ("redb", Box::new(RedbStore::open(&path).expect("open redb")), Some(path)),
    ]
}

fn append_throughput(c: &mut Criterion) {
    let mut g = c.benchmark_group("store_append");
    g.sample_size(10).measurement_time(Duration::from_secs(5)).warm_up_time(Duration::from_secs(1));
    for (backend, store, path) in stores("append") {
        // Each iteration appends to a fresh prefix so every KEL starts at sn 0.
        let mut round = 0u64;
        let mut next_prefix = move || {
            round += 1;
            format!("EBench{round:038}")
        };
        g.throughput(Throughput::Elements(PER_EVENT));
        g.bench_function(BenchmarkId::new("durable_commit_per_event", backend), |b| {
            b.iter(|| {
                let p = next_prefix();
                for i in 0..PER_EVENT {
                    let mut w = store.write().expect("write");
                    append(&mut *w, &p, i);
                    w.commit().expect("commit");
                }
            });
        });
        g.throughput(Throughput::Elements(GROUP));
        g.bench_function(BenchmarkId::new("deferred_commit_per_event_then_flush", backend), |b| {
            b.iter(|| {
                let p = next_prefix();
                for i in 0..GROUP {
                    let mut w = store.write_with(Durability::Deferred).expect("write");
                    append(&mut *w, &p, i);
                    w.commit().expect("commit");
                }
                store.flush().expect("flush");
            });
        });
        g.bench_function(BenchmarkId::new("group_commit_1000", backend), |b| {
            b.iter(|| {
                let p = next_prefix();
                let mut w = store.write().expect("write");
                for i in 0..GROUP {
                    append(&mut *w, &p, i);
                }
                w.commit().expect("commit");
            });
        });
        drop(store);
        if let Some(path) = path {
            let _ = std::fs::remove_file(path);
        }
    }
    g.finish();
}

fn read_back(c: &mut Criterion) {
    let mut g = c.benchmark_group("store_read_kel_10k");
    g.sample_size(10).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    g.throughput(Throughput::Elements(READ_KEL));
    for (backend, store, path) in stores("read") {
        let mut w = store.write().expect("write");
        for i in 0..READ_KEL {
            append(&mut *w, PREFIX, i);
        }
        w.commit().expect("commit");
        g.bench_function(BenchmarkId::new("kel_bodies_sigs", backend), |b| {
            b.iter(|| {
                let r = store.read().expect("read");
                let kel = r.kel(PREFIX, 0).expect("kel");
                assert_eq!(kel.len(), 10_000);
                for e in &kel {
                    let record = r.event_record(&e.said).expect("event").expect("stored");
                    black_box(record.attachments(AttachmentKind::ControllerSigs));
                }
            });
        });
        g.bench_function(BenchmarkId::new("kel_entries_only", backend), |b| {
            b.iter(|| black_box(store.read().expect("read").kel(PREFIX, 0).expect("kel")));
        });
        drop(store);
        if let Some(path) = path {
            let _ = std::fs::remove_file(path);
        }
    }
    g.finish();
}

criterion_group!(benches, append_throughput, read_back);
criterion_main!(benches);
