//! Property tests: random KELs built with our builders are accepted with the expected
//! state; a single byte changed anywhere in one message never yields another state.

use crate::At;
use dkms_cesr::Domain;
use dkms_event::builder::{Interact, Rotate};
use dkms_event::signed::SignedMessage;
use dkms_kel::{Config, Kevery};
use proptest::prelude::*;

use crate::rules::{commit, signed, signer, verkey};

/// A KEL of `ops.len() + 1` events: inception, then `true` = rotation, `false` = interaction.
fn kel(ops: &[bool], seed: u8) -> Vec<SignedMessage> {
    let mut key = 0u8;
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
    for (i, rot) in ops.iter().enumerate() {
        let sn = i as u128 + 1;
        let prior = out.last().unwrap().message.said().clone();
        if *rot {
            key += 1;
            let m =
                Rotate::new(pre.clone(), sn, prior, vec![verkey(&s(key))], vec![commit(&s(key + 1))]).build().unwrap();
            out.push(signed(m, &[&s(key)]));
        } else {
            let m = Interact { prefix: pre.clone(), sn, prior, anchors: vec![], kind: None }.build().unwrap();
            out.push(signed(m, &[&s(key)]));
        }
    }
    out
}

fn ingest(msgs: &[Vec<u8>]) -> Kevery {
    let mut k = crate::kevery(Config::default());
    for m in msgs {
        k.ingest_at(m, 1);
    }
    k
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_kels_are_accepted(ops in proptest::collection::vec(any::<bool>(), 0..12), seed in 1u8..100) {
        let events = kel(&ops, seed);
        let pre = events[0].message.prefix().unwrap().qb64();
        let bytes: Vec<Vec<u8>> = events.iter().map(|e| e.to_cesr(Domain::Text, false).unwrap()).collect();
        let k = ingest(&bytes);
        let st = k.state(&pre).unwrap();
        prop_assert_eq!(st.sn(), ops.len() as u128);
        prop_assert_eq!(st.said(), events.last().unwrap().message.said());
        let rotations = ops.iter().filter(|r| **r).count();
        prop_assert_eq!(st.keys().to_vec(), vec![verkey(&signer(seed.wrapping_add(rotations as u8).max(1)))]);
    }

    #[test]
    fn one_changed_byte_never_gives_another_state(
        ops in proptest::collection::vec(any::<bool>(), 1..6),
        seed in 1u8..100,
        which in any::<usize>(),
        pos in any::<usize>(),
        x in 1u8..=255,
    ) {
        let events = kel(&ops, seed);
        let pre = events[0].message.prefix().unwrap().qb64();
        let mut bytes: Vec<Vec<u8>> = events.iter().map(|e| e.to_cesr(Domain::Text, false).unwrap()).collect();
        let i = which % bytes.len();
        let p = pos % bytes[i].len();
        bytes[i][p] ^= x;
        let k = ingest(&bytes);
        let final_said = k.state(&pre).map(|s| s.said().clone());
        let untouched = events.last().unwrap().message.said().clone();
        let before = (i > 0).then(|| events[i - 1].message.said().clone());
        // Either the change was harmless (e.g. a signature code with the same meaning),
        // or the KEL stops before the changed event.
        prop_assert!(final_said == Some(untouched) || final_said == before, "byte {} of event {}", p, i);
    }
}

/// Every test above again, with validators over a store that commit after each message.
#[test]
fn the_same_through_a_store() {
    crate::through_store(|| {
        random_kels_are_accepted();
        one_changed_byte_never_gives_another_state();
    });
}
