//! Attacks on the engine, as a peer feeding it untrusted messages would try them: forged
//! evidence, copies that poison an escrowed event, floods, replays, a clock going backwards
//! and a store dying in the middle of a drain. Each test is an attack; it passes when the
//! engine resists it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::At;
use crate::rules::{commit, signed, signer, verkey};
use dkms_cesr::stream::Kind;
use dkms_cesr::{Domain, MatterCode};
use dkms_crypto::secrecy::SecretBox;
use dkms_crypto::{Algorithm, Signer, SoftSigner};
use dkms_event::builder::{Incept, Interact, Rotate};
use dkms_event::message::Message;
use dkms_event::primitives::{Digest, Prefix};
use dkms_event::seal::{Anchor, Seal};
use dkms_event::signed::SignedMessage;
use dkms_kel::{Clock, Config, EscrowKind, Kevery, Options, Outcome, Report};
use dkms_store::{MemoryStore, Store};

fn witness(i: u8) -> SoftSigner {
    SoftSigner::from_seed(Algorithm::Ed25519, &SecretBox::new(Box::new([i; 32])), false).unwrap()
}

fn seeded(seed: u64) -> SoftSigner {
    let mut s = [7u8; 32];
    s[..8].copy_from_slice(&seed.to_le_bytes());
    SoftSigner::from_seed(Algorithm::Ed25519, &SecretBox::new(Box::new(s)), true).unwrap()
}

fn icp(k: &SoftSigner, n: &SoftSigner) -> SignedMessage {
    let m = Incept {
        keys: vec![verkey(k)],
        next: vec![commit(n)],
        prefix_code: Some(MatterCode::Blake3_256),
        ..Incept::default()
    }
    .build()
    .unwrap();
    signed(m, &[k])
}

fn ixn_with(pre: &Prefix, sn: u128, prior: &Digest, anchors: Vec<Anchor>) -> Message {
    Interact { prefix: pre.clone(), sn, prior: prior.clone(), anchors, kind: None }.build().unwrap()
}

fn ixn(pre: &Prefix, sn: u128, prior: &Digest, k: &SoftSigner) -> SignedMessage {
    signed(ixn_with(pre, sn, prior, vec![]), &[k])
}

fn pre_of(sm: &SignedMessage) -> Prefix {
    sm.message.prefix().unwrap().clone()
}

fn wire(msgs: &[&SignedMessage]) -> Vec<u8> {
    msgs.iter().flat_map(|m| m.to_cesr(Domain::Text, false).unwrap()).collect()
}

/// The accounting the engine promises for every run.
fn balanced(r: &Report) {
    assert!(r.balanced(), "{r:?}");
    assert_eq!(r.errors.len(), r.rejected, "{r:?}");
    assert_eq!(r.pending.len(), r.escrowed, "{r:?}");
}

// ---------------------------------------------------------------------------------------
// Forgery
// ---------------------------------------------------------------------------------------

/// An event that conflicts with an accepted one but is signed by nobody in control is not
/// evidence of duplicity: anyone could make one.
#[test]
fn forged_conflicting_event_is_not_duplicity_evidence() {
    let (k0, k1, stranger) = (signer(1), signer(2), signer(9));
    let e0 = icp(&k0, &k1);
    let pre = pre_of(&e0);
    let e1 = ixn(&pre, 1, e0.message.said(), &k0);
    let mut kv = crate::kevery(Config::default());
    assert_eq!(kv.process_at(e0.clone(), 1), Outcome::Accepted);
    assert_eq!(kv.process_at(e1.clone(), 2), Outcome::Accepted);
    // The same location, other content, signed by a stranger (index 0, a valid Ed25519 signature).
    let anchors = vec![Anchor::Seal(Seal::Digest { d: e0.message.said().clone() })];
    let forged = signed(ixn_with(&pre, 1, e0.message.said(), anchors.clone()), &[&stranger]);
    let out = kv.process_at(forged, 3);
    assert!(matches!(out, Outcome::Rejected(dkms_kel::Error::NoValidSignature { .. })), "{out:?}");
    assert!(kv.duplicity().is_empty(), "forged evidence recorded");
    assert!(kv.escrowed().is_empty());
    // A forged rotation at the inception's place is no evidence either.
    let fake_rot = Rotate::new(pre.clone(), 1, e0.message.said().clone(), vec![verkey(&stranger)], vec![commit(&k1)])
        .build()
        .unwrap();
    let out = kv.process_at(signed(fake_rot, &[&stranger]), 4);
    assert!(!matches!(out, Outcome::Accepted | Outcome::Duplicate), "{out:?}");
    assert!(kv.duplicity().is_empty(), "forged evidence recorded");
    // The controller's own conflicting event still is evidence.
    let real = signed(ixn_with(&pre, 1, e0.message.said(), anchors), &[&k0]);
    assert_eq!(kv.process_at(real, 5).escrow_kind(), Some(EscrowKind::LikelyDuplicitous));
    assert_eq!(kv.duplicity().len(), 1);
}

