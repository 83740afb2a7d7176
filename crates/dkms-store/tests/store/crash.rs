//! Crash safety of the redb backend: an importer child process (this test binary run again with
//! `DKMS_STORE_CRASH_CHILD` set) appends events in batches — durable commits of 1 to 50 events, and
//! runs of deferred commits followed by a flush — and prints `committed N` each time a durable
//! commit (or flush) has returned. The parent kills it with SIGKILL after a random delay, reopens
//! the store and checks that it is consistent and holds every event reported committed.
//!
//! Trials: `DKMS_CRASH_TRIALS` (default 20); seed: `DKMS_CRASH_SEED` (default from the clock,
//! printed). Every fifth trial starts a new store file; the others resume the previous file, so the
//! child also recovers from the previous kill before it appends.
//!
//! `DKMS_CRASH_TRIALS=100 cargo test -p dkms-store --release --all-features --test store crash -- --nocapture`

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use dkms_store::{AttachmentKind, Durability, EscrowKey, EscrowKind, ReadTxn, RedbStore, Store};

use crate::{Cleanup, temp_path};

const CHILD_ENV: &str = "DKMS_STORE_CRASH_CHILD";
const SEED_ENV: &str = "DKMS_STORE_CRASH_CHILD_SEED";
const PREFIXES: u64 = 3;

/// splitmix64: a small deterministic PRNG (no dependency).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn prefix(i: u64) -> String {
    format!("EcrashPrefix{}", i % PREFIXES)
}
fn sn(i: u64) -> u128 {
    u128::from(i / PREFIXES)
}
fn said(i: u64) -> String {
    format!("Ecrash{i:038}")
}
fn body(i: u64) -> Vec<u8> {
    // 100 to 1100 bytes, content tied to i.
    let len = 100 + usize::try_from(i.wrapping_mul(7919) % 1000).unwrap();
    (0..len).map(|k| u8::try_from((i as usize + k) % 251).unwrap()).collect()
}
fn sig(i: u64) -> String {
    format!("AA{i:086}")
}
fn escrow_key(i: u64) -> EscrowKey {
    EscrowKey::new(EscrowKind::PartiallyWitnessed, prefix(i), sn(i), said(i))
}

/// Appends event `i` (and moves the single escrow entry from `i - 1` to `i`).
fn append(w: &mut dyn dkms_store::WriteTxn, i: u64) {
    let e = w.append_kel(&prefix(i), sn(i), &said(i), i, &body(i)).unwrap();
    assert_eq!(u128::from(e.ordinal), sn(i));
    w.add_attachments(AttachmentKind::ControllerSigs, &said(i), &[sig(i)]).unwrap();
    w.put_state(&prefix(i), &sn(i).to_be_bytes()).unwrap();
    if i > 0 {
        assert!(w.delete_escrow(&escrow_key(i - 1)).unwrap());
    }
    w.put_escrow(&escrow_key(i), i, &i.to_be_bytes()).unwrap();
}

/// Checks the store is consistent and returns how many events it holds (they must be exactly the
/// events 0..count).
fn check(r: &dyn ReadTxn) -> u64 {
    let mut count = 0;
    let mut per_prefix = Vec::new();
    for p in 0..PREFIXES {
        let pre = prefix(p);
        let fel = r.first_seen(&pre, 0).unwrap();
        let kel = r.kel(&pre, 0).unwrap();
        assert_eq!(fel, kel, "{pre}: first-seen log and KEL index disagree");
        for (k, e) in fel.iter().enumerate() {
            let k = u64::try_from(k).unwrap();
            let i = k * PREFIXES + p;
            assert_eq!((e.ordinal, e.sn, e.said.as_str(), e.first_seen_micros), (k, sn(i), said(i).as_str(), i));
            assert_eq!(r.event(&e.said).unwrap(), Some(body(i)), "event {i}");
            let record = r.event_record(&e.said).unwrap().unwrap();
            assert_eq!(&record.entry, e, "event {i}");
            assert_eq!(record.attachments(AttachmentKind::ControllerSigs), [sig(i)]);
        }
        let n = u64::try_from(fel.len()).unwrap();
        match n {
            0 => assert!(r.state(&pre).unwrap().is_none()),
            n => assert_eq!(r.state(&pre).unwrap(), Some(u128::from(n - 1).to_be_bytes().to_vec())),
        }
        per_prefix.push(n);
        count += n;
    }
    // Atomic batches appended in order: the events present are exactly 0..count.
    for (p, n) in (0..PREFIXES).zip(per_prefix) {
        assert_eq!(n, (count + PREFIXES - 1 - p) / PREFIXES, "events are not a prefix of the import");
    }
    assert!(r.event(&said(count)).unwrap().is_none());
    let escrow = r.escrow(EscrowKind::PartiallyWitnessed).unwrap();
    if count == 0 {
        assert!(escrow.is_empty());
    } else {
        assert_eq!(escrow.len(), 1, "exactly the last event is in escrow");
        assert_eq!(escrow[0].key, escrow_key(count - 1));
    }
    count
}

