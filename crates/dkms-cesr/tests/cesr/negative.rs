//! Hand-made negative cases for every decode check, each with the error and offset it must give.

use dkms_cesr::stream::{Framer, Limits, Status};
use dkms_cesr::{Counter, CounterKind, Domain, Error, Indexer, IndexerCode, Matter, MatterCode, Table};

fn digest() -> Matter {
    Matter::new(MatterCode::Blake3_256, (0u8..32).collect::<Vec<_>>()).unwrap()
}

#[test]
fn unknown_codes_name_the_table_and_code() {
    assert_eq!(
        Matter::from_qb64("ZAAA").unwrap_err(),
        Error::UnknownCode { table: Table::Matter, code: "Z".into(), offset: 0 }
    );
    assert!(matches!(Matter::from_qb64("0ZAA"), Err(Error::UnknownCode { code, .. }) if code == "0Z"));
    assert!(matches!(Matter::from_qb64("1ABAAAAA"), Err(Error::UnknownCode { code, .. }) if code == "1ABA"));
    assert!(matches!(Indexer::from_qb64("5AAA"), Err(Error::UnknownCode { table: Table::Indexer, .. })));
    assert!(matches!(Counter::from_qb64("-ZAA"), Err(Error::UnknownCode { table: Table::Counter, .. })));
    assert!(matches!(Counter::from_qb64("AAAA"), Err(Error::UnknownCode { table: Table::Counter, .. })));
}

#[test]
fn counters_and_op_codes_where_primitives_belong() {
    assert_eq!(Matter::from_qb64("-AAB").unwrap_err(), Error::UnexpectedCounter { expected: Table::Matter, offset: 0 });
    assert_eq!(
        Matter::from_qb2(&[0xf8, 0, 1]).unwrap_err(),
        Error::UnexpectedCounter { expected: Table::Matter, offset: 0 }
    );
    assert!(matches!(Matter::from_qb64("_AAA"), Err(Error::UnexpectedOpCode { .. })));
    assert!(matches!(Indexer::from_qb64("-AAB"), Err(Error::UnexpectedCounter { .. })));
    assert!(matches!(Counter::from_qb64("_AAA"), Err(Error::UnexpectedOpCode { .. })));
}

#[test]
fn alphabet_errors_give_the_offset_and_byte() {
    let mut q = digest().qb64b();
    q[17] = b'=';
    assert_eq!(Matter::from_qb64b(&q).unwrap_err(), Error::InvalidBase64 { offset: 17, byte: b'=' });
    q[17] = 0xC3;
    assert_eq!(Matter::from_qb64b(&q).unwrap_err(), Error::InvalidBase64 { offset: 17, byte: 0xC3 });
    assert_eq!(Counter::from_qb64("-A*B").unwrap_err(), Error::InvalidBase64 { offset: 2, byte: b'*' });
}

#[test]
fn non_zero_pad_bits_are_rejected_in_both_domains() {
    // `M` (cs = 1): the first value char carries 2 pad bits. `MAAA` ok, `MQAA` sets one.
    assert!(Matter::from_qb64("MAAA").is_ok());
    assert_eq!(Matter::from_qb64("MQAA").unwrap_err(), Error::NonZeroPadBits { code: "M", offset: 0 });
    let qb2 = dkms_cesr::text_to_binary(b"MQAA").unwrap();
    assert_eq!(Matter::from_qb2(&qb2).unwrap_err(), Error::NonZeroPadBits { code: "M", offset: 0 });
    // `0A` (cs = 2): the top 4 bits of the first value char are pad; `B` (000001) leaves them zero.
    assert!(Matter::from_qb64("0ABAAAAAAAAAAAAAAAAAAAAA").is_ok());
    assert!(matches!(Matter::from_qb64("0AQAAAAAAAAAAAAAAAAAAAAA"), Err(Error::NonZeroPadBits { code: "0A", .. })));
    // Tags as keripy 1.1 reads them: `Xicp` sets pad bits, `XAcp` does not.
    assert!(matches!(Matter::from_qb64("Xicp"), Err(Error::NonZeroPadBits { .. })));
    assert!(Matter::from_qb64("XAcp").is_ok());
}

