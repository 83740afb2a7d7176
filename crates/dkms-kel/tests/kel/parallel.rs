//! The parallel ingest pipeline gives exactly the sequential result: same report (counts,
//! errors and their offsets) and same key states, whatever the stream, including streams
//! where the keys guessed ahead are wrong.

use crate::At;
use dkms_cesr::Domain;
use dkms_event::builder::{Interact, Rotate};
use dkms_event::signed::SignedMessage;
use dkms_kel::{Config, Kevery, Report};
use proptest::prelude::*;

use crate::rules::{commit, signed, signer, verkey};

fn states(k: &Kevery) -> Vec<(String, u128, String, u64)> {
    k.prefixes()
        .iter()
        .map(|p| {
            let s = k.state(p).unwrap();
            (p.to_string(), s.sn(), s.said().qb64(), s.first_seen())
        })
        .collect()
}

/// Ingests `bytes` sequentially and in parallel with 2 and 3 worker threads; all must agree.
fn same_as_sequential(bytes: &[u8], what: &str) -> Report {
    let mut seq = crate::kevery(Config::default());
    let expected = seq.ingest_at(bytes, 1);
    // `ingest` verifies a batch's signatures ahead too; `process`, message by message,
    // verifies each one itself: an oracle that shares nothing with the batches.
    let mut one = crate::kevery(Config::default());
    for framed in dkms_cesr::stream::Framer::new().messages(bytes).flatten() {
        if let Ok(sm) = SignedMessage::from_framed(&framed) {
            one.process_at(sm, 1);
        }
    }
    assert_eq!(states(&one), states(&seq), "{what}, message by message");
    assert_eq!(one.escrowed(), seq.escrowed(), "{what}, message by message");
    for threads in [2, 3] {
        let mut par = crate::kevery(Config::default());
        let got =
            par.ingest(bytes, dkms_kel::Options::default().threads(threads).clock(dkms_kel::Clock::fixed(1))).unwrap();
        assert_eq!(got, expected, "{what}, {threads} threads");
        assert_eq!(states(&par), states(&seq), "{what}, {threads} threads");
        assert_eq!(par.escrowed(), seq.escrowed(), "{what}, {threads} threads");
        let mut reader = crate::kevery(Config::default());
        let got = reader
            .ingest(
                dkms_kel::Source::reader(bytes),
                dkms_kel::Options::default().threads(threads).clock(dkms_kel::Clock::fixed(1)),
            )
            .unwrap();
        assert_eq!(got, expected, "{what}, reader, {threads} threads");
    }
    expected
}

fn keripy_stream(name: &str) -> Vec<u8> {
    let base = format!("{}/../dkms-cesr/tests/vectors/keripy-1.1.17/streams/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(format!("{base}.cesr")).unwrap()
}

#[test]
fn keripy_streams_give_the_sequential_result() {
    let mut all = Vec::new();
    for name in ["kel_single", "kel_multisig_weighted", "kel_witnessed", "kel_delegated", "kel_replay_pipelined"] {
        let bytes = keripy_stream(name);
        let r = same_as_sequential(&bytes, name);
        assert!(r.errors.is_empty(), "{name}: {:?}", r.errors);
        all.extend_from_slice(&bytes);
    }
    // Interleaved identifiers in one stream, then the same with damage in the middle.
    same_as_sequential(&all, "all streams");
    let at = all.len() / 3;
    all.insert(at, b'#');
    let r = same_as_sequential(&all, "damaged");
    assert!(!r.errors.is_empty());
}

/// Hands out the stream in small reads, then fails.
struct FailingReader<'a> {
    data: &'a [u8],
}

impl std::io::Read for FailingReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.data.is_empty() {
            return Err(std::io::Error::other("disk gone"));
        }
        let k = 1000.min(out.len()).min(self.data.len());
        out[..k].copy_from_slice(&self.data[..k]);
        self.data = &self.data[k..];
        Ok(k)
    }
}

