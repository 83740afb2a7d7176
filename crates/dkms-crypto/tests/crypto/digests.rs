//! Digests of known inputs for every digest code, against keripy.

use dkms_cesr::{Matter, MatterCode};
use dkms_crypto::{Error, digest, digest_raw, digest_size, verify_digest};

use crate::vectors::{bytes, cases, load, s};

#[test]
fn every_code_matches_keripy() {
    let v = load("digests.json");
    let mut seen = std::collections::BTreeSet::new();
    for c in cases(&v) {
        let code = MatterCode::from_code(s(&c["code"])).unwrap();
        let msg = bytes(&c["msg"]);
        let got = digest(code, &msg).unwrap();
        assert_eq!(got.qb64(), s(&c["qb64"]), "{} of {} bytes", s(&c["name"]), msg.len());
        assert_eq!(Some(got.raw().len()), digest_size(code));
        let expected = Matter::from_qb64(s(&c["qb64"])).unwrap();
        verify_digest(&expected, &msg).unwrap();
        seen.insert(code);
    }
    assert_eq!(seen.len(), 9, "all nine digest codes covered");
    assert!(cases(&v).len() >= 72);
}

#[test]
fn reference_vectors() {
    // keri-reference §1.12
    for (code, qb64) in [
        (MatterCode::Blake3_256, "EGQ3s6w4RlEz_7Y7dSc6jbVIxVhGXXnbA_01nGzVvZ2F"),
        (MatterCode::Sha3_256, "HDqYXadP4iWyBFwXLWvTkL2FXwhuPp1SW0a_4kURQxUy"),
        (MatterCode::Sha2_256, "ILp4Fr-PAc_qQUFA3l2uIiOwA2Gjlhd6nLQQ_2HyABWt"),
        (MatterCode::Blake2b_256, "FL3dgTxjQjlyMXHvP-6YV5uUlk47scs-QnJiyMBo1SMZ"),
        (MatterCode::Blake2s_256, "GFCMXowyfBTi4acro07rRS83RYsgntY6KU2Zm0yGZ1mC"),
    ] {
        assert_eq!(digest(code, b"abc").unwrap().qb64(), qb64);
        assert_eq!(digest_raw(code, b"abc").unwrap().to_matter().unwrap().qb64(), qb64);
    }
}

#[test]
fn mismatch_and_wrong_code() {
    let d = digest(MatterCode::Blake3_512, b"abc").unwrap();
    assert!(matches!(verify_digest(&d, b"abd"), Err(Error::DigestMismatch { code: "0D" })));
    assert!(matches!(
        digest(MatterCode::Ed25519, b"abc"),
        Err(Error::UnexpectedCode { code: "D", expected: "digest" })
    ));
    let key = Matter::new(MatterCode::Ed25519, vec![0u8; 32]).unwrap();
    assert!(matches!(verify_digest(&key, b""), Err(Error::UnexpectedCode { .. })));
    assert_eq!(digest_size(MatterCode::Salt128), None);
}
