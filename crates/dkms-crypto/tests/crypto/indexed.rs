//! Indexed signatures: the code keripy's `Signer.sign(ser, index, only, ondex)` picks.

use dkms_cesr::Indexer;
use dkms_crypto::secrecy::SecretString;
use dkms_crypto::{Error, Signature, Signer, SoftSigner, Verfer};

use crate::vectors::{bytes, cases, load, s};

#[test]
fn code_choice_and_bytes_match_keripy() {
    let v = load("indexed.json");
    let mut checked = 0;
    for c in cases(&v) {
        let signer = SoftSigner::from_qb64(&SecretString::from(s(&c["seed"])), true).unwrap();
        assert_eq!(signer.verfer().qb64(), s(&c["verfer"]));
        let msg = bytes(&c["msg"]);
        let index = u32::try_from(c["index"].as_u64().unwrap()).unwrap();
        let only = c["only"].as_bool().unwrap();
        let ondex = c["ondex"].as_u64().map(|o| u32::try_from(o).unwrap());
        let ours = signer.sign_indexed(&msg, index, only, ondex);
        if c.get("error").is_some_and(|e| !e.is_null()) {
            assert!(matches!(ours, Err(Error::IndexOutOfRange { .. })), "{c}");
            continue;
        }
        let ours = ours.unwrap();
        let theirs = Indexer::from_qb64(s(&c["siger"])).unwrap();
        assert_eq!(ours.code().code(), s(&c["siger_code"]), "{c}");
        assert_eq!(ours.code(), theirs.code());
        assert_eq!(ours.index(), theirs.index());
        assert_eq!(ours.ondex(), theirs.ondex());
        assert_eq!(u64::from(ours.index()), c["siger_index"].as_u64().unwrap());
        assert_eq!(ours.ondex().map(u64::from), c["siger_ondex"].as_u64());
        let verfer = Verfer::from_qb64(s(&c["verfer"])).unwrap();
        verfer.verify(&Signature::from_siger(&theirs).unwrap(), &msg).unwrap();
        verfer.verify(&Signature::from_siger(&ours).unwrap(), &msg).unwrap();
        if s(&c["algorithm"]) != "ECDSA_256k1" {
            // Ed25519 deterministic; r1 RFC 6979 without normalisation: byte-identical
            assert_eq!(ours.qb64(), s(&c["siger"]), "{c}");
        }
        checked += 1;
    }
    assert_eq!(checked, 3 * 14);
}

#[test]
fn reference_examples() {
    // keri-reference §1.9 (raw = bytes 0..63)
    let raw: [u8; 64] = core::array::from_fn(|i| u8::try_from(i).unwrap());
    let sig = Signature::new(dkms_crypto::Algorithm::Ed25519, raw).unwrap();
    assert!(sig.to_siger(0, false, None).unwrap().qb64().starts_with("AAAAAQID"));
    assert!(sig.to_siger(5, false, None).unwrap().qb64().starts_with("AFAAAQID"));
    assert!(sig.to_siger(5, true, None).unwrap().qb64().starts_with("BFAAAQID"));
    assert!(sig.to_siger(1, false, Some(3)).unwrap().qb64().starts_with("2AABADAAAQID"));
    assert!(sig.to_siger(70, true, None).unwrap().qb64().starts_with("2BBGAAAAAQID"));
}
