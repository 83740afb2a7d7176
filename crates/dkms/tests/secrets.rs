//! Secrets at rest and in the facade: keystore files are private; a damaged keystore file
//! (every byte flipped, every truncation) is a typed error, never a panic and never a
//! partly loaded keystore; no `Debug` output and no error shows a seed, a salt or the
//! passcode; the types holding them wipe on drop.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use dkms::cesr::SecretMatter;
use dkms::crypto::secrecy::{ExposeSecret as _, SecretSlice, SecretString};
use dkms::crypto::{Algorithm, Tier};
use dkms::store::{MemoryStore, Store};
use dkms::{Controller, Error, InceptOptions, KdfParams, Keystore, RotateOptions};
use zeroize::{Zeroize as _, ZeroizeOnDrop};

const PASS: &str = "zq4-Kestrel+vortex#5512";
/// keripy's test salt `b'0123456789abcdef'`.
const SALT: &str = "0AAwMTIzNDU2Nzg5YWJjZGVm";

/// Compile-time proof that the facade's secret holders wipe on drop.
const _: () = {
    const fn zeroizes<T: ZeroizeOnDrop>() {}
    zeroizes::<Keystore>();
    zeroizes::<Controller>();
    zeroizes::<SecretSlice<u8>>();
    zeroizes::<SecretString>();
};

fn pass() -> SecretString {
    SecretString::from(PASS)
}

fn temp(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("dkms-secrets-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn record_file(keystore: &Path, name: &str) -> PathBuf {
    keystore.join("records").join(format!("{}.rec", hex::encode(name.as_bytes())))
}

/// Every rendering of the secrets that must never be shown: windows of each secret's qb64
/// text (its code left out), of its hex in both cases, of its bytes as `{:?}` prints them,
/// and of the passcode. Kept in sets by length, so a text is checked with one lookup per
/// window instead of one search per needle.
/// (A first pass on the first two bytes of each window skips nearly all lookups: the tests
/// run unoptimised.)
struct Needles {
    by_len: std::collections::BTreeMap<usize, std::collections::HashSet<String>>,
    starts: Vec<bool>,
}

impl Needles {
    fn new() -> Self {
        let mut n = Self { by_len: std::collections::BTreeMap::new(), starts: vec![false; 1 << 16] };
        n.text(PASS, 8);
        n
    }

    fn push(&mut self, needle: String) {
        let b = needle.as_bytes();
        self.starts[usize::from(b[0]) << 8 | usize::from(b[1])] = true;
        self.by_len.entry(needle.len()).or_default().insert(needle);
    }

    fn text(&mut self, text: &str, window: usize) {
        let chars: Vec<char> = text.chars().collect();
        for w in chars.windows(window.min(chars.len())) {
            self.push(w.iter().collect());
        }
    }

    fn bytes(&mut self, raw: &[u8]) {
        let hex = hex::encode(raw);
        self.text(&hex, 12);
        self.text(&hex.to_uppercase(), 12);
        for w in raw.windows(4) {
            let dbg = format!("{w:?}");
            self.push(dbg[1..dbg.len() - 1].to_owned());
        }
        self.push(format!("{raw:?}"));
    }

    /// A secret primitive in qb64: its text after the code, and its raw bytes.
    fn qb64(&mut self, qb64: &str) {
        let m = SecretMatter::from_qb64(qb64).unwrap();
        let code_len = m.code().sizes().hs as usize;
        self.text(&qb64[code_len..], 8);
        self.bytes(m.expose_raw());
    }

    #[track_caller]
    fn assert_absent(&self, what: &str, text: &str) {
        for (start, pair) in text.as_bytes().windows(2).enumerate() {
            if !self.starts[usize::from(pair[0]) << 8 | usize::from(pair[1])] {
                continue;
            }
            for (len, set) in &self.by_len {
                if let Some(w) = text.get(start..start + len) {
                    assert!(!set.contains(w), "{what} shows {w:?}: {text}");
                }
            }
        }
    }
}

/// The seeds and salts of every identifier record in a home's keystore, read through the library.
fn secrets_of(home: &Path) -> (Needles, usize) {
    let ks = Keystore::open(home.join("keystore"), &pass()).unwrap();
    let mut needles = Needles::new();
    let mut count = 0;
    for name in ks.names().unwrap() {
        let rec = ks.get(&name).unwrap().unwrap();
        let v: serde_json::Value = serde_json::from_slice(rec.expose_secret()).unwrap();
        for field in ["current", "next", "pending_next"] {
            for seed in v[field].as_array().into_iter().flatten() {
                needles.qb64(seed.as_str().unwrap());
                count += 1;
            }
        }
        if let Some(salt) = v["salt"].as_str() {
            needles.qb64(salt);
            count += 1;
        }
    }
    (needles, count)
}

/// A home with a salted Ed25519 identifier (rotated once) and random secp256k1 and
/// secp256r1 ones.
fn home_with_identifiers(tag: &str) -> PathBuf {
    let home = temp(tag);
    let mut c = Controller::create(&home, &pass(), KdfParams::insecure_fast()).unwrap();
    let salted = InceptOptions {
        key_count: 2,
        salt: Some(SecretString::from(SALT)),
        tier: Tier::Temp,
        ..InceptOptions::default()
    };
    c.incept("alice", salted).unwrap();
    c.rotate("alice", RotateOptions::default()).unwrap();
    c.incept("bob", InceptOptions { algorithm: Algorithm::Secp256k1, ..InceptOptions::default() }).unwrap();
    c.incept("carol", InceptOptions { algorithm: Algorithm::Secp256r1, ..InceptOptions::default() }).unwrap();
    home
}

#[test]
#[cfg(unix)]
fn keystore_files_are_0600_in_0700_directories() {
    use std::os::unix::fs::PermissionsExt as _;
    let home = home_with_identifiers("modes");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&home), 0o700);
    let mut files = 0;
    let mut stack = vec![home.join("keystore")];
    while let Some(dir) = stack.pop() {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert!(!name.contains(".tmp-"), "temporary file left behind: {}", path.display());
            if path.is_dir() {
                stack.push(path);
            } else {
                assert_eq!(mode(&path), 0o600, "{}", path.display());
                files += 1;
            }
        }
    }
    // The header and one record per identifier.
    assert_eq!(files, 4);
    std::fs::remove_dir_all(&home).ok();
}

