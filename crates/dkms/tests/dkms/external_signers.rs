//! One signing path for every signer: keys held outside the keystore (an HSM stand-in),
//! mixed software and external signers, wrong and failing signers, stale and unsigned events.

use std::sync::Arc;

use dkms::cesr::Indexer;
use dkms::crypto::secrecy::SecretBox;
use dkms::crypto::{Algorithm, Signature, Signer, SoftSigner, Verfer};
use dkms::event::primitives::{Digest, Verkey};
use dkms::event::seal::{Anchor, Seal};
use dkms::event::threshold::Threshold;
use dkms::kel::EscrowKind;
use dkms::store::{MemoryStore, Store};
use dkms::{Controller, Error, ExternalIncept, ExternalRotate, InceptOptions, KdfParams, Keystore, Refusal, Status};

fn controller(tag: &str) -> Controller {
    let dir = std::env::temp_dir().join(format!("dkms-external-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let ks = Keystore::create_with(dir, &"external signer tests".into(), KdfParams::insecure_fast()).unwrap();
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    Controller::with_store(store, Some(ks)).unwrap()
}

/// An HSM stand-in: it owns its seeds and hands out one signer per slot; the seeds never
/// reach the controller or its keystore.
struct Hsm {
    seeds: Vec<[u8; 32]>,
}

impl Hsm {
    fn new(first: u8, slots: u8) -> Self {
        Self { seeds: (0..slots).map(|s| [first.wrapping_add(s); 32]).collect() }
    }

    fn slot(&self, slot: usize) -> HsmKey<'_> {
        let verfer = self.sign_in(slot, |s| s.verfer().clone());
        HsmKey { hsm: self, slot, verfer, fail: false }
    }

    /// Runs `f` with the slot's key loaded "inside the device".
    fn sign_in<T>(&self, slot: usize, f: impl FnOnce(&SoftSigner) -> T) -> T {
        let seed = SecretBox::new(Box::new(self.seeds[slot]));
        f(&SoftSigner::from_seed(Algorithm::Ed25519, &seed, true).unwrap())
    }
}

/// One HSM slot as a [`Signer`]; `fail` makes it refuse, as a locked or unplugged device would.
struct HsmKey<'a> {
    hsm: &'a Hsm,
    slot: usize,
    verfer: Verfer,
    fail: bool,
}

impl Signer for HsmKey<'_> {
    fn verfer(&self) -> &Verfer {
        &self.verfer
    }

    fn sign(&self, msg: &[u8]) -> Result<Signature, dkms::crypto::Error> {
        if self.fail {
            return Err(dkms::crypto::Error::Signer("device is locked".into()));
        }
        self.hsm.sign_in(self.slot, |s| s.sign(msg))
    }
}

fn verkey(s: &dyn Signer) -> Verkey {
    Verkey::new(s.verfer().matter().clone()).unwrap()
}

fn digest(s: &dyn Signer) -> Digest {
    dkms::next_digest(&verkey(s)).unwrap()
}

