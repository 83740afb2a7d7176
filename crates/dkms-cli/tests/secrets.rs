//! No `keri` verb shows a seed, a salt or the passcode: every verb, in text and JSON, on
//! success and on its error paths, with its stdout and stderr searched for every secret the
//! keystore held at any point (read out of the keystore through the library), in qb64, hex,
//! `{:?}` and raw form. The keystore files the verbs leave are `0600`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

#[allow(dead_code, reason = "the shared harness has helpers this file does not use")]
#[path = "cli/harness.rs"]
mod harness;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::process::Output;

use dkms::Keystore;
use dkms::cesr::SecretMatter;
use dkms::crypto::secrecy::{ExposeSecret as _, SecretString};
use harness::{Home, PASS, write};

/// keripy's test salt `b'0123456789abcdef'`.
const SALT: &str = "0AAwMTIzNDU2Nzg5YWJjZGVm";
/// `keri demo`'s own passcode.
const DEMO_PASS: &str = "demo passcode (not a secret)";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every rendering of the secrets that must never be shown, kept in sets by length (with a
/// first pass on the first two bytes of each window: the tests run unoptimised), and the raw
/// secrets' 8-byte windows for binary output.
struct Needles {
    by_len: BTreeMap<usize, HashSet<String>>,
    starts: Vec<bool>,
    raw: HashSet<Vec<u8>>,
    secrets: HashSet<String>,
}

impl Needles {
    fn new(passcode: &str) -> Self {
        let mut n = Self {
            by_len: BTreeMap::new(),
            starts: vec![false; 1 << 16],
            raw: HashSet::new(),
            secrets: HashSet::new(),
        };
        n.push(passcode.to_owned());
        n
    }

    fn push(&mut self, needle: String) {
        let b = needle.as_bytes();
        self.starts[usize::from(b[0]) << 8 | usize::from(b[1])] = true;
        self.by_len.entry(needle.len()).or_default().insert(needle);
    }

    fn windows(&mut self, text: &str, window: usize) {
        let chars: Vec<char> = text.chars().collect();
        for w in chars.windows(window.min(chars.len())) {
            self.push(w.iter().collect());
        }
    }

    /// A secret primitive in qb64 (a seed or a salt): its text after the code, its hex in
    /// both cases, its bytes as `{:?}` prints them, and its raw bytes.
    fn add(&mut self, qb64: &str) {
        if !self.secrets.insert(qb64.to_owned()) {
            return;
        }
        let m = SecretMatter::from_qb64(qb64).unwrap();
        let raw = m.expose_raw();
        self.windows(&qb64[m.code().sizes().hs as usize..], 8);
        let h = hex(raw);
        self.windows(&h, 16);
        self.windows(&h.to_uppercase(), 16);
        for w in raw.windows(4) {
            let dbg = format!("{w:?}");
            self.push(dbg[1..dbg.len() - 1].to_owned());
        }
        self.push(format!("{raw:?}"));
        for w in raw.windows(8) {
            self.raw.insert(w.to_vec());
        }
    }

    /// Adds every seed and salt the keystore of `home` holds now.
    fn read_keystore(&mut self, home: &Path, passcode: &str) -> usize {
        let ks = Keystore::open(home.join("keystore"), &SecretString::from(passcode)).unwrap();
        let mut n = 0;
        for name in ks.names().unwrap() {
            let rec = ks.get(&name).unwrap().unwrap();
            let v: serde_json::Value = serde_json::from_slice(rec.expose_secret()).unwrap();
            for field in ["current", "next", "pending_next"] {
                for seed in v[field].as_array().into_iter().flatten() {
                    self.add(seed.as_str().unwrap());
                    n += 1;
                }
            }
            if let Some(salt) = v["salt"].as_str() {
                self.add(salt);
                n += 1;
            }
        }
        n
    }

    #[track_caller]
    fn assert_absent(&self, what: &str, bytes: &[u8]) {
        for w in bytes.windows(8) {
            assert!(!self.raw.contains(w), "{what} shows raw secret bytes {w:02x?}");
        }
        let text = String::from_utf8_lossy(bytes);
        for (start, pair) in text.as_bytes().windows(2).enumerate() {
            if !self.starts[usize::from(pair[0]) << 8 | usize::from(pair[1])] {
                continue;
            }
            for (len, set) in &self.by_len {
                if let Some(w) = text.get(start..start + len) {
                    assert!(!set.contains(w), "{what} shows {w:?}:\n{text}");
                }
            }
        }
    }
}

/// Everything a run printed, labelled.
#[derive(Default)]
struct Printed(Vec<(String, Vec<u8>)>);

impl Printed {
    fn keep(&mut self, args: &[&str], out: &Output) {
        self.0.push((format!("keri {args:?} stdout"), out.stdout.clone()));
        self.0.push((format!("keri {args:?} stderr"), out.stderr.clone()));
    }

    fn check(&self, needles: &Needles) {
        for (what, bytes) in &self.0 {
            needles.assert_absent(what, bytes);
        }
    }
}

fn record_path(home: &Path, name: &str) -> std::path::PathBuf {
    home.join("keystore/records").join(format!("{}.rec", hex(name.as_bytes())))
}

#[test]
fn the_leak_check_catches_every_rendering() {
    let seed = SecretMatter::new(dkms::cesr::MatterCode::Ed25519Seed, &[0xC3u8; 32]).unwrap().qb64();
    let mut n = Needles::new(PASS);
    n.add(&seed);
    n.add(SALT);
    let raw = [0xC3u8; 32];
    let salt_raw = b"0123456789abcdef";
    for shown in [
        seed.to_string(),
        seed[5..20].to_owned(),
        SALT[2..12].to_owned(),
        hex(&raw),
        hex(&raw).to_uppercase(),
        hex(salt_raw),
        format!("{raw:?}"),
        format!("{:?}", &raw[3..9]),
        format!("{:?}", &salt_raw[..]),
        PASS.to_owned(),
    ] {
        let probe = format!("before {shown} after");
        let caught =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| n.assert_absent("probe", probe.as_bytes())));
        assert!(caught.is_err(), "not caught: {shown}");
    }
    let mut binary = vec![1u8, 2, 3];
    binary.extend_from_slice(&raw[..9]);
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| n.assert_absent("probe", &binary)));
    assert!(caught.is_err(), "raw bytes not caught");
    n.assert_absent("clean", b"icp alice sn 0 EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C keys [0, 1]");
}

