//! The documented JSON shapes.

use crate::harness::Home;

fn keys(v: &serde_json::Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[test]
fn kel_verify_json_is_exactly_the_documented_object() {
    let h = Home::init("shape");
    h.ok(&["incept", "w", "--keys", "2", "--kt", "1/2,1/2", "--config", "DND"]);
    h.ok(&["rotate", "w"]);
    let kel = h.path("w.cesr");
    h.ok(&["kel", "export", "w", "--out", kel.to_str().unwrap()]);
    let out = h.run(&["kel", "verify", kel.to_str().unwrap(), "--json"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        keys(&v),
        ["valid", "accepted", "escrowed", "rejected", "errors", "warnings", "pending", "omitted", "identifiers"]
    );
    assert_eq!((v["accepted"].as_u64(), v["escrowed"].as_u64(), v["rejected"].as_u64()), (Some(2), Some(0), Some(0)));
    let id = &v["identifiers"][0];
    assert_eq!(
        keys(id),
        [
            "prefix",
            "sn",
            "digest",
            "keys",
            "next",
            "kt",
            "nt",
            "witnesses",
            "toad",
            "delegator",
            "config",
            "last_est",
            "transferable"
        ]
    );
    assert_eq!(id["kt"], serde_json::json!(["1/2", "1/2"]));
    assert!(id["delegator"].is_null());
    assert_eq!(id["config"], serde_json::json!(["DND"]));
    assert_eq!(keys(&id["last_est"]), ["sn", "digest"]);
    assert_eq!(id["transferable"], true);
    // numeric thresholds are hex strings, as in the event
    h.ok(&["incept", "n", "--keys", "11", "--kt", "10"]);
    let st = h.json(&["status", "n"]);
    assert_eq!(st["kt"], "a");
    // errors: offset, kind, message
    let bad = h.path("bad");
    std::fs::write(&bad, b"garbage").unwrap();
    let v: serde_json::Value =
        serde_json::from_slice(&h.run(&["kel", "verify", bad.to_str().unwrap(), "--json"]).stdout).unwrap();
    let e = &v["errors"][0];
    assert_eq!(keys(e), ["offset", "kind", "message"]);
}

#[test]
fn other_json_shapes() {
    let h = Home::new("shapes");
    let init = h.json(&["init"]);
    assert_eq!(keys(&init), ["home", "keystore", "store", "kdf"]);
    let icp = h.json(&["incept", "a"]);
    assert_eq!(keys(&icp), ["alias", "prefix", "event", "sn", "said", "status", "state"]);
    let f = h.path("f");
    std::fs::write(&f, b"x").unwrap();
    let s = h.json(&["sign", "a", f.to_str().unwrap()]);
    assert_eq!(keys(&s), ["alias", "prefix", "sn", "signatures", "indexed"]);
    let v = h.json(&["verify", "a", f.to_str().unwrap(), "--signatures", s["signatures"].as_str().unwrap()]);
    assert_eq!(keys(&v), ["valid", "prefix", "sn", "indices"]);
    let l = h.json(&["list"]);
    assert_eq!(keys(&l["identifiers"][0]), ["alias", "prefix", "sn", "algorithm", "external", "keys"]);
    let e = h.json(&["kel", "export", "a"]);
    assert_eq!(keys(&e), ["prefix", "events", "bytes", "stream"]);
    let kel = h.path("a.cesr");
    std::fs::write(&kel, e["stream"].as_str().unwrap()).unwrap();
    let b = Home::new("shapes-b");
    let r = b.json(&["kel", "import", kel.to_str().unwrap()]);
    assert_eq!(
        keys(&r),
        ["accepted", "escrowed", "rejected", "duplicates", "ignored", "errors", "warnings", "pending", "omitted"]
    );
    let show = h.json(&["kel", "show", "a"]);
    assert_eq!(keys(&show["kels"][0]), ["prefix", "events"]);
    let ann = h.json(&["cesr", "annotate", kel.to_str().unwrap()]);
    assert_eq!(keys(&ann["lines"][0]), ["offset", "depth", "kind", "code", "name", "meaning", "text"]);
}