#[test]
fn an_external_signer_incepts_interacts_rotates_and_signs() {
    let mut c = controller("hsm");
    let hsm = Hsm::new(1, 3);
    let (k0, k1, k2) = (hsm.slot(0), hsm.slot(1), hsm.slot(2));
    // Inception: the integrator supplies the key and the digest of the next (pre-rotated) key.
    let mut icp = c
        .prepare_incept(
            "hsm",
            ExternalIncept { keys: vec![verkey(&k0)], next: vec![digest(&k1)], ..Default::default() },
        )
        .unwrap();
    assert_eq!(icp.keys(), [verkey(&k0)]);
    icp.sign(&[&k0]).unwrap();
    assert_eq!(icp.signed(), vec![0]);
    let e = c.finalize(icp).unwrap();
    assert_eq!((e.status, e.sn), (Status::Accepted, 0));
    assert!(c.identifiers().unwrap()[0].external);
    // The keystore holds no key of it.
    assert!(matches!(c.signers("hsm"), Err(Error::External { .. })));
    // Interaction anchoring a digest.
    let seal = Anchor::Seal(Seal::Digest { d: digest(&k2) });
    let mut ixn = c.prepare_interact("hsm", vec![seal]).unwrap();
    ixn.sign(&[&k0]).unwrap();
    assert_eq!(c.finalize(ixn).unwrap().status, Status::Accepted);
    // Rotation to the pre-rotated key, committing to the next one held by the HSM.
    let mut rot = c
        .prepare_rotate(
            "hsm",
            ExternalRotate { keys: vec![verkey(&k1)], next: vec![digest(&k2)], ..Default::default() },
        )
        .unwrap();
    rot.sign(&[&k1]).unwrap();
    // Signed at index 0 of the new keys and at ondex 0 of the prior next keys (code `A`).
    assert_eq!(rot.signatures()[0].ondex(), Some(0));
    assert_eq!(rot.signatures()[0], k1.sign_indexed(rot.body(), 0, false, Some(0)).unwrap());
    assert_eq!(c.finalize(rot).unwrap().sn, 2);
    let st = c.state("hsm").unwrap();
    assert_eq!((st.sn(), st.keys().to_vec(), st.next().to_vec()), (2, vec![verkey(&k1)], vec![digest(&k2)]));
    // A document signed by the HSM verifies against the key state; the rotated-out key no
    // longer signs for it.
    let sigs = c.sign_with("hsm", b"document", &[&k1]).unwrap();
    assert_eq!(c.verify("hsm", b"document", &sigs).unwrap().indices, vec![0]);
    assert!(matches!(c.verify("hsm", b"other document", &sigs), Err(Error::VerificationFailed)));
    let old = c.sign_with("hsm", b"document", &[&k0]);
    assert!(matches!(&old, Err(Error::UnknownSigner { key, .. }) if *key == k0.verfer().qb64()), "{old:?}");
    // The KEL stands on its own.
    let v = dkms::verify_stream(&c.export("hsm").unwrap());
    assert!(v.valid, "{:?}", v.report);
    assert_eq!(v.states[0].keys(), vec![verkey(&k1)]);
}

#[test]
fn software_and_external_signers_meet_a_two_of_three_threshold_together() {
    let mut c = controller("mixed");
    let hsm = Hsm::new(40, 2);
    let soft: Vec<SoftSigner> = (0..4).map(|_| SoftSigner::random(Algorithm::Ed25519, true).unwrap()).collect();
    let (h0, h1) = (hsm.slot(0), hsm.slot(1));
    // Keys 0 and 1 are software keys, key 2 lives in the HSM; the same for the next keys.
    let mut icp = c
        .prepare_incept(
            "mixed",
            ExternalIncept {
                keys: vec![verkey(&soft[0]), verkey(&soft[1]), verkey(&h0)],
                kt: Some(Threshold::numeric(2)),
                next: vec![digest(&soft[2]), digest(&soft[3]), digest(&h1)],
                nt: Some(Threshold::numeric(2)),
                ..Default::default()
            },
        )
        .unwrap();
    icp.sign(&[&soft[0], &h0]).unwrap();
    assert_eq!(icp.signed(), vec![0, 2]);
    assert_eq!(c.finalize(icp).unwrap().status, Status::Accepted);

    // One signature of three: the event waits in the partially-signed escrow, the KEL stays.
    let mut ixn = c.prepare_interact("mixed", vec![]).unwrap();
    ixn.sign(&[&soft[1]]).unwrap();
    let body = ixn.body().to_vec();
    let partial = ixn.signatures().to_vec();
    let e = c.finalize(ixn).unwrap();
    assert_eq!(e.status, Status::Escrowed(EscrowKind::PartiallySigned));
    assert_eq!(c.state("mixed").unwrap().sn(), 0);
    // The second signer signs the same bytes elsewhere; with both it is accepted.
    let mut again = c.prepared_from_body("mixed", &body).unwrap();
    again.attach(partial);
    again.sign(&[&h0]).unwrap();
    assert_eq!(again.signed(), vec![1, 2]);
    assert_eq!(c.finalize(again).unwrap().status, Status::Accepted);
    assert_eq!(c.state("mixed").unwrap().sn(), 1);

    // Rotation to the pre-rotated keys, signed by one software key and the HSM.
    let mut rot = c
        .prepare_rotate(
            "mixed",
            ExternalRotate {
                keys: vec![verkey(&soft[2]), verkey(&soft[3]), verkey(&h1)],
                kt: Some(Threshold::numeric(2)),
                next: vec![digest(&soft[0])],
                nt: Some(Threshold::numeric(1)),
                ..Default::default()
            },
        )
        .unwrap();
    rot.sign(&[&h1, &soft[3]]).unwrap();
    assert_eq!(rot.signed(), vec![1, 2]);
    assert_eq!(c.finalize(rot).unwrap().status, Status::Accepted);
    let sigs = c.sign_with("mixed", b"contract", &[&soft[2], &h1]).unwrap();
    assert_eq!(c.verify("mixed", b"contract", &sigs).unwrap().indices, vec![0, 2]);
    // One of three does not meet the threshold.
    let one = c.sign_with("mixed", b"contract", &[&h1]).unwrap();
    assert!(matches!(c.verify("mixed", b"contract", &one), Err(Error::VerificationFailed)));
    assert!(dkms::verify_stream(&c.export("mixed").unwrap()).valid);
}

