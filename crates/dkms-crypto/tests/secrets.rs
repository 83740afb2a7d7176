//! Secrets (seeds, private keys, salts) never show: not in `Debug` of any type that
//! holds them, not in any error, in none of their renderings (qb64, hex, raw bytes as
//! `{:?}`); their encodings are the zeroizing ones; the types holding them wipe on drop.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

use dkms_cesr::{Matter, MatterCode, SecretMatter};
use dkms_crypto::secrecy::{ExposeSecret, SecretBox, SecretString};
use dkms_crypto::{Algorithm, Error, KeySpec, Salt, Salter, Seed, Signer, SoftSigner};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Compile-time proof that every type holding a secret wipes it on drop.
const _: () = {
    const fn zeroizes<T: ZeroizeOnDrop>() {}
    zeroizes::<SoftSigner>();
    zeroizes::<Salter>();
    zeroizes::<Seed>();
    zeroizes::<Salt>();
    zeroizes::<SecretString>();
    zeroizes::<SecretMatter>();
    zeroizes::<Zeroizing<String>>();
    zeroizes::<Zeroizing<Vec<u8>>>();
};

/// Deterministic bytes that look random (no runs, no small-number sequences).
fn pseudo_random<const N: usize>(tag: u8) -> [u8; N] {
    let mut x: u32 = 0x9E37_79B9 ^ u32::from(tag);
    core::array::from_fn(|_| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        (x >> 11) as u8
    })
}

/// Every rendering of a secret that must not appear: windows of its qb64 text (the code
/// characters left out), of its hex in both cases, and of its bytes as `{:?}` prints them.
struct Needles(Vec<String>);

impl Needles {
    fn of(raw: &[u8], qb64: &str) -> Self {
        let mut v = Vec::new();
        let body: Vec<char> = qb64.chars().skip(2).collect();
        for w in body.windows(6) {
            v.push(w.iter().collect());
        }
        let hex = hex::encode(raw);
        for w in hex.as_bytes().windows(12) {
            let s = String::from_utf8(w.to_vec()).unwrap();
            v.push(s.to_uppercase());
            v.push(s);
        }
        for w in raw.windows(4) {
            let dbg = format!("{w:?}");
            v.push(dbg[1..dbg.len() - 1].to_owned());
            v.push(format!("{w:02x?}")[1..].trim_end_matches(']').to_owned());
        }
        v.push(format!("{raw:?}"));
        Self(v)
    }

    #[track_caller]
    fn assert_absent(&self, what: &str, text: &str) {
        for n in &self.0 {
            assert!(!text.contains(n.as_str()), "{what} shows {n:?}: {text}");
        }
    }
}

fn signer_with_seed(alg: Algorithm, tag: u8) -> (SoftSigner, [u8; 32]) {
    let mut seed = pseudo_random::<32>(tag);
    if alg != Algorithm::Ed25519 {
        seed[0] &= 0x7F; // below both group orders
    }
    let s = SoftSigner::from_seed(alg, &SecretBox::new(Box::new(seed)), true).unwrap();
    (s, seed)
}

#[test]
fn seeds_and_salts_never_appear_in_debug_output() {
    for (i, alg) in Algorithm::SUPPORTED.iter().copied().enumerate() {
        let (signer, seed) = signer_with_seed(alg, i as u8);
        let qb64 = signer.seed_qb64().unwrap();
        let needles = Needles::of(&seed, qb64.expose_secret());
        needles.assert_absent("SoftSigner", &format!("{signer:?} {signer:#?}"));
        needles.assert_absent("Seed", &format!("{:?} {:#?}", signer.seed(), signer.seed()));
        needles.assert_absent("seed qb64 SecretString", &format!("{qb64:?} {qb64:#?}"));
        let secret = SecretMatter::from_qb64(qb64.expose_secret()).unwrap();
        needles.assert_absent("SecretMatter", &format!("{secret:?} {secret:#?}"));
        // A seed-coded Matter redacts too (though secrets should not be Matter at all).
        let matter = Matter::new(alg.seed_code(), seed.to_vec()).unwrap();
        needles.assert_absent("Matter", &format!("{matter:?} {matter:#?}"));
    }

    let salt: [u8; 16] = pseudo_random(77);
    let salter = Salter::new(SecretBox::new(Box::new(salt)));
    let qb64 = salter.qb64().unwrap();
    let needles = Needles::of(&salt, qb64.expose_secret());
    needles.assert_absent("Salter", &format!("{salter:?} {salter:#?}"));
    needles.assert_absent("salt qb64 SecretString", &format!("{qb64:?}"));
    let salt_box: Salt = SecretBox::new(Box::new(salt));
    needles.assert_absent("Salt", &format!("{salt_box:?}"));
    // Derived signers show their public key only.
    let derived = salter.signer("0", KeySpec::default().temp()).unwrap();
    let derived_qb64 = derived.seed_qb64().unwrap();
    let derived_needles = Needles::of(derived.seed().expose_secret(), derived_qb64.expose_secret());
    derived_needles.assert_absent("derived SoftSigner", &format!("{derived:?}"));
    needles.assert_absent("derived SoftSigner", &format!("{derived:?}"));
}

