//! Scenario tests for the KEL rules, built with our builders and signers.

use crate::At;
use dkms_cesr::MatterCode;
use dkms_crypto::secrecy::SecretBox;
use dkms_crypto::{Algorithm, Signer, SoftSigner};
use dkms_event::builder::{Incept, Interact, Rotate};
use dkms_event::message::Message;
use dkms_event::primitives::{Digest, Prefix, Verkey};
use dkms_event::seal::{Anchor, Seal, Trait};
use dkms_event::signed::{Attachments, SignedMessage};
use dkms_kel::{Config, EscrowKind, Outcome};

pub(crate) fn signer(i: u8) -> SoftSigner {
    SoftSigner::from_seed(Algorithm::Ed25519, &SecretBox::new(Box::new([i; 32])), true).unwrap()
}

fn witness(i: u8) -> SoftSigner {
    SoftSigner::from_seed(Algorithm::Ed25519, &SecretBox::new(Box::new([i; 32])), false).unwrap()
}

pub(crate) fn verkey(s: &SoftSigner) -> Verkey {
    Verkey::parse(&s.verfer().qb64(), "k").unwrap()
}

pub(crate) fn commit(s: &SoftSigner) -> Digest {
    Digest::new(dkms_crypto::digest(MatterCode::Blake3_256, s.verfer().qb64().as_bytes()).unwrap()).unwrap()
}

fn prefix_of(s: &SoftSigner) -> Prefix {
    Prefix::parse(&s.verfer().qb64(), "b").unwrap()
}

/// Signs `m` with `signers` at indices 0, 1, …
pub(crate) fn signed(m: Message, signers: &[&SoftSigner]) -> SignedMessage {
    let sigs =
        signers.iter().enumerate().map(|(i, s)| s.sign_indexed(m.raw(), i as u32, false, None).unwrap()).collect();
    SignedMessage { message: m, attachments: Attachments { controller_sigs: sigs, ..Attachments::default() } }
}

fn witness_sigs(m: &mut SignedMessage, wits: &[(u32, &SoftSigner)]) {
    for (i, w) in wits {
        m.attachments.witness_sigs.push(w.sign_indexed(m.message.raw(), *i, false, None).unwrap());
    }
}

/// A one-key self-addressing inception with key `k` and next key `n`.
fn icp(k: &SoftSigner, n: &SoftSigner, config: Vec<Trait>) -> SignedMessage {
    let m = Incept {
        keys: vec![verkey(k)],
        next: vec![commit(n)],
        config,
        prefix_code: Some(MatterCode::Blake3_256),
        ..Incept::default()
    }
    .build()
    .unwrap();
    signed(m, &[k])
}

fn ixn(pre: &Prefix, sn: u128, prior: &Digest, k: &SoftSigner) -> SignedMessage {
    let m = Interact { prefix: pre.clone(), sn, prior: prior.clone(), anchors: vec![], kind: None }.build().unwrap();
    signed(m, &[k])
}

fn rot(pre: &Prefix, sn: u128, prior: &Digest, k: &SoftSigner, n: &SoftSigner) -> SignedMessage {
    let m = Rotate::new(pre.clone(), sn, prior.clone(), vec![verkey(k)], vec![commit(n)]).build().unwrap();
    signed(m, &[k])
}

fn pre_of(sm: &SignedMessage) -> Prefix {
    sm.message.prefix().unwrap().clone()
}

#[test]
fn inception_rotation_interaction_in_order() {
    let (k0, k1, k2) = (signer(1), signer(2), signer(3));
    let mut kv = crate::kevery(Config::default());
    let e0 = icp(&k0, &k1, vec![]);
    let pre = pre_of(&e0);
    assert_eq!(kv.process_at(e0.clone(), 1), Outcome::Accepted);
    let e1 = ixn(&pre, 1, e0.message.said(), &k0);
    assert_eq!(kv.process_at(e1.clone(), 2), Outcome::Accepted);
    let e2 = rot(&pre, 2, e1.message.said(), &k1, &k2);
    assert_eq!(kv.process_at(e2.clone(), 3), Outcome::Accepted);
    let st = kv.state(&pre.qb64()).unwrap();
    assert_eq!((st.sn(), st.last_est().sn, st.first_seen()), (2, 2, 2));
    assert_eq!(st.keys(), vec![verkey(&k1)]);
    // The old key no longer signs.
    let bad = ixn(&pre, 3, e2.message.said(), &k0);
    assert!(matches!(kv.process_at(bad, 4), Outcome::Rejected(dkms_kel::Error::NoValidSignature { .. })));
    // Same event again: a duplicate.
    assert_eq!(kv.process_at(e1, 5), Outcome::Duplicate);
}

