//! Ed25519 acceptance equals libsodium's (what keripy uses) on crafted edge cases:
//! non-canonical S, small-order keys and R, non-canonical encodings, mixed-order points.

use dkms_crypto::{Algorithm, Signature, Verfer};

use crate::vectors::{bytes, cases, load, s};

#[test]
fn acceptance_equals_libsodium() {
    let v = load("ed25519_edge.json");
    let mut accepted = 0;
    let mut rejected = 0;
    for c in cases(&v) {
        let name = s(&c["name"]);
        let pk = bytes(&c["pk"]);
        let sig = Signature::from_slice(Algorithm::Ed25519, &bytes(&c["sig"])).unwrap();
        let msg = bytes(&c["msg"]);
        let expected = c["libsodium"].as_bool().unwrap();
        for transferable in [true, false] {
            let verfer = Verfer::from_raw(Algorithm::Ed25519, transferable, &pk).unwrap();
            let ours = verfer.verify(&sig, &msg).is_ok();
            assert_eq!(ours, expected, "{name}: ours {ours}, libsodium {expected} ({})", s(&c["why"]));
            // The same key with its table of multiples built (the path after a few uses).
            let wide = Verfer::from_raw(Algorithm::Ed25519, transferable, &pk).unwrap();
            wide.precompute();
            let ours = wide.verify(&sig, &msg).is_ok();
            assert_eq!(ours, expected, "{name} (precomputed): ours {ours}, libsodium {expected}");
            // And by repeated use: the table is built at the ninth verification.
            for _ in 0..10 {
                assert_eq!(verfer.verify(&sig, &msg).is_ok(), expected, "{name} (repeated)");
            }
        }
        if expected { accepted += 1 } else { rejected += 1 }
    }
    // All cases in one call of `verify_many`, with fresh keys and with their tables built.
    for precompute in [false, true] {
        let owned: Vec<_> = cases(&v)
            .iter()
            .map(|c| {
                let verfer = Verfer::from_raw(Algorithm::Ed25519, true, &bytes(&c["pk"])).unwrap();
                if precompute {
                    verfer.precompute();
                }
                let sig = Signature::from_slice(Algorithm::Ed25519, &bytes(&c["sig"])).unwrap();
                (verfer, sig, bytes(&c["msg"]), c["libsodium"].as_bool().unwrap())
            })
            .collect();
        let items: Vec<_> = owned.iter().map(|(v, s, m, _)| (v, s, m.as_slice())).collect();
        let expected: Vec<bool> = owned.iter().map(|o| o.3).collect();
        assert_eq!(Verfer::verify_many(&items), expected, "verify_many, table built: {precompute}");
    }
    // the file exercises both outcomes, including mixed-order acceptances
    assert!(accepted >= 5, "accepted {accepted}");
    assert!(rejected >= 50, "rejected {rejected}");
}

#[test]
fn dalek_plain_verify_would_differ() {
    // Documents why strict checking matters: cases libsodium rejects that the
    // cofactorless equation alone (dalek's non-strict `verify`) accepts.
    use ed25519_dalek::Verifier;
    let v = load("ed25519_edge.json");
    let mut lax_accepts = Vec::new();
    for c in cases(&v) {
        if c["libsodium"].as_bool().unwrap() {
            continue;
        }
        let Ok(pk) = <[u8; 32]>::try_from(bytes(&c["pk"]).as_slice()) else { continue };
        let Ok(vk) = ed25519_dalek::VerifyingKey::from_bytes(&pk) else { continue };
        let sig = ed25519_dalek::Signature::from_bytes(&<[u8; 64]>::try_from(bytes(&c["sig"]).as_slice()).unwrap());
        if vk.verify(&bytes(&c["msg"]), &sig).is_ok() {
            lax_accepts.push(s(&c["name"]).to_owned());
        }
    }
    assert!(lax_accepts.iter().any(|n| n.starts_with("small_order_key")), "{lax_accepts:?}");
    assert!(lax_accepts.iter().any(|n| n.starts_with("small_order_r")), "{lax_accepts:?}");
}
