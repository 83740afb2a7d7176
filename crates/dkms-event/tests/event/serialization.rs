//! Byte-exact serialization and strict parsing in JSON, CBOR and MGPK.

use dkms_event::Error;
use dkms_event::ser::{self, Kind};
use dkms_event::value::{Map, Value};

// Reference §12.6: keripy's canonical inception serialized as CBOR and MGPK.
const CBOR_ICP: &str = "ad6176714b455249313043424f523030303066395f6174636963706164782c454f726d41304a652d36786a7055705075336a486e3354793178375f76634c79547641316b656f36636959416169782c454f726d41304a652d36786a7055705075336a486e3354793178375f76634c79547641316b656f366369594161736130626b746131616b81782c444673384242783836757974494d3044324268734535727271564954386566386d666c704e6365486f345848626e746131616e81782c4549662d454e773750724d35327734482d53374e4755327156496672615856496c5639684541614d486737576262746130616280616380616180";
const MGPK_ICP: &str = "8da176b14b45524931304d47504b3030303066395fa174a3696370a164d92c45444664425a6252694d7a4e2d3230504e5a6a65436d44656459366a564751484b4b515731744549554b4f5aa169d92c45444664425a6252694d7a4e2d3230504e5a6a65436d44656459366a564751484b4b515731744549554b4f5aa173a130a26b74a131a16b91d92c444673384242783836757974494d3044324268734535727271564954386566386d666c704e6365486f345848a26e74a131a16e91d92c4549662d454e773750724d35327734482d53374e4755327156496672615856496c5639684541614d48673757a26274a130a16290a16390a16190";

#[test]
fn reference_cbor_and_mgpk_bodies_round_trip_byte_exact() {
    for (hex, kind) in [(CBOR_ICP, Kind::Cbor), (MGPK_ICP, Kind::Mgpk)] {
        let raw = hex::decode(hex).unwrap();
        assert_eq!(raw.len(), 249);
        let d = ser::decode(&raw, kind).unwrap();
        let keys: Vec<&str> = d.map.keys().collect();
        assert_eq!(keys, ["v", "t", "d", "i", "s", "kt", "k", "nt", "n", "bt", "b", "c", "a"]);
        assert_eq!(ser::encode(&Value::Map(d.map.clone()), kind).unwrap(), raw);
        // The span of `d` points at its 44 characters.
        let span = d.spans[2].clone().unwrap();
        assert_eq!(&raw[span], d.map.get("d").unwrap().as_str().unwrap().as_bytes());
    }
}

fn sample() -> Value {
    let mut inner = Map::new();
    inner.push("n", Value::Int(1 << 40));
    inner.push("neg", Value::Int(-200));
    inner.push("ü", "snow ☃ \"quoted\" \\ \n\t\u{1}");
    inner.push("b", Value::Bool(true));
    inner.push("z", Value::Null);
    let mut m = Map::new();
    m.push("v", "KERI10JSON000000_");
    m.push("a", Value::List(vec![Value::Map(inner), Value::Int(0), Value::Int(-1), Value::Int(127), Value::Int(128)]));
    Value::Map(m)
}

#[test]
fn json_matches_python_json_dumps() {
    // Python: json.dumps(sample, separators=(",", ":"), ensure_ascii=False)
    let out = ser::encode(&sample(), Kind::Json).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        r#"{"v":"KERI10JSON000000_","a":[{"n":1099511627776,"neg":-200,"ü":"snow ☃ \"quoted\" \\ \n\t\u0001","b":true,"z":null},0,-1,127,128]}"#
    );
}

#[test]
fn every_kind_round_trips() {
    for kind in [Kind::Json, Kind::Cbor, Kind::Mgpk] {
        let raw = ser::encode(&sample(), kind).unwrap();
        let d = ser::decode(&raw, kind).unwrap();
        assert_eq!(Value::Map(d.map), sample(), "{kind:?}");
    }
}