/// After a rotation, a conflicting interaction from before it must be signed with the keys in
/// force then (not the current ones), and one signed with the current keys is no evidence.
#[test]
fn conflicting_event_is_checked_against_the_keys_in_force_at_its_place() {
    let (k0, k1, k2) = (signer(1), signer(2), signer(3));
    let e0 = icp(&k0, &k1);
    let pre = pre_of(&e0);
    let e1 = ixn(&pre, 1, e0.message.said(), &k0);
    let e2 = signed(
        Rotate::new(pre.clone(), 2, e1.message.said().clone(), vec![verkey(&k1)], vec![commit(&k2)]).build().unwrap(),
        &[&k1],
    );
    let mut kv = crate::kevery(Config::default());
    for e in [&e0, &e1, &e2] {
        assert_eq!(kv.process_at(e.clone(), 1), Outcome::Accepted);
    }
    let anchors = vec![Anchor::Seal(Seal::Digest { d: e0.message.said().clone() })];
    // Signed with the current key k1: k1 did not control sn 1.
    let wrong_keys = signed(ixn_with(&pre, 1, e0.message.said(), anchors.clone()), &[&k1]);
    assert!(matches!(kv.process_at(wrong_keys, 2), Outcome::Rejected(_)));
    assert!(kv.duplicity().is_empty());
    // Signed with k0, which did: evidence.
    let real = signed(ixn_with(&pre, 1, e0.message.said(), anchors), &[&k0]);
    assert_eq!(kv.process_at(real, 3).escrow_kind(), Some(EscrowKind::LikelyDuplicitous));
    assert_eq!(kv.duplicity().len(), 1);
}

/// A signature under two codes of the same key (small and big indexed codes) is one signer.
#[test]
fn one_key_under_two_codes_is_one_signature() {
    let (a, b, n) = (signer(1), signer(2), signer(3));
    let m = Incept {
        keys: vec![verkey(&a), verkey(&b)],
        kt: Some(dkms_event::threshold::Threshold::numeric(2)),
        next: vec![commit(&n)],
        prefix_code: Some(MatterCode::Blake3_256),
        ..Incept::default()
    }
    .build()
    .unwrap();
    let small = a.sign_indexed(m.raw(), 0, false, None).unwrap();
    let big = a.sign_indexed(m.raw(), 0, false, Some(1)).unwrap();
    assert_ne!(small.code(), big.code());
    let mut sm = signed(m, &[]);
    sm.attachments.controller_sigs = vec![small, big];
    let mut kv = crate::kevery(Config::default());
    assert_eq!(kv.process_at(sm, 1).escrow_kind(), Some(EscrowKind::PartiallySigned));
    assert!(kv.prefixes().is_empty());
}

/// A rotation whose signatures name (by ondex) a prior next digest that does not commit to
/// the key at their index exposes nothing.
#[test]
fn ondex_pointing_at_the_wrong_digest_exposes_nothing() {
    let (k0, n0, n1) = (signer(1), signer(41), signer(42));
    let m = Incept {
        keys: vec![verkey(&k0)],
        next: vec![commit(&n0), commit(&n1)],
        nt: Some(dkms_event::threshold::Threshold::numeric(1)),
        prefix_code: Some(MatterCode::Blake3_256),
        ..Incept::default()
    }
    .build()
    .unwrap();
    let pre = m.prefix().unwrap().clone();
    let mut kv = crate::kevery(Config::default());
    assert_eq!(kv.process_at(signed(m.clone(), &[&k0]), 1), Outcome::Accepted);
    let rm = Rotate::new(pre.clone(), 1, m.said().clone(), vec![verkey(&n0)], vec![commit(&k0)]).build().unwrap();
    // n0's signature claims to expose the digest at ondex 1 (n1's).
    let sig = n0.sign_indexed(rm.raw(), 0, false, Some(1)).unwrap();
    let mut sm = signed(rm, &[]);
    sm.attachments.controller_sigs = vec![sig];
    assert_eq!(kv.process_at(sm, 2).escrow_kind(), Some(EscrowKind::PartiallySigned));
    assert_eq!(kv.state(&pre.qb64()).unwrap().sn(), 0);
}

