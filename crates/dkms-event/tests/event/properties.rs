//! Property tests: build → serialize → parse gives the same message, in every
//! kind; any single-byte change to a body is rejected.

use dkms_cesr::{Matter, MatterCode};
use dkms_event::builder::{Incept, Interact, Rotate};
use dkms_event::message::Message;
use dkms_event::primitives::{Digest, Prefix, Verkey};
use dkms_event::seal::{Anchor, Seal, Trait};
use dkms_event::ser::Kind;
use dkms_event::threshold::{Threshold, Weight};
use proptest::prelude::*;

fn key(b: u8) -> Verkey {
    Verkey::new(Matter::new(MatterCode::Ed25519, vec![b; 32]).unwrap()).unwrap()
}

fn dig(b: u8) -> Digest {
    Digest::new(Matter::new(MatterCode::Blake3_256, vec![b; 32]).unwrap()).unwrap()
}

fn wit(b: u8) -> Prefix {
    Prefix::new(Matter::new(MatterCode::Ed25519N, vec![b; 32]).unwrap()).unwrap()
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![Just(Kind::Json), Just(Kind::Cbor), Just(Kind::Mgpk)]
}

fn incept() -> impl Strategy<Value = Incept> {
    (1usize..5, 0usize..5, 0usize..4, any::<bool>(), any::<bool>(), kind(), 0u8..200).prop_map(
        |(nk, nn, nw, weighted, eo, kind, seed)| {
            let keys: Vec<Verkey> = (0..nk).map(|i| key(seed.wrapping_add(i as u8))).collect();
            let next: Vec<Digest> = (0..nn).map(|i| dig(seed.wrapping_add(50 + i as u8))).collect();
            let witnesses: Vec<Prefix> = (0..nw).map(|i| wit(seed.wrapping_add(100 + i as u8))).collect();
            let kt = weighted.then(|| {
                Threshold::weighted(vec![(0..nk).map(|_| Weight::new(1, nk as u64).unwrap()).collect()]).unwrap()
            });
            Incept {
                keys,
                kt,
                next,
                witnesses,
                config: if eo { vec![Trait::EstablishmentOnly] } else { vec![] },
                anchors: vec![Anchor::Seal(Seal::Digest { d: dig(seed) })],
                prefix_code: Some(MatterCode::Blake3_256),
                kind: Some(kind),
                ..Incept::default()
            }
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn built_inceptions_parse_back_equal(b in incept()) {
        let m = b.build().unwrap();
        let again = Message::parse(m.raw()).unwrap();
        prop_assert_eq!(&again, &m);
        prop_assert_eq!(again.prefix().unwrap().qb64(), m.said().qb64());
    }

    #[test]
    fn any_byte_change_is_rejected(b in incept(), pos in any::<usize>(), x in 1u8..=255) {
        let m = b.build().unwrap();
        let mut raw = m.raw().to_vec();
        let i = pos % raw.len();
        raw[i] ^= x;
        prop_assert!(Message::parse(&raw).is_err(), "byte {} changed", i);
    }

    #[test]
    fn rotations_and_interactions_round_trip(sn in 1u64..1_000_000, kind in kind(), seed in 0u8..200) {
        let pre = Prefix::new(dig(seed).matter().clone()).unwrap();
        let mut r = Rotate::new(pre.clone(), u128::from(sn), dig(seed.wrapping_add(1)), vec![key(seed), key(seed.wrapping_add(2))], vec![dig(seed.wrapping_add(3))]);
        r.kind = Some(kind);
        r.witnesses = vec![wit(1), wit(2)];
        r.cuts = vec![wit(1)];
        r.adds = vec![wit(3)];
        let rot = r.build().unwrap();
        prop_assert_eq!(&Message::parse(rot.raw()).unwrap(), &rot);
        let ixn = Interact { prefix: pre, sn: u128::from(sn) + 1, prior: rot.said().clone(), anchors: vec![], kind: Some(kind) }.build().unwrap();
        prop_assert_eq!(&Message::parse(ixn.raw()).unwrap(), &ixn);
    }
}
