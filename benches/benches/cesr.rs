//! CESR benches: framing KEL streams (text and binary attachments) and the primitive codec.
//!
//! The streams are built in setup by repeating the messages of keripy-made vectors until they
//! hold 10k and 100k events; framing must cost the same per event at both sizes.
#![allow(missing_docs, reason = "criterion's macros generate undocumented items")]
#![allow(clippy::expect_used, clippy::unreachable, reason = "bench setup on fixed, committed inputs")]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dkms_cesr::stream::{Framer, Part};
use dkms_cesr::{Counter, CounterKind, Domain, Indexer, Matter};

const KEL_TEXT: &[u8] = include_bytes!("../../crates/dkms-cesr/tests/vectors/keripy-1.1.17/streams/kel_single.cesr");
const KEL_BINARY: &[u8] =
    include_bytes!("../../crates/dkms-cesr/tests/vectors/keripy-1.1.17/streams/kel_binary_attachments.cesr");

/// Blake3-256 digest (the SAID/prefix of the `kel_single` inception).
const DIGEST: &str = "EH5P74or76ZccUPjn6H3tY2ZN6p5Koa4OegQRow-an-8";
/// Transferable Ed25519 public key (the `kel_single` inception key).
const KEY: &str = "DPsrLMejLlUknjsIb5SFKYL1OA1EBiOfOG-DZEmsoySy";

/// Each message of a stream (body and its attachments) as its own byte string.
fn messages(stream: &[u8]) -> Vec<&[u8]> {
    let framer = Framer::new();
    let mut it = framer.messages(stream);
    let mut out = Vec::new();
    loop {
        let start = it.position();
        match it.next() {
            None => break,
            Some(res) => {
                res.expect("committed vector frames");
                out.push(stream.get(start..it.position()).expect("in range"));
            }
        }
    }
    out
}

/// A stream of `events` messages, cycling through the messages of `source`.
fn repeat(source: &[u8], events: usize) -> Vec<u8> {
    let msgs = messages(source);
    let mut out = Vec::new();
    for msg in msgs.iter().cycle().take(events) {
        out.extend_from_slice(msg);
    }
    out
}

/// Frames a whole buffer; returns (messages, attachment groups) so nothing is optimised away.
fn frame(framer: &Framer, buf: &[u8]) -> (usize, usize) {
    let mut msgs = 0;
    let mut groups = 0;
    for msg in framer.messages(buf) {
        let msg = msg.expect("bench streams frame");
        msgs += 1;
        groups += msg.attachments.len();
    }
    (msgs, groups)
}

fn framing(c: &mut Criterion) {
    let framer = Framer::new();
    for (name, source) in [("frame_text_kel", KEL_TEXT), ("frame_binary_kel", KEL_BINARY)] {
        let mut group = c.benchmark_group(name);
        group.sample_size(10);
        for events in [10_000usize, 100_000] {
            let stream = repeat(source, events);
            assert_eq!(frame(&framer, &stream).0, events);
            let bytes = u64::try_from(stream.len()).expect("fits");
            let elements = u64::try_from(events).expect("fits");
            group.throughput(Throughput::ElementsAndBytes { elements, bytes });
            group.bench_with_input(BenchmarkId::from_parameter(events), &stream, |b, s| {
                b.iter(|| frame(&framer, black_box(s)));
            });
        }
        group.finish();
    }

    // Baseline for the ratio: copying the same 100k-event text stream into a ready buffer
    // (memory bandwidth; framing reads every byte at most a few times).
    let stream = repeat(KEL_TEXT, 100_000);
    let mut copy = vec![0u8; stream.len()];
    let mut group = c.benchmark_group("baseline_copy_text_kel");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(u64::try_from(stream.len()).expect("fits")));
    group.bench_function("100000", |b| {
        b.iter(|| {
            copy.copy_from_slice(black_box(&stream));
            black_box(&copy);
        });
    });
    group.finish();
}

fn primitives(c: &mut Criterion) {
    let digest = Matter::from_qb64(DIGEST).expect("digest");
    let key = Matter::from_qb64(KEY).expect("key");
    let digest_qb2 = digest.qb2();
    // The controller signature of the `kel_single` inception.
    let icp = Framer::new().messages(KEL_TEXT).next().expect("a message").expect("frames");
    let parts = icp.attachments.first().expect("-A group").parts().expect("parts");
    let Some(Part::Indexer(sig_text)) = parts.first() else { unreachable!("-A holds indexed signatures") };
    let sig_qb64 = std::str::from_utf8(sig_text).expect("text domain").to_owned();
    let sig = Indexer::from_qb64(&sig_qb64).expect("sig");
    let counter = Counter::new(CounterKind::ControllerIdxSigs, 1).expect("counter");
    let counter_qb64 = counter.qb64b();
    let counter_qb2 = counter.qb2();

    let mut g = c.benchmark_group("decode");
    g.bench_function("matter_from_qb64_blake3", |b| b.iter(|| Matter::from_qb64(black_box(DIGEST))));
    g.bench_function("matter_from_qb64_ed25519", |b| b.iter(|| Matter::from_qb64(black_box(KEY))));
    g.bench_function("matter_from_qb2_blake3", |b| b.iter(|| Matter::from_qb2(black_box(&digest_qb2))));
    g.bench_function("indexer_from_qb64_ed25519_sig", |b| b.iter(|| Indexer::from_qb64(black_box(&sig_qb64))));
    g.bench_function("counter_parse_text", |b| b.iter(|| Counter::parse(black_box(&counter_qb64), Domain::Text)));
    g.bench_function("counter_parse_binary", |b| b.iter(|| Counter::parse(black_box(&counter_qb2), Domain::Binary)));
    g.finish();

    let mut g = c.benchmark_group("encode");
    g.bench_function("matter_qb64_blake3", |b| b.iter(|| black_box(&digest).qb64()));
    g.bench_function("matter_qb64_ed25519", |b| b.iter(|| black_box(&key).qb64()));
    g.bench_function("matter_qb2_blake3", |b| b.iter(|| black_box(&digest).qb2()));
    g.bench_function("indexer_qb64_ed25519_sig", |b| b.iter(|| black_box(&sig).qb64()));
    g.bench_function("counter_qb64", |b| b.iter(|| black_box(&counter).qb64()));
    g.finish();
}

criterion_group!(benches, framing, primitives);
criterion_main!(benches);
