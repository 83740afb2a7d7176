//! Every message of the keripy-made CESR streams (dkms-cesr's vectors) parses
//! strictly — SAIDs verified — and re-encodes to keripy's exact bytes.

use dkms_cesr::stream::Framer;
use dkms_cesr::{CounterKind, Domain};
use dkms_event::signed::SignedMessage;

const STREAMS: &[&str] = &[
    "kel_single",
    "kel_multisig_weighted",
    "kel_witnessed",
    "kel_delegated",
    "kel_replay_pipelined",
    "kel_binary_attachments",
    "kel_cbor",
    "kel_mgpk",
    "misc_groups",
];

#[test]
fn keripy_streams_parse_and_reencode_byte_exact() {
    let mut checked = 0;
    for name in STREAMS {
        let path =
            format!("{}/../dkms-cesr/tests/vectors/keripy-1.1.17/streams/{name}.cesr", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap();
        for framed in Framer::new().messages(&bytes) {
            let framed = framed.unwrap();
            let signed =
                SignedMessage::from_framed(&framed).unwrap_or_else(|e| panic!("{name} at {}: {e}", framed.body.offset));
            let start = framed.body.offset;
            let end = framed.attachments.last().map_or(start + framed.body.raw.len(), |g| g.offset + g.raw.len());
            let original = &bytes[start..end];
            let domains: Vec<Domain> = framed.attachments.iter().map(|g| g.domain).collect();
            let one_domain = domains.windows(2).all(|w| w[0] == w[1]);
            let pipelined =
                framed.attachments.first().is_some_and(|g| g.counter.kind() == CounterKind::AttachedMaterialQuadlets);
            if one_domain && (framed.attachments.len() == 1 || !pipelined) {
                let domain = domains.first().copied().unwrap_or(Domain::Text);
                let again = signed.to_cesr(domain, pipelined).unwrap();
                assert_eq!(String::from_utf8_lossy(&again), String::from_utf8_lossy(original), "{name} at {start}");
                checked += 1;
            }
        }
    }
    assert!(checked > 30, "re-encoded {checked} messages");
}
