//! API behaviour: codes, errors, Ed448, secrets never printed.

use dkms_cesr::{Indexer, IndexerCode, Matter, MatterCode};
use dkms_crypto::secrecy::{ExposeSecret, SecretBox, SecretString};
use dkms_crypto::{Algorithm, Error, Signature, Signer, SoftSigner, Verfer, digest};

fn seed_0_31() -> SecretBox<[u8; 32]> {
    SecretBox::new(Box::new(core::array::from_fn(|i| u8::try_from(i).unwrap())))
}

#[test]
fn reference_primitives() {
    // keri-reference §1.12
    let ed = SoftSigner::from_seed(Algorithm::Ed25519, &seed_0_31(), true).unwrap();
    assert_eq!(ed.verfer().qb64(), "DAOhB7_zzhC-HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4");
    assert_eq!(
        ed.sign_cigar(b"abc").unwrap().qb64(),
        "0BDMRtYtN1T0F1Sye26iyywnK6-npaH2BivQYPQU5Qyq6sLaZq05zvRCSpAjbqkHt9gFfjRD3Fq_yZhpZ-5yE6QH"
    );
    let k1 = SoftSigner::from_seed(Algorithm::Secp256k1, &seed_0_31(), true).unwrap();
    assert_eq!(k1.seed_qb64().unwrap().expose_secret(), "JAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f");
    assert_eq!(k1.verfer().qb64(), "1AABA21sqsJIr5b2r6f5BPVQJToPPvP1qi_mg4qVshZpFGji");
    let k1n = SoftSigner::from_seed(Algorithm::Secp256k1, &seed_0_31(), false).unwrap();
    assert_eq!(k1n.verfer().qb64(), "1AAAA21sqsJIr5b2r6f5BPVQJToPPvP1qi_mg4qVshZpFGji");
    assert!(!k1n.verfer().is_transferable());
    let r1 = SoftSigner::from_seed(Algorithm::Secp256r1, &seed_0_31(), true).unwrap();
    assert_eq!(r1.seed_qb64().unwrap().expose_secret(), "QAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f");
    assert_eq!(r1.verfer().qb64(), "1AAJAnpZMYCGDEA3yDwSdJhFyO4UJN0pf63LiV41glXSx9Ky");
}

#[test]
fn ed448_is_unsupported_never_panics() {
    let unsupported = |r: Result<(), Error>| matches!(r, Err(Error::UnsupportedAlgorithm { algorithm: "Ed448", .. }));
    let key = Matter::new(MatterCode::Ed448, vec![1u8; 57]).unwrap();
    assert!(unsupported(Verfer::new(key).map(|_| ())));
    let keyn = Matter::new(MatterCode::Ed448N, vec![1u8; 57]).unwrap();
    assert!(unsupported(Verfer::new(keyn).map(|_| ())));
    let sig = Matter::new(MatterCode::Ed448Sig, vec![1u8; 39]).unwrap();
    assert!(unsupported(Signature::from_cigar(&sig).map(|_| ())));
    let siger = Indexer::new(IndexerCode::Ed448Sig, 0, None, vec![1u8; 114]).unwrap();
    assert!(unsupported(Signature::from_siger(&siger).map(|_| ())));
    assert!(unsupported(SoftSigner::from_seed(Algorithm::Ed448, &seed_0_31(), true).map(|_| ())));
    assert!(unsupported(SoftSigner::random(Algorithm::Ed448, true).map(|_| ())));
    let seed = Matter::new(MatterCode::Ed448Seed, vec![1u8; 56]).unwrap();
    assert!(unsupported(SoftSigner::from_qb64(&SecretString::from(seed.qb64()), true).map(|_| ())));
    assert!(unsupported(Signature::new(Algorithm::Ed448, [0; 64]).map(|_| ())));
    assert!(unsupported(Verfer::from_raw(Algorithm::Ed448, true, &[0; 57]).map(|_| ())));
}

