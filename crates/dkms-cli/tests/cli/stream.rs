//! `kel verify` and `kel import` read their input as a stream: from a file or a pipe, in
//! memory or (past `DKMS_VERIFY_MEMORY_LIMIT` bytes) over a temporary store, with the same
//! output every way.

use std::io::Write as _;
use std::process::{Output, Stdio};

use crate::harness::{Home, write};

/// keripy's 1 000-event KEL (297 kB): above the 64 KiB limit the tests set.
fn kel_1k() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../benches/data/keripy-1.1.17/kel_single_key_1k.cesr"))
        .unwrap()
}

const LIMIT: &str = "65536";

/// Runs `keri args` with `env`, `input` on a pipe when given; the temporary directory is
/// `<test dir>/tmp`.
fn run(h: &Home, args: &[&str], env: &[(&str, &str)], input: Option<&[u8]>) -> Output {
    let tmp = h.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let mut c = h.cmd(args);
    c.env("TMPDIR", &tmp).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in env {
        c.env(k, v);
    }
    if input.is_some() {
        c.stdin(Stdio::piped());
    }
    let mut child = c.spawn().unwrap();
    if let Some(bytes) = input {
        // The child reads as it goes; write from another thread so a full pipe cannot block.
        let mut stdin = child.stdin.take().unwrap();
        let bytes = bytes.to_vec();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&bytes);
        });
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0, "the temporary store is gone");
    out
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    })
}

#[test]
fn verify_gives_the_same_json_from_a_file_and_a_pipe_in_memory_and_spilled() {
    let h = Home::init("stream-verify");
    // Our own KEL followed by keripy's: two identifiers, the stream longer than the limit.
    h.ok(&["incept", "dora", "--keys", "2"]);
    h.ok(&["rotate", "dora"]);
    h.ok(&["interact", "dora"]);
    let mut stream = h.ok(&["kel", "export", "dora"]).trim_end().as_bytes().to_vec();
    stream.extend_from_slice(&kel_1k());
    let file = h.path("two.cesr");
    write(&file, &stream);
    let f = file.to_str().unwrap();
    let memory = run(&h, &["kel", "verify", f, "--json"], &[], None);
    assert!(memory.status.success());
    let expected = json(&memory);
    assert_eq!(expected["valid"], true);
    assert_eq!(expected["accepted"], 1003);
    assert_eq!(expected["identifiers"].as_array().unwrap().len(), 2);
    for (args, env, input) in [
        (vec!["kel", "verify", f, "--json"], vec![("DKMS_VERIFY_MEMORY_LIMIT", LIMIT)], None),
        (vec!["kel", "verify", f, "--json"], vec![("DKMS_VERIFY_MEMORY_LIMIT", "0")], None),
        (vec!["kel", "verify", "-", "--json"], vec![], Some(stream.as_slice())),
        (vec!["kel", "verify", "-", "--json"], vec![("DKMS_VERIFY_MEMORY_LIMIT", LIMIT)], Some(stream.as_slice())),
    ] {
        let out = run(&h, &args, &env, input);
        assert!(out.status.success(), "{args:?} {env:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(json(&out), expected, "{args:?} {env:?}");
    }
    // The text report too.
    let text = run(&h, &["kel", "verify", f], &[], None);
    let spilled = run(&h, &["kel", "verify", "-"], &[("DKMS_VERIFY_MEMORY_LIMIT", LIMIT)], Some(&stream));
    assert_eq!(text.stdout, spilled.stdout);
}

#[test]
fn an_invalid_stream_gives_the_same_errors_spilled() {
    let h = Home::new("stream-invalid");
    let mut stream = kel_1k();
    let at = stream.len() / 2;
    stream[at] ^= 0x21;
    let memory = run(&h, &["kel", "verify", "-", "--json"], &[], Some(&stream));
    let spilled = run(&h, &["kel", "verify", "-", "--json"], &[("DKMS_VERIFY_MEMORY_LIMIT", LIMIT)], Some(&stream));
    assert_eq!(memory.status.code(), Some(1));
    assert_eq!(spilled.status.code(), Some(1));
    let expected = json(&memory);
    assert_eq!(expected["valid"], false);
    assert!(!expected["errors"].as_array().unwrap().is_empty());
    assert_eq!(json(&spilled), expected);
}

#[test]
fn import_from_a_pipe_and_a_file() {
    let h = Home::init("stream-import");
    let kel = kel_1k();
    let out = run(&h, &["kel", "import", "-", "--json"], &[], Some(&kel));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r = json(&out);
    assert_eq!((r["accepted"].as_u64(), r["rejected"].as_u64()), (Some(1000), Some(0)));
    let prefix = json(&run(&h, &["kel", "verify", "-", "--json"], &[], Some(&kel)))["identifiers"][0]["prefix"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(h.json(&["status", &prefix])["sn"], 999);
    // Again from a file: every event a duplicate.
    let file = h.path("k.cesr");
    write(&file, &kel);
    let again = h.json(&["kel", "import", file.to_str().unwrap()]);
    assert_eq!((again["accepted"].as_u64(), again["duplicates"].as_u64()), (Some(0), Some(1000)));
    // A damaged stream from a pipe: the events before the damage are imported, exit code 2.
    let other = Home::new("stream-import-damaged");
    let mut damaged = kel.clone();
    let cut = damaged.len() / 2;
    damaged[cut] ^= 0x21;
    let out = run(&other, &["kel", "import", "-"], &[], Some(&damaged));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("rejected"), "{stderr}");
    let sn = other.json(&["status", &prefix])["sn"].as_u64().unwrap();
    assert!(sn > 100 && sn < 999, "{sn}");
}

#[test]
fn a_missing_input_file_is_one_error_line() {
    let h = Home::new("stream-missing");
    let missing = h.path("nope.cesr");
    for verb in ["verify", "import"] {
        let line = h.fails(&["kel", verb, missing.to_str().unwrap()]);
        assert!(line.contains("nope.cesr"), "{line}");
    }
    // A directory is not a stream.
    let line = h.fails(&["kel", "verify", h.dir.to_str().unwrap()]);
    assert!(line.contains("reading"), "{line}");
}

/// A verification stopped by a signal leaves nothing behind: the temporary store's file is
/// unlinked while it is in use (it shows as deleted among the process's open files).
#[cfg(target_os = "linux")]
#[test]
fn a_killed_verification_leaves_no_temporary_store() {
    let h = Home::new("stream-killed");
    let tmp = h.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let mut child = h
        .cmd(&["kel", "verify", "-"])
        .env("TMPDIR", &tmp)
        .env("DKMS_VERIFY_MEMORY_LIMIT", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let kel = kel_1k();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&kel[..kel.len() / 2]).unwrap();
    // The pipe stays open: the process waits for more input with the store open.
    let fds = std::path::PathBuf::from(format!("/proc/{}/fd", child.id()));
    let mut open_deleted = false;
    for _ in 0..200 {
        open_deleted = std::fs::read_dir(&fds).into_iter().flatten().flatten().any(|e| {
            let target = std::fs::read_link(e.path()).unwrap_or_default();
            let t = target.to_string_lossy();
            t.contains("dkms-verify-") && t.ends_with("(deleted)")
        });
        if open_deleted {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    assert!(open_deleted, "the temporary store is open and unlinked");
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0);
    child.kill().unwrap();
    child.wait().unwrap();
    drop(stdin);
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0);
}