#[test]
fn non_canonical_json_is_rejected_with_offsets() {
    let bad: &[(&[u8], usize)] = &[
        (br#"{"t": "ixn"}"#, 5),
        (br#"{"t":"ixn" }"#, 10),
        (br#"{"t":"\u0069xn"}"#, 6),
        (br#"{"t":"i\/n"}"#, 7),
        (br#"{"t":01}"#, 5),
        (br#"{"t":1.50}"#, 5),
        (br#"{"t":1e5}"#, 5),
        (br#"{"t":1.}"#, 5),
        (br#"{"t":1E+16}"#, 5),
        (br#"{"t":1,"t":2}"#, 7),
        (br#"{"t":"ixn"}x"#, 11),
        (b"{\"t\":\"a\x01\"}", 7),
    ];
    for (raw, offset) in bad {
        match ser::decode(raw, Kind::Json) {
            Err(Error::Syntax { offset: o, .. }) => assert_eq!(o, *offset, "{}", String::from_utf8_lossy(raw)),
            other => panic!("{}: {other:?}", String::from_utf8_lossy(raw)),
        }
    }
}

/// Floats (kept as data in anchors, as keripy accepts them) are read exactly when written as
/// Python's `repr` writes them (keripy re-serializes bodies and compares); the expected texts
/// are Python 3.11's `repr` of each value.
#[test]
fn floats_are_read_in_pythons_form_only() {
    let python = [
        (0.1, "0.1"),
        (1e16, "1e+16"),
        (1e-5, "1e-05"),
        (123_456_789_012_345_678.0, "1.2345678901234568e+17"),
        (0.0001, "0.0001"),
        (-0.25, "-0.25"),
        (3.0, "3.0"),
        (1e15, "1000000000000000.0"),
        (-0.0, "-0.0"),
        (5e-324, "5e-324"),
        (1.797_693_134_862_315_7e308, "1.7976931348623157e+308"),
        (2.5e-7, "2.5e-07"),
    ];
    for (f, text) in python {
        assert_eq!(dkms_event::value::python_float_repr(f).as_deref(), Some(text), "{f}");
        let raw = format!(r#"{{"a":[{text}]}}"#);
        let v = ser::decode(raw.as_bytes(), Kind::Json).unwrap().map;
        assert_eq!(
            v.get("a"),
            Some(&dkms_event::value::Value::List(vec![dkms_event::value::Value::Float(text.into())]))
        );
        assert_eq!(ser::encode(&dkms_event::value::Value::Map(v), Kind::Json).unwrap(), raw.as_bytes(), "{text}");
    }
    assert_eq!(dkms_event::value::python_float_repr(f64::NAN), None);
}

#[test]
fn non_canonical_cbor_and_mgpk_are_rejected() {
    // CBOR: one-entry map {"t": 1} with a non-minimal integer, then indefinite length.
    assert!(ser::decode(&[0xa1, 0x61, b't', 0x18, 0x01], Kind::Cbor).is_err());
    assert!(ser::decode(&[0xbf, 0x61, b't', 0x01, 0xff], Kind::Cbor).is_err());
    assert!(ser::decode(&[0xa1, 0x61, b't', 0x01], Kind::Cbor).is_ok());
    // MGPK: {"t": 1} with uint8 for a fixint, and str8 for a short string.
    assert!(ser::decode(&[0x81, 0xa1, b't', 0xcc, 0x01], Kind::Mgpk).is_err());
    assert!(ser::decode(&[0x81, 0xd9, 0x01, b't', 0x01], Kind::Mgpk).is_err());
    assert!(ser::decode(&[0x81, 0xa1, b't', 0x01], Kind::Mgpk).is_ok());
    // Truncation and deep nesting are errors, not panics.
    assert!(ser::decode(&[0x81, 0xa1], Kind::Mgpk).is_err());
    let mut deep = vec![0x81, 0xa1, b'x'];
    deep.extend(std::iter::repeat_n(0x91, 100));
    assert!(ser::decode(&deep, Kind::Mgpk).is_err());
}
