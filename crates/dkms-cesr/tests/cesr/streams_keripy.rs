//! Framing keripy-made streams: every message and top-level group lands exactly
//! where keripy's own parser put it, whole or fed in pieces; invalid streams
//! give typed errors and the framer recovers.

use dkms_cesr::stream::{Framer, Message, Part, Status};
use dkms_cesr::{Domain, Error, Indexer, Matter};

use crate::{arr, hex, s, vector_bytes, vectors};

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

fn domain_name(d: Domain) -> &'static str {
    match d {
        Domain::Text => "text",
        _ => "binary",
    }
}

/// Decodes every primitive of a group, recursively: real keripy data must pass the strict decoders.
fn decode_all(raw: &[u8], domain: Domain, parts: Vec<Part<'_>>) -> usize {
    let mut n = 0;
    for p in parts {
        match p {
            Part::Matter(b) => {
                Matter::decode(b, domain).unwrap_or_else(|e| panic!("{e} in {}", String::from_utf8_lossy(raw)));
                n += 1;
            }
            Part::Indexer(b) => {
                Indexer::decode(b, domain).unwrap();
                n += 1;
            }
            Part::Group(g) => n += decode_all(raw, domain, g.parts().unwrap()),
            Part::Opaque(_) => n += 1,
            _ => unreachable!(),
        }
    }
    n
}