#[test]
fn non_zero_lead_bytes_are_rejected() {
    // 5B: one lead byte. "5BAB" + "AAAA" is a zero lead byte + 2 zero raw bytes.
    assert!(Matter::from_qb64("5BABAAAA").is_ok());
    assert_eq!(Matter::from_qb64("5BABBAAA").unwrap_err(), Error::NonZeroLeadBytes { code: "5B", offset: 0 });
    assert!(matches!(Matter::from_qb64("6BABAQAA"), Err(Error::NonZeroLeadBytes { code: "6B", .. })));
    assert!(matches!(Matter::from_qb64("2AAAAQAA"), Err(Error::NonZeroLeadBytes { code: "2AAA", .. })));
}

#[test]
fn short_input_says_how_much_is_missing() {
    let q = digest().qb64b();
    assert_eq!(Matter::from_qb64b(&q[..40]).unwrap_err(), Error::Incomplete { offset: 0, needed: 4 });
    assert_eq!(Matter::from_qb64b(&[]).unwrap_err(), Error::Incomplete { offset: 0, needed: 1 });
    let b = digest().qb2();
    assert_eq!(Matter::from_qb2(&b[..30]).unwrap_err(), Error::Incomplete { offset: 0, needed: 3 });
    assert_eq!(Counter::from_qb64("-0VAA").unwrap_err(), Error::Incomplete { offset: 0, needed: 3 });
    assert!(matches!(Indexer::from_qb64("2AAB"), Err(Error::Incomplete { .. })));
}

#[test]
fn trailing_bytes_after_a_whole_primitive() {
    let mut q = digest().qb64b();
    q.extend_from_slice(b"AAAA");
    assert_eq!(Matter::from_qb64b(&q).unwrap_err(), Error::TrailingBytes { offset: 44, extra: 4 });
    // `parse` takes the prefix and says how much it used.
    let (m, used) = Matter::parse(&q, Domain::Text).unwrap();
    assert_eq!((m, used), (digest(), 44));
}

#[test]
fn index_and_ondex_rules() {
    let sig = vec![0u8; 64];
    assert!(matches!(
        Indexer::new(IndexerCode::Ed25519Sig, 64, None, sig.clone()),
        Err(Error::IndexOutOfRange { index: 64, max: 63, .. })
    ));
    assert!(Indexer::new(IndexerCode::Ed25519BigSig, 4095, Some(4095), sig.clone()).is_ok());
    assert!(matches!(
        Indexer::new(IndexerCode::Ed25519BigSig, 4096, None, sig.clone()),
        Err(Error::IndexOutOfRange { .. })
    ));
    assert!(matches!(
        Indexer::new(IndexerCode::Ed25519BigSig, 1, Some(4096), sig.clone()),
        Err(Error::InvalidOndex { .. })
    ));
    // Small "both" codes have no ondex characters: the ondex must equal the index.
    assert!(matches!(Indexer::new(IndexerCode::Ed25519Sig, 1, Some(2), sig.clone()), Err(Error::InvalidOndex { .. })));
    // Current-only codes carry no ondex.
    assert!(matches!(
        Indexer::new(IndexerCode::Ed25519CrtSig, 1, Some(1), sig.clone()),
        Err(Error::InvalidOndex { .. })
    ));
    let crt = Indexer::new(IndexerCode::Ed25519BigCrtSig, 70, None, sig.clone()).unwrap();
    assert!(crt.qb64().starts_with("2BBGAA"));
    assert_eq!(crt.ondex(), None);
    // A big current-only signature read back with a non-zero ondex is rejected.
    let mut q = crt.qb64b();
    q[5] = b'B';
    assert_eq!(
        Indexer::from_qb64(std::str::from_utf8(&q).unwrap()).unwrap_err(),
        Error::NonZeroOndex { code: "2B", ondex: 1, offset: 0 }
    );
    assert!(matches!(Indexer::new(IndexerCode::Ed25519Sig, 0, None, vec![0u8; 63]), Err(Error::RawSize { .. })));
}