#[test]
fn rotation_must_expose_the_committed_next_key() {
    let (k0, k1, stranger) = (signer(1), signer(2), signer(9));
    let mut kv = crate::kevery(Config::default());
    let e0 = icp(&k0, &k1, vec![]);
    let pre = pre_of(&e0);
    kv.process_at(e0.clone(), 1);
    // Signed by a key that was never committed: current threshold met, prior next not.
    let e1 = rot(&pre, 1, e0.message.said(), &stranger, &k1);
    assert_eq!(kv.process_at(e1, 2).escrow_kind(), Some(EscrowKind::PartiallySigned));
    assert_eq!(kv.state(&pre.qb64()).unwrap().sn(), 0);
}

#[test]
fn establishment_only_forbids_interactions() {
    let (k0, k1) = (signer(1), signer(2));
    let mut kv = crate::kevery(Config::default());
    let e0 = icp(&k0, &k1, vec![Trait::EstablishmentOnly]);
    let pre = pre_of(&e0);
    kv.process_at(e0.clone(), 1);
    let e1 = ixn(&pre, 1, e0.message.said(), &k0);
    assert!(matches!(kv.process_at(e1, 2), Outcome::Rejected(dkms_kel::Error::Rule { .. })));
}

#[test]
fn wrong_prior_digest_is_rejected() {
    let (k0, k1) = (signer(1), signer(2));
    let mut kv = crate::kevery(Config::default());
    let e0 = icp(&k0, &k1, vec![]);
    let pre = pre_of(&e0);
    kv.process_at(e0, 1);
    let wrong = Digest::parse("EIf-ENw7PrM52w4H-S7NGU2qVIfraXVIlV9hEAaMHg7W", "p").unwrap();
    assert!(matches!(kv.process_at(ixn(&pre, 1, &wrong, &k0), 2), Outcome::Rejected(_)));
}

#[test]
fn out_of_order_events_wait_in_escrow_then_apply() {
    let (k0, k1, k2) = (signer(1), signer(2), signer(3));
    let e0 = icp(&k0, &k1, vec![]);
    let pre = pre_of(&e0);
    let e1 = ixn(&pre, 1, e0.message.said(), &k0);
    let e2 = rot(&pre, 2, e1.message.said(), &k1, &k2);
    let e3 = ixn(&pre, 3, e2.message.said(), &k1);
    let mut kv = crate::kevery(Config::default());
    for e in [&e3, &e2, &e1] {
        assert_eq!(kv.process_at((*e).clone(), 1).escrow_kind(), Some(EscrowKind::OutOfOrder));
    }
    assert_eq!(kv.process_at(e0, 1), Outcome::Accepted);
    assert_eq!(kv.state(&pre.qb64()).unwrap().sn(), 3);
    assert!(kv.escrowed().is_empty());
}

#[test]
fn escrows_time_out() {
    let (k0, k1) = (signer(1), signer(2));
    let e0 = icp(&k0, &k1, vec![]);
    let pre = pre_of(&e0);
    let e1 = ixn(&pre, 1, e0.message.said(), &k0);
    let mut kv = crate::kevery(Config { out_of_order_timeout: 10, ..Config::default() });
    kv.process_at(e1, 0);
    assert_eq!(kv.expire_at(5), 0);
    assert_eq!(kv.expire_at(11), 1);
    kv.process_at(e0, 12);
    assert_eq!(kv.state(&pre.qb64()).unwrap().sn(), 0, "the expired ixn was not applied");
}

