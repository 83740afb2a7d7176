//! Error paths: a one-line cause on stderr and a non-zero exit.

use crate::harness::{Home, failure, write};

#[test]
fn wrong_passcode() {
    let h = Home::init("wrongpass");
    h.ok(&["incept", "a"]);
    let out = h.cmd(&["list"]).env("DKMS_PASSCODE", "not the passcode").output().unwrap();
    let line = failure(&out, &["list"]);
    assert!(line.contains("wrong passcode"), "{line}");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn missing_passcode_without_a_terminal() {
    let h = Home::init("nopass");
    let out = h.cmd(&["list"]).env_remove("DKMS_PASSCODE").output().unwrap();
    assert!(failure(&out, &["list"]).contains("DKMS_PASSCODE"));
}

#[test]
fn not_initialised() {
    let h = Home::new("noinit");
    assert!(h.fails(&["incept", "a"]).contains("keri init"));
}

#[test]
fn unknown_alias() {
    let h = Home::init("unknown");
    for args in [
        vec!["rotate", "nobody"],
        vec!["interact", "nobody"],
        vec!["status", "nobody"],
        vec!["kel", "export", "nobody"],
        vec!["kel", "show", "nobody"],
    ] {
        let line = h.fails(&args);
        assert!(line.contains("unknown alias \"nobody\""), "{args:?}: {line}");
    }
    let f = h.path("f");
    write(&f, b"x");
    assert!(h.fails(&["sign", "nobody", f.to_str().unwrap()]).contains("unknown alias"));
    // An unknown prefix is named as an identifier.
    let line = h.fails(&["status", "EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C"]);
    assert!(line.contains("unknown identifier"), "{line}");
}

#[test]
fn alias_taken_and_bad_options() {
    let h = Home::init("badopts");
    h.ok(&["incept", "a"]);
    assert!(h.fails(&["incept", "a"]).contains("already exists"));
    assert!(h.fails(&["incept", "b", "--keys", "2", "--kt", "3"]).contains("threshold"));
    assert!(h.fails(&["incept", "c", "--kt", "1/2,1/3"]).contains("threshold"));
    assert!(h.fails(&["incept", "d", "--witness", "not-a-prefix"]).contains("prefix"));
    assert!(h.fails(&["interact", "a", "--seal", "x=1"]).contains("seal"));
    // Establishment-only identifiers refuse interactions, with the validator's reason.
    h.ok(&["incept", "eo", "--config", "EO"]);
    assert!(h.fails(&["interact", "eo"]).contains("not accepted"));
    // clap's own errors are non-zero too
    assert!(!h.run(&["incept"]).status.success());
    assert!(!h.run(&["frobnicate"]).status.success());
}

#[test]
fn corrupt_stream_kel_verify() {
    let h = Home::init("corrupt");
    h.ok(&["incept", "a", "--keys", "2", "--kt", "2"]);
    h.ok(&["rotate", "a"]);
    let kel = h.path("a.cesr");
    h.ok(&["kel", "export", "a", "--out", kel.to_str().unwrap()]);
    let mut bytes = std::fs::read(&kel).unwrap();
    // Flip one character of the first signature (after "-AAC").
    let at = bytes.windows(4).position(|w| w == b"-AAC").unwrap() + 10;
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    let bad = h.path("bad.cesr");
    write(&bad, &bytes);
    let out = h.run(&["kel", "verify", bad.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], false);
    // Truncated and garbage streams.
    let cut = h.path("cut.cesr");
    write(&cut, &std::fs::read(&kel).unwrap()[..300]);
    let v: serde_json::Value =
        serde_json::from_slice(&h.run(&["kel", "verify", cut.to_str().unwrap(), "--json"]).stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert!(!v["errors"].as_array().unwrap().is_empty());
    let junk = h.path("junk");
    write(&junk, b"\x00\x01garbage");
    let out = h.run(&["kel", "verify", junk.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("INVALID"));
    let empty = h.path("empty");
    write(&empty, b"");
    let v: serde_json::Value =
        serde_json::from_slice(&h.run(&["kel", "verify", empty.to_str().unwrap(), "--json"]).stdout).unwrap();
    assert_eq!((v["valid"].as_bool(), v["errors"][0]["kind"].as_str()), (Some(false), Some("empty")));
    assert!(h.fails(&["kel", "verify", h.path("missing").to_str().unwrap()]).contains("reading"));
}

#[test]
fn corrupt_stream_kel_import() {
    let h = Home::init("corruptimport");
    h.ok(&["incept", "a"]);
    let kel = h.path("a.cesr");
    h.ok(&["kel", "export", "a", "--out", kel.to_str().unwrap()]);
    let b = Home::new("corruptimport-b");
    let mut bytes = std::fs::read(&kel).unwrap();
    let at = bytes.windows(4).position(|w| w == b"\"kt\"").unwrap() + 6;
    bytes[at] = b'2'; // kt 1 -> 2: the SAID no longer matches
    let bad = h.path("bad.cesr");
    write(&bad, &bytes);
    let line = b.fails(&["kel", "import", bad.to_str().unwrap()]);
    assert!(line.contains("rejected"), "{line}");
    let out = b.run(&["kel", "import", bad.to_str().unwrap(), "--json"]);
    assert!(!out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rejected"], 1);
    assert_eq!(v["errors"][0]["offset"], 0);
    let junk = h.path("junk");
    write(&junk, b"{\"v\":\"KERI10JSON000020_\"}");
    assert!(b.fails(&["kel", "import", junk.to_str().unwrap()]).contains("rejected"));
    // cesr annotate on garbage names the offset
    assert!(b.fails(&["cesr", "annotate", junk.to_str().unwrap()]).contains("at byte"));
}

#[test]
fn store_in_use() {
    let h = Home::init("inuse");
    // Hold the store from this process.
    let store = dkms::store::RedbStore::open(h.home_dir().join("kel.redb")).unwrap();
    for args in [vec!["list"], vec!["incept", "x"], vec!["kel", "import", "-"]] {
        let line = h.fails(&args);
        assert!(line.contains("store in use"), "{args:?}: {line}");
    }
    drop(store);
    h.ok(&["list"]);
}

#[test]
fn tampered_keystore_record() {
    let h = Home::init("tamper");
    h.ok(&["incept", "a"]);
    h.ok(&["incept", "b"]);
    let dir = h.home_dir().join("keystore/records");
    let rec = |alias: &str| dir.join(format!("{}.rec", alias.bytes().map(|b| format!("{b:02x}")).collect::<String>()));
    let (a, b) = (rec("id:a"), rec("id:b"));
    // Swap the two records: each now carries the other's name in its AAD.
    let (ba, bb) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    write(&a, &bb);
    write(&b, &ba);
    assert!(h.fails(&["list"]).contains("tampered"));
    // Restore, then flip one byte.
    write(&a, &ba);
    write(&b, &bb);
    h.ok(&["list"]);
    let mut x = ba.clone();
    let last = x.len() - 1;
    x[last] ^= 1;
    write(&a, &x);
    assert!(h.fails(&["list"]).contains("tampered"));
}