/// A delegated inception whose `-G` couple names a real delegator event that does not
/// anchor it is rejected.
#[test]
fn source_seal_naming_a_non_anchoring_event_is_rejected() {
    let (d0, d1, c0, c1) = (signer(21), signer(22), signer(31), signer(32));
    let delegator = icp(&d0, &d1);
    let dpre = pre_of(&delegator);
    let dip =
        Incept { keys: vec![verkey(&c0)], next: vec![commit(&c1)], delegator: Some(dpre.clone()), ..Incept::default() }
            .build()
            .unwrap();
    let mut kv = crate::kevery(Config::default());
    kv.process_at(delegator.clone(), 1);
    let mut sm = signed(dip, &[&c0]);
    sm.attachments.source_seals.push((0, delegator.message.said().clone()));
    assert!(matches!(
        kv.process_at(sm, 2),
        Outcome::Rejected(dkms_kel::Error::Rule { rule: dkms_kel::Rule::NotAnchored, .. })
    ));
}

// ---------------------------------------------------------------------------------------
// Poisoning an escrowed event through a copy merged into its entry
// ---------------------------------------------------------------------------------------

/// The legitimate copy and the attacker's copy of one out-of-order event, in both orders.
fn poisoned_copies(attacker: SignedMessage, legit: SignedMessage, before: &[SignedMessage], what: &str) {
    for attacker_first in [false, true] {
        let mut kv = crate::kevery(Config::default());
        let copies = if attacker_first { [&attacker, &legit] } else { [&legit, &attacker] };
        for c in copies {
            let out = kv.process_at((*c).clone(), 1);
            assert!(out.escrow_kind().is_some(), "{what}: {out:?}");
        }
        for e in before {
            assert_eq!(kv.process_at(e.clone(), 2), Outcome::Accepted, "{what}");
        }
        let pre = legit.message.prefix().unwrap().qb64();
        assert_eq!(
            kv.state(&pre).map(|s| s.said().clone()),
            Some(legit.message.said().clone()),
            "{what} (attacker first: {attacker_first}): the attacker's copy poisoned the escrowed event"
        );
        // And as one stream: the accounting holds.
        let mut kv = crate::kevery(Config::default());
        let mut all: Vec<&SignedMessage> = copies.to_vec();
        all.extend(before);
        let r = kv.ingest_at(&wire(&all), 1);
        balanced(&r);
        assert_eq!(kv.state(&pre).map(|s| s.said().clone()), Some(legit.message.said().clone()), "{what}, stream");
    }
}

#[test]
fn a_copy_with_an_index_beyond_the_keys_does_not_poison_the_escrowed_event() {
    let (k0, k1) = (signer(1), signer(2));
    let e0 = icp(&k0, &k1);
    let pre = pre_of(&e0);
    let legit = ixn(&pre, 1, e0.message.said(), &k0);
    let mut attacker = legit.clone();
    attacker.attachments.controller_sigs = vec![k0.sign_indexed(legit.message.raw(), 5, false, None).unwrap()];
    poisoned_copies(attacker, legit, &[e0], "controller index beyond the keys");
}

#[test]
fn a_copy_with_a_witness_index_beyond_the_list_does_not_poison_the_escrowed_event() {
    let (k0, k1, w0) = (signer(1), signer(2), witness(11));
    let m = Incept {
        keys: vec![verkey(&k0)],
        next: vec![commit(&k1)],
        witnesses: vec![Prefix::parse(&w0.verfer().qb64(), "b").unwrap()],
        toad: Some(1),
        prefix_code: Some(MatterCode::Blake3_256),
        ..Incept::default()
    }
    .build()
    .unwrap();
    let mut e0 = signed(m.clone(), &[&k0]);
    e0.attachments.witness_sigs.push(w0.sign_indexed(m.raw(), 0, false, None).unwrap());
    let pre = pre_of(&e0);
    let mut legit = ixn(&pre, 1, m.said(), &k0);
    legit.attachments.witness_sigs.push(w0.sign_indexed(legit.message.raw(), 0, false, None).unwrap());
    let mut attacker = legit.clone();
    attacker.attachments.witness_sigs = vec![w0.sign_indexed(legit.message.raw(), 3, false, None).unwrap()];
    poisoned_copies(attacker, legit, &[e0], "witness index beyond the list");
}

