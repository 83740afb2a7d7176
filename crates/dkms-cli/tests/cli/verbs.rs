//! Every verb, end to end.

use crate::harness::{Home, write};

#[test]
fn init_creates_keystore_and_store_with_private_files() {
    let h = Home::new("init");
    let v = h.json(&["init"]);
    assert_eq!(v["kdf"]["memory_kib"], 8);
    let home = h.home_dir();
    assert!(home.join("keystore/header.json").is_file());
    assert!(home.join("kel.redb").is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(home.join("keystore/header.json")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // A second init refuses.
    assert!(h.fails(&["init"]).contains("already exists"));
}

#[test]
fn incept_rotate_interact_list_status() {
    let h = Home::init("lifecycle");
    let icp = h.json(&["incept", "alice", "--keys", "3", "--kt", "1/2,1/2,1/2"]);
    assert_eq!(icp["event"], "icp");
    assert_eq!(icp["status"], "accepted");
    let prefix = icp["prefix"].as_str().unwrap().to_owned();
    assert_eq!(icp["state"]["kt"], serde_json::json!(["1/2", "1/2", "1/2"]));
    let rot = h.json(&["rotate", "alice"]);
    assert_eq!((rot["event"].as_str(), rot["sn"].as_u64()), (Some("rot"), Some(1)));
    let file = h.path("doc.txt");
    write(&file, b"anchored document");
    let ixn = h.json(&[
        "interact",
        "alice",
        "--digest",
        file.to_str().unwrap(),
        "--seal",
        &format!("i={prefix},s=0,d={prefix}"),
    ]);
    assert_eq!(ixn["sn"], 2);
    let list = h.json(&["list"]);
    assert_eq!(list["identifiers"][0]["alias"], "alice");
    assert_eq!(list["identifiers"][0]["sn"], 2);
    assert_eq!(list["identifiers"][0]["keys"], 3);
    // status by alias (needs the keystore) and by prefix (does not)
    let st = h.json(&["status", "alice"]);
    assert_eq!(st["sn"], 2);
    assert_eq!(st["last_est"]["sn"], 1);
    let by_prefix = h.json(&["status", &prefix]);
    assert_eq!(st, by_prefix);
    assert!(h.ok(&["status", "alice"]).contains("transferable true"));
    assert!(h.ok(&["list"]).contains("alice"));
}

#[test]
fn sign_and_verify_a_file() {
    let h = Home::init("sign");
    h.ok(&["incept", "bob", "--keys", "2", "--kt", "2", "--algorithm", "secp256r1"]);
    let file = h.path("data.bin");
    write(&file, b"some bytes to sign");
    let sig = h.path("data.sig");
    let s = h.json(&["sign", "bob", file.to_str().unwrap(), "--out", sig.to_str().unwrap()]);
    assert!(s["signatures"].as_str().unwrap().starts_with("-AAC"));
    assert_eq!(s["indexed"].as_array().unwrap().len(), 2);
    let v = h.json(&["verify", "bob", file.to_str().unwrap(), "--signatures", sig.to_str().unwrap()]);
    assert_eq!(v["valid"], true);
    assert_eq!(v["indices"], serde_json::json!([0, 1]));
    // The signature text itself works too, and verification by prefix needs no passcode.
    let prefix = s["prefix"].as_str().unwrap();
    let text = s["signatures"].as_str().unwrap();
    let out = h
        .cmd(&["verify", prefix, file.to_str().unwrap(), "--signatures", text])
        .env_remove("DKMS_PASSCODE")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Signing from stdin.
    let out = h.run_stdin(&["sign", "bob", "-"], b"some bytes to sign");
    assert!(out.status.success());
    // Rotation invalidates the old keys' signatures.
    h.ok(&["rotate", "bob"]);
    let bad = h.run(&["verify", "bob", file.to_str().unwrap(), "--signatures", sig.to_str().unwrap(), "--json"]);
    assert_eq!(bad.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&bad.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(String::from_utf8_lossy(&bad.stderr).trim(), "error: signature verification failed");
}

#[test]
fn kel_export_import_verify_show() {
    let a = Home::init("export");
    let icp = a.json(&["incept", "carol", "--algorithm", "secp256k1", "--keys", "2"]);
    let prefix = icp["prefix"].as_str().unwrap().to_owned();
    a.ok(&["rotate", "carol"]);
    a.ok(&["interact", "carol"]);
    let kel = a.path("carol.cesr");
    let e = a.json(&["kel", "export", "carol", "--out", kel.to_str().unwrap()]);
    assert_eq!(e["events"], 3);
    // stdout export equals the file
    let text = a.ok(&["kel", "export", &prefix]);
    assert_eq!(text.trim_end().as_bytes(), std::fs::read(&kel).unwrap().as_slice());
    let v = a.json(&["kel", "verify", kel.to_str().unwrap()]);
    assert_eq!(v["valid"], true);
    assert_eq!(v["accepted"], 3);
    // Import into another home, then verify a signature there without any keystore.
    let b = Home::new("import");
    let r = b.json(&["kel", "import", kel.to_str().unwrap()]);
    assert_eq!((r["accepted"].as_u64(), r["rejected"].as_u64()), (Some(3), Some(0)));
    let st = b.json(&["status", &prefix]);
    assert_eq!(st["sn"], 2);
    let file = a.path("f");
    write(&file, b"x");
    let s = a.json(&["sign", "carol", file.to_str().unwrap()]);
    let ok = b.json(&["verify", &prefix, file.to_str().unwrap(), "--signatures", s["signatures"].as_str().unwrap()]);
    assert_eq!(ok["valid"], true);
    // Importing again: duplicates, nothing rejected.
    let again = b.json(&["kel", "import", kel.to_str().unwrap()]);
    assert_eq!((again["accepted"].as_u64(), again["duplicates"].as_u64()), (Some(0), Some(3)));
    // show from the store and from the file
    let show = a.json(&["kel", "show", "carol"]);
    let events = show["kels"][0]["events"].as_array().unwrap();
    let ilks: Vec<&str> = events.iter().map(|e| e["ilk"].as_str().unwrap()).collect();
    assert_eq!(ilks, ["icp", "rot", "ixn"]);
    assert_eq!(events[0]["signatures"], serde_json::json!([0, 1]));
    let from_file = a.json(&["kel", "show", "--file", kel.to_str().unwrap()]);
    assert_eq!(from_file["kels"][0]["events"], show["kels"][0]["events"]);
    let table = a.ok(&["kel", "show", "carol"]);
    assert!(table.contains("icp") && table.contains("rot") && table.contains("ixn"), "{table}");
    // stdin
    let out = b.run_stdin(&["kel", "verify", "-", "--json"], &std::fs::read(&kel).unwrap());
    assert!(out.status.success());
    // binary export round trip through annotate --to-text
    let bin = a.path("carol.bin.cesr");
    a.ok(&["kel", "export", "carol", "--binary", "--out", bin.to_str().unwrap()]);
    assert_ne!(std::fs::read(&bin).unwrap(), std::fs::read(&kel).unwrap());
    let back = a.ok(&["cesr", "annotate", bin.to_str().unwrap(), "--to-text"]);
    assert_eq!(back.as_bytes(), std::fs::read(&kel).unwrap().as_slice());
    assert_eq!(a.json(&["kel", "verify", bin.to_str().unwrap()])["valid"], true);
}

#[test]
fn cesr_annotate_both_domains() {
    let h = Home::init("annotate");
    h.ok(&["incept", "dave", "--keys", "2"]);
    let kel = h.path("dave.cesr");
    h.ok(&["kel", "export", "dave", "--out", kel.to_str().unwrap()]);
    let text = h.ok(&["cesr", "annotate", kel.to_str().unwrap()]);
    assert!(text.contains("icp"), "{text}");
    assert!(text.contains("-AAC"), "{text}");
    assert!(text.contains("ControllerIdxSigs"), "{text}");
    assert!(text.contains("Ed25519_Sig"), "{text}");
    let v = h.json(&["cesr", "annotate", kel.to_str().unwrap()]);
    let lines = v["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 4); // body, counter, two signatures
    assert_eq!(lines[0]["kind"], "body");
    assert_eq!(lines[1]["kind"], "counter");
    assert_eq!((lines[2]["kind"].as_str(), lines[2]["depth"].as_u64()), (Some("indexer"), Some(1)));
    // to binary and annotate the binary stream: same items, same names
    let bin = h.path("dave.bin");
    h.ok(&["cesr", "annotate", kel.to_str().unwrap(), "--to-binary", "--out", bin.to_str().unwrap()]);
    let vb = h.json(&["cesr", "annotate", bin.to_str().unwrap()]);
    let names = |v: &serde_json::Value| -> Vec<String> {
        v["lines"].as_array().unwrap().iter().map(|l| format!("{}{}", l["name"], l["text"])).collect()
    };
    assert_eq!(names(&v), names(&vb));
}

#[test]
fn delegated_inception_approved_by_a_local_delegator() {
    let h = Home::init("delegate");
    let parent = h.json(&["incept", "parent"]);
    let p = parent["prefix"].as_str().unwrap();
    let child = h.json(&["incept", "child", "--delegator", p]);
    assert_eq!(child["event"], "dip");
    assert_eq!(child["status"], "accepted");
    assert_eq!(child["state"]["delegator"], p);
    assert_eq!(h.json(&["status", "parent"])["sn"], 1); // the approving ixn
    let r = h.json(&["rotate", "child"]);
    assert_eq!((r["event"].as_str(), r["status"].as_str()), (Some("drt"), Some("accepted")));
    // Both KELs in one stream verify on their own.
    let mut stream = h.ok(&["kel", "export", "parent"]).trim_end().to_owned();
    stream.push_str(h.ok(&["kel", "export", "child"]).trim_end());
    let f = h.path("both.cesr");
    write(&f, stream.as_bytes());
    let v = h.json(&["kel", "verify", f.to_str().unwrap()]);
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(v["identifiers"].as_array().unwrap().len(), 2);
}

#[test]
fn salted_keys_are_keripy_salty_keys() {
    let h = Home::init("salt");
    // keripy: Salter(raw=b'0123456789abcdef').signer(path="000", temp=True) (pidx 0, ridx 0, kidx 0)
    let v = h.json(&["incept", "s", "--salt", "0AAwMTIzNDU2Nzg5YWJjZGVm", "--tier", "temp"]);
    assert_eq!(v["state"]["keys"][0], "DFRtyHAjSuJaRX6TDPva35GN11VHAruaOXMc79ZYDKsT");
}

#[test]
fn demo_runs_end_to_end() {
    let h = Home::new("demo");
    let v = h.json(&["demo"]);
    assert_eq!(v["ok"], true);
    let steps: Vec<&str> = v["steps"].as_array().unwrap().iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(steps, ["init", "incept", "rotate", "interact", "sign", "verify", "export", "kel verify"]);
}

#[test]
fn help_on_every_verb() {
    let h = Home::new("help");
    for args in [
        vec!["--help"],
        vec!["init", "--help"],
        vec!["incept", "--help"],
        vec!["rotate", "--help"],
        vec!["interact", "--help"],
        vec!["sign", "--help"],
        vec!["verify", "--help"],
        vec!["list", "--help"],
        vec!["status", "--help"],
        vec!["kel", "--help"],
        vec!["kel", "export", "--help"],
        vec!["kel", "import", "--help"],
        vec!["kel", "verify", "--help"],
        vec!["kel", "show", "--help"],
        vec!["cesr", "annotate", "--help"],
        vec!["demo", "--help"],
    ] {
        let out = h.ok(&args);
        assert!(out.contains("Usage"), "{args:?}: {out}");
    }
}

#[test]
fn cesr_annotate_reads_every_keripy_vector_stream() {
    let h = Home::new("annotate-vectors");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../dkms-cesr/tests/vectors/keripy-1.1.17/streams");
    let mut nested = false;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("cesr") {
            continue;
        }
        let v = h.json(&["cesr", "annotate", path.to_str().unwrap()]);
        let lines = v["lines"].as_array().unwrap();
        assert!(!lines.is_empty(), "{}", path.display());
        nested |= lines.iter().any(|l| l["depth"].as_u64() >= Some(2));
        // Converting to text and back to binary keeps the annotation.
        let text = h.path("t.cesr");
        h.ok(&["cesr", "annotate", path.to_str().unwrap(), "--to-text", "--out", text.to_str().unwrap()]);
        let vt = h.json(&["cesr", "annotate", text.to_str().unwrap()]);
        assert_eq!(vt["lines"].as_array().unwrap().len(), lines.len(), "{}", path.display());
    }
    assert!(nested, "a pipelined group shows nested lines");
}
