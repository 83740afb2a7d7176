//! KEL ingest: keripy's 10k-event single-key KEL into the validator, in memory and
//! durable (redb, group commits), next to the floor measured in the same run: per
//! event one strict Ed25519 verify (ed25519-dalek's `verify_strict`, the bare crate)
//! and one blake3 of the body and one JSON parse. Also the parallel pipeline with two
//! verifier threads, in memory and into redb.
//!
//! The multi-identifier workload: keripy's `multi_2000.cesr` (2 000 identifiers, each `icp`,
//! `ixn`, `rot`, `ixn`, `ixn`, interleaved round-robin: 10 000 events), in memory, into redb,
//! and its floor (each identifier's current key tracked).
//!
//! Key state lookup: with 1 000 identifiers, `Kevery::state` in memory, and a key state read
//! back from redb (read transaction, lookup, decode).
//!
//! `DKMS_KEL_PAIRED=1 cargo bench -p dkms-benches --bench kel` first prints a paired table:
//! the floor and each ingest mode alternate, the fastest of several rounds of each is kept,
//! and each is shown as a ratio to the floor (this cancels drift in the machine's load).
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
const MULTI_2000: &[u8] = include_bytes!("../data/keripy-1.1.17/multi_2000.cesr");

/// (body, key, signature) per event of `stream`, for the floor: the key is the identifier's
/// current one (set by its inception and each rotation).
fn floor_inputs(stream: &[u8]) -> Vec<(Vec<u8>, VerifyingKey, Signature)> {
    let mut out = Vec::new();
    let mut keys = std::collections::HashMap::new();
    for m in Framer::new().messages(stream) {
        let s = SignedMessage::from_framed(&m.expect("frames")).expect("parses");
        let prefix = s.message.prefix().unwrap().qb64();
        if let Some(k) = s.message.body().keys() {
            let raw: [u8; 32] = k[0].matter().raw().try_into().unwrap();
            keys.insert(prefix.clone(), VerifyingKey::from_bytes(&raw).unwrap());
        }
        let raw: [u8; 64] = s.attachments.controller_sigs[0].raw().try_into().unwrap();
        out.push((s.message.raw().to_vec(), keys[&prefix], Signature::from_bytes(&raw)));
    }
    out
}

fn floor(inputs: &[(Vec<u8>, VerifyingKey, Signature)]) {
    for (body, key, sig) in inputs {
        key.verify_strict(body, sig).unwrap();
        black_box(blake3::hash(body));
        black_box(serde_json::from_slice::<serde_json::Value>(body).unwrap());
    }
}

/// Ingests `stream` (10 000 events) into a fresh validator: no store, a `MemoryStore`, or
/// redb at `path`.
fn ingest_stream(stream: &[u8], store: Option<Option<&std::path::Path>>, threads: usize) {
    let mut k = match store {
        None => Kevery::default(),
        Some(None) => Kevery::open(Arc::new(MemoryStore::new()), Config::default()).unwrap(),
        Some(Some(path)) => Kevery::open(Arc::new(RedbStore::open(path).unwrap()), Config::default()).unwrap(),
    };
    let r = k.ingest(stream, dkms_kel::Options::default().threads(threads).clock(dkms_kel::Clock::fixed(1))).unwrap();
    assert_eq!(r.accepted, 10_000);
}

/// Ingests keripy's 10k KEL (see [`ingest_stream`]).
fn ingest(store: Option<Option<&std::path::Path>>, threads: usize) {
    ingest_stream(KEL_10K, store, threads);
}

/// The paired table (see the module docs).
fn paired(
    inputs: &[(Vec<u8>, VerifyingKey, Signature)],
    multi: &[(Vec<u8>, VerifyingKey, Signature)],
    dir: &std::path::Path,
) {
    let redb = dir.join("paired.redb");
    type Mode<'a> = (&'static str, Box<dyn Fn() + 'a>);
    let modes: [Mode<'_>; 6] = [
        ("floor (verify_strict + blake3 + serde_json)", Box::new(|| floor(inputs))),
        ("memory, no store, 1 thread", Box::new(|| ingest(None, 1))),
        ("MemoryStore, 1 thread", Box::new(|| ingest(Some(None), 1))),
        (
            "redb, group commits, 1 thread",
            Box::new(|| {
                ingest(Some(Some(&redb)), 1);
                let _ = std::fs::remove_file(&redb);
            }),
        ),
        ("memory, no store, 2 verifier threads", Box::new(|| ingest(None, 2))),
        (
            "redb, group commits, 2 verifier threads",
            Box::new(|| {
                ingest(Some(Some(&redb)), 2);
                let _ = std::fs::remove_file(&redb);
            }),
        ),
    ];
    let mut best = [f64::MAX; 6];
    for _ in 0..5 {
        for (i, (_, f)) in modes.iter().enumerate() {
            let t = std::time::Instant::now();
            f();
            best[i] = best[i].min(t.elapsed().as_secs_f64());
        }
    }
    println!("\nkeripy's 10k single-key KEL, fastest of 5 alternating rounds:");
    for (i, (name, _)) in modes.iter().enumerate() {
        println!(
            "  {name:<42} {:>8.1} ms  {:>7.0} events/s  {:>5.3}x floor",
            best[i] * 1e3,
            10_000.0 / best[i],
            best[i] / best[0]
        );
    }
    println!();
    paired_multi(multi, &redb);
}