/// Flips each byte of `path` (XOR `0x01`, then `0xFF`), then truncates it to every shorter
/// length, calling `check` on each damaged version; restores the file at the end.
fn damage_every_way(path: &Path, mut check: impl FnMut(&str)) {
    let good = std::fs::read(path).unwrap();
    for i in 0..good.len() {
        for mask in [0x01u8, 0xFF] {
            let mut bad = good.clone();
            bad[i] ^= mask;
            std::fs::write(path, &bad).unwrap();
            check(&format!("byte {i} ^ {mask:#04x}"));
        }
    }
    for len in 0..good.len() {
        std::fs::write(path, &good[..len]).unwrap();
        check(&format!("truncated to {len} of {}", good.len()));
    }
    std::fs::write(path, &good).unwrap();
}

#[test]
fn every_damaged_record_is_refused_with_a_typed_error() {
    // A small record: magic, nonce, a seed in qb64, tag (92 bytes).
    let dir = temp("record");
    let ks = Keystore::create_with(&dir, &pass(), KdfParams::insecure_fast()).unwrap();
    let seed = SecretMatter::new(dkms::cesr::MatterCode::Ed25519Seed, &[0x5Cu8; 32]).unwrap().qb64();
    ks.put("seed", seed.as_bytes()).unwrap();
    let mut needles = Needles::new();
    needles.qb64(&seed);
    let path = record_file(&dir, "seed");
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 8 + 24 + 44 + 16);
    let mut refused = 0;
    damage_every_way(&path, |how| match ks.get("seed") {
        Err(e @ Error::Tampered { .. }) => {
            assert_eq!(e.kind(), "tampered");
            needles.assert_absent(how, &format!("{e} {e:?}"));
            refused += 1;
        }
        Ok(v) => panic!("{how}: opened, {} bytes", v.map_or(0, |s| s.expose_secret().len())),
        Err(e) => panic!("{how}: {e:?}"),
    });
    assert_eq!(refused, 92 * 3);
    assert_eq!(ks.get("seed").unwrap().unwrap().expose_secret(), seed.as_bytes());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_damaged_identifier_record_keeps_the_whole_controller_closed() {
    let home = home_with_identifiers("controller-record");
    let (needles, _) = secrets_of(&home);
    let keystore = home.join("keystore");
    let path = record_file(&keystore, "id:bob");
    let refused = |e: Result<Controller, Error>, how: &str| match e {
        Err(Error::Tampered { ref name, .. }) if name == "id:bob" => {}
        Err(e) => {
            // Typed, and quoting nothing secret; but it must be the tampering that is reported.
            needles.assert_absent(how, &format!("{e} {e:?}"));
            panic!("{how}: {e:?}");
        }
        Ok(_) => panic!("{how}: the controller opened with a damaged record"),
    };
    // Every damage, through the path that loads the records (over an in-memory store, to be quick).
    damage_every_way(&path, |how| {
        let ks = Keystore::open(&keystore, &pass()).unwrap();
        let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
        refused(Controller::with_store(store, Some(ks)), how);
    });
    // And a few through `Controller::open` over the home's own store.
    let good = std::fs::read(&path).unwrap();
    for (i, len) in [(0, good.len()), (40, good.len()), (good.len() - 1, good.len()), (0, good.len() - 1)] {
        let mut bad = good[..len].to_vec();
        bad[i] ^= 0x20;
        std::fs::write(&path, &bad).unwrap();
        refused(Controller::open(&home, &pass()), &format!("byte {i} of {len}"));
    }
    std::fs::write(&path, &good).unwrap();
    let c = Controller::open(&home, &pass()).unwrap();
    assert_eq!(c.identifiers().unwrap().len(), 3);
    drop(c);
    std::fs::remove_dir_all(&home).ok();
}