#[test]
fn a_copy_with_a_bogus_source_seal_does_not_poison_the_escrowed_delegated_event() {
    let (d0, d1, c0, c1) = (signer(21), signer(22), signer(31), signer(32));
    let delegator = icp(&d0, &d1);
    let dpre = pre_of(&delegator);
    let dip =
        Incept { keys: vec![verkey(&c0)], next: vec![commit(&c1)], delegator: Some(dpre.clone()), ..Incept::default() }
            .build()
            .unwrap();
    let cpre = dip.prefix().unwrap().clone();
    let anchor = signed(
        ixn_with(
            &dpre,
            1,
            delegator.message.said(),
            vec![Anchor::Seal(Seal::Event { i: cpre, s: 0, d: dip.said().clone() })],
        ),
        &[&d0],
    );
    let legit = signed(dip, &[&c0]);
    // The delegator's inception: a real event, that anchors nothing.
    let mut attacker = legit.clone();
    attacker.attachments.source_seals.push((0, delegator.message.said().clone()));
    // Both copies wait for the delegator's state.
    poisoned_copies(attacker, legit, &[delegator, anchor], "bogus source seal");
}

/// Copies of one escrowed event with ever new (bogus) attachments do not grow its entry
/// without bound, nor cost quadratic time.
#[test]
fn merged_copies_are_bounded() {
    let (k0, k1) = (signer(1), signer(2));
    let e0 = icp(&k0, &k1);
    let pre = pre_of(&e0);
    let legit = ixn(&pre, 1, e0.message.said(), &k0);
    let mut kv = crate::kevery(Config::default());
    let n = 5_000u32;
    let mut stream = Vec::new();
    for i in 0..n {
        let mut copy = legit.clone();
        // A valid-looking but wrong signature: the legitimate one with a byte changed.
        let mut raw = k0.sign_indexed(legit.message.raw(), 0, false, None).unwrap().raw().to_vec();
        raw[0..4].copy_from_slice(&i.to_le_bytes());
        copy.attachments.controller_sigs =
            vec![dkms_cesr::Indexer::new(dkms_cesr::IndexerCode::Ed25519Sig, 0, None, raw).unwrap()];
        stream.extend(copy.to_cesr(Domain::Text, false).unwrap());
    }
    stream.extend(legit.to_cesr(Domain::Text, false).unwrap());
    let start = Instant::now();
    let r = kv.ingest_at(&stream, 1);
    let took = start.elapsed();
    balanced(&r);
    let held: usize = kv.waiting().iter().map(|(s, _)| s.attachments.controller_sigs.len()).sum();
    assert!(held <= 1024, "one escrowed event holds {held} signatures");
    assert!(took < Duration::from_secs(10), "{n} copies took {took:?}");
    // The legitimate copy still counts (it came last, after the flood).
    assert_eq!(kv.process_at(e0, 2), Outcome::Accepted);
    assert_eq!(kv.state(&pre.qb64()).unwrap().sn(), 1, "the legitimate copy was lost in the flood");
}

// ---------------------------------------------------------------------------------------
// Replays
// ---------------------------------------------------------------------------------------

#[test]
fn replayed_establishment_and_recovery_events_change_nothing() {
    let (k0, k1, k2, k3) = (signer(1), signer(2), signer(3), signer(4));
    let e0 = icp(&k0, &k1);
    let pre = pre_of(&e0);
    let e1 = ixn(&pre, 1, e0.message.said(), &k0);
    // Recovery at sn 1 (supersedes e1), then a later rotation.
    let r1 = signed(
        Rotate::new(pre.clone(), 1, e0.message.said().clone(), vec![verkey(&k1)], vec![commit(&k2)]).build().unwrap(),
        &[&k1],
    );
    let e2 = ixn(&pre, 2, r1.message.said(), &k1);
    let r3 = signed(
        Rotate::new(pre.clone(), 3, e2.message.said().clone(), vec![verkey(&k2)], vec![commit(&k3)]).build().unwrap(),
        &[&k2],
    );
    let mut kv = crate::kevery(Config::default());
    for e in [&e0, &e1, &r1, &e2, &r3] {
        assert_eq!(kv.process_at(e.clone(), 1), Outcome::Accepted);
    }
    let said = kv.state(&pre.qb64()).unwrap().said().clone();
    for (i, e) in [&e0, &e1, &r1, &e2, &r3].into_iter().enumerate() {
        let out = kv.process_at(e.clone(), 2 + i as u64);
        assert_eq!(out, Outcome::Duplicate, "replay {i}");
    }
    assert_eq!(kv.state(&pre.qb64()).unwrap().said(), &said);
    assert!(kv.duplicity().is_empty());
    assert!(kv.escrowed().is_empty());
}

