//! ECDSA acceptance equals keripy's (OpenSSL through `cryptography`): high-S accepted,
//! out-of-range r/s rejected, bad keys rejected.

use dkms_crypto::{Algorithm, Error, Signature, Verfer};

use crate::vectors::{bytes, cases, load, s};

#[test]
fn acceptance_equals_keripy() {
    let v = load("ecdsa_edge.json");
    let mut high_s = 0;
    for c in cases(&v) {
        let name = s(&c["name"]);
        let alg = match s(&c["algorithm"]) {
            "ECDSA_256k1" => Algorithm::Secp256k1,
            _ => Algorithm::Secp256r1,
        };
        let verfer = Verfer::from_raw(alg, true, &bytes(&c["pk"])).unwrap();
        let sig = Signature::from_slice(alg, &bytes(&c["sig"])).unwrap();
        let ours = verfer.verify(&sig, &bytes(&c["msg"]));
        match &c["keripy"] {
            serde_json::Value::Bool(expected) => {
                assert_eq!(ours.is_ok(), *expected, "{alg} {name}: ours {ours:?}");
                verfer.check_key().unwrap();
            }
            serde_json::Value::String(err) => {
                // keripy raises on keys that are not curve points; we refuse the key
                assert!(err.starts_with("error:"), "{name}");
                assert!(matches!(ours, Err(Error::VerificationFailed)), "{alg} {name}");
                assert!(matches!(verfer.check_key(), Err(Error::InvalidKey { .. })), "{alg} {name}");
            }
            other => panic!("{other}"),
        }
        if name.contains("high") || name.contains("flipped") {
            high_s += 1;
        }
    }
    assert!(high_s >= 32);
}