#[test]
fn a_signer_whose_key_is_not_in_the_event_is_named_and_adds_nothing() {
    let mut c = controller("wrong");
    let hsm = Hsm::new(80, 3);
    let (k0, k1, stranger) = (hsm.slot(0), hsm.slot(1), hsm.slot(2));
    let mut icp = c
        .prepare_incept("w", ExternalIncept { keys: vec![verkey(&k0)], next: vec![digest(&k1)], ..Default::default() })
        .unwrap();
    let e = icp.sign(&[&k0, &stranger]);
    assert!(
        matches!(&e, Err(Error::UnknownSigner { key, prefix }) if *key == stranger.verfer().qb64() && *prefix == icp.prefix()),
        "{e:?}"
    );
    // All or nothing: the good signer's signature was not kept either.
    assert!(icp.signatures().is_empty());
    icp.sign(&[&k0]).unwrap();
    c.finalize(icp).unwrap();
    // The next key is committed to but does not sign before the rotation.
    let mut ixn = c.prepare_interact("w", vec![]).unwrap();
    assert!(matches!(ixn.sign(&[&k1]), Err(Error::UnknownSigner { .. })));
    // A signature made elsewhere by a wrong key, attached at index 0, is named by its index.
    ixn.attach([stranger.sign_indexed(ixn.body(), 0, false, None).unwrap()]);
    assert!(matches!(c.finalize(ixn), Err(Error::InvalidSignature { index: 0 })));
    // So is one whose index has no key.
    let mut ixn = c.prepare_interact("w", vec![]).unwrap();
    ixn.attach([k0.sign_indexed(ixn.body(), 5, false, None).unwrap()]);
    assert!(matches!(c.finalize(ixn), Err(Error::InvalidSignature { index: 5 })));
    assert_eq!(c.state("w").unwrap().sn(), 0);
    // A keystore identifier refuses a stranger too.
    c.incept("ks", InceptOptions::default()).unwrap();
    assert!(matches!(c.sign_with("ks", b"d", &[&stranger]), Err(Error::UnknownSigner { .. })));
}