/// Duplicates interleaved with an out-of-order chain being drained: one disposition each.
#[test]
fn duplicates_interleaved_with_escrow_retries_are_counted_once() {
    let (k0, k1) = (signer(1), signer(2));
    let e0 = icp(&k0, &k1);
    let pre = pre_of(&e0);
    let mut chain = vec![e0.clone()];
    for sn in 1..20u128 {
        let prior = chain.last().unwrap().message.said().clone();
        chain.push(ixn(&pre, sn, &prior, &k0));
    }
    let mut order: Vec<&SignedMessage> = chain[1..].iter().rev().collect();
    order.extend(chain[1..].iter().rev());
    order.push(&chain[0]);
    order.extend(chain.iter());
    let mut kv = crate::kevery(Config::default());
    let r = kv.ingest_at(&wire(&order), 1);
    balanced(&r);
    assert_eq!(r.accepted, 20);
    assert_eq!(r.duplicates, order.len() - 20);
    assert_eq!(kv.state(&pre.qb64()).unwrap().sn(), 19);
}

/// An event escrowed out of order for an identifier that is abandoned meanwhile is rejected
/// when retried, and counted once.
#[test]
fn escrowed_event_of_an_identifier_abandoned_meanwhile_is_rejected() {
    let (k0, k1) = (signer(1), signer(2));
    let e0 = icp(&k0, &k1);
    let pre = pre_of(&e0);
    let abandon = signed(
        Rotate::new(pre.clone(), 1, e0.message.said().clone(), vec![verkey(&k1)], vec![]).build().unwrap(),
        &[&k1],
    );
    let late = ixn(&pre, 2, abandon.message.said(), &k1);
    let mut kv = crate::kevery(Config::default());
    let r = kv.ingest_at(&wire(&[&late, &e0, &abandon]), 1);
    balanced(&r);
    assert_eq!((r.accepted, r.rejected, r.escrowed), (2, 1, 0), "{r:?}");
    assert!(kv.escrowed().is_empty());
}

// ---------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------

#[test]
fn a_clock_going_backwards_neither_panics_nor_expires_early() {
    let (k0, k1) = (signer(1), signer(2));
    let e0 = icp(&k0, &k1);
    let pre = pre_of(&e0);
    let e1 = ixn(&pre, 1, e0.message.said(), &k0);
    let e2 = ixn(&pre, 2, e1.message.said(), &k0);
    let mut kv = crate::kevery(Config { out_of_order_timeout: 100, ..Config::default() });
    assert!(kv.process_at(e2, 1_000).escrow_kind().is_some());
    // Time runs backwards: nothing expires, nothing panics.
    assert_eq!(kv.expire_at(5), 0);
    assert!(kv.process_at(e1.clone(), 3).escrow_kind().is_some());
    assert_eq!(kv.process_at(e0.clone(), 2), Outcome::Accepted);
    assert_eq!(kv.state(&pre.qb64()).unwrap().sn(), 2);
    // An item escrowed at 1000 expires exactly when retried past its timeout.
    let mut kv = crate::kevery(Config { out_of_order_timeout: 100, ..Config::default() });
    let e2 = ixn(&pre, 2, e1.message.said(), &k0);
    kv.process_at(e2, 1_000);
    kv.process_at(e0, 1_100);
    // At 1100 + 1 the ixn at sn 2 is 101 µs old: expired as it is retried.
    let r = kv.ingest_at(&wire(&[&e1]), 1_101);
    balanced(&r);
    assert_eq!(r.accepted, 1);
    assert_eq!(r.earlier.rejected, 1, "{r:?}");
    assert_eq!(kv.state(&pre.qb64()).unwrap().sn(), 1);
    assert!(kv.escrowed().is_empty());
}

// ---------------------------------------------------------------------------------------
// Exhaustion
// ---------------------------------------------------------------------------------------

