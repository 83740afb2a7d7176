//! Property tests: sign/verify round trips; any single bit flip in the message
//! or the signature makes verification fail.

use dkms_crypto::secrecy::SecretBox;
use dkms_crypto::{Algorithm, Signature, Signer, SoftSigner, Verfer};
use proptest::prelude::*;

fn algorithm() -> impl Strategy<Value = Algorithm> {
    prop_oneof![Just(Algorithm::Ed25519), Just(Algorithm::Secp256k1), Just(Algorithm::Secp256r1)]
}

fn signer(alg: Algorithm, seed: [u8; 32]) -> Option<SoftSigner> {
    SoftSigner::from_seed(alg, &SecretBox::new(Box::new(seed)), true).ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn round_trip(alg in algorithm(), seed in any::<[u8; 32]>(), msg in proptest::collection::vec(any::<u8>(), 0..512)) {
        let Some(signer) = signer(alg, seed) else { return Ok(()) };
        let sig = signer.sign(&msg).unwrap();
        prop_assert_eq!(sig.algorithm(), alg);
        // through CESR text and back
        let cigar = sig.to_cigar().unwrap();
        let back = Signature::from_cigar(&dkms_cesr::Matter::from_qb64(&cigar.qb64()).unwrap()).unwrap();
        let verfer = Verfer::from_qb64(&signer.verfer().qb64()).unwrap();
        prop_assert!(verfer.verify(&back, &msg).is_ok());
        // seed round trip gives the same key
        let again = SoftSigner::from_seed(alg, &signer.seed(), true).unwrap();
        prop_assert_eq!(again.verfer(), signer.verfer());
    }

    #[test]
    fn message_bit_flip_fails(alg in algorithm(), seed in any::<[u8; 32]>(),
                              msg in proptest::collection::vec(any::<u8>(), 1..300), bit in any::<usize>()) {
        let Some(signer) = signer(alg, seed) else { return Ok(()) };
        let sig = signer.sign(&msg).unwrap();
        let mut bad = msg.clone();
        let bit = bit % (bad.len() * 8);
        bad[bit / 8] ^= 1 << (bit % 8);
        prop_assert!(signer.verfer().verify(&sig, &bad).is_err());
    }

    #[test]
    fn signature_bit_flip_fails(alg in algorithm(), seed in any::<[u8; 32]>(),
                                msg in proptest::collection::vec(any::<u8>(), 0..300), bit in 0usize..512) {
        let Some(signer) = signer(alg, seed) else { return Ok(()) };
        let sig = signer.sign(&msg).unwrap();
        let mut bytes = *sig.as_bytes();
        bytes[bit / 8] ^= 1 << (bit % 8);
        let bad = Signature::new(alg, bytes).unwrap();
        // ECDSA: (r, s) and (r, n - s) are both valid; a single bit flip cannot map s to n - s
        // except with negligible probability, so this must fail.
        prop_assert!(signer.verfer().verify(&bad, &msg).is_err());
    }

    #[test]
    fn verify_never_panics(alg in algorithm(), key in proptest::collection::vec(any::<u8>(), 33),
                           sig in any::<[u8; 32]>(), sig2 in any::<[u8; 32]>(), msg in proptest::collection::vec(any::<u8>(), 0..64)) {
        let len = if alg == Algorithm::Ed25519 { 32 } else { 33 };
        let verfer = Verfer::from_raw(alg, false, &key[..len]).unwrap();
        let mut bytes = [0u8; 64];
        bytes[..32].copy_from_slice(&sig);
        bytes[32..].copy_from_slice(&sig2);
        let _ = verfer.verify(&Signature::new(alg, bytes).unwrap(), &msg);
        let _ = verfer.check_key();
    }

    #[test]
    fn precomputed_ed25519_agrees_with_dalek(seed in any::<[u8; 32]>(), msg in proptest::collection::vec(any::<u8>(), 0..300),
                                            flip in proptest::option::of(0usize..512)) {
        let signer = signer(Algorithm::Ed25519, seed).unwrap();
        let mut bytes = *signer.sign(&msg).unwrap().as_bytes();
        if let Some(bit) = flip {
            bytes[bit / 8] ^= 1 << (bit % 8);
        }
        let raw: [u8; 32] = signer.verfer().raw().try_into().unwrap();
        let dalek = ed25519_dalek::VerifyingKey::from_bytes(&raw).unwrap()
            .verify_strict(&msg, &ed25519_dalek::Signature::from_bytes(&bytes)).is_ok();
        let verfer = Verfer::from_raw(Algorithm::Ed25519, true, &raw).unwrap();
        verfer.precompute();
        let sig = Signature::new(Algorithm::Ed25519, bytes).unwrap();
        prop_assert_eq!(verfer.verify(&sig, &msg).is_ok(), dalek);
        prop_assert_eq!(dalek, flip.is_none());
    }

    #[test]
    fn verify_many_equals_one_at_a_time(cases in proptest::collection::vec(
            (algorithm(), any::<[u8; 32]>(), proptest::collection::vec(any::<u8>(), 0..100), proptest::option::of(0usize..512), any::<bool>()),
            0..12)) {
        // Every algorithm mixed, good and damaged signatures, keys fresh or with their table.
        let mut owned = Vec::new();
        for (alg, seed, msg, flip, table) in cases {
            let signer = signer(alg, seed).unwrap();
            let mut bytes = *signer.sign(&msg).unwrap().as_bytes();
            if let Some(bit) = flip {
                bytes[bit / 8] ^= 1 << (bit % 8);
            }
            let verfer = signer.verfer().clone();
            if table {
                verfer.precompute();
            }
            owned.push((verfer, Signature::new(alg, bytes).unwrap(), msg));
        }
        let items: Vec<_> = owned.iter().map(|(v, s, m)| (v, s, m.as_slice())).collect();
        let one_by_one: Vec<bool> = items.iter().map(|(v, s, m)| v.verify(s, m).is_ok()).collect();
        prop_assert_eq!(Verfer::verify_many(&items), one_by_one);
    }
}