#[test]
fn raw_sizes_and_counts_are_checked_on_encode() {
    assert_eq!(
        Matter::new(MatterCode::Ed25519, vec![0u8; 31]).unwrap_err(),
        Error::RawSize { code: "D", expected: 32, actual: 31 }
    );
    assert!(matches!(
        Counter::new(CounterKind::ControllerIdxSigs, 4096),
        Err(Error::CountOutOfRange { max: 4095, .. })
    ));
    assert!(Counter::new(CounterKind::BigAttachedMaterialQuadlets, (1 << 30) - 1).is_ok());
}

#[test]
fn variable_codes_normalise_like_keripy() {
    let m = Matter::new(MatterCode::BytesL0, b"a".to_vec()).unwrap();
    assert_eq!(m.code(), MatterCode::BytesL2);
    let big = Matter::new(MatterCode::BytesL0, vec![1u8; 4096 * 3]).unwrap();
    assert_eq!(big.code(), MatterCode::BytesBigL0);
    assert_eq!(Matter::from_qb64(&big.qb64()).unwrap(), big);
}

#[test]
fn framer_limits_bound_what_a_stream_can_ask_for() {
    let body = br#"{"v":"KERI10JSON00002b_","t":"ixn","x":"y"}"#;
    let mut stream = body.to_vec();
    stream.extend(Counter::new(CounterKind::BigAttachedMaterialQuadlets, (1 << 30) - 1).unwrap().qb64b());
    let err = Framer::new().next_message(&stream, false).unwrap_err();
    assert!(matches!(err, Error::LimitExceeded { offset: 43, .. }), "{err:?}");
    let small = Framer::new().with_limits(Limits { max_body: 16, ..Limits::default() });
    assert!(matches!(small.next_message(body, true), Err(Error::LimitExceeded { .. })));
    let few = Framer::new().with_limits(Limits { max_groups: 2, ..Limits::default() });
    let mut many = body.to_vec();
    for _ in 0..3 {
        many.extend(Counter::new(CounterKind::ControllerIdxSigs, 0).unwrap().qb64b());
    }
    assert!(matches!(few.next_message(&many, true), Err(Error::LimitExceeded { .. })));
}

