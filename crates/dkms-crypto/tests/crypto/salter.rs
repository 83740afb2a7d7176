//! Salt-based derivation against keripy's `Salter` for every algorithm and tier.

use dkms_cesr::{Matter, MatterCode};
use dkms_crypto::secrecy::{ExposeSecret, SecretBox, SecretString};
use dkms_crypto::{Algorithm, Error, KeySpec, Salter, Signature, Signer, SoftSigner, Tier, Verfer};
use serde_json::Value;

use crate::vectors::{bytes, cases, load, s};

fn tier(name: &str) -> Tier {
    match name {
        "temp" => Tier::Temp,
        "low" => Tier::Low,
        "med" => Tier::Med,
        "high" => Tier::High,
        other => panic!("tier {other}"),
    }
}

fn algorithm(name: &str) -> Algorithm {
    match name {
        "Ed25519" => Algorithm::Ed25519,
        "ECDSA_256k1" => Algorithm::Secp256k1,
        "ECDSA_256r1" => Algorithm::Secp256r1,
        other => panic!("algorithm {other}"),
    }
}

fn check_signer(alg: Algorithm, signer: &SoftSigner, e: &Value) {
    assert_eq!(signer.seed_qb64().unwrap().expose_secret(), s(&e["seed"]));
    assert_eq!(signer.seed().expose_secret().as_slice(), bytes(&e["seed_raw"]).as_slice());
    assert_eq!(signer.verfer().qb64(), s(&e["verfer"]));
    let verfer = Verfer::from_qb64(s(&e["verfer"])).unwrap();
    for sig in e["signatures"].as_array().unwrap() {
        let msg = bytes(&sig["msg"]);
        let cigar = Matter::from_qb64(s(&sig["cigar"])).unwrap();
        // keripy's signature verifies with our verifier
        verfer.verify(&Signature::from_cigar(&cigar).unwrap(), &msg).unwrap();
        let ours = signer.sign_cigar(&msg).unwrap();
        match alg {
            // Ed25519 is deterministic: byte-identical to keripy
            Algorithm::Ed25519 => assert_eq!(ours.qb64(), s(&sig["cigar"])),
            // RFC 6979: identical r; secp256k1 normalises s to low-S, OpenSSL does not
            Algorithm::Secp256r1 => assert_eq!(ours.qb64(), s(&sig["cigar"])),
            Algorithm::Secp256k1 => {
                assert_eq!(ours.raw()[..32], cigar.raw()[..32]);
                verfer.verify(&Signature::from_cigar(&ours).unwrap(), &msg).unwrap();
            }
            _ => unreachable!(),
        }
    }
}

fn run(filter: impl Fn(&str) -> bool) -> usize {
    let v = load("salter.json");
    let mut n = 0;
    for c in cases(&v) {
        let t = tier(s(&c["tier"]));
        if !filter(t.name()) {
            continue;
        }
        let salter = Salter::from_qb64(&SecretString::from(s(&c["salt"]))).unwrap();
        assert_eq!(salter.qb64().unwrap().expose_secret(), s(&c["salt"]));
        let alg = algorithm(s(&c["algorithm"]));
        let spec = KeySpec::new(alg).with_transferable(c["transferable"].as_bool().unwrap()).with_tier(t);
        let count = usize::try_from(c["count"].as_u64().unwrap()).unwrap();
        let start = usize::try_from(c["start"].as_u64().unwrap()).unwrap();
        let signers = salter.signers(count, start, s(&c["path"]), spec).unwrap();
        let expected = c["signers"].as_array().unwrap();
        assert_eq!(signers.len(), expected.len());
        for ((signer, e), path) in signers.iter().zip(expected).zip(c["paths"].as_array().unwrap()) {
            check_signer(alg, signer, e);
            // signer(path) is the same as the path the list used
            let one = salter.signer(s(path), spec).unwrap();
            assert_eq!(one.verfer(), signer.verfer());
            n += 1;
        }
    }
    n
}

#[test]
fn temp_tier_all_algorithms_paths_and_starts() {
    let n = run(|t| t == "temp");
    assert_eq!(n, 3 * 3 * 2 * 15, "every temp-tier signer checked");
}