/// Every error a bad seed or salt text can give, with the secret it was made from.
fn seed_text_errors(qb64: &str) -> Vec<(String, Error)> {
    let mut out = Vec::new();
    let mut push = |label: String, text: String| {
        if let Err(e) = SoftSigner::from_qb64(&SecretString::from(text), true) {
            out.push((label, e));
        }
    };
    for n in 0..qb64.len() {
        push(format!("truncated to {n}"), qb64[..n].to_owned());
    }
    push("trailing".into(), format!("{qb64}AAAA"));
    push("doubled".into(), format!("{qb64}{qb64}"));
    for (i, bad) in [(3, '='), (10, '+'), (20, '/'), (30, ' '), (43, '\n')] {
        let mut t: Vec<char> = qb64.chars().collect();
        t[i] = bad;
        push(format!("bad char at {i}"), t.into_iter().collect());
    }
    out
}

#[test]
fn errors_never_quote_a_seed_or_salt() {
    // Malformed seed texts, for every algorithm.
    for (i, alg) in Algorithm::SUPPORTED.iter().copied().enumerate() {
        let (signer, seed) = signer_with_seed(alg, 10 + i as u8);
        let qb64 = signer.seed_qb64().unwrap();
        let needles = Needles::of(&seed, qb64.expose_secret());
        let errors = seed_text_errors(qb64.expose_secret());
        assert!(errors.len() >= 45, "{alg:?}: {} errors", errors.len());
        for (label, e) in &errors {
            needles.assert_absent(&format!("{alg:?} {label}"), &format!("{e} {e:?}"));
        }
        // The seed in other clothes: hex, standard Base64 of the raw bytes, as a salt.
        let hex = hex::encode(seed);
        for text in [hex.clone(), hex.to_uppercase(), format!("A{}", &hex[..43])] {
            let e = SoftSigner::from_qb64(&SecretString::from(text.clone()), true).unwrap_err();
            let msg = format!("{e} {e:?}");
            needles.assert_absent(&format!("{alg:?} {text}"), &msg);
            // Not even the few characters a code table lookup reads.
            assert!(!msg.contains(&text[..4]), "{alg:?} {text}: {msg}");
        }
        let e = Salter::from_qb64(&qb64).unwrap_err();
        assert!(matches!(e, Error::UnexpectedCode { expected: "salt", .. }), "{e:?}");
        needles.assert_absent("seed given as a salt", &format!("{e} {e:?}"));
    }

    // Seeds that decode but are not keys.
    for (alg, raw) in [(Algorithm::Secp256k1, [0xFFu8; 32]), (Algorithm::Secp256r1, [0u8; 32])] {
        let text = SecretMatter::new(alg.seed_code(), &raw).unwrap().qb64();
        let e = SoftSigner::from_qb64(&SecretString::from(text.as_str()), true).unwrap_err();
        assert!(matches!(e, Error::InvalidSeed { .. }), "{e:?}");
        Needles::of(&raw, &text).assert_absent("invalid ECDSA seed", &format!("{e} {e:?}"));
        let e = SoftSigner::from_seed(alg, &SecretBox::new(Box::new(raw)), true).unwrap_err();
        Needles::of(&raw, &text).assert_absent("invalid ECDSA seed", &format!("{e} {e:?}"));
    }
    let ed448: [u8; 56] = pseudo_random(5);
    let text = SecretMatter::new(MatterCode::Ed448Seed, &ed448).unwrap().qb64();
    let e = SoftSigner::from_qb64(&SecretString::from(text.as_str()), true).unwrap_err();
    assert!(matches!(e, Error::UnsupportedAlgorithm { .. }), "{e:?}");
    Needles::of(&ed448, &text).assert_absent("Ed448 seed", &format!("{e} {e:?}"));

    // Malformed salts.
    let salt: [u8; 16] = pseudo_random(99);
    let qb64 = Salter::new(SecretBox::new(Box::new(salt))).qb64().unwrap();
    let needles = Needles::of(&salt, qb64.expose_secret());
    let text = qb64.expose_secret();
    let mut cases: Vec<String> = (0..text.len()).map(|n| text[..n].to_owned()).collect();
    cases.push(format!("{text}AAAA"));
    cases.push(hex::encode(salt));
    cases.push(format!("A{}", &text[2..]));
    let hex_text = hex::encode(salt);
    for case in cases {
        let e = Salter::from_qb64(&SecretString::from(case.clone())).unwrap_err();
        let msg = format!("{e} {e:?}");
        needles.assert_absent(&format!("salt {case:?}"), &msg);
        assert!(!msg.contains(&hex_text[..4]), "salt {case:?}: {msg}");
    }
    let e = SoftSigner::from_qb64(&qb64, true).unwrap_err();
    assert!(matches!(e, Error::UnexpectedCode { expected: "seed", .. }), "{e:?}");
    needles.assert_absent("salt given as a seed", &format!("{e} {e:?}"));
}