#[test]
fn no_verb_prints_a_seed_salt_or_passcode() {
    let h = Home::new("secrets");
    let home = h.home_dir();
    let mut needles = Needles::new(PASS);
    needles.add(SALT);
    let mut printed = Printed::default();
    let mut prefixes = BTreeMap::<String, String>::new();
    let doc = h.path("doc.txt");
    write(&doc, b"a document to anchor and sign");
    let doc = doc.to_str().unwrap().to_owned();
    let sig = h.path("doc.sig").to_str().unwrap().to_owned();
    let kel = h.path("alice.cesr").to_str().unwrap().to_owned();
    let bin = h.path("bob.bin.cesr").to_str().unwrap().to_owned();
    let bin_out = h.path("alice.bin.cesr").to_str().unwrap().to_owned();

    // Every verb that succeeds, in text and JSON. The keystore is read after each one, so
    // seeds that a rotation later drops are searched for too.
    let steps: Vec<Vec<&str>> = vec![
        vec!["init"],
        vec!["incept", "alice", "--salt", SALT, "--tier", "temp", "--keys", "2", "--kt", "2"],
        vec!["incept", "bob", "--algorithm", "secp256k1", "--json"],
        vec!["incept", "carol", "--algorithm", "secp256r1", "--keys", "3", "--kt", "1/2,1/2,1/2"],
        vec!["rotate", "alice"],
        vec!["rotate", "bob", "--json"],
        vec!["rotate", "carol", "--next-keys", "2"],
        vec!["interact", "alice", "--digest", &doc],
        vec!["interact", "bob", "--json"],
        vec!["sign", "alice", &doc],
        vec!["sign", "alice", &doc, "--json"],
        vec!["sign", "carol", &doc, "--out", &sig],
        vec!["verify", "carol", &doc, "--signatures", &sig],
        vec!["verify", "carol", &doc, "--signatures", &sig, "--json"],
        vec!["list"],
        vec!["list", "--json"],
        vec!["status", "alice"],
        vec!["status", "bob", "--json"],
        vec!["kel", "export", "alice"],
        vec!["kel", "export", "alice", "--out", &kel, "--json"],
        vec!["kel", "export", "bob", "--binary", "--out", &bin],
        vec!["kel", "import", &kel],
        vec!["kel", "import", &bin, "--json"],
        vec!["kel", "verify", &kel],
        vec!["kel", "verify", &bin, "--json"],
        vec!["kel", "show", "alice"],
        vec!["kel", "show", "carol", "--json"],
        vec!["kel", "show", "--file", &kel],
        vec!["cesr", "annotate", &kel],
        vec!["cesr", "annotate", &bin, "--json"],
        vec!["cesr", "annotate", &kel, "--to-binary", "--out", &bin_out],
        vec!["cesr", "annotate", &bin, "--to-text"],
        vec!["cesr", "annotate", &kel, "--to-binary", "--json"],
        vec!["--version"],
    ];
    for args in &steps {
        let out = h.run(args);
        assert!(out.status.success(), "keri {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        printed.keep(args, &out);
        if args.contains(&"--json") && (args[0] == "incept") {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            prefixes.insert(args[1].to_owned(), v["prefix"].as_str().unwrap().to_owned());
        }
        needles.read_keystore(&home, PASS);
    }
    // Signing from stdin, verifying by prefix without the passcode, and a failed verification.
    let bob = prefixes["bob"].clone();
    let out = h.run_stdin(&["sign", "bob", "-", "--json"], b"from stdin");
    assert!(out.status.success());
    printed.keep(&["sign", "bob", "-"], &out);
    let sigs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sigs = sigs["signatures"].as_str().unwrap().to_owned();
    for args in [
        vec!["verify", bob.as_str(), &doc, "--signatures", &sigs],
        vec!["verify", bob.as_str(), &doc, "--signatures", &sigs, "--json"],
        vec!["status", bob.as_str()],
        vec!["kel", "export", bob.as_str()],
    ] {
        let out = h.cmd(&args).env_remove("DKMS_PASSCODE").output().unwrap();
        printed.keep(&args, &out);
    }

    // A stream carrying a seed where a receipt couple's key goes: annotated, never printed.
    let couple = h.path("seed.cesr");
    let mut stream = b"-CAB".to_vec();
    stream.extend_from_slice(alice_seed_now(&home).as_bytes());
    stream.extend_from_slice(format!("0B{}", "A".repeat(86)).as_bytes());
    write(&couple, &stream);
    let couple = couple.to_str().unwrap().to_owned();
    for args in [vec!["cesr", "annotate", couple.as_str()], vec!["cesr", "annotate", couple.as_str(), "--json"]] {
        let out = h.run(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("(not shown)"));
        printed.keep(&args, &out);
    }

    // Help on every verb.
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
        vec!["cesr", "--help"],
        vec!["cesr", "annotate", "--help"],
        vec!["demo", "--help"],
    ] {
        printed.keep(&args, &h.run(&args));
    }

    // Error paths, each one line on stderr: bad salts of every kind (the salt itself as hex,
    // cut short, too long, with a bad character, a seed in its place), a taken alias given a
    // salt, clap refusing another argument next to a salt, a wrong or missing passcode, a
    // tampered record.
    let alice_seed = alice_seed_now(&home);
    let salt_hex = hex(b"0123456789abcdef");
    let bad_salts =
        [salt_hex.clone(), SALT[..16].to_owned(), format!("{SALT}AAAA"), SALT.replace('M', "="), alice_seed.clone()];
    for (i, bad) in bad_salts.iter().enumerate() {
        let alias = format!("bad{i}");
        for json in [false, true] {
            let mut args = vec!["incept", alias.as_str(), "--salt", bad.as_str(), "--tier", "temp"];
            if json {
                args.push("--json");
            }
            let out = h.run(&args);
            let line = harness::failure(&out, &args);
            assert!(!line.contains(&bad[..4]) || bad.starts_with("0A"), "{line}");
            printed.keep(&["incept", "<bad salt>"], &out);
        }
    }
    let failing: Vec<Vec<&str>> = vec![
        vec!["init"],
        vec!["incept", "alice", "--salt", SALT, "--tier", "temp"],
        vec!["incept", "dave", "--salt", SALT, "--keys", "many"],
        vec!["incept", "dave", "--salt", SALT, "--kt", "5"],
        vec!["incept", "dave", "--salt"],
        vec!["sign", "nobody", &doc],
        vec!["rotate", "nobody", "--json"],
        vec!["kel", "verify", &doc],
    ];
    for args in &failing {
        let out = h.run(args);
        assert!(!out.status.success(), "keri {args:?} should fail");
        printed.keep(args, &out);
    }
    for (pass, args) in [("not the passcode", vec!["list"]), ("not the passcode", vec!["sign", "alice", &doc])] {
        let out = h.cmd(&args).env("DKMS_PASSCODE", pass).output().unwrap();
        printed.keep(&args, &harness_check(&out, &args));
    }
    let out = h.cmd(&["list"]).env_remove("DKMS_PASSCODE").output().unwrap();
    printed.keep(&["list"], &harness_check(&out, &["list"]));
    let rec = record_path(&home, "id:alice");
    let good = std::fs::read(&rec).unwrap();
    for damaged in [good[..good.len() - 1].to_vec(), { good.iter().map(|b| b ^ 0x01).collect() }] {
        write(&rec, &damaged);
        for args in [vec!["list"], vec!["sign", "alice", &doc, "--json"], vec!["rotate", "alice"]] {
            let out = h.run(&args);
            let line = harness::failure(&out, &args);
            assert!(line.contains("tampered"), "{line}");
            printed.keep(&args, &out);
        }
    }
    write(&rec, &good);

    // Alice's salt and 2 + 2 seeds, bob's and carol's seeds across their rotations.
    // alice: the salt, 2 + 2 + 2 seeds; bob: 1 + 1 + 1; carol: 3 + 3 + 2.
    assert_eq!(needles.secrets.len(), 1 + 6 + 3 + 8, "{:?}", needles.secrets.len());
    printed.check(&needles);

    // The keystore the verbs wrote: every file 0600.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let ks = home.join("keystore");
        assert_eq!(mode(&ks.join("header.json")), 0o600);
        for entry in std::fs::read_dir(ks.join("records")).unwrap() {
            let path = entry.unwrap().path();
            assert_eq!(mode(&path), 0o600, "{}", path.display());
        }
    }
}

