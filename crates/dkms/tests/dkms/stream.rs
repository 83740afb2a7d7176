//! Streamed verification and import: the verdict over a temporary store (past the memory
//! limit) and with worker threads is exactly the in-memory one; the temporary store leaves
//! nothing behind; read errors are reported.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dkms::store::{MemoryStore, Store};
use dkms::{Controller, Error, StreamVerdict, VerifyOptions};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// Every keripy-made stream committed in the repository (valid and invalid ones).
fn keripy_streams() -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in ["tests/vectors/keripy-1.1.17", "crates/dkms-cesr/tests/vectors/keripy-1.1.17/streams"] {
        for entry in std::fs::read_dir(Path::new(ROOT).join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) == Some("cesr") {
                let bytes = std::fs::read(&path).unwrap();
                out.push((path, bytes));
            }
        }
    }
    out.sort();
    out.push((PathBuf::from("kel_single_key_1k"), kel_1k()));
    out
}

fn kel_1k() -> Vec<u8> {
    std::fs::read(Path::new(ROOT).join("benches/data/keripy-1.1.17/kel_single_key_1k.cesr")).unwrap()
}

fn temp(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("dkms-stream-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn options(memory_limit: usize, threads: usize, temp_dir: &Path) -> VerifyOptions {
    let mut o = VerifyOptions::default();
    o.memory_limit = memory_limit;
    o.threads = threads;
    o.temp_dir = Some(temp_dir.to_owned());
    o
}

/// Everything a verdict says, key states without their first-seen time (a clock reading).
fn summary(v: &StreamVerdict) -> (bool, dkms::kel::Report, Vec<String>) {
    // The key state notice with an empty date: everything but the first-seen time.
    let states = v.states.iter().map(|s| format!("{:?}", s.notice(""))).collect();
    (v.valid, v.report.clone(), states)
}

/// A reader handing out at most `chunk` bytes per call.
struct Chunked<'a> {
    bytes: &'a [u8],
    chunk: usize,
}

impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.chunk.min(buf.len()).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

/// Verdicts of `bytes` in memory, over the temporary store from the first byte and from
/// the middle, with and without worker threads, through small reads: all the same.
fn check_same_verdict(name: &str, bytes: &[u8], dir: &Path) -> StreamVerdict {
    let memory = dkms::verify_reader(bytes, &options(usize::MAX, 1, dir), &mut |_| {}).unwrap();
    let expected = summary(&memory);
    assert_eq!(summary(&dkms::verify_stream(bytes)), expected, "{name}: verify_stream");
    for (limit, threads) in [(0, 1), (0, 2), (bytes.len() / 2, 1), (bytes.len() / 2 + 1, 2), (1, 1)] {
        let v = dkms::verify_reader(bytes, &options(limit, threads, dir), &mut |_| {}).unwrap();
        assert_eq!(summary(&v), expected, "{name}: limit {limit}, {threads} thread(s)");
    }
    let v = dkms::verify_reader(Chunked { bytes, chunk: 7 }, &options(100, 2, dir), &mut |_| {}).unwrap();
    assert_eq!(summary(&v), expected, "{name}: 7-byte reads");
    memory
}

#[test]
fn spilled_and_threaded_verification_match_in_memory_on_keripy_streams() {
    let dir = temp("vectors");
    let (mut valid, mut invalid, mut escrowed) = (0, 0, 0);
    for (path, bytes) in keripy_streams() {
        let v = check_same_verdict(&path.display().to_string(), &bytes, &dir);
        if v.valid {
            valid += 1;
            assert!(!v.states.is_empty(), "{}", path.display());
        } else {
            invalid += 1;
        }
        escrowed += usize::from(v.report.escrowed > 0);
    }
    // The vectors cover both verdicts and a stream left in escrow.
    assert!(valid >= 10 && invalid >= 5 && escrowed >= 1, "{valid} valid, {invalid} invalid, {escrowed} escrowed");
    // Nothing is left in the temporary directory's parent.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn spilled_verification_matches_in_memory_on_damaged_streams() {
    let dir = temp("damaged");
    let kel = kel_1k();
    let mut cases: Vec<(String, Vec<u8>)> = Vec::new();
    for at in [0, 1, 100, kel.len() / 3, kel.len() / 2 + 17, kel.len() - 5] {
        let mut b = kel.clone();
        b[at] ^= 0x21;
        cases.push((format!("byte {at} flipped"), b));
        cases.push((format!("truncated at {at}"), kel[..at].to_vec()));
    }
    // A message dropped from the middle: the rest waits in escrow.
    let cut = kel.len() / 2;
    let next = cut + kel[cut..].windows(2).position(|w| w == b"{\"").unwrap();
    let after = next + 2 + kel[next + 2..].windows(2).position(|w| w == b"{\"").unwrap();
    let mut gap = kel[..next].to_vec();
    gap.extend_from_slice(&kel[after..]);
    cases.push(("a message left out".to_owned(), gap));
    cases.push(("twice".to_owned(), [kel.clone(), kel.clone()].concat()));
    cases.push(("garbage first".to_owned(), [b"garbage!".to_vec(), kel.clone()].concat()));
    for (name, bytes) in &cases {
        let v = check_same_verdict(name, bytes, &dir);
        if name == "twice" {
            assert!(v.valid && v.report.duplicates == 1000, "{name}: {:?}", v.report);
        } else if name != "truncated at 0" {
            assert!(!v.valid, "{name}");
        }
    }
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn the_temporary_store_is_private_and_unlinked_while_in_use() {
    let dir = temp("unlinked");
    let kel = kel_1k();
    let mut seen = Vec::new();
    let mut progress = |done: u64| {
        // Reads after the first 1000 bytes happen with the temporary store open.
        if done > 1000 {
            seen.push(std::fs::read_dir(&dir).unwrap().count());
        }
    };
    let v = dkms::verify_reader(Chunked { bytes: &kel, chunk: 4096 }, &options(1000, 1, &dir), &mut progress).unwrap();
    assert!(v.valid);
    assert!(seen.len() > 10 && seen.iter().all(|&n| n == 0), "{seen:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_unusable_temporary_directory_is_an_error_of_verify_reader_only() {
    let dir = temp("missing");
    let missing = dir.join("not-there");
    let kel = kel_1k();
    let e = dkms::verify_reader(kel.as_slice(), &options(0, 1, &missing), &mut |_| {}).unwrap_err();
    assert!(matches!(e, Error::Io { .. }), "{e:?}");
    // Below the limit no temporary store is needed.
    assert!(dkms::verify_reader(kel.as_slice(), &options(usize::MAX, 1, &missing), &mut |_| {}).unwrap().valid);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Fails once `ok` bytes have been read.
struct Failing<'a> {
    bytes: &'a [u8],
    ok: usize,
}

impl Read for Failing<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.ok == 0 {
            return Err(std::io::Error::other("disk on fire"));
        }
        let n = self.ok.min(buf.len()).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        self.ok -= n;
        Ok(n)
    }
}

