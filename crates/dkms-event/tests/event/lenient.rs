//! What keripy 1.1.17 accepts beyond the canonical forms, with keripy's verdicts
//! (`interop/keripy/lenient_vectors.py`): integer thresholds, anchors and traits no rule
//! interprets, groups a message type ignores, and the witness rules of a rotation.

use dkms_cesr::stream::Framer;
use dkms_cesr::{CounterKind, Matter, MatterCode};
use dkms_crypto::secrecy::SecretString;
use dkms_crypto::{Signer, SoftSigner, Verfer};
use dkms_event::message::Message;
use dkms_event::primitives::{Digest, Prefix, Verkey};
use dkms_event::seal::{Anchor, Seal, SealSyntaxError, Trait};
use dkms_event::signed::{IgnoredGroup, SignedMessage, ignored_groups};
use dkms_event::threshold::{Threshold, ThresholdSyntaxError, Weight};
use dkms_event::verify::{check_indexed, commits, exposed};
use dkms_event::witness::{WitnessError, rotate_witnesses};
use dkms_event::{Body, Ilk};
use serde_json::Value as J;

use crate::events_keripy::load;

fn rows<'a>(v: &'a J, key: &str) -> &'a Vec<J> {
    v[key].as_array().unwrap()
}

#[test]
fn thresholds_as_keripy_reads_them() {
    let v = load("lenient.json");
    // keripy accepts these too, but reads a boolean as an integer, JSON text inside a
    // string as a list, and "" as 0: we refuse them (docs/interop.md).
    let stricter = ["kt_true", "nt_false", "bt_false", "kt_json_text_weighted", "bt_empty_string"];
    let mut accepted = 0;
    for row in rows(&v, "thresholds") {
        let name = row["name"].as_str().unwrap();
        let raw = row["raw"].as_str().unwrap();
        let ours = Message::parse(raw.as_bytes());
        if stricter.contains(&name) {
            assert!(ours.is_err(), "{name}");
            continue;
        }
        assert_eq!(ours.is_ok(), row["keripy_accepts"].as_bool().unwrap(), "{name}: {ours:?}");
        if let Ok(m) = ours {
            assert_eq!(m.raw(), raw.as_bytes(), "{name}: bytes kept");
            accepted += 1;
        }
    }
    assert!(accepted >= 7, "{accepted}");
    let intive = rows(&v, "thresholds").iter().find(|r| r["name"] == "all_int_with_witness").unwrap();
    let m = Message::parse(intive["raw"].as_str().unwrap().as_bytes()).unwrap();
    assert_eq!(
        (m.body().kt(), m.body().nt(), m.body().toad()),
        (Some(&Threshold::numeric(3)), Some(&Threshold::numeric(2)), Some(1))
    );
}

#[test]
fn intive_builders_write_what_keripy_writes() {
    let v = load("lenient.json");
    let row = rows(&v, "thresholds").iter().find(|r| r["name"] == "incept_intive_builder").unwrap();
    let raw = row["raw"].as_str().unwrap();
    let m = Message::parse(raw.as_bytes()).unwrap();
    let Body::Inception(b) = m.body() else { panic!() };
    let ours = dkms_event::builder::Incept {
        keys: b.keys.clone(),
        kt: Some(b.kt.clone()),
        next: b.next.clone(),
        nt: Some(b.nt.clone()),
        toad: Some(b.toad),
        witnesses: b.witnesses.clone(),
        prefix_code: Some(MatterCode::Blake3_256),
        intive: true,
        ..Default::default()
    }
    .build()
    .unwrap();
    assert_eq!(std::str::from_utf8(ours.raw()).unwrap(), raw);
    // Without `intive` the same event is written with hex strings, as before.
    assert_eq!(Threshold::numeric(2).to_value(), "2".into());
    assert_eq!(Threshold::numeric(2).to_int_value(), dkms_event::value::Value::Int(2));
    assert_eq!(Threshold::numeric(1 << 32).to_int_value(), "100000000".into());
}