fn check_against_expected(name: &str, msgs: &[Message<'_>]) {
    let expected = vectors(&format!("streams/{name}.json"));
    let exp = arr(&expected["messages"]);
    assert_eq!(msgs.len(), exp.len(), "{name}: message count");
    for (m, e) in msgs.iter().zip(exp) {
        let b = &e["body"];
        assert_eq!(m.body.offset as u64, b["offset"].as_u64().unwrap(), "{name} body offset");
        assert_eq!(m.body.raw.len() as u64, b["length"].as_u64().unwrap(), "{name} body length");
        assert_eq!(m.body.version.kind.as_str(), s(&b["kind"]), "{name} kind");
        let groups = arr(&e["groups"]);
        assert_eq!(m.attachments.len(), groups.len(), "{name}: groups after body at {}", m.body.offset);
        for (g, eg) in m.attachments.iter().zip(groups) {
            assert_eq!(g.offset as u64, eg["offset"].as_u64().unwrap(), "{name} group offset");
            assert_eq!(g.raw.len() as u64, eg["length"].as_u64().unwrap(), "{name} group length");
            assert_eq!(g.counter.code(), s(&eg["code"]), "{name} group code");
            assert_eq!(g.counter.count(), eg["count"].as_u64().unwrap(), "{name} group count");
            assert_eq!(domain_name(g.domain), s(&eg["domain"]), "{name} group domain");
        }
    }
}

#[test]
fn keripy_streams_frame_exactly() {
    let framer = Framer::new();
    let mut primitives = 0;
    for name in STREAMS {
        let bytes = vector_bytes(&format!("streams/{name}.cesr"));
        let msgs: Vec<Message<'_>> =
            framer.messages(&bytes).collect::<Result<_, _>>().unwrap_or_else(|e| panic!("{name}: {e}"));
        check_against_expected(name, &msgs);
        for m in &msgs {
            for g in &m.attachments {
                primitives += decode_all(&bytes, g.domain, g.parts().unwrap());
            }
        }
    }
    assert!(primitives > 100, "decoded {primitives} attached primitives");
}

#[test]
fn keripy_streams_frame_the_same_when_fed_in_pieces() {
    let framer = Framer::new();
    for name in STREAMS {
        let bytes = vector_bytes(&format!("streams/{name}.cesr"));
        for chunk in [1usize, 7, 64, 1000] {
            // A reader that appends `chunk` bytes at a time and discards what was framed.
            let mut buf: Vec<u8> = Vec::new();
            let mut fed = 0;
            let mut base = 0;
            let mut seen: Vec<Framed> = Vec::new();
            loop {
                let eof = fed == bytes.len();
                match framer.next_message(&buf, eof).unwrap() {
                    Status::Done(m, n) => {
                        let groups = m.attachments.iter().map(|g| (base + g.offset, g.raw.len())).collect();
                        seen.push((base + m.body.offset, m.body.raw.len(), groups));
                        buf.drain(..n);
                        base += n;
                        if eof && buf.is_empty() {
                            break;
                        }
                    }
                    Status::Incomplete(needed) => {
                        assert!(needed >= 1);
                        assert!(!eof, "{name}: incomplete at end of input");
                        let end = (fed + chunk).min(bytes.len());
                        buf.extend_from_slice(&bytes[fed..end]);
                        fed = end;
                    }
                }
                assert!(buf.len() <= chunk + 200_000, "buffer stays bounded");
            }
            let whole: Vec<_> = framer
                .messages(&bytes)
                .map(|m| {
                    let m = m.unwrap();
                    (m.body.offset, m.body.raw.len(), m.attachments.iter().map(|g| (g.offset, g.raw.len())).collect())
                })
                .collect();
            assert_eq!(seen, whole, "{name} chunk {chunk}");
        }
    }
}

/// Every indexed signature inside a group, recursively, as qb64.
fn signatures(domain: Domain, parts: Vec<Part<'_>>, out: &mut Vec<String>) {
    for p in parts {
        match p {
            Part::Indexer(b) => out.push(Indexer::decode(b, domain).unwrap().qb64()),
            Part::Group(g) => signatures(domain, g.parts().unwrap(), out),
            _ => {}
        }
    }
}

#[test]
fn binary_and_text_attachments_carry_the_same_signatures() {
    let framer = Framer::new();
    let text = vector_bytes("streams/kel_single.cesr");
    let bin = vector_bytes("streams/kel_binary_attachments.cesr");
    let t: Vec<_> = framer.messages(&text).map(Result::unwrap).collect();
    let b: Vec<_> = framer.messages(&bin).map(Result::unwrap).collect();
    assert!(b.iter().flat_map(|m| &m.attachments).any(|g| g.domain == Domain::Binary));
    for (mt, mb) in t.iter().zip(&b) {
        assert_eq!(mt.body.raw, mb.body.raw);
        let (mut st, mut sb) = (Vec::new(), Vec::new());
        for g in &mt.attachments {
            signatures(g.domain, g.parts().unwrap(), &mut st);
        }
        for g in &mb.attachments {
            signatures(g.domain, g.parts().unwrap(), &mut sb);
        }
        sb.dedup();
        assert_eq!(st, sb);
    }
}

/// (body offset, body length, [(group offset, group length)]).
type Framed = (usize, usize, Vec<(usize, usize)>);
type Expect = fn(&Error) -> bool;

fn invalid(name: &str) -> Vec<u8> {
    let v = vectors("streams/invalid.json");
    let row = arr(&v).iter().find(|r| s(&r["name"]) == name).unwrap_or_else(|| panic!("no invalid stream {name}"));
    hex(&row["input_hex"])
}

fn first_error(bytes: &[u8]) -> Error {
    Framer::new().messages(bytes).find_map(Result::err).unwrap_or_else(|| panic!("no error"))
}

#[test]
fn invalid_streams_give_typed_errors() {
    let v = vectors("streams/invalid.json");
    let names: Vec<&str> = arr(&v).iter().map(|r| s(&r["name"])).collect();
    assert!(names.len() >= 20);
    let cases: &[(&str, Expect)] = &[
        ("truncated_body", |e| matches!(e, Error::Incomplete { .. })),
        ("truncated_body_short", |e| matches!(e, Error::Incomplete { .. })),
        ("vs_beyond_offset_12", |e| matches!(e, Error::VersionString { .. })),
        ("vs_at_offset_13", |e| matches!(e, Error::VersionString { .. })),
        ("unknown_counter", |e| matches!(e, Error::UnknownCode { .. })),
        ("unknown_counter_binary", |e| matches!(e, Error::UnknownCode { .. })),
        ("truncated_attachment_group", |e| matches!(e, Error::Incomplete { .. })),
        ("attachment_count_too_large_then_next_message", |e| matches!(e, Error::InvalidBase64 { .. })),
        ("pipeline_count_too_large", |e| matches!(e, Error::Incomplete { .. })),
        ("pipeline_count_too_large_then_next_message", |e| {
            matches!(e, Error::InvalidBase64 { .. } | Error::UnknownCode { .. } | Error::GroupSizeMismatch { .. })
        }),
        ("pipeline_count_too_small", |e| matches!(e, Error::GroupSizeMismatch { .. })),
        ("attachment_at_stream_start", |e| matches!(e, Error::OrphanAttachment { .. })),
        ("binary_counter_at_stream_start", |e| matches!(e, Error::OrphanAttachment { .. })),
        ("garbage_byte_at_start", |e| matches!(e, Error::ColdStart { .. })),
        ("garbage_byte_between_messages", |e| matches!(e, Error::InvalidBase64 { byte: b'!', .. })),
        ("matter_where_counter_expected", |e| matches!(e, Error::UnknownCode { .. })),
        ("vs_size_too_small", |_| true),
        ("vs_size_too_large", |_| true),
    ];
    for (name, ok) in cases {
        let err = first_error(&invalid(name));
        assert!(ok(&err), "{name}: {err:?}");
        assert!(err.offset().is_some(), "{name}: error names an offset");
    }
}

#[test]
fn stream_level_checks_left_to_the_event_layer() {
    // Framing accepts these; the message layer rejects them (reference §1.11, §2.3).
    for name in ["key_event_without_signatures", "key_event_without_signatures_then_next_message", "non_canonical_json"]
    {
        let bytes = invalid(name);
        assert!(Framer::new().messages(&bytes).all(|m| m.is_ok()), "{name}");
    }
    let bytes = invalid("unsupported_version");
    let m = Framer::new().messages(&bytes).next().unwrap().unwrap();
    assert_eq!(m.body.version.major, 2);
}

#[test]
fn a_bad_byte_inside_a_signature_code_is_caught_at_its_offset() {
    let bytes = invalid("garbage_byte_in_attachments");
    let bad = bytes.iter().position(|b| *b == 0xff).unwrap();
    assert_eq!(first_error(&bytes), Error::InvalidBase64 { offset: bad, byte: 0xff });
}

#[test]
fn a_bad_byte_inside_a_signature_value_is_caught_by_the_decoder_at_its_offset() {
    // Framing reads codes and sizes only; the strict decoder checks every value byte.
    let mut bytes = vector_bytes("streams/kel_single.cesr");
    let m = Framer::new().messages(&bytes).next().unwrap().unwrap();
    let bad = m.attachments[0].offset + 4 + 30;
    bytes[bad] = 0xff;
    let m = Framer::new().messages(&bytes).next().unwrap().unwrap();
    let g = &m.attachments[0];
    let parts = g.parts().unwrap();
    let Part::Indexer(sig) = parts[0] else { panic!("{parts:?}") };
    let Err(Error::InvalidBase64 { offset, byte: 0xff }) = Indexer::decode(sig, g.domain) else { panic!() };
    assert_eq!(g.offset + 4 + offset, bad);
}

#[test]
fn framing_continues_after_a_bad_message() {
    // keripy stops at the garbage byte; we report it (the message it follows cannot
    // be trusted: the byte may belong to its attachments) and frame the next message.
    let bytes = invalid("garbage_byte_between_messages");
    let bad = bytes.iter().position(|b| *b == b'!').unwrap();
    let results: Vec<_> = Framer::new().messages(&bytes).collect();
    assert_eq!(results.len(), 2, "{results:?}");
    assert_eq!(results[0], Err(Error::InvalidBase64 { offset: bad, byte: b'!' }));
    assert_eq!(results[1].as_ref().unwrap().body.offset, bad + 1);
}

#[test]
fn resync_lands_only_on_real_message_starts() {
    // A garbage byte inside a signature followed by a whole KEL: every message of the KEL
    // is framed at its true offset, and no misaligned "message" appears.
    let mut bytes = invalid("garbage_byte_in_attachments");
    let kel_at = bytes.len();
    let kel = vector_bytes("streams/kel_single.cesr");
    bytes.extend_from_slice(&kel);
    let expected: Vec<usize> = Framer::new().messages(&kel).map(|m| m.unwrap().body.offset + kel_at).collect();
    let got: Vec<usize> = Framer::new().messages(&bytes).filter_map(Result::ok).map(|m| m.body.offset).collect();
    assert!(expected.iter().all(|o| got.contains(o)), "{got:?} vs {expected:?}");
    assert!(got.iter().all(|o| *o < kel_at || expected.contains(o)), "{got:?}");
}