#[test]
fn wrong_codes_and_lengths() {
    let dig = digest(MatterCode::Blake3_256, b"x").unwrap();
    assert!(matches!(Verfer::new(dig.clone()), Err(Error::UnexpectedCode { code: "E", expected: "public key" })));
    assert!(matches!(Signature::from_cigar(&dig), Err(Error::UnexpectedCode { code: "E", expected: "signature" })));
    assert!(matches!(
        SoftSigner::from_qb64(&SecretString::from(dig.qb64()), true),
        Err(Error::UnexpectedCode { code: "E", expected: "seed" })
    ));
    assert!(matches!(
        Signature::from_slice(Algorithm::Ed25519, &[0; 63]),
        Err(Error::InvalidLength { what: "signature", expected: 64, actual: 63 })
    ));
    assert!(matches!(
        Verfer::from_raw(Algorithm::Secp256k1, true, &[2; 32]),
        Err(Error::InvalidLength { what: "public key", expected: 33, actual: 32 })
    ));
    let test_only = Indexer::new(IndexerCode::Tbd0, 1, None, vec![0; 3]);
    if let Ok(t) = test_only {
        assert!(matches!(Signature::from_siger(&t), Err(Error::UnexpectedCode { .. })));
    }
}

#[test]
fn ecdsa_seed_range() {
    // zero and >= n are not private keys (keripy's derive_private_key raises too)
    for alg in [Algorithm::Secp256k1, Algorithm::Secp256r1] {
        for seed in [[0u8; 32], [0xff; 32]] {
            assert!(matches!(
                SoftSigner::from_seed(alg, &SecretBox::new(Box::new(seed)), true),
                Err(Error::InvalidSeed { algorithm }) if algorithm == alg
            ));
        }
    }
}

#[test]
fn algorithm_mismatch() {
    let ed = SoftSigner::from_seed(Algorithm::Ed25519, &seed_0_31(), true).unwrap();
    let k1 = SoftSigner::from_seed(Algorithm::Secp256k1, &seed_0_31(), true).unwrap();
    let sig = k1.sign(b"m").unwrap();
    assert!(matches!(
        ed.verfer().verify(&sig, b"m"),
        Err(Error::AlgorithmMismatch { key: Algorithm::Ed25519, signature: Algorithm::Secp256k1 })
    ));
    // a failed check says only that it failed
    let bad = ed.verfer().verify(&ed.sign(b"m").unwrap(), b"n").unwrap_err();
    assert_eq!(bad.to_string(), "signature verification failed");
}

#[test]
fn secrets_are_not_printed() {
    for alg in Algorithm::SUPPORTED {
        let signer = SoftSigner::from_seed(*alg, &seed_0_31(), true).unwrap();
        let seed_text = signer.seed_qb64().unwrap().expose_secret().to_owned();
        let dbg = format!("{signer:?}");
        assert!(!dbg.contains(&seed_text[1..]), "{dbg}");
        assert!(!dbg.contains("0, 1, 2, 3"), "{dbg}");
        assert!(dbg.contains(&signer.verfer().qb64()));
    }
    let seed = seed_0_31();
    assert!(!format!("{seed:?}").contains('1'));
}

#[test]
fn random_signers_differ_and_work() {
    for alg in Algorithm::SUPPORTED {
        let a = SoftSigner::random(*alg, true).unwrap();
        let b = SoftSigner::random(*alg, false).unwrap();
        assert_ne!(a.verfer().raw(), b.verfer().raw());
        assert!(a.verfer().is_transferable() && !b.verfer().is_transferable());
        let sig = a.sign(b"hello").unwrap();
        a.verfer().verify(&sig, b"hello").unwrap();
        assert!(b.verfer().verify(&sig, b"hello").is_err());
    }
}

#[test]
fn signer_is_object_safe() {
    let signers: Vec<Box<dyn Signer>> = Algorithm::SUPPORTED
        .iter()
        .map(|a| Box::new(SoftSigner::random(*a, true).unwrap()) as Box<dyn Signer>)
        .collect();
    for (i, s) in signers.iter().enumerate() {
        let siger = s.sign_indexed(b"msg", u32::try_from(i).unwrap(), false, None).unwrap();
        s.verfer().verify(&Signature::from_siger(&siger).unwrap(), b"msg").unwrap();
    }
}