#[test]
fn a_failing_signer_is_a_typed_error_and_nothing_is_stored() {
    let mut c = controller("failing");
    let hsm = Hsm::new(120, 3);
    let mut k0 = hsm.slot(0);
    let k1 = hsm.slot(1);
    k0.fail = true;
    let mut icp = c
        .prepare_incept("f", ExternalIncept { keys: vec![verkey(&k0)], next: vec![digest(&k1)], ..Default::default() })
        .unwrap();
    let prefix = icp.prefix();
    let e = icp.sign(&[&k0]);
    assert!(
        matches!(&e, Err(Error::Signer { index: 0, key, source: dkms::crypto::Error::Signer(_) }) if *key == k0.verfer().qb64()),
        "{e:?}"
    );
    assert!(icp.signatures().is_empty());
    // Finalizing it unsigned is refused by the validator, and the alias stays free.
    let e = c.finalize(icp);
    assert!(
        matches!(&e, Err(Error::NotAccepted { reason, .. }) if matches!(**reason, Refusal::Rejected(dkms::kel::Error::Unsigned { .. }))),
        "{e:?}"
    );
    assert!(c.identifiers().unwrap().is_empty());
    assert!(c.kevery().state(&prefix).is_none());
    assert!(c.kevery().escrowed().values().all(|n| *n == 0));

    // The device comes back; later it fails in the middle of a rotation: nothing changes.
    k0.fail = false;
    let mut icp = c
        .prepare_incept("f", ExternalIncept { keys: vec![verkey(&k0)], next: vec![digest(&k1)], ..Default::default() })
        .unwrap();
    icp.sign(&[&k0]).unwrap();
    c.finalize(icp).unwrap();
    let mut k1 = k1;
    k1.fail = true;
    let mut rot = c
        .prepare_rotate(
            "f",
            ExternalRotate { keys: vec![verkey(&k1)], next: vec![digest(&hsm.slot(2))], ..Default::default() },
        )
        .unwrap();
    assert!(matches!(rot.sign(&[&k1]), Err(Error::Signer { index: 0, .. })));
    assert!(matches!(c.finalize(rot), Err(Error::NotAccepted { .. })));
    let st = c.state("f").unwrap();
    assert_eq!((st.sn(), st.keys().to_vec()), (0, vec![verkey(&k0)]));
}

#[test]
fn a_stale_or_foreign_prepared_event_is_refused() {
    let mut c = controller("stale");
    c.incept("a", InceptOptions::default()).unwrap();
    c.incept("b", InceptOptions::default()).unwrap();
    let mut first = c.prepare_interact("a", vec![]).unwrap();
    let mut second = c.prepare_interact("a", vec![]).unwrap();
    let signers = c.signers("a").unwrap();
    let dyn_signers: Vec<&dyn Signer> = signers.iter().map(|s| s as &dyn Signer).collect();
    first.sign(&dyn_signers).unwrap();
    c.finalize(first).unwrap();
    second.sign(&dyn_signers).unwrap();
    assert!(matches!(c.finalize(second), Err(Error::Stale { sn: 1, .. })));
    // An event of `a` presented as one of `b`.
    let ixn = c.prepare_interact("a", vec![]).unwrap();
    assert!(matches!(c.prepared_from_body("b", ixn.body()), Err(Error::ForeignEvent { .. })));
    // A keystore identifier's rotation cannot be rebuilt from bytes (its new next seeds are not in them).
    assert!(matches!(c.prepare_rotate("a", ExternalRotate::default()), Err(Error::KeystoreSigned { .. })));
    assert!(matches!(c.prepared_from_body("a", b"{}"), Err(Error::Event(_))));
}

/// Indexed signatures made by a keystore and by a [`Signer`] over the same seeds are the same
/// bytes: the wrappers take the one path.
#[test]
fn keystore_signatures_are_those_of_the_generic_path() {
    let mut c = controller("same");
    c.incept("a", InceptOptions { key_count: 2, ..Default::default() }).unwrap();
    let signers = c.signers("a").unwrap();
    let dyn_signers: Vec<&dyn Signer> = signers.iter().map(|s| s as &dyn Signer).collect();
    let by_keystore: Vec<Indexer> = c.sign("a", b"doc").unwrap();
    assert_eq!(by_keystore, c.sign_with("a", b"doc", &dyn_signers).unwrap());
}