/// Alice's first current seed, read out of the keystore.
fn alice_seed_now(home: &Path) -> String {
    let ks = Keystore::open(home.join("keystore"), &SecretString::from(PASS)).unwrap();
    let rec = ks.get("id:alice").unwrap().unwrap();
    let v: serde_json::Value = serde_json::from_slice(rec.expose_secret()).unwrap();
    v["current"][0].as_str().unwrap().to_owned()
}

/// A failed run: non-zero exit, one `error:` line.
fn harness_check(out: &Output, args: &[&str]) -> Output {
    harness::failure(out, args);
    out.clone()
}

#[test]
fn the_demo_prints_no_secret_of_its_keystore() {
    let h = Home::new("secrets-demo");
    let mut needles = Needles::new(DEMO_PASS);
    let mut printed = Printed::default();

    let json = h.run(&["demo", "--keep", "--json"]);
    assert!(json.status.success(), "{}", String::from_utf8_lossy(&json.stderr));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let json_home = std::path::PathBuf::from(v["steps"][0]["detail"]["home"].as_str().unwrap());

    let text = h.run(&["demo", "--keep"]);
    assert!(text.status.success(), "{}", String::from_utf8_lossy(&text.stderr));
    let stdout = String::from_utf8(text.stdout.clone()).unwrap();
    let text_home = std::path::PathBuf::from(stdout.lines().last().unwrap().trim_start_matches("kept the demo home "));

    for home in [&json_home, &text_home] {
        // Three current and three next seeds after the demo's rotation.
        assert_eq!(needles.read_keystore(home, DEMO_PASS), 6, "{}", home.display());
        std::fs::remove_dir_all(home).ok();
    }
    printed.keep(&["demo", "--keep", "--json"], &json);
    printed.keep(&["demo", "--keep"], &text);
    printed.check(&needles);
}
