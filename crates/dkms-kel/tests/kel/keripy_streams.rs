//! Whole keripy KEL streams (dkms-cesr's vectors, all accepted by keripy 1.1.17):
//! in order, reversed, and interleaved, they end in the same key state.

use crate::At;
use dkms_cesr::stream::Framer;
use dkms_kel::{Config, Kevery};
use serde_json::Value;

const STREAMS: &[&str] = &[
    "kel_single",
    "kel_multisig_weighted",
    "kel_witnessed",
    "kel_delegated",
    "kel_replay_pipelined",
    "kel_binary_attachments",
    "kel_cbor",
    "kel_mgpk",
];

fn stream(name: &str) -> (Vec<u8>, Value) {
    let base = format!("{}/../dkms-cesr/tests/vectors/keripy-1.1.17/streams/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(format!("{base}.cesr")).unwrap();
    let meta = serde_json::from_str(&std::fs::read_to_string(format!("{base}.json")).unwrap()).unwrap();
    (bytes, meta)
}

/// (prefix, sn, said) of the last key event per prefix in stream order.
fn expected(bytes: &[u8]) -> Vec<(String, u128, String)> {
    let mut last: Vec<(String, u128, String)> = Vec::new();
    for m in Framer::new().messages(bytes) {
        let m = dkms_event::Message::parse(m.unwrap().body.raw).unwrap();
        if !m.ilk().is_key_event() {
            continue;
        }
        let p = m.prefix().unwrap().qb64();
        last.retain(|(q, _, _)| q != &p);
        last.push((p, m.sn().unwrap(), m.said().qb64()));
    }
    last.sort();
    last
}

fn states(k: &Kevery) -> Vec<(String, u128, String)> {
    let mut v: Vec<_> = k
        .prefixes()
        .iter()
        .map(|p| {
            let s = k.state(p).unwrap();
            (p.to_string(), s.sn(), s.said().qb64())
        })
        .collect();
    v.sort();
    v
}

#[test]
fn keripy_streams_are_accepted_whole() {
    for name in STREAMS {
        let (bytes, _) = stream(name);
        let mut k = crate::kevery(Config::default());
        let report = k.ingest_at(&bytes, 1);
        assert!(report.errors.is_empty(), "{name}: {:?}", report.errors);
        assert_eq!(report.escrowed, 0, "{name}: {:?}", k.escrowed());
        assert_eq!(states(&k), expected(&bytes), "{name}");
    }
}

#[test]
fn reversed_streams_end_in_the_same_state_through_escrows() {
    for name in STREAMS {
        let (bytes, _) = stream(name);
        let mut msgs: Vec<Vec<u8>> = Vec::new();
        for m in Framer::new().messages(&bytes) {
            let m = m.unwrap();
            let end = m.attachments.last().map_or(m.body.offset + m.body.raw.len(), |g| g.offset + g.raw.len());
            msgs.push(bytes[m.body.offset..end].to_vec());
        }
        msgs.reverse();
        let mut k = crate::kevery(Config::default());
        for m in &msgs {
            k.ingest_at(m, 1);
        }
        assert_eq!(states(&k), expected(&bytes), "{name} reversed");
        assert!(k.escrowed().values().sum::<usize>() <= 2, "{name}: {:?}", k.escrowed());
    }
}

/// A reader that hands out at most `n` bytes per read.
struct Trickle<'a> {
    data: &'a [u8],
    n: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let k = self.n.min(out.len()).min(self.data.len());
        out[..k].copy_from_slice(&self.data[..k]);
        self.data = &self.data[k..];
        Ok(k)
    }
}

#[test]
fn reading_from_a_stream_in_pieces_gives_the_same_result() {
    for name in STREAMS {
        let (bytes, _) = stream(name);
        let mut whole = crate::kevery(Config::default());
        let expected = whole.ingest_at(&bytes, 1);
        for n in [1usize, 7, 4096] {
            let mut k = crate::kevery(Config::default());
            let r =
                k.ingest(dkms_kel::Source::reader(Trickle { data: &bytes, n }), dkms_kel::Options::default()).unwrap();
            assert_eq!(r, expected, "{name} in pieces of {n}");
            assert_eq!(states(&k), states(&whole), "{name} in pieces of {n}");
        }
    }
    // A damaged stream: the same errors at the same offsets, and the rest still processed.
    let (mut bytes, _) = stream("kel_single");
    let at = bytes.len() / 2;
    bytes.insert(at, b'!');
    let expected = crate::kevery(Config::default()).ingest_at(&bytes, 1);
    let got = crate::kevery(Config::default())
        .ingest(dkms_kel::Source::reader(Trickle { data: &bytes, n: 5 }), dkms_kel::Options::default())
        .unwrap();
    assert_eq!(got, expected);
    assert!(!got.errors.is_empty());
}

/// Every test above again, with validators over a store that commit after each message.
#[test]
fn the_same_through_a_store() {
    crate::through_store(|| {
        keripy_streams_are_accepted_whole();
        reversed_streams_end_in_the_same_state_through_escrows();
        reading_from_a_stream_in_pieces_gives_the_same_result();
    });
}