/// Out-of-order floods respect the limits, and the per-identifier count stays right when
/// entries move from one trigger to another (out of order, then waiting for a delegator).
#[test]
fn escrow_limits_hold_when_entries_move_between_triggers() {
    let (d0, d1) = (signer(21), signer(22));
    let delegator = icp(&d0, &d1);
    let dpre = pre_of(&delegator);
    let cfg = Config { max_escrow_per_prefix: 4, max_escrow_total: 6, ..Config::default() };
    let mut kv = crate::kevery(cfg);
    // Delegated inceptions by many delegates, all waiting for the delegator's inception.
    let dips: Vec<SignedMessage> = (0..10u64)
        .map(|i| {
            let (c0, c1) = (seeded(100 + 2 * i), seeded(101 + 2 * i));
            let m = Incept {
                keys: vec![verkey(&c0)],
                next: vec![commit(&c1)],
                delegator: Some(dpre.clone()),
                ..Incept::default()
            }
            .build()
            .unwrap();
            signed(m, &[&c0])
        })
        .collect();
    let r = kv.ingest_at(&wire(&dips.iter().collect::<Vec<_>>()), 1);
    balanced(&r);
    assert_eq!((r.escrowed, r.rejected), (6, 4), "{r:?}");
    // The delegator arrives: they move from waiting for its inception to waiting for anchors.
    let r = kv.ingest_at(&wire(&[&delegator]), 2);
    balanced(&r);
    assert_eq!(kv.escrowed().values().sum::<usize>(), 6);
    // Still full: another delegate is refused, and the count is still right.
    let r = kv.ingest_at(&wire(&dips[7..8].iter().collect::<Vec<_>>()), 3);
    assert_eq!(r.rejected, 1, "{r:?}");
    assert_eq!(kv.escrowed().values().sum::<usize>(), 6);
}

/// Delegated inceptions flood the delegator's trigger (each by its own throw-away delegate,
/// so the per-identifier limit does not apply); the delegator's own events must not each
/// pay for retrying all of them.
#[test]
fn a_flood_waiting_on_a_delegator_does_not_make_its_events_expensive() {
    let (d0, d1) = (signer(21), signer(22));
    let delegator = icp(&d0, &d1);
    let dpre = pre_of(&delegator);
    let n = 2_000u64;
    let mut flood = Vec::new();
    for i in 0..n {
        let (c0, c1) = (seeded(1000 + 2 * i), seeded(1001 + 2 * i));
        let m = Incept {
            keys: vec![verkey(&c0)],
            next: vec![commit(&c1)],
            delegator: Some(dpre.clone()),
            ..Incept::default()
        }
        .build()
        .unwrap();
        flood.extend(signed(m, &[&c0]).to_cesr(Domain::Text, false).unwrap());
    }
    let mut chain = vec![delegator.clone()];
    for sn in 1..=100u128 {
        let prior = chain.last().unwrap().message.said().clone();
        chain.push(ixn(&dpre, sn, &prior, &d0));
    }
    let mut kv = crate::kevery(Config::default());
    kv.ingest_at(&wire(&[&delegator]), 1);
    let start = Instant::now();
    let r = kv.ingest_at(&flood, 1);
    eprintln!("{n} delegated inceptions escrowed under one delegator: {:?}", start.elapsed());
    assert_eq!(r.escrowed, n as usize);
    let start = Instant::now();
    let r = kv.ingest_at(&wire(&chain[1..].iter().collect::<Vec<_>>()), 2);
    let took = start.elapsed();
    assert_eq!(r.accepted, 100);
    eprintln!("100 delegator events with {n} delegated inceptions waiting: {took:?}");
    assert!(took < Duration::from_secs(3), "100 delegator events with {n} waiting took {took:?}");
}

/// Receipts for events that never come: bounded by the per-identifier limit, and each
/// receipt does not re-run the whole escrow of its identifier at growing cost.
#[test]
fn a_flood_of_receipts_for_unknown_events_is_bounded_and_cheap() {
    let (k0, k1, w) = (signer(1), signer(2), witness(11));
    let e0 = icp(&k0, &k1);
    let pre = pre_of(&e0);
    let mut kv = crate::kevery(Config::default());
    kv.process_at(e0, 1);
    let n = 3_000u64;
    let mut stream = Vec::new();
    for i in 0..n {
        // A receipt of a made-up event at a future sequence number.
        let fake = Digest::new(dkms_crypto::digest(MatterCode::Blake3_256, &i.to_le_bytes()).unwrap()).unwrap();
        let m = dkms_event::builder::receipt(&pre, 5 + u128::from(i), &fake, Kind::Json).unwrap();
        let mut sm = signed(m.clone(), &[]);
        sm.attachments.nontrans_receipts.push((verkey(&w), w.sign_cigar(m.raw()).unwrap()));
        stream.extend(sm.to_cesr(Domain::Text, false).unwrap());
    }
    let start = Instant::now();
    let r = kv.ingest_at(&stream, 2);
    let took = start.elapsed();
    balanced(&r);
    eprintln!("{n} receipts of unknown events: {took:?}");
    assert_eq!(r.escrowed, 1024, "{:?}", kv.escrowed());
    assert_eq!(r.rejected, n as usize - 1024);
    assert!(took < Duration::from_secs(5), "{n} receipts took {took:?}");
}