#[test]
fn a_failing_reader_is_an_error_after_what_was_read_is_applied() {
    let path = format!("{}/../../benches/data/keripy-1.1.17/kel_single_key_1k.cesr", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(path).unwrap();
    let part = &bytes[..bytes.len() / 2];
    // What a complete read of the same bytes accepts.
    let mut whole = crate::kevery(Config::default());
    whole.ingest_at(part, 1);
    let expected = states(&whole);
    assert!(expected[0].1 > 100, "{expected:?}");
    for threads in [1, 2, 3] {
        let mut k = crate::kevery(Config::default());
        let err = k
            .ingest(
                dkms_kel::Source::reader(FailingReader { data: part }),
                dkms_kel::Options::default().threads(threads),
            )
            .unwrap_err();
        assert_eq!(err.to_string(), "disk gone", "{threads} threads");
        // Every complete message read before the failure was applied.
        assert_eq!(states(&k), expected, "{threads} threads");
    }
}

#[test]
fn keripys_1k_kel_is_accepted_in_parallel() {
    let path = format!("{}/../../benches/data/keripy-1.1.17/kel_single_key_1k.cesr", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(path).unwrap();
    let r = same_as_sequential(&bytes, "1k");
    assert_eq!((r.accepted, r.rejected, r.escrowed), (1000, 0, 0));
}

/// A KEL: inception, then `true` = rotation, `false` = interaction; `bad` = signed by a wrong key.
fn kel(ops: &[(bool, bool)], seed: u8) -> Vec<SignedMessage> {
    let s = |i: u8| signer(seed.wrapping_add(i).max(1));
    let icp = dkms_event::builder::Incept {
        keys: vec![verkey(&s(0))],
        next: vec![commit(&s(1))],
        prefix_code: Some(dkms_cesr::MatterCode::Blake3_256),
        ..Default::default()
    }
    .build()
    .unwrap();
    let pre = icp.prefix().unwrap().clone();
    let mut out = vec![signed(icp, &[&s(0)])];
    let (mut key, mut sn, mut prior) = (0u8, 0u128, out[0].message.said().clone());
    for (rot, bad) in ops {
        let signer_of = |k: u8| if *bad { s(k.wrapping_add(50)) } else { s(k) };
        let m = if *rot {
            let m =
                Rotate::new(pre.clone(), sn + 1, prior.clone(), vec![verkey(&s(key + 1))], vec![commit(&s(key + 2))])
                    .build()
                    .unwrap();
            signed(m, &[&signer_of(key + 1)])
        } else {
            let m = Interact { prefix: pre.clone(), sn: sn + 1, prior: prior.clone(), anchors: vec![], kind: None }
                .build()
                .unwrap();
            signed(m, &[&signer_of(key)])
        };
        // A badly signed event is rejected: the KEL goes on from the previous event.
        if !bad {
            sn += 1;
            prior = m.message.said().clone();
            if *rot {
                key += 1;
            }
        }
        out.push(m);
    }
    out
}

#[test]
fn a_rejected_rotation_makes_the_guess_wrong_but_not_the_result() {
    // icp, ixn, rot signed by a wrong key (rejected), then ixns under the old key: the
    // pipeline guessed the rejected rotation's key for them; they must still be accepted.
    let mut ops = vec![(false, false), (true, true)];
    ops.extend(std::iter::repeat_n((false, false), 100));
    let events = kel(&ops, 7);
    let bytes: Vec<u8> = events.iter().flat_map(|e| e.to_cesr(Domain::Text, false).unwrap()).collect();
    let r = same_as_sequential(&bytes, "wrong guess");
    assert_eq!((r.accepted, r.rejected), (102, 1));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn random_streams_give_the_sequential_result(
        ops in proptest::collection::vec((any::<bool>(), proptest::bool::weighted(0.05)), 60..160),
        seed in 1u8..100,
        damage in proptest::option::of((any::<usize>(), 1u8..=255)),
    ) {
        let events = kel(&ops, seed);
        let mut bytes: Vec<u8> = events.iter().flat_map(|e| e.to_cesr(Domain::Text, false).unwrap()).collect();
        if let Some((pos, x)) = damage {
            let p = pos % bytes.len();
            bytes[p] ^= x;
        }
        same_as_sequential(&bytes, "random");
    }
}

/// Every test above again, with validators over a store that commit after each message.
#[test]
fn the_same_through_a_store() {
    crate::through_store(|| {
        keripy_streams_give_the_sequential_result();
        a_rejected_rotation_makes_the_guess_wrong_but_not_the_result();
        random_streams_give_the_sequential_result();
    });
}
