//! The keystore at rest: format, permissions, wrong passcode, tampering.

use dkms::crypto::secrecy::{ExposeSecret as _, SecretString};
use dkms::{Error, KdfParams, Keystore};

fn dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("dkms-keystore-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn pass() -> SecretString {
    SecretString::from("keystore test passcode")
}

fn record_file(d: &std::path::Path, name: &str) -> std::path::PathBuf {
    d.join("records").join(format!("{}.rec", name.bytes().map(|b| format!("{b:02x}")).collect::<String>()))
}

#[test]
fn records_round_trip_and_are_encrypted_at_rest() {
    let d = dir("roundtrip");
    let ks = Keystore::create_with(&d, &pass(), KdfParams::insecure_fast()).unwrap();
    ks.put("seed", b"AAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f").unwrap();
    ks.put("other", b"x").unwrap();
    assert_eq!(ks.names().unwrap(), ["other", "seed"]);
    let raw = std::fs::read(record_file(&d, "seed")).unwrap();
    assert!(raw.starts_with(b"DKMSREC1"));
    assert!(!raw.windows(8).any(|w| w == b"AAABAgME"), "plaintext at rest");
    // Same plaintext, fresh nonce: different ciphertext.
    ks.put("seed", b"AAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f").unwrap();
    assert_ne!(std::fs::read(record_file(&d, "seed")).unwrap(), raw);
    let ks = Keystore::open(&d, &pass()).unwrap();
    assert_eq!(ks.get("seed").unwrap().unwrap().expose_secret(), b"AAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f");
    assert!(ks.get("missing").unwrap().is_none());
    assert!(ks.delete("other").unwrap());
    assert!(!ks.delete("other").unwrap());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&d.join("header.json")), 0o600);
        assert_eq!(mode(&record_file(&d, "seed")), 0o600);
        assert_eq!(mode(&d.join("records")), 0o700);
    }
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn default_parameters_are_strong_and_recorded_in_the_header() {
    let p = KdfParams::default();
    assert_eq!((p.memory_kib, p.passes, p.lanes), (65_536, 3, 1));
    let d = dir("header");
    Keystore::create(&d, &pass()).unwrap();
    let h: serde_json::Value = serde_json::from_slice(&std::fs::read(d.join("header.json")).unwrap()).unwrap();
    assert_eq!(h["kdf"]["algorithm"], "argon2id");
    assert_eq!(h["kdf"]["memory_kib"], 65_536);
    assert_eq!(h["cipher"], "xchacha20poly1305");
    assert_eq!(Keystore::open(&d, &pass()).unwrap().params(), p);
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn wrong_passcode_missing_store_and_edited_header() {
    let d = dir("wrong");
    assert!(matches!(Keystore::open(&d, &pass()), Err(Error::NoKeystore { .. })));
    assert!(matches!(
        Keystore::create_with(&d, &SecretString::from("short"), KdfParams::insecure_fast()),
        Err(Error::Invalid { .. })
    ));
    Keystore::create_with(&d, &pass(), KdfParams::insecure_fast()).unwrap();
    assert!(matches!(Keystore::create(&d, &pass()), Err(Error::KeystoreExists { .. })));
    assert!(matches!(Keystore::open(&d, &SecretString::from("not the passcode")), Err(Error::WrongPasscode { .. })));
    // Weakening the recorded parameters does not open the keystore either.
    let path = d.join("header.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("\"passes\": 1", "\"passes\": 2")).unwrap();
    assert!(matches!(Keystore::open(&d, &pass()), Err(Error::WrongPasscode { .. })));
    std::fs::write(&path, b"{not json").unwrap();
    assert!(matches!(Keystore::open(&d, &pass()), Err(Error::BadHeader { .. })));
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn tampering_is_detected_per_record() {
    let d = dir("tamper");
    let ks = Keystore::create_with(&d, &pass(), KdfParams::insecure_fast()).unwrap();
    ks.put("a", b"secret a").unwrap();
    ks.put("b", b"secret b").unwrap();
    let (fa, fb) = (record_file(&d, "a"), record_file(&d, "b"));
    let (ra, rb) = (std::fs::read(&fa).unwrap(), std::fs::read(&fb).unwrap());
    // A record copied under another name.
    std::fs::write(&fa, &rb).unwrap();
    assert!(matches!(ks.get("a"), Err(Error::Tampered { name, .. }) if name == "a"));
    // One flipped bit anywhere.
    for i in [0, 8, 20, 40, ra.len() - 1] {
        let mut x = ra.clone();
        x[i] ^= 0x10;
        std::fs::write(&fa, &x).unwrap();
        assert!(matches!(ks.get("a"), Err(Error::Tampered { .. })), "byte {i}");
    }
    // Truncation.
    std::fs::write(&fa, &ra[..30]).unwrap();
    assert!(matches!(ks.get("a"), Err(Error::Tampered { .. })));
    std::fs::write(&fa, &ra).unwrap();
    assert_eq!(ks.get("a").unwrap().unwrap().expose_secret(), b"secret a");
    // Debug output never shows the key.
    assert!(!format!("{ks:?}").contains("key:"));
    std::fs::remove_dir_all(&d).ok();
}
