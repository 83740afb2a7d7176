//! keripy 1.1.17 accepts what `keri kel export` writes, with the same key state.
//! Runs only when `DKMS_KERIPY_PYTHON` names a python with keripy 1.1.17 installed.

use crate::harness::Home;

fn python() -> Option<String> {
    match std::env::var("DKMS_KERIPY_PYTHON") {
        Ok(p) if !p.is_empty() => Some(p),
        _ => {
            eprintln!("skipped: set DKMS_KERIPY_PYTHON to a python with keripy 1.1.17 to run the keripy interop check");
            None
        }
    }
}

const COMPARED: [&str; 11] =
    ["prefix", "sn", "digest", "keys", "next", "kt", "nt", "toad", "witnesses", "delegator", "last_est"];

fn check(h: &Home, alias: &str, py: &str) {
    let kel = h.path(&format!("{alias}.cesr"));
    h.ok(&["kel", "export", alias, "--out", kel.to_str().unwrap()]);
    let ours = h.json(&["kel", "verify", kel.to_str().unwrap()]);
    assert_eq!(ours["valid"], true);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../interop/keripy/verify_kel.py");
    let out = std::process::Command::new(py).arg(script).arg(&kel).output().unwrap();
    assert!(out.status.success(), "keripy did not accept {alias}: {}", String::from_utf8_lossy(&out.stderr));
    let theirs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The keripy version the caller set up (`cargo xtask interop` runs this under 1.1.17 and 1.3.6).
    let version = std::env::var("DKMS_KERIPY_VERSION").unwrap_or_else(|_| "1.1.17".to_owned());
    assert_eq!(theirs["keripy"], version.as_str());
    assert_eq!(theirs["events"], ours["accepted"], "{alias}: keripy logged a different number of events");
    let (a, b) = (&ours["identifiers"][0], &theirs["identifiers"][0]);
    for k in COMPARED {
        assert_eq!(a[k], b[k], "{alias}: {k} differs");
    }
}

#[test]
fn keripy_accepts_exported_kels_with_the_same_key_state() {
    let Some(py) = python() else { return };
    let h = Home::init("keripy");
    // Ed25519, three keys, weighted; rotations with changing thresholds and key counts; anchors.
    h.ok(&["incept", "ed", "--keys", "3", "--kt", "1/2,1/2,1/2"]);
    h.ok(&["interact", "ed", "--seal", "d=EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C"]);
    h.ok(&["rotate", "ed"]);
    h.ok(&["rotate", "ed", "--kt", "2", "--next-keys", "2", "--nt", "1/2,1/2"]);
    h.ok(&["interact", "ed"]);
    h.ok(&["rotate", "ed", "--kt", "1/2,1/2"]);
    check(&h, "ed", &py);
    // secp256k1, multi-clause weighted thresholds.
    h.ok(&["incept", "k1", "--algorithm", "secp256k1", "--keys", "4", "--kt", "1/2,1/2;1,1"]);
    h.ok(&["rotate", "k1"]);
    h.ok(&["interact", "k1"]);
    h.ok(&["rotate", "k1", "--kt", "3"]);
    check(&h, "k1", &py);
    // secp256r1, salted keys, numeric threshold, config trait.
    h.ok(&[
        "incept",
        "r1",
        "--algorithm",
        "secp256r1",
        "--keys",
        "2",
        "--kt",
        "2",
        "--salt",
        "0AAwMTIzNDU2Nzg5YWJjZGVm",
        "--tier",
        "temp",
        "--config",
        "DND",
    ]);
    h.ok(&["rotate", "r1"]);
    h.ok(&["interact", "r1"]);
    h.ok(&["rotate", "r1"]);
    check(&h, "r1", &py);
}