/// The multi-identifier rows of the paired table.
fn paired_multi(inputs: &[(Vec<u8>, VerifyingKey, Signature)], redb: &std::path::Path) {
    type Mode<'a> = (&'static str, Box<dyn Fn() + 'a>);
    let modes: [Mode<'_>; 4] = [
        ("floor (verify_strict + blake3 + serde_json)", Box::new(|| floor(inputs))),
        ("memory, no store, 1 thread", Box::new(|| ingest_stream(MULTI_2000, None, 1))),
        (
            "redb, group commits, 1 thread",
            Box::new(|| {
                ingest_stream(MULTI_2000, Some(Some(redb)), 1);
                let _ = std::fs::remove_file(redb);
            }),
        ),
        ("memory, no store, 2 verifier threads", Box::new(|| ingest_stream(MULTI_2000, None, 2))),
    ];
    let mut best = [f64::MAX; 4];
    let mut redb_over_memory = Vec::new();
    for _ in 0..5 {
        let mut round = [0.0; 4];
        for (i, (_, f)) in modes.iter().enumerate() {
            let t = std::time::Instant::now();
            f();
            round[i] = t.elapsed().as_secs_f64();
            best[i] = best[i].min(round[i]);
        }
        redb_over_memory.push(round[1] / round[2]);
    }
    println!("keripy's 2 000-identifier stream (multi_2000, 10 000 events), fastest of 5 alternating rounds:");
    for (i, (name, _)) in modes.iter().enumerate() {
        println!(
            "  {name:<42} {:>8.1} ms  {:>7.0} events/s  {:>5.3}x floor",
            best[i] * 1e3,
            10_000.0 / best[i],
            best[i] / best[0]
        );
    }
    redb_over_memory.sort_by(f64::total_cmp);
    println!(
        "  redb rate ÷ memory rate per round: median {:.3} (range {:.3}–{:.3})\n",
        redb_over_memory[2], redb_over_memory[0], redb_over_memory[4]
    );
}