/// Child role: the importer.
#[test]
fn crash_child_importer() {
    let Some(path) = std::env::var_os(CHILD_ENV) else { return };
    let seed: u64 = std::env::var(SEED_ENV).unwrap().parse().unwrap();
    let mut rng = Rng(seed);
    let store = RedbStore::open(&path).unwrap();
    let mut next = check(&*store.read().unwrap());
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready {next}").unwrap();
    out.flush().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if rng.below(4) == 0 {
            // Group commit by deferred durability: several commits, then one flush.
            for _ in 0..1 + rng.below(5) {
                let mut w = store.write_with(Durability::Deferred).unwrap();
                for _ in 0..1 + rng.below(20) {
                    append(&mut *w, next);
                    next += 1;
                }
                w.commit().unwrap();
            }
            store.flush().unwrap();
        } else {
            // Durable commits of one event, or of a batch.
            let batch = if rng.below(2) == 0 { 1 } else { 1 + rng.below(50) };
            let mut w = store.write().unwrap();
            for _ in 0..batch {
                append(&mut *w, next);
                next += 1;
            }
            w.commit().unwrap();
        }
        writeln!(out, "committed {next}").unwrap();
        out.flush().unwrap();
    }
}

/// Runs one child until killed; returns (events reported committed, events at start).
fn run_child(path: &Path, seed: u64, delay: Duration) -> (u64, u64) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "crash::crash_child_importer", "--nocapture", "--test-threads=1", "-q"])
        .env(CHILD_ENV, path)
        .env(SEED_ENV, seed.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let committed = Arc::new(AtomicU64::new(0));
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let reader = {
        let committed = Arc::clone(&committed);
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if let Some(n) = line.strip_prefix("committed ") {
                    committed.fetch_max(n.parse().unwrap(), Ordering::SeqCst);
                } else if let Some(n) = line.strip_prefix("ready ") {
                    let n: u64 = n.parse().unwrap();
                    committed.fetch_max(n, Ordering::SeqCst);
                    let _ = ready_tx.send(n);
                }
            }
        })
    };
    let start = ready_rx.recv_timeout(Duration::from_secs(30)).expect("child did not open the store");
    std::thread::sleep(delay);
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(!status.success(), "the child must have been killed, not finished");
    reader.join().unwrap();
    (committed.load(Ordering::SeqCst), start)
}

#[test]
fn crash_sigkill_importer_loses_no_committed_event() {
    let trials: u64 = std::env::var("DKMS_CRASH_TRIALS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let seed: u64 = std::env::var("DKMS_CRASH_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    });
    eprintln!("crash test: {trials} trials, DKMS_CRASH_SEED={seed}");
    let mut rng = Rng(seed);
    let started = Instant::now();
    let mut path = temp_path("crash");
    let mut cleanups = vec![Cleanup(path.clone())];
    let mut durable_before = 0;
    let (mut total_reported, mut total_extra, mut mid_import) = (0, 0, 0);
    for trial in 0..trials {
        if trial % 5 == 0 && trial > 0 {
            path = temp_path("crash");
            cleanups.push(Cleanup(path.clone()));
            durable_before = 0;
        }
        let delay = Duration::from_millis(5 + rng.below(250));
        let child_seed = rng.next();
        let (reported, start) = run_child(&path, child_seed, delay);
        assert!(start >= durable_before, "trial {trial}: the child found {start} < {durable_before} events");
        let store = RedbStore::open(&path).unwrap();
        let count = check(&*store.read().unwrap());
        assert!(
            count >= reported,
            "trial {trial} (seed {seed}): {reported} events reported committed, {count} in the store"
        );
        // Events beyond the last report were committed but not yet reported (or deferred ones that
        // reached the disk); the kill lands between or inside commits.
        total_reported += reported - start;
        total_extra += count - reported;
        if count > start {
            mid_import += 1;
        }
        durable_before = count;
        drop(store);
    }
    eprintln!(
        "crash test: {trials} trials passed in {:.1?}: {total_reported} events reported committed, \
         {total_extra} more found committed than reported, {mid_import} trials killed after appending",
        started.elapsed()
    );
    drop(cleanups);
}
