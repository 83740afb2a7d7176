//! Message-layer benches: build + serialize + SAID per event, parse + SAID check per event,
//! and the whole signed message (body and attachments) after framing, each next to the bare
//! cost (blake3 of the body + serde_json of the same map).
#![allow(missing_docs, reason = "criterion's macros generate undocumented items")]
#![allow(clippy::expect_used, clippy::unwrap_used, reason = "bench setup on fixed, committed inputs")]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use dkms_cesr::stream::Framer;
use dkms_event::builder::{Incept, Interact};
use dkms_event::message::Message;
use dkms_event::primitives::{Digest, Prefix, Verkey};
use dkms_event::signed::SignedMessage;

const KEL_TEXT: &[u8] = include_bytes!("../../crates/dkms-cesr/tests/vectors/keripy-1.1.17/streams/kel_single.cesr");

fn bodies() -> Vec<Vec<u8>> {
    Framer::new().messages(KEL_TEXT).map(|m| m.expect("vector frames").body.raw.to_vec()).collect()
}

fn bench(c: &mut Criterion) {
    let bodies = bodies();
    let icp_raw = bodies.first().expect("icp").clone();
    let ixn_raw = bodies.last().expect("ixn").clone();
    let icp = Message::parse(&icp_raw).expect("icp parses");
    let ixn = Message::parse(&ixn_raw).expect("ixn parses");
    let dkms_event::Body::Inception(b) = icp.body() else { unreachable!() };
    let keys: Vec<Verkey> = b.keys.clone();
    let next: Vec<Digest> = b.next.clone();
    let prefix: Prefix = b.prefix.clone();
    let dkms_event::Body::Interaction(x) = ixn.body() else { unreachable!() };
    let (sn, prior) = (x.sn, x.prior.clone());

    let mut g = c.benchmark_group("event");
    g.bench_function("build_serialize_said/icp", |bch| {
        bch.iter(|| {
            Incept {
                keys: keys.clone(),
                next: next.clone(),
                prefix_code: Some(dkms_cesr::MatterCode::Blake3_256),
                ..Incept::default()
            }
            .build()
            .expect("builds")
        })
    });
    g.bench_function("build_serialize_said/ixn", |bch| {
        bch.iter(|| {
            Interact { prefix: prefix.clone(), sn, prior: prior.clone(), anchors: vec![], kind: None }
                .build()
                .expect("builds")
        })
    });
    g.bench_function("parse_said_verify/icp", |bch| bch.iter(|| Message::parse(black_box(&icp_raw)).expect("parses")));
    g.bench_function("parse_said_verify/ixn", |bch| bch.iter(|| Message::parse(black_box(&ixn_raw)).expect("parses")));
    // The whole message as ingest reads it after framing: body (strict parse + SAID) and
    // every attachment group (signatures decoded).
    let framed: Vec<_> = Framer::new().messages(KEL_TEXT).map(|m| m.expect("vector frames")).collect();
    let icp_framed = framed.first().expect("icp");
    let ixn_framed = framed.last().expect("ixn");
    g.bench_function("parse_signed/icp", |bch| {
        bch.iter(|| SignedMessage::from_framed(black_box(icp_framed)).expect("parses"))
    });
    g.bench_function("parse_signed/ixn", |bch| {
        bch.iter(|| SignedMessage::from_framed(black_box(ixn_framed)).expect("parses"))
    });
    // The floor: what any implementation must do — JSON parse and one blake3 of the body.
    g.bench_function("bare_json_parse_blake3/icp", |bch| {
        bch.iter(|| {
            let v: serde_json::Value = serde_json::from_slice(black_box(&icp_raw)).expect("json");
            (v, blake3::hash(&icp_raw))
        })
    });
    g.bench_function("bare_json_parse_blake3/ixn", |bch| {
        bch.iter(|| {
            let v: serde_json::Value = serde_json::from_slice(black_box(&ixn_raw)).expect("json");
            (v, blake3::hash(&ixn_raw))
        })
    });
    g.bench_function("bare_json_serialize_blake3/icp", |bch| {
        let v: serde_json::Value = serde_json::from_slice(&icp_raw).expect("json");
        bch.iter(|| {
            let out = serde_json::to_vec(black_box(&v)).expect("json");
            blake3::hash(&out)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
