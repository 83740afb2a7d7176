//! The controller over a store: life cycle, thresholds, delegation, external signing, reopen.

use std::sync::Arc;

use dkms::crypto::secrecy::SecretString;
use dkms::crypto::{Algorithm, Signer, SoftSigner};
use dkms::event::primitives::Verkey;
use dkms::event::seal::{Anchor, Seal};
use dkms::event::threshold::{Threshold, Weight};
use dkms::store::{MemoryStore, Store};
use dkms::{
    Controller, Error, ExternalIncept, ExternalRotate, InceptOptions, KdfParams, Keystore, RotateOptions, Status,
};

fn temp(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("dkms-facade-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn pass() -> SecretString {
    SecretString::from("facade test passcode")
}

fn memory_controller(tag: &str) -> Controller {
    let ks = Keystore::create_with(temp(tag), &pass(), KdfParams::insecure_fast()).unwrap();
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    Controller::with_store(store, Some(ks)).unwrap()
}

#[test]
fn life_cycle_with_weighted_thresholds_and_every_algorithm() {
    for alg in [Algorithm::Ed25519, Algorithm::Secp256k1, Algorithm::Secp256r1] {
        let mut c = memory_controller(&format!("life-{}", alg.name()));
        let h = Weight::new(1, 2).unwrap();
        let kt = Threshold::weighted(vec![vec![h, h, h]]).unwrap();
        let icp = c
            .incept("a", InceptOptions { algorithm: alg, key_count: 3, kt: Some(kt.clone()), ..Default::default() })
            .unwrap();
        assert_eq!(icp.status, Status::Accepted);
        c.rotate("a", RotateOptions::default()).unwrap();
        c.interact("a", vec![]).unwrap();
        let st = c.state("a").unwrap();
        assert_eq!((st.sn(), st.last_est().sn), (2, 1));
        assert_eq!(*st.kt(), kt);
        let sigs = c.sign("a", b"data").unwrap();
        assert_eq!(c.verify("a", b"data", &sigs).unwrap().indices, vec![0, 1, 2]);
        // Two of three signatures meet 1/2+1/2; one does not.
        assert!(c.verify("a", b"data", &sigs[..2]).is_ok());
        assert!(matches!(c.verify("a", b"data", &sigs[..1]), Err(Error::VerificationFailed)));
        assert!(matches!(c.verify("a", b"other", &sigs), Err(Error::VerificationFailed)));
        let kel = c.export("a").unwrap();
        let v = dkms::verify_stream(&kel);
        assert!(v.valid, "{:?}", v.report);
        assert_eq!(v.states[0].said(), st.said());
    }
}

#[test]
fn salted_keys_follow_keripy_paths_and_random_keys_differ() {
    let mut c = memory_controller("salted");
    let salt = SecretString::from("0AAwMTIzNDU2Nzg5YWJjZGVm");
    let opts = || InceptOptions {
        salt: Some(salt.clone()),
        tier: dkms::crypto::Tier::Temp,
        key_count: 2,
        ..Default::default()
    };
    c.incept("s", opts()).unwrap();
    // keripy: Salter(raw=b'0123456789abcdef').signer(path="000"/"001", temp=True)
    let keys: Vec<String> = c.state("s").unwrap().keys().iter().map(Verkey::qb64).collect();
    assert_eq!(keys[0], "DFRtyHAjSuJaRX6TDPva35GN11VHAruaOXMc79ZYDKsT");
    // Same salt, next identifier number: other keys.
    c.incept("t", opts()).unwrap();
    assert_ne!(c.state("t").unwrap().keys()[0].qb64(), keys[0]);
    c.incept("r1", InceptOptions::default()).unwrap();
    c.incept("r2", InceptOptions::default()).unwrap();
    assert_ne!(c.state("r1").unwrap().keys(), c.state("r2").unwrap().keys());
}

#[test]
fn delegation_by_a_local_delegator() {
    let mut c = memory_controller("delegation");
    let parent = c.incept("parent", InceptOptions::default()).unwrap();
    let child = c
        .incept(
            "child",
            InceptOptions { delegator: Some(c.state("parent").unwrap().prefix().clone()), ..Default::default() },
        )
        .unwrap();
    assert_eq!(child.status, Status::Accepted);
    assert_eq!(c.state("parent").unwrap().sn(), 1);
    let drt = c.rotate("child", RotateOptions::default()).unwrap();
    assert_eq!(drt.status, Status::Accepted, "{drt:?}");
    assert_eq!(c.state("child").unwrap().sn(), 1);
    assert_eq!(c.state("parent").unwrap().sn(), 2);
    let mut stream = c.export(&parent.prefix).unwrap();
    stream.extend(c.export("child").unwrap());
    assert!(dkms::verify_stream(&stream).valid);
}

#[test]
fn external_signing_prepare_and_finalize() {
    let mut c = memory_controller("external");
    let k0 = SoftSigner::random(Algorithm::Secp256k1, true).unwrap();
    let k1 = SoftSigner::random(Algorithm::Secp256k1, true).unwrap();
    let vk = |s: &SoftSigner| Verkey::new(s.verfer().matter().clone()).unwrap();
    let p = c
        .prepare_incept(
            "hsm",
            ExternalIncept {
                keys: vec![vk(&k0)],
                next: vec![dkms::next_digest(&vk(&k1)).unwrap()],
                ..Default::default()
            },
        )
        .unwrap();
    // A wrong signature is refused, naming its index, and registers nothing.
    let mut wrong = c.prepared_from_body("hsm", p.body()).unwrap();
    wrong.attach(vec![k1.sign_indexed(p.body(), 0, false, None).unwrap()]);
    assert!(matches!(c.finalize(wrong), Err(Error::InvalidSignature { index: 0 })));
    assert!(c.identifiers().unwrap().is_empty());
    let sig = k0.sign_indexed(p.body(), 0, false, None).unwrap();
    // The body survives a round trip to the signer.
    let mut p2 = c.prepared_from_body("hsm", p.body()).unwrap();
    p2.attach(vec![sig]);
    let e = c.finalize(p2).unwrap();
    assert_eq!(e.status, Status::Accepted);
    assert!(matches!(c.sign("hsm", b"x"), Err(Error::External { .. })));
    assert!(matches!(c.interact("hsm", vec![]), Err(Error::External { .. })));
    let mut ixn = c
        .prepare_interact("hsm", vec![Anchor::Seal(Seal::Digest { d: dkms::next_digest(&vk(&k0)).unwrap() })])
        .unwrap();
    ixn.attach(vec![k0.sign_indexed(ixn.body(), 0, false, None).unwrap()]);
    c.finalize(ixn).unwrap();
    let k2 = SoftSigner::random(Algorithm::Secp256k1, true).unwrap();
    let mut rot = c
        .prepare_rotate(
            "hsm",
            ExternalRotate {
                keys: vec![vk(&k1)],
                next: vec![dkms::next_digest(&vk(&k2)).unwrap()],
                ..Default::default()
            },
        )
        .unwrap();
    rot.attach(vec![k1.sign_indexed(rot.body(), 0, false, Some(0)).unwrap()]);
    c.finalize(rot).unwrap();
    let st = c.state("hsm").unwrap();
    assert_eq!((st.sn(), st.keys().to_vec()), (2, vec![vk(&k1)]));
    let sigs = vec![k1.sign_indexed(b"doc", 0, false, None).unwrap()];
    assert!(c.verify("hsm", b"doc", &sigs).is_ok());
    assert!(c.identifiers().unwrap()[0].external);
}

#[test]
fn redb_home_survives_reopen_and_refuses_a_second_owner() {
    let home = temp("reopen");
    let prefix = {
        let mut c = Controller::create(&home, &pass(), KdfParams::insecure_fast()).unwrap();
        let icp = c.incept("a", InceptOptions { key_count: 2, ..Default::default() }).unwrap();
        c.rotate("a", RotateOptions::default()).unwrap();
        // A second controller over the same home is refused while this one lives.
        let second = Controller::open(&home, &pass());
        assert!(matches!(second, Err(Error::Store(dkms::store::Error::StoreInUse { .. }))), "{second:?}");
        icp.prefix
    };
    let mut c = Controller::open(&home, &pass()).unwrap();
    assert_eq!(c.state("a").unwrap().sn(), 1);
    c.rotate("a", RotateOptions::default()).unwrap();
    let sigs = c.sign("a", b"m").unwrap();
    drop(c);
    // Without the keystore: verify by prefix, but no aliases or signing.
    let public = Controller::open_public(&home).unwrap();
    assert!(public.verify(&prefix, b"m", &sigs).is_ok());
    assert!(matches!(public.sign("a", b"m"), Err(Error::Locked)));
    assert!(matches!(public.resolve("a"), Err(Error::UnknownAlias { .. })));
    drop(public);
    assert!(matches!(
        Controller::open(&home, &SecretString::from("another passcode")),
        Err(Error::WrongPasscode { .. })
    ));
    std::fs::remove_dir_all(&home).ok();
}

#[test]
fn import_reports_offsets_and_keeps_going() {
    let mut a = memory_controller("import-a");
    a.incept("a", InceptOptions::default()).unwrap();
    a.interact("a", vec![]).unwrap();
    let kel = a.export("a").unwrap();
    let mut b = memory_controller("import-b");
    let mut stream = b"garbage!".to_vec();
    stream.extend(&kel);
    let r = b.import(&stream).unwrap();
    assert_eq!(r.accepted, 2);
    assert_eq!(r.rejected, 1);
    assert_eq!(r.errors[0].offset, 0);
    let mut seen = Vec::new();
    let r = b.import_with_progress(&kel, &mut |d, t| seen.push((d, t))).unwrap();
    assert_eq!(r.duplicates, 2);
    assert_eq!(seen.last(), Some(&(kel.len(), kel.len())));
}

#[test]
fn bad_options_are_refused_before_anything_is_stored() {
    let mut c = memory_controller("badopts");
    let e = c.incept("x", InceptOptions { key_count: 2, kt: Some(Threshold::numeric(3)), ..Default::default() });
    // As `Controller::incept` documents: the event builder's error, naming the field.
    assert!(matches!(&e, Err(Error::Event(dkms::event::Error::Field { field, .. })) if field == "kt"), "{e:?}");
    let e = c.incept("x", InceptOptions { toad: Some(2), ..Default::default() });
    assert!(matches!(&e, Err(Error::Event(dkms::event::Error::Field { field, .. })) if field == "bt"), "{e:?}");
    let e = c.incept("x", InceptOptions { key_count: 0, ..Default::default() });
    assert!(matches!(e, Err(Error::Invalid { what: "key count", .. })), "{e:?}");
    assert!(c.identifiers().unwrap().is_empty());
    assert!(matches!(c.incept("", InceptOptions::default()), Err(Error::InvalidAlias { .. })));
    c.incept("x", InceptOptions { next_count: Some(0), ..Default::default() }).unwrap();
    assert!(matches!(c.rotate("x", RotateOptions::default()), Err(Error::NotTransferable { .. })));
    assert!(matches!(c.incept("x", InceptOptions::default()), Err(Error::AliasExists { .. })));
    assert!(matches!(c.rotate("nobody", RotateOptions::default()), Err(Error::UnknownAlias { .. })));
}

/// Delegated events keep their source seal couple (`-G`) in the store and export it as kli
/// does: the couples are those keripy 1.1.17 stored for keripy's own delegation KELs.
#[test]
fn delegated_events_keep_and_export_their_source_seals() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/keripy-1.1.17");
    let stream = std::fs::read(format!("{dir}/delegation_source_seals.cesr")).unwrap();
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/delegation_source_seals.json")).unwrap()).unwrap();
    let couples: Vec<String> =
        doc["source_seals"].as_object().unwrap().values().map(|v| v.as_str().unwrap().to_owned()).collect();
    assert_eq!(couples.len(), 2);
    let home = temp("source-seals");
    {
        let mut c = Controller::create(&home, &pass(), KdfParams::insecure_fast()).unwrap();
        let r = c.import(&stream).unwrap();
        assert_eq!((r.accepted, r.rejected, r.escrowed), (6, 0, 0), "{r:?}");
    }
    // Read back from the store after a reopen, not from memory.
    let c = Controller::open_public(&home).unwrap();
    let mut exported = Vec::new();
    for prefix in c.kevery().prefixes() {
        exported.extend(c.export(prefix).unwrap());
    }
    let text = String::from_utf8(exported.clone()).unwrap();
    for couple in &couples {
        assert!(text.contains(couple.as_str()), "export lacks {couple}");
    }
    // And the export is a valid stream on its own.
    assert!(dkms::verify_stream(&exported).valid);
    drop(c);
    std::fs::remove_dir_all(&home).ok();
}