/// An endless stream of bad messages does not grow the report without bound.
#[test]
fn the_report_of_an_endless_bad_stream_is_bounded() {
    let (k0, k1) = (signer(1), signer(2));
    let mut stream = Vec::new();
    let n = 30_000u64;
    for i in 0..n {
        // Unsigned inceptions, each different.
        let m = Incept {
            keys: vec![verkey(&k0)],
            next: vec![commit(&k1)],
            anchors: vec![Anchor::Seal(Seal::Digest {
                d: Digest::new(dkms_crypto::digest(MatterCode::Blake3_256, &i.to_le_bytes()).unwrap()).unwrap(),
            })],
            prefix_code: Some(MatterCode::Blake3_256),
            ..Incept::default()
        }
        .build()
        .unwrap();
        stream.extend_from_slice(m.raw());
    }
    let mut kv = Kevery::new(Config { max_report_entries: 100, ..Config::default() });
    let r = kv.ingest(&stream, Options::default().clock(Clock::fixed(1))).unwrap();
    assert!(r.balanced());
    assert_eq!(r.rejected, n as usize);
    assert_eq!(r.errors.len(), 100);
    assert_eq!(r.errors.len() + r.errors_omitted, r.rejected);
    assert_eq!(r.errors[0].offset, 0, "the first errors are kept");
}

// ---------------------------------------------------------------------------------------
// Persistence: a store dying in the middle of a drain
// ---------------------------------------------------------------------------------------

/// A store whose write transactions fail from the `fail_at`-th on (a disk that fills up, a
/// process that dies: nothing after that point reaches the store).
struct DiesAt {
    inner: MemoryStore,
    writes: AtomicUsize,
    fail_at: AtomicUsize,
}

impl Store for DiesAt {
    fn read(&self) -> dkms_store::Result<Box<dyn dkms_store::ReadTxn + '_>> {
        self.inner.read()
    }
    fn write_with(&self, d: dkms_store::Durability) -> dkms_store::Result<Box<dyn dkms_store::WriteTxn + '_>> {
        if self.writes.fetch_add(1, Ordering::SeqCst) >= self.fail_at.load(Ordering::SeqCst) {
            return Err(dkms_store::Error::Backend { op: "begin write", message: "killed (test)".into() });
        }
        self.inner.write_with(d)
    }
    fn flush(&self) -> dkms_store::Result<()> {
        self.inner.flush()
    }
}

fn summary(k: &Kevery) -> Vec<(String, u128, String)> {
    k.prefixes().iter().map(|p| (p.to_string(), k.state(p).unwrap().sn(), k.state(p).unwrap().said().qb64())).collect()
}

/// An out-of-order chain drained when its inception arrives, with the store killed after
/// each possible number of writes: reopened, nothing committed before is lost, the escrow
/// is whole (or drained), and ingesting the stream again gives the same key states.
#[test]
fn a_store_killed_mid_drain_loses_nothing_and_recovers() {
    let (k0, k1, k2) = (signer(1), signer(2), signer(3));
    let e0 = icp(&k0, &k1);
    let pre = pre_of(&e0);
    let mut chain = vec![e0.clone()];
    for sn in 1..12u128 {
        let prior = chain.last().unwrap().message.said().clone();
        chain.push(if sn == 6 {
            signed(Rotate::new(pre.clone(), sn, prior, vec![verkey(&k1)], vec![commit(&k2)]).build().unwrap(), &[&k1])
        } else {
            ixn(&pre, sn, &prior, if sn < 6 { &k0 } else { &k1 })
        });
    }
    // Out of order: everything after the inception first, then the inception.
    let mut order: Vec<&SignedMessage> = chain[1..].iter().rev().collect();
    order.push(&chain[0]);
    let bytes = wire(&order);
    let mut whole = Kevery::default();
    whole.ingest_at(&bytes, 1);
    let expected = summary(&whole);
    for fail_at in 0..16 {
        let store = Arc::new(DiesAt {
            inner: MemoryStore::new(),
            writes: AtomicUsize::new(0),
            fail_at: AtomicUsize::new(fail_at),
        });
        let cfg = Config { group_commit_ops: 2, ..Config::default() };
        let before_kill = {
            let mut k = Kevery::open(store.clone(), cfg.clone()).unwrap();
            for m in &order {
                k.ingest_at(&wire(&[m]), 1);
            }
            k.escrowed().values().sum::<usize>()
        };
        let _ = before_kill;
        // Reopen over what reached the store (the disk works again).
        store.fail_at.store(usize::MAX, Ordering::SeqCst);
        let mut k = Kevery::open(store.clone(), cfg.clone()).unwrap();
        // Whatever was committed is a prefix of the chain, consistent with its KEL.
        if let Some(s) = k.state(&pre.qb64()) {
            assert_eq!(k.chain(&pre.qb64()).unwrap().len() as u128, s.sn() + 1, "fail_at {fail_at}");
        }
        let r = k.ingest_at(&bytes, 2);
        balanced(&r);
        assert_eq!(summary(&k), expected, "fail_at {fail_at}: {r:?}");
        assert!(k.escrowed().is_empty(), "fail_at {fail_at}: {:?}", k.escrowed());
    }
}

