//! Our code tables equal keripy 1.1.17's, row for row (tables.json is keripy's own dump).

use dkms_cesr::codes::{indexer, matter};
use dkms_cesr::{CounterTable, IndexKind, IndexerCode, MatterCode};

use crate::{arr, s, vectors};

#[test]
fn matter_table_equals_keripy() {
    let t = vectors("tables.json");
    let rows = arr(&t["matter"]);
    assert_eq!(rows.len(), MatterCode::ALL.len(), "same number of codes");
    for row in rows {
        let code = s(&row["code"]);
        let ours = MatterCode::from_code(code).unwrap_or_else(|| panic!("missing matter code {code}"));
        let sz = ours.sizes();
        assert_eq!(u64::from(sz.hs), row["hs"].as_u64().unwrap(), "{code} hs");
        assert_eq!(u64::from(sz.ss), row["ss"].as_u64().unwrap(), "{code} ss");
        assert_eq!(u64::from(sz.ls), row["ls"].as_u64().unwrap(), "{code} ls");
        assert_eq!(sz.fs.map(u64::from), row["fs"].as_u64(), "{code} fs");
        if let Some(name) = row["name"].as_str() {
            // keripy 1.1 gives the 4D family two names joined by "/"; ours is the first.
            assert_eq!(name.split('/').next().unwrap(), ours.name(), "{code} name");
        }
    }
    for (first, hs) in t["matter_hards"].as_object().unwrap() {
        let c = first.as_bytes()[0];
        assert_eq!(u64::from(matter::hard_size(c)), hs.as_u64().unwrap(), "hard size of {first}");
    }
    // Characters keripy has no hard size for have none in ours either.
    for c in 0u8..=255 {
        let theirs = t["matter_hards"].get(String::from_utf8(vec![c]).unwrap_or_default()).is_some();
        assert_eq!(matter::hard_size(c) != 0, theirs, "hard size presence of byte {c}");
    }
}

#[test]
fn matter_code_sets_equal_keripy() {
    let t = vectors("tables.json");
    let set = |name: &str| -> Vec<MatterCode> {
        arr(&t["sets"][name]).iter().map(|c| MatterCode::from_code(s(c)).unwrap()).collect()
    };
    for code in MatterCode::ALL.iter().copied() {
        assert_eq!(code.is_non_transferable(), set("NonTransDex").contains(&code), "{code} NonTransDex");
        assert_eq!(code.is_digest(), set("DigDex").contains(&code), "{code} DigDex");
        assert_eq!(code.is_prefix(), set("PreDex").contains(&code), "{code} PreDex");
    }
}

#[test]
fn indexer_table_equals_keripy() {
    let t = vectors("tables.json");
    let rows = arr(&t["indexer"]);
    assert_eq!(rows.len(), IndexerCode::ALL.len());
    for row in rows {
        let code = s(&row["code"]);
        let ours = IndexerCode::from_code(code).unwrap_or_else(|| panic!("missing indexer code {code}"));
        let sz = ours.sizes();
        assert_eq!(u64::from(sz.hs), row["hs"].as_u64().unwrap(), "{code} hs");
        assert_eq!(u64::from(sz.ss), row["ss"].as_u64().unwrap(), "{code} ss");
        assert_eq!(u64::from(sz.os), row["os"].as_u64().unwrap(), "{code} os");
        assert_eq!(u64::from(sz.ls), row["ls"].as_u64().unwrap(), "{code} ls");
        assert_eq!(sz.fs.map(u64::from), row["fs"].as_u64(), "{code} fs");
        assert_eq!(s(&row["name"]), ours.name(), "{code} name");
    }
    for (first, hs) in t["indexer_hards"].as_object().unwrap() {
        assert_eq!(u64::from(indexer::hard_size(first.as_bytes()[0])), hs.as_u64().unwrap(), "{first}");
    }
    let both: Vec<&str> = arr(&t["sets"]["IdrDex both codes"]).iter().map(s).collect();
    let current: Vec<&str> = arr(&t["sets"]["current-only codes"]).iter().map(s).collect();
    for code in IndexerCode::ALL.iter().copied() {
        match code.kind() {
            IndexKind::Both => assert!(both.contains(&code.code()), "{code} both"),
            IndexKind::CurrentOnly => assert!(current.contains(&code.code()), "{code} current-only"),
            _ => assert!(!both.contains(&code.code()) && !current.contains(&code.code()), "{code} test-only"),
        }
    }
}

#[test]
fn counter_table_equals_keripy() {
    let t = vectors("tables.json");
    let rows = arr(&t["counter"]);
    assert_eq!(rows.len(), CounterTable::V1.entries().len());
    for row in rows {
        let code = s(&row["code"]);
        let e = CounterTable::V1.lookup(code.as_bytes()).unwrap_or_else(|| panic!("missing counter {code}"));
        assert_eq!(e.code, code);
        assert_eq!(u64::from(e.hs), row["hs"].as_u64().unwrap(), "{code} hs");
        assert_eq!(u64::from(e.ss), row["ss"].as_u64().unwrap(), "{code} ss");
        assert_eq!(e.fs() as u64, row["fs"].as_u64().unwrap(), "{code} fs");
        assert_eq!(e.name, s(&row["name"]), "{code} name");
        assert_eq!(CounterTable::V1.entry(e.kind).unwrap().code, code, "{code} by kind");
    }
    for (first, hs) in t["counter_hards"].as_object().unwrap() {
        let b = first.as_bytes();
        assert_eq!(CounterTable::V1.hard_size([b[0], b[1]]).map(|h| h as u64), hs.as_u64(), "{first}");
    }
}