#[test]
fn anchors_no_rule_reads_do_not_invalidate_an_event() {
    let v = load("lenient.json");
    for row in rows(&v, "anchors") {
        let name = row["name"].as_str().unwrap();
        assert!(row["keripy_accepts"].as_bool().unwrap(), "{name}");
        let m = Message::parse(row["raw"].as_str().unwrap().as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let a = m.body().anchors();
        assert!(!a.is_empty(), "{name}");
        let seals = a.iter().filter(|x| x.seal().is_some()).count();
        assert_eq!(seals, usize::from(name == "well_formed_event_seal"), "{name}: only a well-formed seal is a seal");
    }
    // The seal the engine checks is compared as keripy compares it: `s` as canonical text.
    let row =
        |n: &str| rows(&v, "anchors").iter().find(|r| r["name"] == n).unwrap()["raw"].as_str().unwrap().to_owned();
    let good = Message::parse(row("well_formed_event_seal").as_bytes()).unwrap();
    let Some(Seal::Event { i, s, d }) = good.body().anchors().first().and_then(Anchor::seal).cloned() else { panic!() };
    assert!(good.body().anchors_event_seal(&i, s, &d));
    assert!(!good.body().anchors_event_seal(&i, s + 1, &d));
    for bad in ["event_seal_s_leading_zero", "event_seal_s_int"] {
        let m = Message::parse(row(bad).as_bytes()).unwrap();
        assert!(!(0..3).any(|sn| m.body().anchors_event_seal(&i, sn, &d)), "{bad}");
    }
}

#[test]
fn delegation_seal_matches_as_in_keripy() {
    let v = load("lenient.json");
    for row in rows(&v, "delegation") {
        let ixn = Message::parse(row["anchoring_ixn"].as_str().unwrap().as_bytes()).unwrap();
        let dip = Message::parse(row["dip"].as_str().unwrap().as_bytes()).unwrap();
        let anchored = ixn.body().anchors_event_seal(dip.prefix().unwrap(), 0, dip.said());
        assert_eq!(anchored, row["keripy_accepts_dip"].as_bool().unwrap(), "{}", row["name"]);
    }
}

#[test]
fn config_entries_that_are_not_strings_are_kept() {
    let v = load("lenient.json");
    for row in rows(&v, "config") {
        assert!(row["keripy_accepts"].as_bool().unwrap());
        let m = Message::parse(row["raw"].as_str().unwrap().as_bytes()).unwrap();
        let c = m.body().config().unwrap();
        match row["name"].as_str().unwrap() {
            "trait_int" => assert_eq!(c, &[Trait::Data(dkms_event::value::Value::Int(1))]),
            "trait_map" => assert!(matches!(c, [Trait::Data(dkms_event::value::Value::Map(_))])),
            _ => assert_eq!(c, &[Trait::Other("ZZ".into())]),
        }
    }
}

#[test]
fn witness_rules_match_keripy_kever_rotate() {
    let v = load("lenient.json");
    let pres = |j: &J| -> Vec<Prefix> {
        j.as_array().unwrap().iter().map(|p| Prefix::parse(p.as_str().unwrap(), "b").unwrap()).collect()
    };
    for row in rows(&v, "witness_rules") {
        let name = row["name"].as_str().unwrap();
        // keripy parses every one of these bodies; the rules are applied against the key state.
        let m = Message::parse(row["raw"].as_str().unwrap().as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let toad = m.body().toad().unwrap();
        let ours = rotate_witnesses(&pres(&row["witnesses"]), m.body().cuts().unwrap(), m.body().adds().unwrap(), toad);
        assert_eq!(ours.is_ok(), row["keripy_valid"].as_bool().unwrap(), "{name}: {ours:?}");
        let expected = match name {
            "ok" => continue,
            "duplicate_cut" => matches!(ours, Err(WitnessError::DuplicateCut { .. })),
            "cut_not_witness" => matches!(ours, Err(WitnessError::CutNotWitness { .. })),
            "duplicate_add" => matches!(ours, Err(WitnessError::DuplicateAdd { .. })),
            "cut_and_added" => matches!(ours, Err(WitnessError::CutAndAdded { .. })),
            "add_already_witness" => matches!(ours, Err(WitnessError::AddAlreadyWitness { .. })),
            _ => matches!(ours, Err(WitnessError::Toad { .. })),
        };
        assert!(expected, "{name}: {ours:?}");
    }
    let w = pres(&rows(&v, "witness_rules")[0]["witnesses"]);
    let err = rotate_witnesses(&w, &[w[1].clone(), w[1].clone()], &[], 1).unwrap_err();
    assert_eq!(err, WitnessError::DuplicateCut { witness: w[1].qb64() }, "names the witness");
}

#[test]
fn controller_signatures_on_a_receipt_are_ignored_and_reported() {
    let v = load("lenient.json");
    let r = &v["receipt_with_controller_sigs"];
    let stream = r["stream"].as_str().unwrap().as_bytes();
    let framed = Framer::new().messages(stream).next().unwrap().unwrap();
    let signed = SignedMessage::from_framed(&framed).unwrap();
    assert_eq!(signed.message.ilk(), Ilk::Rct);
    assert_eq!(signed.attachments.witness_sigs.len(), 1);
    let ignored = ignored_groups(Ilk::Rct, &framed.attachments).unwrap();
    let body_len = signed.message.raw().len();
    assert_eq!(ignored, vec![IgnoredGroup { kind: CounterKind::ControllerIdxSigs, offset: body_len }]);
    // The inception's own groups (-A, -B) are all read for a key event.
    let icp = r["inception"].as_str().unwrap().as_bytes();
    let framed = Framer::new().messages(icp).next().unwrap().unwrap();
    assert!(ignored_groups(Ilk::Icp, &framed.attachments).unwrap().is_empty());
}

#[test]
fn threshold_text_as_the_cli_takes_it() {
    let w = |n, d| Weight::new(n, d).unwrap();
    assert_eq!(" 2 ".parse::<Threshold>(), Ok(Threshold::numeric(2)));
    assert_eq!("1/2, 1/2 ,1/4".parse().ok(), Threshold::weighted(vec![vec![w(1, 2), w(1, 2), w(1, 4)]]).ok());
    assert_eq!(
        "1/2,1/2;1,1".parse().ok(),
        Threshold::weighted(vec![vec![w(1, 2), w(1, 2)], vec![w(1, 1), w(1, 1)]]).ok()
    );
    assert_eq!(
        r#"[ ["1/2","1/2"], ["1"] ]"#.parse().ok(),
        Threshold::weighted(vec![vec![w(1, 2), w(1, 2)], vec![w(1, 1)]]).ok()
    );
    assert_eq!("".parse::<Threshold>(), Err(ThresholdSyntaxError::Empty));
    assert!(matches!("two".parse::<Threshold>(), Err(ThresholdSyntaxError::Number { .. })));
    assert!(matches!("1/x,1/2".parse::<Threshold>(), Err(ThresholdSyntaxError::Weight { text }) if text == "1/x"));
    assert!(matches!("3/2,1/2".parse::<Threshold>(), Err(ThresholdSyntaxError::Invalid(_))));
    assert!(matches!("1/4,1/4".parse::<Threshold>(), Err(ThresholdSyntaxError::Invalid(_))), "sums below 1");
    assert!(matches!(r#"["1/2","1/2""#.parse::<Threshold>(), Err(ThresholdSyntaxError::Json { .. })));
    assert!(matches!("[1,1]".parse::<Threshold>(), Err(ThresholdSyntaxError::Invalid(_))), "weights are strings");
    assert!(matches!(r#"["1/2"] x"#.parse::<Threshold>(), Err(ThresholdSyntaxError::Json { .. })));
}

#[test]
fn seal_text_as_the_cli_takes_it() {
    let d = "EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C";
    let said = Digest::parse(d, "d").unwrap();
    let pre = Prefix::parse(d, "i").unwrap();
    assert_eq!(format!("d={d}").parse::<Seal>(), Ok(Seal::Digest { d: said.clone() }));
    assert_eq!(
        format!("i={d}, s=1a ,d={d}").parse::<Seal>(),
        Ok(Seal::Event { i: pre.clone(), s: 26, d: said.clone() })
    );
    assert_eq!(format!("s=0,d={d}").parse::<Seal>(), Ok(Seal::Source { s: 0, d: said.clone() }));
    assert_eq!(format!("i={d}").parse::<Seal>(), Ok(Seal::Last { i: pre }));
    assert!(matches!("d".parse::<Seal>(), Err(SealSyntaxError::Pair { .. })));
    assert!(matches!(format!("s=1,i={d}").parse::<Seal>(), Err(SealSyntaxError::Shape { keys }) if keys == "s,i"));
    assert!(matches!("d=EAbc".parse::<Seal>(), Err(SealSyntaxError::Value { key: "d", .. })));
    assert!(matches!(format!("s=zz,d={d}").parse::<Seal>(), Err(SealSyntaxError::Value { key: "s", .. })));
}

fn signer(seed_qb64: &str) -> SoftSigner {
    SoftSigner::from_qb64(&SecretString::from(seed_qb64.to_owned()), true).unwrap()
}

#[test]
fn indexed_signatures_split_valid_invalid_out_of_range() {
    // Reference §12.1 seeds.
    let s0 = signer("AJ97qKeoQzmWJvqxmeuqIMQbRxHErlNBUsm9BJ2FKX6T");
    let s1 = signer("AINCfgSU485VUXkRZgyTXR6_rFG11lleokX6ATWYWd3o");
    let raw = b"message";
    let keys =
        vec![Verfer::new(s0.verfer().matter().clone()).unwrap(), Verfer::new(s1.verfer().matter().clone()).unwrap()];
    let good0 = s0.sign_indexed(raw, 0, false, None).unwrap();
    let good1 = s1.sign_indexed(raw, 1, false, None).unwrap();
    let wrong = s0.sign_indexed(raw, 1, false, None).unwrap(); // index 1 but made by key 0
    let beyond = s1.sign_indexed(raw, 5, false, None).unwrap();
    let sigs = [good0.clone(), wrong, good0.clone(), beyond, good1.clone()];
    let checked = check_indexed(raw, &keys, &sigs, |_, _| None);
    assert_eq!(checked.valid, vec![good0, good1]);
    assert_eq!(checked.invalid, vec![1]);
    assert_eq!(checked.out_of_range, vec![5]);
    // Verdicts computed ahead are taken as they are, asked with the position and the key.
    let mut asked = Vec::new();
    let ahead = check_indexed(raw, &keys, &sigs, |pos, key| {
        asked.push((pos, key.clone()));
        Some(pos == 1)
    });
    assert_eq!(ahead.indices().collect::<Vec<_>>(), vec![1]);
    assert_eq!(
        asked.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
        vec![0, 1, 4],
        "duplicates and out-of-range not asked"
    );
    assert_eq!(asked[1].1, keys[1]);
}

#[test]
fn next_key_commitments_expose_by_ondex() {
    let s1 = signer("AINCfgSU485VUXkRZgyTXR6_rFG11lleokX6ATWYWd3o");
    let key1 = Verkey::parse("DB4GWvru73jWZKpNgMQp8ayDRin0NG0Ymn_RXQP_v-PQ", "k").unwrap();
    assert_eq!(s1.verfer().matter().qb64(), key1.qb64());
    let next = vec![Digest::parse("EIf-ENw7PrM52w4H-S7NGU2qVIfraXVIlV9hEAaMHg7W", "n").unwrap()];
    assert!(commits(&next[0], &key1));
    let other = Digest::new(Matter::new(MatterCode::Blake3_256, vec![7; 32]).unwrap()).unwrap();
    assert!(!commits(&other, &key1));
    let sig = s1.sign_indexed(b"rot", 0, false, Some(0)).unwrap();
    let no_ondex = s1.sign_indexed(b"rot", 0, true, None).unwrap(); // current-only: no ondex
    let far = s1.sign_indexed(b"rot", 0, false, Some(3)).unwrap();
    let keys = [key1];
    let got: Vec<u32> = exposed(&next, &keys, [&sig, &no_ondex, &far]).collect();
    assert_eq!(got, vec![0]);
}

#[cfg(feature = "fuzzing")]
#[test]
fn text_fuzz_oracle_holds_on_its_seeds() {
    for seed in [
        "2",
        "2/4,1/2",
        "1/2,1/2;1,1",
        r#"[["1/2","1/2"],["1"]]"#,
        "s=1a,d=EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C",
        "",
        "[",
        "1/0",
    ] {
        dkms_event::fuzzing::text(seed.as_bytes());
    }
}
