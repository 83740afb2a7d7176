//! keripy 1.1.17's message bodies: each parses strictly (SAIDs verified), and our
//! builders — and the generic SAID-making serializer — give keripy's exact bytes.

use dkms_cesr::MatterCode;
use dkms_event::builder::{Incept, Interact, Rotate, query, receipt, reply};
use dkms_event::message::Message;
use dkms_event::primitives::{Digest, Prefix, Verkey};
use dkms_event::seal::{Anchor, Trait};
use dkms_event::ser::{self, Kind};
use dkms_event::threshold::Threshold;
use dkms_event::value::{Map, Value};
use dkms_event::{Error, Ilk};
use serde_json::Value as J;

pub(crate) fn load(name: &str) -> J {
    let path = format!("{}/tests/vectors/keripy-1.1.17/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

pub(crate) fn to_value(j: &J) -> Value {
    match j {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => Value::Int(i128::from(n.as_i64().unwrap())),
        J::String(s) => Value::Str(s.clone()),
        J::Array(a) => Value::List(a.iter().map(to_value).collect()),
        J::Object(o) => Value::Map(Map(o.iter().map(|(k, v)| (k.clone(), to_value(v))).collect())),
    }
}

fn kind(j: &J) -> Kind {
    match j.as_str() {
        Some("CBOR") => Kind::Cbor,
        Some("MGPK") => Kind::Mgpk,
        _ => Kind::Json,
    }
}

fn threshold(j: Option<&J>) -> Option<Threshold> {
    let j = j?;
    if j.is_null() {
        return None;
    }
    Some(match j {
        J::Number(n) => Threshold::numeric(n.as_u64().unwrap()),
        // keripy's builders also take the JSON text of a weighted threshold.
        J::String(s) if s.starts_with('[') => {
            Threshold::parse(&to_value(&serde_json::from_str(s).unwrap()), "sith").unwrap()
        }
        other => Threshold::parse(&to_value(other), "sith").unwrap(),
    })
}

fn keys(j: Option<&J>) -> Vec<Verkey> {
    j.and_then(J::as_array)
        .map(|a| a.iter().map(|k| Verkey::parse(k.as_str().unwrap(), "k").unwrap()).collect())
        .unwrap_or_default()
}

fn digests(j: Option<&J>) -> Vec<Digest> {
    j.and_then(J::as_array)
        .map(|a| a.iter().map(|k| Digest::parse(k.as_str().unwrap(), "n").unwrap()).collect())
        .unwrap_or_default()
}

fn prefixes(j: Option<&J>) -> Vec<Prefix> {
    j.and_then(J::as_array)
        .map(|a| a.iter().map(|k| Prefix::parse(k.as_str().unwrap(), "b").unwrap()).collect())
        .unwrap_or_default()
}

fn anchors(j: Option<&J>) -> Vec<Anchor> {
    j.and_then(J::as_array).map(|a| a.iter().map(|x| Anchor::from_value(&to_value(x))).collect()).unwrap_or_default()
}

fn toad(j: Option<&J>) -> Option<u64> {
    match j? {
        J::Number(n) => n.as_u64(),
        J::String(s) => Some(u64::from_str_radix(s, 16).unwrap()),
        _ => None,
    }
}

/// Rebuilds a vector with our builder, when it was made by one keripy builder we mirror.
fn build(v: &J, parsed_sn: Option<u128>) -> Option<Message> {
    let b = v["builder"].as_str()?.split('(').next()?;
    let i = &v["inputs"];
    let k = kind(&i["kind"]);
    // serde_json cannot hold sequence numbers above 2^64: take those from the parsed body.
    let sn = |j: &J| j.as_u64().map(u128::from).or(parsed_sn);
    Some(match b {
        "eventing.incept" | "eventing.delcept" => Incept {
            keys: keys(i.get("keys")),
            kt: threshold(i.get("isith")),
            next: digests(i.get("ndigs")),
            nt: threshold(i.get("nsith")),
            toad: toad(i.get("toad")),
            witnesses: prefixes(i.get("wits")),
            config: i
                .get("cnfg")
                .and_then(J::as_array)
                .map(|a| a.iter().map(|t| Trait::parse(t.as_str().unwrap())).collect())
                .unwrap_or_default(),
            anchors: anchors(i.get("data")),
            delegator: i.get("delpre").and_then(J::as_str).map(|p| Prefix::parse(p, "di").unwrap()),
            prefix_code: i.get("code").and_then(J::as_str).map(|c| MatterCode::from_code(c).unwrap()),
            kind: Some(k),
            intive: i["intive"] == J::Bool(true),
        }
        .build()
        .unwrap_or_else(|e| panic!("{}: {e}", v["name"])),
        "eventing.rotate" | "eventing.deltate" => {
            let mut r = Rotate::new(
                Prefix::parse(i["pre"].as_str()?, "i").unwrap(),
                sn(&i["sn"]).unwrap_or(1),
                Digest::parse(i["dig"].as_str()?, "p").unwrap(),
                keys(i.get("keys")),
                digests(i.get("ndigs")),
            );
            r.kt = threshold(i.get("isith"));
            r.nt = threshold(i.get("nsith"));
            r.witnesses = prefixes(i.get("wits"));
            r.cuts = prefixes(i.get("cuts"));
            r.adds = prefixes(i.get("adds"));
            r.toad = toad(i.get("toad"));
            r.anchors = anchors(i.get("data"));
            r.delegated = b == "eventing.deltate";
            r.kind = Some(k);
            r.intive = i["intive"] == J::Bool(true);
            r.build().unwrap_or_else(|e| panic!("{}: {e}", v["name"]))
        }
        "eventing.interact" => Interact {
            prefix: Prefix::parse(i["pre"].as_str()?, "i").unwrap(),
            sn: sn(&i["sn"]).unwrap_or(1),
            prior: Digest::parse(i["dig"].as_str()?, "p").unwrap(),
            anchors: anchors(i.get("data")),
            kind: Some(k),
        }
        .build()
        .unwrap(),
        "eventing.receipt" => receipt(
            &Prefix::parse(i["pre"].as_str()?, "i").unwrap(),
            sn(&i["sn"]).unwrap(),
            &Digest::parse(i["said"].as_str()?, "d").unwrap(),
            k,
        )
        .unwrap(),
        "eventing.query" | "eventing.prod" => query(
            i["route"].as_str()?,
            i["replyRoute"].as_str().unwrap_or(""),
            to_value(&i["query"]).as_map().cloned().unwrap_or_default(),
            i["stamp"].as_str()?,
            b == "eventing.prod",
            k,
        )
        .unwrap(),
        "eventing.reply" | "eventing.bare" => reply(
            i["route"].as_str()?,
            to_value(&i["data"]).as_map().cloned().unwrap_or_default(),
            i["stamp"].as_str()?,
            b == "eventing.bare",
            k,
        )
        .unwrap(),
        _ => return None,
    })
}

#[test]
fn keripy_bodies_parse_and_rebuild_byte_exact() {
    let all = load("events.json");
    let vectors = all["vectors"].as_array().unwrap();
    let (mut parsed, mut built, mut resaid, mut intive) = (0, 0, 0, 0);
    for v in vectors {
        let name = v["name"].as_str().unwrap();
        let raw = hex::decode(v["raw_hex"].as_str().unwrap()).unwrap();
        if v["keripy_parses"] == J::Bool(false) {
            assert!(Message::parse(&raw).is_err(), "{name}: keripy rejects it, so do we");
            continue;
        }
        if v["inputs"]["intive"] == J::Bool(true) {
            intive += 1;
        }
        let prefix = v["prefix"].as_str().unwrap_or("");
        let sad_prefix = dkms_cesr::Matter::from_qb64(prefix).is_ok_and(|m| m.code().is_digest());
        if sad_prefix && prefix != v["said"].as_str().unwrap_or("") && matches!(v["ilk"].as_str(), Some("icp" | "dip"))
        {
            // keripy's parser lets `i` differ from `d` (incept(code='F')); its Kever then
            // drops the event. We refuse it at the message layer: same end result.
            assert!(matches!(Message::parse(&raw), Err(Error::Field { .. })), "{name}");
            continue;
        }
        let m = Message::parse(&raw).unwrap_or_else(|e| panic!("{name}: {e}"));
        parsed += 1;
        assert_eq!(m.said().qb64(), v["said"].as_str().unwrap(), "{name}");
        if let Some(p) = v["prefix"].as_str().filter(|p| !p.is_empty()) {
            assert_eq!(m.prefix().map(Prefix::qb64).as_deref(), Some(p), "{name}");
        }
        // The generic path: fields with the SAIDs emptied, SAIDs made again.
        let mut fields = ser::decode(&raw, m.kind()).unwrap().map;
        fields.0.retain(|(k, _)| k != "v");
        let saids = v["said_fields"].as_object().unwrap();
        for label in saids.keys() {
            fields.insert(label, "");
        }
        let code =
            saids.get("d").and_then(J::as_str).map_or(MatterCode::Blake3_256, |c| MatterCode::from_code(c).unwrap());
        if m.ilk() != Ilk::Rct {
            let again = Message::from_fields(m.kind(), fields, code).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(again.raw(), &raw[..], "{name}: SAID-making serialization");
            resaid += 1;
        }
        if let Some(b) = build(v, m.sn()) {
            assert_eq!(String::from_utf8_lossy(b.raw()), String::from_utf8_lossy(&raw), "{name}: builder");
            built += 1;
        }
    }
    assert!(parsed >= 110, "parsed {parsed}");
    // keripy's `intive=True` bodies (JSON-integer kt, nt, bt) parse and rebuild byte-exact too.
    assert!(intive >= 2, "intive vectors {intive}");
    assert!(resaid >= 100, "re-SAIDed {resaid}");
    assert!(built >= 90, "rebuilt {built} with our builders");
}

#[test]
fn exchanges_rebuild_byte_exact_with_embedded_saids() {
    let all = load("events.json");
    let vectors = all["vectors"].as_array().unwrap();
    let raw_of = |name: &str| -> Value {
        let v = vectors.iter().find(|v| v["name"] == name).unwrap();
        let raw = hex::decode(v["raw_hex"].as_str().unwrap()).unwrap();
        Value::Map(ser::decode(&raw, Kind::Json).unwrap().map)
    };
    let mut n = 0;
    for v in vectors.iter().filter(|v| v["ilk"] == "exn") {
        let i = &v["inputs"];
        let mut embeds = Map::new();
        if let Some(e) = i["embeds"].as_object() {
            for (label, x) in e {
                embeds.push(label.clone(), raw_of(x["vector"].as_str().unwrap()));
            }
        }
        let exn = dkms_event::builder::Exchange {
            sender: Prefix::parse(i["sender"].as_str().unwrap(), "i").unwrap(),
            recipient: i["recipient"].as_str().map(|r| Prefix::parse(r, "a.i").unwrap()),
            prior: i["dig"].as_str().unwrap_or("").to_owned(),
            dt: i["date"].as_str().unwrap().to_owned(),
            route: i["route"].as_str().unwrap().to_owned(),
            modifiers: to_value(&i["modifiers"]).as_map().cloned().unwrap_or_default(),
            payload: to_value(&i["payload"]).as_map().cloned().unwrap_or_default(),
            embeds,
        }
        .build()
        .unwrap();
        assert_eq!(String::from_utf8_lossy(exn.raw()), v["raw"].as_str().unwrap(), "{}", v["name"]);
        n += 1;
    }
    assert_eq!(n, 3);
}

#[test]
fn every_ilk_and_kind_is_covered() {
    let all = load("events.json");
    let mut seen = std::collections::BTreeSet::new();
    for v in all["vectors"].as_array().unwrap() {
        seen.insert((v["ilk"].as_str().unwrap().to_owned(), v["kind"].as_str().unwrap().to_owned()));
    }
    for ilk in Ilk::ALL {
        assert!(seen.iter().any(|(i, _)| i == ilk.as_str()), "{ilk:?}");
    }
    for ilk in ["icp", "rot", "ixn", "dip", "drt", "rct", "qry", "rpy"] {
        for kind in ["JSON", "CBOR", "MGPK"] {
            assert!(seen.contains(&(ilk.to_owned(), kind.to_owned())), "{ilk} {kind}");
        }
    }
}

#[test]
fn bodies_keripy_rejects_we_reject() {
    let inv = load("invalid.json");
    let rows = inv["invalid"].as_array().unwrap();
    assert!(rows.len() >= 30);
    for row in rows {
        let raw = hex::decode(row["raw_hex"].as_str().unwrap()).unwrap();
        assert!(Message::parse(&raw).is_err(), "{}: {}", row["name"], row["why"]);
    }
}

#[test]
fn loose_bodies_keripy_accepts_we_reject() {
    // Non-canonical hex ("00", "0xA", "+1", " 1", "1_0", uppercase), "1.0" weights:
    // keripy 1.1.17 accepts them (its Number/Tholder parse loosely); the spec says
    // canonical lowercase hex. We reject them (docs/interop.md). JSON integers in kt, nt,
    // bt (keripy's own `intive` form) we accept, as keripy does.
    let inv = load("invalid.json");
    let rows = inv["keripy_lenient"].as_array().unwrap();
    assert!(rows.len() >= 10);
    let mut ints = 0;
    for row in rows {
        let raw = hex::decode(row["raw_hex"].as_str().unwrap()).unwrap();
        if row["name"] == "icp_kt_nt_bt_json_ints" {
            let m = Message::parse(&raw).unwrap_or_else(|e| panic!("{e}"));
            assert!(m.body().kt().is_some() && m.body().toad().is_some());
            ints += 1;
            continue;
        }
        assert!(Message::parse(&raw).is_err(), "{}: {}", row["name"], row["why"]);
    }
    assert_eq!(ints, 1);
}

#[test]
fn next_key_commitments_match_keripy() {
    let d = load("digests.json");
    let mut n = 0;
    for row in d["vectors"].as_array().unwrap() {
        let code = MatterCode::from_code(row["code"].as_str().unwrap()).unwrap();
        let key = row["key"].as_str().unwrap();
        match row["digest"].as_str() {
            Some(expected) => {
                assert_eq!(dkms_crypto::digest(code, key.as_bytes()).unwrap().qb64(), expected);
                n += 1;
            }
            // keripy's Diger supports only the 256-bit codes for next-key digests.
            None => assert!(!matches!(code, MatterCode::Blake3_256 | MatterCode::Sha2_256)),
        }
    }
    assert!(n >= 30, "checked {n}");
}

#[test]
fn thresholds_match_keripy() {
    let t = load("thresholds.json");
    let mut checked = 0;
    for row in t["vectors"].as_array().unwrap() {
        let sith = &row["sith"];
        if sith.as_f64().is_some_and(|f| f.fract() != 0.0) {
            assert!(!row["valid"].as_bool().unwrap(), "{sith}");
            continue;
        }
        let ours = match sith {
            J::Number(n) if n.is_u64() => Ok(Threshold::numeric(n.as_u64().unwrap())),
            other => Threshold::parse(&to_value(other), "kt"),
        };
        let valid = row["valid"].as_bool().unwrap();
        let Ok(th) = ours else {
            // Stricter than keripy: loose hex, "1.0" weights (docs/interop.md).
            let canonical_hex = |s: &str| {
                !(s.is_empty() || s.len() > 1 && s.starts_with('0'))
                    && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            };
            let loose = match sith {
                J::String(s) => !canonical_hex(s), // also JSON text of a list, which keripy parses
                J::Array(_) => sith.to_string().contains('.'),
                _ => false,
            };
            assert!(!valid || loose, "{sith}: we reject a threshold keripy accepts");
            continue;
        };
        if !valid {
            // A zero numeric threshold is a valid value that can never be met.
            assert!(th == Threshold::numeric(0), "{sith}: keripy rejects it ({:?})", row["error"]);
            continue;
        }
        assert_eq!(th.size() as u64, row["size"].as_u64().unwrap(), "{sith}");
        assert_eq!(
            serde_json::to_string(&row["sith_out"]).unwrap().replace(' ', ""),
            {
                let v = th.to_value();
                String::from_utf8(ser::encode(&v, Kind::Json).unwrap()).unwrap()
            },
            "{sith}"
        );
        for case in row["satisfy"].as_array().unwrap() {
            let idx: Vec<u32> =
                case["indices"].as_array().unwrap().iter().map(|i| i.as_u64().unwrap() as u32).collect();
            let expected = case["result"].as_bool().unwrap();
            let mut sorted = idx.clone();
            sorted.sort_unstable();
            sorted.dedup();
            let repeated = sorted.len() != idx.len();
            if matches!(th, Threshold::Numeric(_)) && repeated {
                // keripy counts a repeated index again; we count keys (reference §6.1).
                assert_eq!(th.satisfied_by(idx.iter().copied()), th.satisfied_by(sorted.iter().copied()));
                continue;
            }
            assert_eq!(th.satisfied_by(idx.iter().copied()), expected, "{sith} with {idx:?}");
            checked += 1;
        }
    }
    assert!(checked >= 40, "checked {checked}");
}