#[test]
fn every_damaged_header_is_refused_with_a_typed_error() {
    let home = home_with_identifiers("header");
    let (needles, _) = secrets_of(&home);
    let keystore = home.join("keystore");
    let mut kinds = std::collections::BTreeMap::<&str, usize>::new();
    let mut messages = std::collections::BTreeMap::<String, String>::new();
    damage_every_way(&keystore.join("header.json"), |how| match Keystore::open(&keystore, &pass()) {
        Err(e @ (Error::BadHeader { .. } | Error::WrongPasscode { .. })) => {
            messages.entry(format!("{e} {e:?}")).or_insert_with(|| how.to_owned());
            *kinds.entry(e.kind()).or_default() += 1;
        }
        Err(e) => panic!("{how}: {e:?}"),
        Ok(_) => panic!("{how}: a damaged header opened"),
    });
    for (message, how) in &messages {
        needles.assert_absent(how, message);
    }
    // Both ways of failing occur: unreadable headers, and edits the verifier catches.
    assert!(kinds.get("bad_header").is_some_and(|n| *n > 0) && kinds.get("wrong_passcode").is_some_and(|n| *n > 0));
    assert!(Keystore::open(&keystore, &pass()).is_ok());
    std::fs::remove_dir_all(&home).ok();
}