/// The attacks on rules and escrows again, with validators over a store that commit after
/// each message (every rule reads accepted events back from the store).
#[test]
fn the_same_through_a_store() {
    crate::through_store(|| {
        forged_conflicting_event_is_not_duplicity_evidence();
        conflicting_event_is_checked_against_the_keys_in_force_at_its_place();
        one_key_under_two_codes_is_one_signature();
        ondex_pointing_at_the_wrong_digest_exposes_nothing();
        source_seal_naming_a_non_anchoring_event_is_rejected();
        a_copy_with_an_index_beyond_the_keys_does_not_poison_the_escrowed_event();
        a_copy_with_a_witness_index_beyond_the_list_does_not_poison_the_escrowed_event();
        a_copy_with_a_bogus_source_seal_does_not_poison_the_escrowed_delegated_event();
        replayed_establishment_and_recovery_events_change_nothing();
        duplicates_interleaved_with_escrow_retries_are_counted_once();
        escrowed_event_of_an_identifier_abandoned_meanwhile_is_rejected();
        a_clock_going_backwards_neither_panics_nor_expires_early();
        escrow_limits_hold_when_entries_move_between_triggers();
    });
}

/// Nobody calls `expire`: a full escrow still makes room by dropping what expired, rather
/// than refusing every new message for good.
#[test]
fn a_full_escrow_drops_expired_items_before_refusing() {
    let (k0, k1) = (signer(1), signer(2));
    let cfg = Config { max_escrow_total: 3, out_of_order_timeout: 10, ..Config::default() };
    let mut kv = crate::kevery(cfg);
    // Three out-of-order events of unknown identifiers fill the escrow at t = 0.
    for i in 0..3u64 {
        let e0 = icp(&seeded(500 + i), &k1);
        let e1 = ixn(&pre_of(&e0), 1, e0.message.said(), &seeded(500 + i));
        assert!(kv.process_at(e1, 0).escrow_kind().is_some());
    }
    let e0 = icp(&k0, &k1);
    let e1 = ixn(&pre_of(&e0), 1, e0.message.said(), &k0);
    // Still fresh: refused.
    assert!(matches!(kv.process_at(e1.clone(), 5), Outcome::Rejected(_)));
    // Later, the three have expired: they make room.
    let r = kv.ingest_at(&wire(&[&e1]), 2_000_000);
    balanced(&r);
    assert_eq!((r.escrowed, r.earlier.rejected), (1, 3), "{r:?}");
    assert_eq!(kv.process_at(e0, 2_000_001), Outcome::Accepted);
    assert_eq!(kv.state(&pre_of(&e1).qb64()).unwrap().sn(), 1);
}

/// The same out-of-order event resent in run after run (one `process` call each) is one
/// earlier item when it finally leaves, not one per copy.
#[test]
fn copies_resent_run_after_run_do_not_accumulate() {
    let (k0, k1) = (signer(1), signer(2));
    let e0 = icp(&k0, &k1);
    let e1 = ixn(&pre_of(&e0), 1, e0.message.said(), &k0);
    let mut kv = crate::kevery(Config::default());
    for t in 0..1_000 {
        assert!(kv.process_at(e1.clone(), t).escrow_kind().is_some());
    }
    let r = kv.ingest_at(&wire(&[&e1, &e0]), 2_000);
    balanced(&r);
    assert_eq!((r.accepted, r.duplicates, r.earlier.accepted), (1, 1, 1), "{r:?}");
}
