//! keripy's signed messages: parsed, re-encoded byte-exact, and re-signed with the
//! same seeds by our signers to the same signatures (Ed25519 is deterministic).

use dkms_cesr::stream::Framer;
use dkms_cesr::{CounterKind, Domain};
use dkms_crypto::secrecy::SecretString;
use dkms_crypto::{Signer, SoftSigner};
use dkms_event::signed::SignedMessage;
use serde_json::Value as J;

use crate::events_keripy::load;

/// qb64 of the key at `index` of an establishment event ("" otherwise).
fn key_at(signed: &SignedMessage, index: u32) -> String {
    let keys = match signed.message.body() {
        dkms_event::Body::Inception(b) => &b.keys,
        dkms_event::Body::Rotation(b) => &b.keys,
        _ => return String::new(),
    };
    keys.get(index as usize).map(|k| k.qb64()).unwrap_or_default()
}

#[test]
fn signed_messages_reencode_and_resign_like_keripy() {
    let all = load("signed.json");
    let (mut reencoded, mut resigned) = (0, 0);
    for v in all["vectors"].as_array().unwrap() {
        let name = v["name"].as_str().unwrap();
        let stream = hex::decode(v["stream_hex"].as_str().unwrap()).unwrap();
        let framed = Framer::new().messages(&stream).next().unwrap().unwrap();
        let signed = SignedMessage::from_framed(&framed).unwrap_or_else(|e| panic!("{name}: {e}"));
        let first = framed.attachments.first();
        let domain = first.map_or(Domain::Text, |g| g.domain);
        let pipelined = first.is_some_and(|g| g.counter.kind() == CounterKind::AttachedMaterialQuadlets);
        let same_domain = framed.attachments.iter().all(|g| g.domain == domain);
        if same_domain && (!pipelined || framed.attachments.len() == 1) {
            assert_eq!(
                String::from_utf8_lossy(&signed.to_cesr(domain, pipelined).unwrap()),
                String::from_utf8_lossy(&stream),
                "{name}"
            );
            reencoded += 1;
        }
        // Re-sign each controller signature with the seed at its index.
        let seeds: Vec<&str> =
            v["signers"].as_array().map(|a| a.iter().filter_map(J::as_str).collect()).unwrap_or_default();
        for sig in &signed.attachments.controller_sigs {
            let Some(seed) = seeds.get(sig.index() as usize) else { continue };
            let signer = SoftSigner::from_qb64(&SecretString::from(seed.to_string()), true).unwrap();
            if signer.algorithm() != dkms_crypto::Algorithm::Ed25519 {
                continue;
            }
            let only = sig.ondex().is_none();
            let ondex = if only { None } else { sig.ondex() };
            let ours = signer.sign_indexed(signed.message.raw(), sig.index(), only, ondex).unwrap();
            if signer.verfer().qb64() != key_at(&signed, sig.index()) {
                continue; // the seed list follows the signer's key order, not this event's
            }
            assert_eq!(ours.qb64(), sig.qb64(), "{name}: signature and code choice");
            resigned += 1;
        }
    }
    assert!(reencoded >= 50, "re-encoded {reencoded}");
    assert!(resigned >= 30, "re-signed {resigned}");
}