#[test]
fn escrow_is_bounded_per_identifier() {
    let (k0, k1) = (signer(1), signer(2));
    let e0 = icp(&k0, &k1, vec![]);
    let pre = pre_of(&e0);
    let mut kv = crate::kevery(Config { max_escrow_per_prefix: 3, ..Config::default() });
    let mut prior = e0.message.said().clone();
    let mut rejected = 0;
    for sn in 2..8 {
        let e = ixn(&pre, sn, &prior, &k0);
        prior = e.message.said().clone();
        if let Outcome::Rejected(_) = kv.process_at(e, 1) {
            rejected += 1;
        }
    }
    assert_eq!(kv.escrowed().values().sum::<usize>(), 3);
    assert_eq!(rejected, 3);
}

#[test]
fn recovery_rotation_supersedes_interactions_and_duplicity_is_evidence() {
    let (k0, k1, k2) = (signer(1), signer(2), signer(3));
    let mut kv = crate::kevery(Config::default());
    let e0 = icp(&k0, &k1, vec![]);
    let pre = pre_of(&e0);
    kv.process_at(e0.clone(), 1);
    let e1 = ixn(&pre, 1, e0.message.said(), &k0);
    let e2 = ixn(&pre, 2, e1.message.said(), &k0);
    kv.process_at(e1.clone(), 2);
    kv.process_at(e2.clone(), 3);
    // An interaction at sn 2 that differs from the accepted one: duplicity, kept as evidence.
    let mut other = ixn(&pre, 2, e1.message.said(), &k0);
    other = {
        let m = Interact {
            prefix: pre.clone(),
            sn: 2,
            prior: e1.message.said().clone(),
            anchors: vec![Anchor::Seal(Seal::Digest { d: e0.message.said().clone() })],
            kind: None,
        }
        .build()
        .unwrap();
        let _ = other;
        signed(m, &[&k0])
    };
    assert_eq!(kv.process_at(other.clone(), 4).escrow_kind(), Some(EscrowKind::LikelyDuplicitous));
    assert_eq!(kv.duplicity().len(), 1);
    assert_eq!(&kv.duplicity()[0].accepted, e2.message.said());
    assert_eq!(kv.state(&pre.qb64()).unwrap().said(), e2.message.said(), "first seen stays");
    // A recovery rotation at sn 2 supersedes the interaction at sn 2.
    let r = rot(&pre, 2, e1.message.said(), &k1, &k2);
    assert_eq!(kv.process_at(r.clone(), 5), Outcome::Accepted);
    let st = kv.state(&pre.qb64()).unwrap();
    assert_eq!((st.sn(), st.said()), (2, r.message.said()));
    // Superseded history is kept in first-seen order.
    assert_eq!(kv.kel(&pre.qb64()).unwrap().len(), 4);
    // A rotation never supersedes a rotation.
    let r2 = rot(&pre, 2, e1.message.said(), &k2, &k0);
    assert!(!matches!(kv.process_at(r2, 6), Outcome::Accepted));
}

#[test]
fn abandoned_identifier_takes_no_more_events() {
    let (k0, k1) = (signer(1), signer(2));
    let mut kv = crate::kevery(Config::default());
    let e0 = icp(&k0, &k1, vec![]);
    let pre = pre_of(&e0);
    kv.process_at(e0.clone(), 1);
    let m = Rotate::new(pre.clone(), 1, e0.message.said().clone(), vec![verkey(&k1)], vec![]).build().unwrap();
    assert_eq!(kv.process_at(signed(m.clone(), &[&k1]), 2), Outcome::Accepted);
    assert!(!kv.state(&pre.qb64()).unwrap().transferable());
    let next = ixn(&pre, 2, m.said(), &k1);
    assert!(matches!(kv.process_at(next, 3), Outcome::Rejected(_)));
}

