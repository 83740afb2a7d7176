//! One process owns a store file: a second opener, in this process or another, gets
//! `Error::StoreInUse` at once (no hang), and the lock goes with its owner (even when killed).
//!
//! Child processes are this test binary run again with an environment variable naming the role.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dkms_store::{Error, RedbStore, Store};

use crate::{Cleanup, temp_path};

const HOLD_ENV: &str = "DKMS_STORE_LOCK_HOLD";
const PROBE_ENV: &str = "DKMS_STORE_LOCK_PROBE";

fn child(test: &str, env: &str, path: &Path) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture", "--test-threads=1", "-q"])
        .env(env, path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// Child role: open the store, say `locked`, hold it until stdin closes.
#[test]
fn lock_child_holds_store() {
    let Some(path) = std::env::var_os(HOLD_ENV) else { return };
    let store = RedbStore::open(&path).unwrap();
    let mut w = store.write().unwrap();
    w.put_state("EchildP", b"held").unwrap();
    w.commit().unwrap();
    let mut out = std::io::stdout().lock();
    writeln!(out, "locked").unwrap();
    out.flush().unwrap();
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}

/// Child role: try to open the store, say what happened.
#[test]
fn lock_child_probes_store() {
    let Some(path) = std::env::var_os(PROBE_ENV) else { return };
    let answer = match RedbStore::open(&path) {
        Ok(_) => "opened".to_owned(),
        Err(Error::StoreInUse { .. }) => "in-use".to_owned(),
        Err(e) => format!("error {e}"),
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "probe: {answer}").unwrap();
    out.flush().unwrap();
}

fn wait_for_line(child: &mut Child, prefix: &str) -> String {
    let out = child.stdout.take().unwrap();
    let mut lines = BufReader::new(out).lines();
    while let Some(line) = lines.next() {
        let line = line.unwrap();
        if line.starts_with(prefix) {
            // Drain the rest, so the child's test harness never writes to a closed pipe.
            std::thread::spawn(move || lines.for_each(drop));
            return line;
        }
    }
    panic!("child ended without printing {prefix}");
}

#[test]
fn second_open_in_same_process_is_store_in_use() {
    let path = temp_path("lock-same");
    let _c = Cleanup(path.clone());
    let first = RedbStore::open(&path).unwrap();
    let started = Instant::now();
    match RedbStore::open(&path) {
        Err(e @ Error::StoreInUse { .. }) => {
            // Told apart from every other failure by its kind; the error clones with its path.
            assert_eq!(e.kind(), dkms_store::ErrorKind::StoreInUse);
            let copy = e.clone();
            assert!(matches!(copy, Error::StoreInUse { path: ref p } if *p == path));
            assert!(e.to_string().contains("in use"));
        }
        other => panic!("expected StoreInUse, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(2), "the second open must not wait");
    drop(first);
    RedbStore::open(&path).unwrap();
}

#[test]
fn open_held_by_child_process_is_store_in_use() {
    let path = temp_path("lock-child");
    let _c = Cleanup(path.clone());
    let mut holder = child("locking::lock_child_holds_store", HOLD_ENV, &path);
    assert_eq!(wait_for_line(&mut holder, "locked"), "locked");
    let started = Instant::now();
    assert!(matches!(RedbStore::open(&path), Err(Error::StoreInUse { .. })));
    assert!(started.elapsed() < Duration::from_secs(2));
    // Closing its stdin lets the child exit; then the store is ours, with the child's commit.
    drop(holder.stdin.take());
    assert!(holder.wait().unwrap().success());
    let store = RedbStore::open(&path).unwrap();
    assert_eq!(store.read().unwrap().state("EchildP").unwrap().as_deref(), Some(&b"held"[..]));
}

#[test]
fn lock_of_a_killed_owner_is_released() {
    let path = temp_path("lock-kill");
    let _c = Cleanup(path.clone());
    let mut holder = child("locking::lock_child_holds_store", HOLD_ENV, &path);
    wait_for_line(&mut holder, "locked");
    holder.kill().unwrap(); // SIGKILL
    holder.wait().unwrap();
    let store = RedbStore::open(&path).unwrap();
    assert_eq!(store.read().unwrap().state("EchildP").unwrap().as_deref(), Some(&b"held"[..]));
}

#[test]
fn child_process_cannot_open_a_store_we_hold() {
    let path = temp_path("lock-parent");
    let _c = Cleanup(path.clone());
    let store = RedbStore::open(&path).unwrap();
    let mut probe = child("locking::lock_child_probes_store", PROBE_ENV, &path);
    assert_eq!(wait_for_line(&mut probe, "probe: "), "probe: in-use");
    assert!(probe.wait().unwrap().success());
    drop(store);
    let mut probe = child("locking::lock_child_probes_store", PROBE_ENV, &path);
    assert_eq!(wait_for_line(&mut probe, "probe: "), "probe: opened");
    assert!(probe.wait().unwrap().success());
}
