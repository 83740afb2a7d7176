//! Long-stream check of bounded memory and flat per-event cost.
//!
//! ```text
//! stress generate N FILE            # a KEL of N events: inception, interactions, a rotation every 1000
//! stress generate-multi N FILE      # N identifiers, each icp, ixn, rot, ixn, ixn, round-robin by step
//! stress ingest FILE [--threads T] [--store memory | redb:PATH] [--cache MiB]
//! ```
//!
//! `ingest` reads the stream through the bounded streaming reader (never the whole file in
//! memory), prints events/s and the process's peak resident memory (VmHWM). The stream is
//! made with our builders and signers: it is a load, not a vector (the keripy-made KELs in
//! `benches/data/` are the vectors).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, reason = "example tool")]

use std::io::Write;
use std::sync::Arc;

use dkms_cesr::{Domain, MatterCode};
use dkms_crypto::secrecy::SecretBox;
use dkms_crypto::{Algorithm, Signer, SoftSigner};
use dkms_event::builder::{Incept, Interact, Rotate};
use dkms_event::message::Message;
use dkms_event::primitives::{Digest, Verkey};
use dkms_event::signed::{Attachments, SignedMessage};

fn signer(i: u64) -> SoftSigner {
    let mut seed = [7u8; 32];
    seed[..8].copy_from_slice(&i.to_le_bytes());
    SoftSigner::from_seed(Algorithm::Ed25519, &SecretBox::new(Box::new(seed)), true).unwrap()
}

fn verkey(s: &SoftSigner) -> Verkey {
    Verkey::parse(&s.verfer().qb64(), "k").unwrap()
}

fn commit(s: &SoftSigner) -> Digest {
    Digest::new(dkms_crypto::digest(MatterCode::Blake3_256, s.verfer().qb64().as_bytes()).unwrap()).unwrap()
}

fn signed(m: Message, s: &SoftSigner) -> Vec<u8> {
    let sig = s.sign_indexed(m.raw(), 0, false, None).unwrap();
    SignedMessage { message: m, attachments: Attachments { controller_sigs: vec![sig], ..Attachments::default() } }
        .to_cesr(Domain::Text, false)
        .unwrap()
}

fn generate(n: u64, path: &str) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let (mut key, mut cur, mut next) = (0u64, signer(0), signer(1));
    let icp = Incept {
        keys: vec![verkey(&cur)],
        next: vec![commit(&next)],
        prefix_code: Some(MatterCode::Blake3_256),
        ..Default::default()
    }
    .build()
    .unwrap();
    let pre = icp.prefix().unwrap().clone();
    let mut prior = icp.said().clone();
    out.write_all(&signed(icp, &cur)).unwrap();
    for sn in 1..u128::from(n) {
        let m = if sn % 1000 == 0 {
            key += 1;
            let after = signer(key + 1);
            let m =
                Rotate::new(pre.clone(), sn, prior.clone(), vec![verkey(&next)], vec![commit(&after)]).build().unwrap();
            cur = std::mem::replace(&mut next, after);
            m
        } else {
            Interact { prefix: pre.clone(), sn, prior: prior.clone(), anchors: vec![], kind: None }.build().unwrap()
        };
        prior = m.said().clone();
        out.write_all(&signed(m, &cur)).unwrap();
    }
    out.flush().unwrap();
    eprintln!("wrote {n} events of {} to {path}", pre.qb64());
}

/// The shape of keripy's `multi_N.cesr` (`interop/keripy/kel_bench.py --multi N`), made with our
/// builders and signers: `n` identifiers, each `icp`, `ixn`, `rot`, `ixn`, `ixn` (one Ed25519
/// key), written step by step: every `icp`, then every first `ixn`, then every `rot`, ...
fn generate_multi(n: u64, path: &str) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    // (prefix, prior SAID, current signer, next signer) per identifier.
    let mut ids = Vec::new();
    for i in 0..n {
        let (cur, next) = (signer(3 * i + (1 << 40)), signer(3 * i + 1 + (1 << 40)));
        let icp = Incept {
            keys: vec![verkey(&cur)],
            next: vec![commit(&next)],
            prefix_code: Some(MatterCode::Blake3_256),
            ..Default::default()
        }
        .build()
        .unwrap();
        let pre = icp.prefix().unwrap().clone();
        let prior = icp.said().clone();
        out.write_all(&signed(icp, &cur)).unwrap();
        ids.push((pre, prior, cur, next, i));
    }
    for sn in 1..5u128 {
        for (pre, prior, cur, next, i) in &mut ids {
            let m = if sn == 2 {
                let after = signer(3 * *i + 2 + (1 << 40));
                let m = Rotate::new(pre.clone(), sn, prior.clone(), vec![verkey(next)], vec![commit(&after)])
                    .build()
                    .unwrap();
                *cur = std::mem::replace(next, after);
                m
            } else {
                Interact { prefix: pre.clone(), sn, prior: prior.clone(), anchors: vec![], kind: None }.build().unwrap()
            };
            *prior = m.said().clone();
            out.write_all(&signed(m, cur)).unwrap();
        }
    }
    out.flush().unwrap();
    eprintln!("wrote {n} identifiers, {} events, to {path}", 5 * n);
}

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn ingest(args: &[String]) {
    let path = &args[0];
    let opt = |name: &str| args.iter().position(|a| a == name).map(|i| args[i + 1].clone());
    let threads: usize = opt("--threads").map_or(1, |t| t.parse().unwrap());
    let cache_mib: usize = opt("--cache").map_or(32, |c| c.parse().unwrap());
    let group: usize = opt("--group").map_or(dkms_kel::Config::default().group_commit_ops, |g| g.parse().unwrap());
    let config = || dkms_kel::Config { group_commit_ops: group, ..dkms_kel::Config::default() };
    let mut kevery = match opt("--store").as_deref() {
        None => dkms_kel::Kevery::default(),
        Some("memory") => dkms_kel::Kevery::open(Arc::new(dkms_store::MemoryStore::new()), config()).unwrap(),
        Some(spec) => {
            let p = spec.strip_prefix("redb:").expect("--store memory | redb:PATH");
            let store = dkms_store::RedbStore::open_with_cache(p, cache_mib << 20).unwrap();
            dkms_kel::Kevery::open(Arc::new(store), config()).unwrap()
        }
    };
    let bytes = std::fs::metadata(path).unwrap().len();
    let file = std::fs::File::open(path).unwrap();
    let start = std::time::Instant::now();
    let report = kevery
        .ingest(
            dkms_kel::Source::reader(file),
            dkms_kel::Options::default().threads(threads).clock(dkms_kel::Clock::fixed(1)),
        )
        .unwrap();
    let took = start.elapsed().as_secs_f64();
    let events = report.accepted;
    println!(
        "{events} events ({} MB) in {took:.1} s: {:.0} events/s, {:.2} µs/event, {:.1} MB/s; rejected {}, escrowed {}; peak RSS {:.1} MiB",
        bytes / 1_000_000,
        events as f64 / took,
        took * 1e6 / events.max(1) as f64,
        bytes as f64 / 1e6 / took,
        report.rejected,
        report.escrowed,
        peak_rss_kib() as f64 / 1024.0
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("generate") => generate(args[1].parse().unwrap(), &args[2]),
        Some("generate-multi") => generate_multi(args[1].parse().unwrap(), &args[2]),
        Some("ingest") => ingest(&args[1..]),
        _ => eprintln!(
            "usage: stress generate N FILE | stress generate-multi N FILE | stress ingest FILE [--threads T] [--store memory|redb:PATH] [--cache MiB] [--group OPS]"
        ),
    }
}