#[test]
fn version_strings_are_checked() {
    let framer = Framer::new();
    // Kind in the version string must match the body's encoding.
    let lying = br#"{"v":"KERI10CBOR00002b_","t":"ixn","x":"y"}"#;
    assert!(matches!(framer.next_message(lying, true), Err(Error::VersionString { .. })));
    // Size smaller than the version string itself.
    let tiny = br#"{"v":"KERI10JSON000005_","t":"ixn","x":"y"}"#;
    assert!(matches!(framer.next_message(tiny, true), Err(Error::VersionString { .. })));
    // A v2 version string is named as such.
    let v2 = br#"{"v":"KERICAACAAJSONAAKp.","t":"icp"}"#;
    assert!(
        matches!(framer.next_message(v2, true), Err(Error::VersionString { reason, .. }) if reason.contains("2.0"))
    );
    // Fewer than 29 bytes without a version string yet: ask for more.
    assert_eq!(framer.next_message(br#"{"v":"KERI10JS"#, false).unwrap(), Status::Incomplete(15));
}

#[test]
fn protocol_stack_code_before_a_message() {
    let body = br#"{"v":"KERI10JSON00002b_","t":"ixn","x":"y"}"#;
    let mut stream = b"--AAABAA".to_vec();
    stream.extend_from_slice(body);
    let Status::Done(m, n) = Framer::new().next_message(&stream, true).unwrap() else { panic!() };
    assert_eq!((m.body.offset, n), (8, stream.len()));
    let mut v2 = b"--AAACAA".to_vec();
    v2.extend_from_slice(body);
    assert!(matches!(Framer::new().next_message(&v2, true), Err(Error::UnexpectedGroup { .. })));
}

#[test]
fn version_strings_read_the_same_from_short_and_long_buffers() {
    use dkms_cesr::stream::{Kind, version_string};
    // A JSON-looking body with the version string at every allowed offset, read from a buffer
    // shorter than the 31-byte scan window and from one longer than it.
    for off in 0..=12usize {
        for vs in [&b"KERI10JSON00002b_"[..], b"KERI10json00002b_", b"KERI10JSON00002B_", b"KERI10JSOX00002b_"] {
            let mut body = vec![b' '; off];
            if let Some(first) = body.first_mut() {
                *first = b'{';
            }
            body.extend_from_slice(vs);
            let short = version_string(&body, Kind::Json);
            body.resize(64, b'x');
            let long = version_string(&body, Kind::Json);
            match (&long, vs) {
                (Ok(Some(v)), b"KERI10JSON00002b_") => assert_eq!((v.offset, v.size), (off, 0x2b)),
                (Err(Error::VersionString { reason, .. }), b"KERI10JSOX00002b_") => {
                    assert!(reason.contains("unknown"), "{reason}");
                }
                (Err(Error::VersionString { .. }), _) => {}
                other => panic!("{off} {vs:?}: {other:?}"),
            }
            // A short buffer either agrees or asks for more bytes.
            assert!(short == long || short == Ok(None), "{off} {vs:?}: {short:?} vs {long:?}");
        }
    }
    // Every non-uppercase byte in the protocol or kind, every non-hex byte in a digit: no match.
    for pos in [0usize, 3, 4, 5, 6, 9, 10, 15] {
        for b in 0u8..=255 {
            let mut vs = *b"{\"v\":\"KERI10JSON00002b_\",\"t\":\"ixn\",\"x\":\"y\"}";
            let at = 6 + pos;
            let ok = match pos {
                0 | 3 | 6 | 9 => b.is_ascii_uppercase() && (pos < 6 || b == vs[at]),
                _ => matches!(b, b'0'..=b'9' | b'a'..=b'f'),
            };
            vs[at] = b;
            let res = version_string(&vs, Kind::Json);
            if ok {
                assert!(matches!(res, Ok(Some(_))), "{pos} {b:#x}: {res:?}");
            } else {
                assert!(matches!(res, Err(Error::VersionString { .. })), "{pos} {b:#x}: {res:?}");
            }
        }
    }
}

#[test]
fn attachment_groups_beyond_the_inline_one_are_kept_in_order() {
    use dkms_cesr::stream::{Groups, Part};
    let body = br#"{"v":"KERI10JSON00002b_","t":"ixn","x":"y"}"#;
    let sig = Indexer::new(IndexerCode::Ed25519Sig, 0, None, vec![0u8; 64]).unwrap();
    for n in 0..5usize {
        let mut stream = body.to_vec();
        for i in 0..n {
            stream.extend(Counter::new(CounterKind::ControllerIdxSigs, i as u64 % 2).unwrap().qb64b());
            if i % 2 == 1 {
                stream.extend(sig.qb64b());
            }
        }
        let Status::Done(m, used) = Framer::new().next_message(&stream, true).unwrap() else { panic!() };
        assert_eq!(used, stream.len());
        assert_eq!(m.attachments.len(), n);
        let mut at = body.len();
        for (i, g) in m.attachments.iter().enumerate() {
            assert_eq!((g.offset, g.counter.count()), (at, i as u64 % 2));
            at += g.raw.len();
            let mut seen = Vec::new();
            g.for_each_part(|p| seen.push(p)).unwrap();
            assert_eq!(seen, g.parts().unwrap());
            assert_eq!(seen.len(), i % 2);
            assert!(seen.iter().all(|p| matches!(p, Part::Indexer(s) if s.len() == 88)));
        }
        // Slice, Vec and iterator views agree.
        let v: Vec<_> = m.attachments.clone().into_iter().collect();
        assert_eq!(m.attachments, v);
        assert_eq!(m.attachments.as_slice(), &v[..]);
        assert_eq!(Groups::from(v.clone()), m.attachments);
        assert_eq!(v.iter().copied().collect::<Groups<'_>>(), m.attachments);
        assert_eq!(Vec::from(m.attachments.clone()), v);
        assert_eq!((&m.attachments).into_iter().count(), n);
        assert_eq!(format!("{:?}", m.attachments), format!("{v:?}"));
    }
}