#[test]
fn secret_encodings_are_keripys_and_round_trip() {
    // keri-reference §1.12 and keripy `Salter(raw=b'0123456789abcdef').qb64`.
    let seed: [u8; 32] = core::array::from_fn(|i| i as u8);
    let signer = SoftSigner::from_seed(Algorithm::Ed25519, &SecretBox::new(Box::new(seed)), true).unwrap();
    assert_eq!(signer.seed_qb64().unwrap().expose_secret(), "AAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f");
    let salter = Salter::new(SecretBox::new(Box::new(*b"0123456789abcdef")));
    assert_eq!(salter.qb64().unwrap().expose_secret(), "0AAwMTIzNDU2Nzg5YWJjZGVm");
    for (i, alg) in Algorithm::SUPPORTED.iter().copied().enumerate() {
        let (signer, seed) = signer_with_seed(alg, 40 + i as u8);
        let qb64 = signer.seed_qb64().unwrap();
        // Same text as the plain codec would give, and it reads back to the same key.
        assert_eq!(qb64.expose_secret(), Matter::new(alg.seed_code(), seed.to_vec()).unwrap().qb64());
        let back = SoftSigner::from_qb64(&qb64, true).unwrap();
        assert_eq!(back.verfer(), signer.verfer());
        assert_eq!(back.seed().expose_secret(), &seed);
    }
    let again = Salter::from_qb64(&salter.qb64().unwrap()).unwrap();
    let spec = KeySpec::default().temp();
    assert_eq!(again.signer("0", spec).unwrap().verfer(), salter.signer("0", spec).unwrap().verfer());
}

#[test]
fn secret_holders_wipe_themselves() {
    let (signer, seed) = signer_with_seed(Algorithm::Ed25519, 3);
    let mut s = signer.seed();
    assert_eq!(s.expose_secret(), &seed);
    s.zeroize();
    assert_eq!(s.expose_secret(), &[0u8; 32]);

    let mut text = signer.seed_qb64().unwrap();
    text.zeroize();
    assert!(text.expose_secret().bytes().all(|b| b == 0));

    let mut m = SecretMatter::new(MatterCode::Ed25519Seed, &seed).unwrap();
    let mut qb64 = m.qb64();
    let mut qb2 = m.qb2();
    m.zeroize();
    qb64.zeroize();
    qb2.zeroize();
    assert!(m.expose_raw().is_empty() && qb64.is_empty() && qb2.is_empty());

    let mut salt: Salt = SecretBox::new(Box::new(pseudo_random(8)));
    salt.zeroize();
    assert_eq!(salt.expose_secret(), &[0u8; 16]);
}
