//! Builders refuse events a verifier would reject.

use dkms_cesr::{Matter, MatterCode};
use dkms_event::Error;
use dkms_event::builder::{Incept, Rotate, ample};
use dkms_event::primitives::{Digest, Prefix, Verkey};
use dkms_event::threshold::Threshold;

fn key(b: u8, code: MatterCode) -> Verkey {
    Verkey::new(Matter::new(code, vec![b; 32]).unwrap()).unwrap()
}

fn dig(b: u8) -> Digest {
    Digest::new(Matter::new(MatterCode::Blake3_256, vec![b; 32]).unwrap()).unwrap()
}

fn wit(b: u8) -> Prefix {
    Prefix::new(Matter::new(MatterCode::Ed25519N, vec![b; 32]).unwrap()).unwrap()
}

fn base() -> Incept {
    Incept {
        keys: vec![key(1, MatterCode::Ed25519), key(2, MatterCode::Ed25519)],
        next: vec![dig(3)],
        ..Incept::default()
    }
}

#[test]
fn keripy_default_toad() {
    let expected = [0, 1, 2, 3, 3, 4, 4, 5, 6, 6, 7];
    for (n, e) in expected.iter().enumerate() {
        assert_eq!(ample(n), *e, "ample({n})");
    }
}

#[test]
fn invalid_inceptions_are_refused() {
    let no_keys = Incept { keys: vec![], ..base() };
    assert!(no_keys.build().is_err());
    let toad_high = Incept { witnesses: vec![wit(1), wit(2)], toad: Some(3), ..base() };
    assert!(matches!(toad_high.build(), Err(Error::Field { field, .. }) if field == "bt"));
    let toad_zero = Incept { witnesses: vec![wit(1)], toad: Some(0), ..base() };
    assert!(toad_zero.build().is_err());
    let toad_without = Incept { toad: Some(1), ..base() };
    assert!(toad_without.build().is_err());
    let dup = Incept { witnesses: vec![wit(1), wit(1)], ..base() };
    assert!(matches!(dup.build(), Err(Error::Field { field, .. }) if field == "b[1]"));
    let kt_too_big = Incept { kt: Some(Threshold::numeric(3)), ..base() };
    assert!(matches!(kt_too_big.build(), Err(Error::Field { field, .. }) if field == "kt"));
    let kt_zero = Incept { kt: Some(Threshold::numeric(0)), ..base() };
    assert!(kt_zero.build().is_err());
    let nt_too_big = Incept { nt: Some(Threshold::numeric(2)), ..base() };
    assert!(matches!(nt_too_big.build(), Err(Error::Field { field, .. }) if field == "nt"));
    // Non-transferable basic prefix: no next keys, no witnesses.
    let nontrans = Incept { keys: vec![key(1, MatterCode::Ed25519N)], next: vec![dig(2)], ..Incept::default() };
    assert!(matches!(nontrans.build(), Err(Error::Field { field, .. }) if field == "n"));
    let nontrans_w = Incept { keys: vec![key(1, MatterCode::Ed25519N)], witnesses: vec![wit(3)], ..Incept::default() };
    assert!(nontrans_w.build().is_err());
    // A basic prefix of another key's code.
    let wrong = Incept {
        prefix_code: Some(MatterCode::Ed25519N),
        keys: vec![key(1, MatterCode::Ed25519)],
        ..Incept::default()
    };
    assert!(wrong.build().is_err());
    // A delegated inception is always self-addressing.
    let dip = Incept {
        keys: vec![key(1, MatterCode::Ed25519)],
        delegator: Some(Prefix::new(dig(9).matter().clone()).unwrap()),
        ..Incept::default()
    };
    assert!(dip.build().unwrap().prefix().unwrap().is_self_addressing());
}

#[test]
fn invalid_rotations_are_refused() {
    let pre = Prefix::new(dig(7).matter().clone()).unwrap();
    let mut r = Rotate::new(pre.clone(), 1, dig(8), vec![key(1, MatterCode::Ed25519)], vec![dig(2)]);
    r.witnesses = vec![wit(1), wit(2)];
    r.cuts = vec![wit(3)];
    assert!(r.build().is_err(), "cut not in the list");
    r.cuts = vec![wit(1), wit(1)];
    assert!(r.build().is_err(), "cut twice");
    r.cuts = vec![];
    r.adds = vec![wit(2)];
    assert!(r.build().is_err(), "add already present");
    r.adds = vec![wit(4)];
    r.toad = Some(4);
    assert!(r.build().is_err(), "toad above the new count");
    r.toad = None;
    let ok = r.build().unwrap();
    assert_eq!(r.new_witnesses().unwrap(), vec![wit(1), wit(2), wit(4)]);
    assert!(dkms_event::Message::parse(ok.raw()).is_ok());
    let zero = Rotate::new(pre, 0, dig(8), vec![key(1, MatterCode::Ed25519)], vec![dig(2)]);
    assert!(zero.build().is_err());
}