#[test]
fn witness_threshold_and_non_witness_receipts() {
    let (k0, k1) = (signer(1), signer(2));
    let (w0, w1, w2, outsider) = (witness(11), witness(12), witness(13), witness(14));
    let m = Incept {
        keys: vec![verkey(&k0)],
        next: vec![commit(&k1)],
        witnesses: vec![prefix_of(&w0), prefix_of(&w1), prefix_of(&w2)],
        toad: Some(2),
        prefix_code: Some(MatterCode::Blake3_256),
        ..Incept::default()
    }
    .build()
    .unwrap();
    let pre = m.prefix().unwrap().qb64();
    let mut one = signed(m.clone(), &[&k0]);
    witness_sigs(&mut one, &[(0, &w0)]);
    // An outsider's receipt couple never counts toward the toad.
    let cigar = outsider.sign_cigar(m.raw()).unwrap();
    one.attachments.nontrans_receipts.push((verkey(&outsider), cigar));
    let mut kv = crate::kevery(Config::default());
    assert_eq!(kv.process_at(one.clone(), 1).escrow_kind(), Some(EscrowKind::PartiallyWitnessed));
    // The same witness signing twice is still one witness.
    let mut twice = one.clone();
    twice.attachments.witness_sigs.push(w0.sign_indexed(m.raw(), 0, false, Some(0)).unwrap());
    assert_eq!(kv.process_at(twice, 2).escrow_kind(), Some(EscrowKind::PartiallyWitnessed));
    // A second witness completes it.
    let mut two = one;
    witness_sigs(&mut two, &[(2, &w2)]);
    assert_eq!(kv.process_at(two, 3), Outcome::Accepted);
    assert_eq!(kv.state(&pre).unwrap().toad(), 2);
    // Local identifiers need no receipts here.
    let mut local = crate::kevery(Config { local: vec![m.prefix().unwrap().clone()], ..Config::default() });
    assert_eq!(local.process_at(signed(m, &[&k0]), 1), Outcome::Accepted);
}

#[test]
fn delegation_needs_the_delegators_anchor_and_respects_dnd() {
    let (d0, d1) = (signer(21), signer(22));
    let (c0, c1) = (signer(31), signer(32));
    for dnd in [false, true] {
        let mut kv = crate::kevery(Config::default());
        let config = if dnd { vec![Trait::DoNotDelegate] } else { vec![] };
        let delegator = icp(&d0, &d1, config);
        let dpre = pre_of(&delegator);
        kv.process_at(delegator.clone(), 1);
        let dip = Incept {
            keys: vec![verkey(&c0)],
            next: vec![commit(&c1)],
            delegator: Some(dpre.clone()),
            ..Incept::default()
        }
        .build()
        .unwrap();
        let cpre = dip.prefix().unwrap().clone();
        let mut dip_signed = signed(dip.clone(), &[&c0]);
        // Before the delegator anchors it: escrow — unless the delegator refuses to delegate.
        let early = kv.process_at(dip_signed.clone(), 2);
        if dnd {
            assert!(matches!(early, Outcome::Rejected(_)), "{early:?}");
        } else {
            assert_eq!(early.escrow_kind(), Some(EscrowKind::Delegation));
        }
        let anchor = Interact {
            prefix: dpre.clone(),
            sn: 1,
            prior: delegator.message.said().clone(),
            anchors: vec![Anchor::Seal(Seal::Event { i: cpre.clone(), s: 0, d: dip.said().clone() })],
            kind: None,
        }
        .build()
        .unwrap();
        dip_signed.attachments.source_seals.push((1, anchor.said().clone()));
        let outcome = kv.process_at(signed(anchor, &[&d0]), 3);
        assert_eq!(outcome, Outcome::Accepted);
        let state = kv.state(&cpre.qb64());
        if dnd {
            assert!(state.is_none(), "a DND delegator cannot delegate");
            assert!(matches!(kv.process_at(dip_signed, 4), Outcome::Rejected(_)));
        } else {
            // The escrowed dip was accepted when the anchor arrived.
            assert_eq!(state.unwrap().delegator(), Some(&dpre));
        }
    }
}