#[test]
fn low_tier() {
    assert_eq!(run(|t| t == "low"), 1);
}

#[test]
#[ignore = "256 MiB + 1 GiB Argon2id (about 12 s, 1.3 GiB RAM): cargo test -p dkms-crypto -- --ignored"]
fn med_and_high_tiers() {
    assert_eq!(run(|t| t == "med" || t == "high"), 2);
}

#[test]
fn raw_stretch() {
    let v = load("salter.json");
    for c in v["stretch"].as_array().unwrap() {
        let salter = Salter::from_qb64(&SecretString::from(s(&c["salt"]))).unwrap();
        let seed = salter.stretch(s(&c["path"]), Some(tier(s(&c["tier"])))).unwrap();
        assert_eq!(seed.expose_secret().as_slice(), bytes(&c["seed_raw"]).as_slice(), "path {:?}", c["path"]);
    }
    // tier table is keripy's
    let tiers = &v["tiers"];
    for t in [Tier::Temp, Tier::Low, Tier::Med, Tier::High] {
        assert_eq!(u64::from(t.passes()), tiers[t.name()]["opslimit"].as_u64().unwrap());
        assert_eq!(u64::from(t.memory_kib()) * 1024, tiers[t.name()]["memlimit"].as_u64().unwrap());
    }
}

#[test]
fn reference_kel_keys() {
    // keri-reference §12.2 (salt b'0123456789abcdef', temp) and witnesses (b'abcdef0123456789', non-transferable)
    let salter = Salter::new(SecretBox::new(Box::new(*b"0123456789abcdef")));
    assert_eq!(salter.tier(), Tier::Low);
    let signers = salter.signers(4, 0, "", KeySpec::default().temp()).unwrap();
    let verfers: Vec<String> = signers.iter().map(|s| s.verfer().qb64()).collect();
    assert_eq!(
        verfers,
        [
            "DB-fH5uto5o5XHZjNN3_W3PdT4MIyTCmQWDzMxMZV2kI",
            "DFmiD_SUKv8VjfP5AgHzXK0ejvUfoK-zoKJO2qmh238p",
            "DLNLh2a8P7-wEjJKxInGJM5kdB3UbMO5kKcE1udCFIdr",
            "DEywWZAhc4F07zdvT7D0MexhPfXETNEUFmpon2nzIDUA",
        ]
    );
    assert_eq!(signers[0].seed_qb64().unwrap().expose_secret(), "AOVkNmL_dZ5pjvp-_nS5EJbs0xe32MODcOUOym-0aCBL");
    let wits = Salter::new(SecretBox::new(Box::new(*b"abcdef0123456789")))
        .signers(2, 0, "", KeySpec::default().non_transferable().temp())
        .unwrap();
    assert_eq!(wits[0].verfer().qb64(), "BA6vWwygEQLHqfaVDqG_-fXIGDqpY7CEsc0OpTaEeDmm");
    assert_eq!(wits[1].verfer().qb64(), "BGI1be3xJuuoinotzj15_QJIfhiojPlxtn5DdZw25VV2");
}

#[test]
fn salter_errors_and_secrecy() {
    let seed_qb64 = SecretString::from("AAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f");
    assert!(matches!(Salter::from_qb64(&seed_qb64), Err(Error::UnexpectedCode { code: "A", expected: "salt" })));
    let salter = Salter::new(SecretBox::new(Box::new(*b"0123456789abcdef")));
    let dbg = format!("{salter:?}");
    assert!(!dbg.contains("0123") && !dbg.contains("MDEy"), "{dbg}");
    assert!(matches!(
        salter.signer("0", KeySpec::new(Algorithm::Ed448).temp()),
        Err(Error::UnsupportedAlgorithm { algorithm: "Ed448", .. })
    ));
    let r1 = Salter::random().unwrap();
    let r2 = Salter::random().unwrap();
    assert_ne!(r1.qb64().unwrap().expose_secret(), r2.qb64().unwrap().expose_secret());
    assert!(r1.qb64().unwrap().expose_secret().starts_with("0A"));
    let _ = MatterCode::Salt128;
}