fn bench(c: &mut Criterion) {
    let inputs = floor_inputs(KEL_10K);
    let multi = floor_inputs(MULTI_2000);
    let events = inputs.len() as u64;
    let mut g = c.benchmark_group("kel_ingest_10k");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(events));
    let dir = std::env::temp_dir().join(format!("dkms-kel-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    if std::env::var_os("DKMS_KEL_PAIRED").is_some() {
        paired(&inputs, &multi, &dir);
    }
    g.bench_function("floor_verify_blake3_json", |b| b.iter(|| floor(&inputs)));
    g.bench_function("memory_no_store", |b| {
        b.iter(|| {
            let mut k = Kevery::default();
            let r = k.ingest(KEL_10K, dkms_kel::Options::default().clock(dkms_kel::Clock::fixed(1))).unwrap();
            assert_eq!(r.accepted, 10_000);
        })
    });
    g.bench_function("memory_store", |b| {
        b.iter(|| {
            let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
            let mut k = Kevery::open(store, Config::default()).unwrap();
            let r = k.ingest(KEL_10K, dkms_kel::Options::default().clock(dkms_kel::Clock::fixed(1))).unwrap();
            assert_eq!(r.accepted, 10_000);
        })
    });
    g.bench_function("memory_no_store_2_threads", |b| b.iter(|| ingest(None, 2)));
    let mut n = 0;
    g.bench_function("redb_group_commit", |b| {
        b.iter(|| {
            n += 1;
            let path = dir.join(format!("s{n}.redb"));
            let store: Arc<dyn Store> = Arc::new(RedbStore::open(&path).unwrap());
            let mut k = Kevery::open(store, Config::default()).unwrap();
            let r = k.ingest(KEL_10K, dkms_kel::Options::default().clock(dkms_kel::Clock::fixed(1))).unwrap();
            assert_eq!(r.accepted, 10_000);
            drop(k);
            let _ = std::fs::remove_file(&path);
        })
    });
    g.bench_function("redb_group_commit_2_threads", |b| {
        b.iter(|| {
            n += 1;
            let path = dir.join(format!("s{n}.redb"));
            ingest(Some(Some(&path)), 2);
            let _ = std::fs::remove_file(&path);
        })
    });
    g.finish();
    let mut g = c.benchmark_group("kel_ingest_multi_2000");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(multi.len() as u64));
    g.bench_function("floor_verify_blake3_json", |b| b.iter(|| floor(&multi)));
    g.bench_function("memory_no_store", |b| b.iter(|| ingest_stream(MULTI_2000, None, 1)));
    g.bench_function("redb_group_commit", |b| {
        b.iter(|| {
            n += 1;
            let path = dir.join(format!("s{n}.redb"));
            ingest_stream(MULTI_2000, Some(Some(&path)), 1);
            let _ = std::fs::remove_file(&path);
        })
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

/// 1 000 single-event KELs (inceptions made with our builders and signers: a load, not vectors).
fn inceptions(n: u64) -> Vec<u8> {
    use dkms_crypto::secrecy::SecretBox;
    use dkms_crypto::{Algorithm, Signer, SoftSigner};
    use dkms_event::builder::Incept;
    use dkms_event::primitives::{Digest, Verkey};
    use dkms_event::signed::Attachments;
    let signer = |i: u64| {
        let mut seed = [9u8; 32];
        seed[..8].copy_from_slice(&i.to_le_bytes());
        SoftSigner::from_seed(Algorithm::Ed25519, &SecretBox::new(Box::new(seed)), true).unwrap()
    };
    let mut out = Vec::new();
    for i in 0..n {
        let (cur, next) = (signer(2 * i), signer(2 * i + 1));
        let commit = dkms_crypto::digest(dkms_cesr::MatterCode::Blake3_256, next.verfer().qb64().as_bytes()).unwrap();
        let icp = Incept {
            keys: vec![Verkey::parse(&cur.verfer().qb64(), "k").unwrap()],
            next: vec![Digest::new(commit).unwrap()],
            prefix_code: Some(dkms_cesr::MatterCode::Blake3_256),
            ..Default::default()
        }
        .build()
        .unwrap();
        let sig = cur.sign_indexed(icp.raw(), 0, false, None).unwrap();
        let attachments = Attachments { controller_sigs: vec![sig], ..Attachments::default() };
        out.extend(SignedMessage { message: icp, attachments }.to_cesr(dkms_cesr::Domain::Text, false).unwrap());
    }
    out
}

fn key_state(c: &mut Criterion) {
    let stream = inceptions(1000);
    let mut k = Kevery::default();
    assert_eq!(
        k.ingest(&stream, dkms_kel::Options::default().clock(dkms_kel::Clock::fixed(1))).unwrap().accepted,
        1000
    );
    let prefixes: Vec<String> = k.prefixes().iter().map(|p| (*p).to_owned()).collect();
    let dir = std::env::temp_dir().join(format!("dkms-state-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store: Arc<dyn Store> = Arc::new(RedbStore::open(dir.join("states.redb")).unwrap());
    let mut durable = Kevery::open(Arc::clone(&store), Config::default()).unwrap();
    assert_eq!(
        durable.ingest(&stream, dkms_kel::Options::default().clock(dkms_kel::Clock::fixed(1))).unwrap().accepted,
        1000
    );
    let mut g = c.benchmark_group("key_state_1000_identifiers");
    g.throughput(Throughput::Elements(1));
    let mut i = 0;
    g.bench_function("memory_state", |b| {
        b.iter(|| {
            i = (i + 1) % prefixes.len();
            black_box(k.state(&prefixes[i]).unwrap().sn())
        })
    });
    g.bench_function("redb_read_decode", |b| {
        b.iter(|| {
            i = (i + 1) % prefixes.len();
            let blob = store.read().unwrap().state(&prefixes[i]).unwrap().unwrap();
            black_box(dkms_kel::KeyState::from_blob(&blob).unwrap().sn())
        })
    });
    g.finish();
    drop((durable, store));
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench, key_state);
criterion_main!(benches);