#[test]
fn reserve_rotation_with_big_signature_codes() {
    // Three committed next keys, threshold 2 of 3; rotate exposing the 3rd and 1st
    // in a new order with a new key added (augmented), like reference §12.4.
    let (k0, n0, n1, n2, extra) = (signer(1), signer(41), signer(42), signer(43), signer(44));
    let m = Incept {
        keys: vec![verkey(&k0)],
        next: vec![commit(&n0), commit(&n1), commit(&n2)],
        nt: Some(dkms_event::threshold::Threshold::numeric(2)),
        prefix_code: Some(MatterCode::Blake3_256),
        ..Incept::default()
    }
    .build()
    .unwrap();
    let pre = m.prefix().unwrap().clone();
    let mut kv = crate::kevery(Config::default());
    kv.process_at(signed(m.clone(), &[&k0]), 1);
    let mut r = Rotate::new(
        pre.clone(),
        1,
        m.said().clone(),
        vec![verkey(&n2), verkey(&n0), verkey(&extra)],
        vec![commit(&k0)],
    );
    r.kt = Some(dkms_event::threshold::Threshold::numeric(2));
    r.nt = Some(dkms_event::threshold::Threshold::numeric(1));
    let rm = r.build().unwrap();
    let sigs = vec![
        n2.sign_indexed(rm.raw(), 0, false, Some(2)).unwrap(),
        n0.sign_indexed(rm.raw(), 1, false, Some(0)).unwrap(),
    ];
    assert_eq!(sigs[0].code(), dkms_cesr::IndexerCode::Ed25519BigSig);
    let sm =
        SignedMessage { message: rm, attachments: Attachments { controller_sigs: sigs, ..Attachments::default() } };
    assert_eq!(kv.process_at(sm, 2), Outcome::Accepted);
    assert_eq!(kv.state(&pre.qb64()).unwrap().keys().len(), 3);
}

#[test]
fn a_delegated_rotation_waits_for_its_approval_then_applies() {
    let (d0, d1) = (signer(51), signer(52));
    let (c0, c1, c2) = (signer(61), signer(62), signer(63));
    let mut kv = crate::kevery(Config::default());
    let delegator = icp(&d0, &d1, vec![]);
    let dpre = pre_of(&delegator);
    kv.process_at(delegator.clone(), 1);
    let dip =
        Incept { keys: vec![verkey(&c0)], next: vec![commit(&c1)], delegator: Some(dpre.clone()), ..Incept::default() }
            .build()
            .unwrap();
    let cpre = dip.prefix().unwrap().clone();
    let a1 = Interact {
        prefix: dpre.clone(),
        sn: 1,
        prior: delegator.message.said().clone(),
        anchors: vec![Anchor::Seal(Seal::Event { i: cpre.clone(), s: 0, d: dip.said().clone() })],
        kind: None,
    }
    .build()
    .unwrap();
    kv.process_at(signed(a1.clone(), &[&d0]), 2);
    assert_eq!(kv.process_at(signed(dip.clone(), &[&c0]), 3), Outcome::Accepted);
    let mut r = Rotate::new(cpre.clone(), 1, dip.said().clone(), vec![verkey(&c1)], vec![commit(&c2)]);
    r.delegated = true;
    let drt = r.build().unwrap();
    assert_eq!(kv.process_at(signed(drt.clone(), &[&c1]), 4).escrow_kind(), Some(EscrowKind::Delegation));
    let a2 = Interact {
        prefix: dpre,
        sn: 2,
        prior: a1.said().clone(),
        anchors: vec![Anchor::Seal(Seal::Event { i: cpre.clone(), s: 1, d: drt.said().clone() })],
        kind: None,
    }
    .build()
    .unwrap();
    // The approval unblocks the escrowed drt without it being sent again.
    assert_eq!(kv.process_at(signed(a2, &[&d0]), 5), Outcome::Accepted);
    assert_eq!(kv.state(&cpre.qb64()).unwrap().sn(), 1);
    assert!(kv.escrowed().is_empty());
}

/// Every test above again, with validators over a store that commit after each message.
#[test]
fn the_same_through_a_store() {
    crate::through_store(|| {
        inception_rotation_interaction_in_order();
        rotation_must_expose_the_committed_next_key();
        establishment_only_forbids_interactions();
        wrong_prior_digest_is_rejected();
        out_of_order_events_wait_in_escrow_then_apply();
        escrows_time_out();
        escrow_is_bounded_per_identifier();
        recovery_rotation_supersedes_interactions_and_duplicity_is_evidence();
        abandoned_identifier_takes_no_more_events();
        witness_threshold_and_non_witness_receipts();
        delegation_needs_the_delegators_anchor_and_respects_dnd();
        reserve_rotation_with_big_signature_codes();
        a_delegated_rotation_waits_for_its_approval_then_applies();
    });
}