#[test]
fn read_errors_are_reported() {
    let dir = temp("failing");
    let kel = kel_1k();
    for (limit, threads) in [(usize::MAX, 1), (0, 1), (0, 2), (50_000, 2)] {
        let e = dkms::verify_reader(Failing { bytes: &kel, ok: 100_000 }, &options(limit, threads, &dir), &mut |_| {})
            .unwrap_err();
        assert!(matches!(&e, Error::Read(io) if io.to_string() == "disk on fire"), "{e:?}");
        assert_eq!(e.kind(), "read");
    }
    let mut c = Controller::with_store(Arc::new(MemoryStore::new()) as Arc<dyn Store>, None).unwrap();
    let e = c.import_reader(Failing { bytes: &kel, ok: 100_000 }, 2, &mut |_| {}).unwrap_err();
    assert!(matches!(e, Error::Read(_)), "{e:?}");
    // The messages read before the error were imported; the rest follows on a second import.
    let imported = c.kevery().state(c.kevery().prefixes()[0]).unwrap().sn();
    assert!(imported > 100 && imported < 999, "{imported}");
    let r = c.import_reader(kel.as_slice(), 1, &mut |_| {}).unwrap();
    assert_eq!(r.accepted + r.duplicates, 1000);
    assert_eq!(c.kevery().state(c.kevery().prefixes()[0]).unwrap().sn(), 999);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn import_reader_matches_import_and_reports_progress() {
    let kel = kel_1k();
    let mut damaged = b"garbage!".to_vec();
    damaged.extend_from_slice(&kel);
    damaged[5000] ^= 0x21;
    let fresh = || Controller::with_store(Arc::new(MemoryStore::new()) as Arc<dyn Store>, None).unwrap();
    let mut a = fresh();
    let expected = a.import(&damaged).unwrap();
    assert!(expected.rejected >= 1 && expected.accepted < 1000, "{expected:?}");
    for threads in [1, 2] {
        let mut b = fresh();
        let mut seen = Vec::new();
        let r = b.import_reader(Chunked { bytes: &damaged, chunk: 1000 }, threads, &mut |d| seen.push(d)).unwrap();
        assert_eq!(r, expected, "{threads} thread(s)");
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "progress only grows");
        assert_eq!(seen.last().copied(), Some(damaged.len() as u64));
        let (sa, sb) = (a.kevery().prefixes(), b.kevery().prefixes());
        assert_eq!(sa, sb);
        for p in sa {
            assert_eq!(a.kevery().state(p).unwrap().said(), b.kevery().state(p).unwrap().said());
        }
    }
}

#[test]
fn a_stream_of_zeros_is_one_framing_error_through_the_temporary_store() {
    let dir = temp("zeros");
    let v = dkms::verify_reader(std::io::repeat(0).take(6 << 20), &options(1 << 20, 2, &dir), &mut |_| {}).unwrap();
    assert!(!v.valid);
    assert_eq!((v.report.rejected, v.report.errors.len(), v.report.accepted), (1, 1, 0), "{:?}", v.report);
    assert_eq!(v.report.errors[0].offset, 0);
    std::fs::remove_dir_all(&dir).unwrap();
}