#[test]
fn debug_output_and_errors_never_show_a_seed_salt_or_passcode() {
    let home = home_with_identifiers("debug");
    let (needles, count) = secrets_of(&home);
    // alice: 2 current + 2 next + salt; bob and carol: 1 + 1 each.
    assert_eq!(count, 9);

    let mut c = Controller::open(&home, &pass()).unwrap();
    let salted = InceptOptions { salt: Some(SecretString::from(SALT)), tier: Tier::Temp, ..InceptOptions::default() };
    let mut shown = vec![
        format!("{c:?} {c:#?}"),
        format!("{salted:?} {salted:#?}"),
        format!("{:?}", c.identifiers().unwrap()),
        format!("{:?}", c.state("alice").unwrap()),
        format!("{:?}", Keystore::open(home.join("keystore"), &pass()).unwrap()),
    ];
    let summary = c.interact("alice", vec![]).unwrap();
    shown.push(format!("{summary:?}"));
    shown.push(format!("{:?}", c.sign("alice", b"data").unwrap()));
    shown.push(String::from_utf8(c.export("alice").unwrap()).unwrap());

    // Errors: a taken alias with a salt, bad salts of every kind, a wrong passcode, tampering.
    let mut errors = vec![c.incept("alice", salted.clone()).unwrap_err()];
    let salt_raw = SecretMatter::from_qb64(SALT).unwrap().expose_raw().to_vec();
    let seed_of_alice = {
        let ks = Keystore::open(home.join("keystore"), &pass()).unwrap();
        let rec = ks.get("id:alice").unwrap().unwrap();
        let v: serde_json::Value = serde_json::from_slice(rec.expose_secret()).unwrap();
        v["current"][0].as_str().unwrap().to_owned()
    };
    let bad_salts = [
        SALT[..20].to_owned(),
        format!("{SALT}AAAA"),
        hex::encode(&salt_raw),
        format!("A{}", &SALT[2..]),
        seed_of_alice.clone(),
        SALT.replace('M', "="),
    ];
    for (i, bad) in bad_salts.iter().enumerate() {
        let opts = InceptOptions { salt: Some(SecretString::from(bad.as_str())), ..salted.clone() };
        let e = c.incept(&format!("bad{i}"), opts).unwrap_err();
        let msg = format!("{e} {e:?}");
        assert!(!msg.contains(&bad[..4.min(bad.len())]) || bad.starts_with("0A"), "{bad}: {msg}");
        errors.push(e);
    }
    // Nothing was stored for the refused identifiers.
    assert_eq!(c.identifiers().unwrap().len(), 3);
    drop(c);
    errors.push(Controller::open(&home, &SecretString::from("not the passcode")).unwrap_err());
    errors.push(Keystore::open(home.join("keystore"), &SecretString::from("not the passcode")).unwrap_err());
    let path = record_file(&home.join("keystore"), "id:alice");
    let good = std::fs::read(&path).unwrap();
    std::fs::write(&path, &good[..good.len() - 1]).unwrap();
    errors.push(Controller::open(&home, &pass()).unwrap_err());
    std::fs::write(&path, &good).unwrap();
    for e in &errors {
        shown.push(format!("{e} {e:?} {}", e.kind()));
    }
    for text in &shown {
        needles.assert_absent("facade output", text);
    }
    std::fs::remove_dir_all(&home).ok();
}

#[test]
fn secrets_read_from_the_keystore_wipe_themselves() {
    let dir = temp("wipe");
    let ks = Keystore::create_with(&dir, &pass(), KdfParams::insecure_fast()).unwrap();
    ks.put("s", &[0xA5u8; 40]).unwrap();
    let mut secret = ks.get("s").unwrap().unwrap();
    assert_eq!(secret.expose_secret(), &[0xA5u8; 40][..]);
    secret.zeroize();
    assert!(secret.expose_secret().iter().all(|b| *b == 0));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_leak_check_catches_every_rendering() {
    let raw = [0x4Eu8; 32];
    let seed = SecretMatter::new(dkms::cesr::MatterCode::Ed25519Seed, &raw).unwrap().qb64();
    let mut n = Needles::new();
    n.qb64(&seed);
    for shown in [
        seed.to_string(),
        seed[9..19].to_owned(),
        hex::encode(raw),
        hex::encode_upper(&raw[4..12]),
        format!("{raw:?}"),
        format!("{:?}", &raw[..5]),
        PASS.to_owned(),
    ] {
        let probe = format!("before {shown} after");
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| n.assert_absent("probe", &probe)));
        assert!(caught.is_err(), "not caught: {shown}");
    }
    n.assert_absent("clean", "wrong passcode for the keystore in /tmp/x: keys [0, 1]");
}
