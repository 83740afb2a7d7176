//! The validator over a store: what it accepted, escrowed and saw as duplicity
//! survives a reopen, for the memory and the redb backends.

use crate::At;
use std::sync::Arc;

use dkms_cesr::stream::Framer;
use dkms_kel::{Config, Kevery, Outcome};
use dkms_store::{MemoryStore, RedbStore, Store};

fn stream(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../dkms-cesr/tests/vectors/keripy-1.1.17/streams/{name}.cesr",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn messages(bytes: &[u8]) -> Vec<Vec<u8>> {
    Framer::new()
        .messages(bytes)
        .map(|m| {
            let m = m.unwrap();
            let end = m.attachments.last().map_or(m.body.offset + m.body.raw.len(), |g| g.offset + g.raw.len());
            bytes[m.body.offset..end].to_vec()
        })
        .collect()
}

fn summary(k: &Kevery) -> Vec<(String, u128, String, usize)> {
    k.prefixes()
        .iter()
        .map(|p| {
            let s = k.state(p).unwrap();
            (p.to_string(), s.sn(), s.said().qb64(), k.kel(p).unwrap().len())
        })
        .collect()
}

/// A named way to (re)open one store.
type Opener = (String, Box<dyn Fn() -> Arc<dyn Store>>);

fn backends(tag: &str) -> Vec<Opener> {
    let dir = std::env::temp_dir().join(format!("dkms-kel-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("store.redb");
    let memory: Arc<dyn Store> = Arc::new(MemoryStore::new());
    vec![
        ("memory".into(), Box::new(move || memory.clone())),
        ("redb".into(), Box::new(move || Arc::new(RedbStore::open(&path).unwrap()) as Arc<dyn Store>)),
    ]
}

#[test]
fn kels_survive_a_reopen() {
    for s in ["kel_witnessed", "kel_delegated", "kel_multisig_weighted"] {
        for (name, open) in backends(&format!("reopen-{s}")) {
            let bytes = stream(s);
            let msgs = messages(&bytes);
            let (first, rest) = msgs.split_at(msgs.len() / 2);
            let before = {
                let mut k = Kevery::open(open(), Config::default()).unwrap();
                for m in first {
                    k.ingest_at(m, 1);
                }
                summary(&k)
            };
            // Reopened, it knows the same, and continues where it stopped.
            let mut k = Kevery::open(open(), Config::default()).unwrap();
            assert_eq!(summary(&k), before, "{name}/{s}: reopened state");
            for m in rest {
                let r = k.ingest_at(m, 2);
                assert!(r.errors.is_empty(), "{name}/{s}: {:?}", r.errors);
            }
            let mut whole = Kevery::default();
            whole.ingest_at(&bytes, 1);
            assert_eq!(summary(&k), summary(&whole), "{name}/{s}: final state");
        }
    }
}

#[test]
fn escrows_survive_a_reopen() {
    for (name, open) in backends("escrow") {
        let msgs = messages(&stream("kel_single"));
        {
            let mut k = Kevery::open(open(), Config::default()).unwrap();
            // Everything but the inception: all out of order.
            for m in &msgs[1..] {
                k.ingest_at(m, 1);
            }
            assert!(k.prefixes().is_empty());
            assert_eq!(k.escrowed().values().sum::<usize>(), msgs.len() - 1, "{name}");
        }
        let mut k = Kevery::open(open(), Config::default()).unwrap();
        assert_eq!(k.escrowed().values().sum::<usize>(), msgs.len() - 1, "{name}: escrow reloaded");
        let framed = Framer::new().messages(&msgs[0]).next().unwrap().unwrap();
        let icp = dkms_event::signed::SignedMessage::from_framed(&framed).unwrap();
        assert_eq!(k.process_at(icp, 2), Outcome::Accepted);
        assert!(k.escrowed().is_empty(), "{name}");
        let p = k.prefixes()[0].to_owned();
        assert_eq!(k.state(&p).unwrap().sn() as usize, msgs.len() - 1);
        drop(k);
        let k = Kevery::open(open(), Config::default()).unwrap();
        assert!(k.escrowed().is_empty(), "{name}: escrow deletions are durable");
        assert_eq!(k.state(&p).unwrap().sn() as usize, msgs.len() - 1);
    }
}

/// A store whose write transactions fail while `fail` is set (as a full disk would), or
/// panic while `panics` is set (a buggy backend).
struct Flaky {
    inner: MemoryStore,
    fail: std::sync::atomic::AtomicBool,
    panics: std::sync::atomic::AtomicBool,
}

impl Store for Flaky {
    fn read(&self) -> dkms_store::Result<Box<dyn dkms_store::ReadTxn + '_>> {
        self.inner.read()
    }
    fn write_with(&self, d: dkms_store::Durability) -> dkms_store::Result<Box<dyn dkms_store::WriteTxn + '_>> {
        #[allow(clippy::panic, reason = "the buggy backend under test")]
        if self.panics.load(std::sync::atomic::Ordering::SeqCst) {
            panic!("store bug (test)");
        }
        if self.fail.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(dkms_store::Error::Backend { op: "begin write", message: "disk full (test)".into() });
        }
        self.inner.write_with(d)
    }
    fn flush(&self) -> dkms_store::Result<()> {
        self.inner.flush()
    }
}

#[test]
fn failed_background_commits_are_retried_and_nothing_is_lost() {
    for panics in [false, true] {
        retried_and_nothing_lost(panics);
    }
}

/// A failing (or panicking) store while half the messages arrive, then a working one.
fn retried_and_nothing_lost(panics: bool) {
    let bytes = [stream("kel_witnessed"), stream("kel_delegated"), stream("kel_multisig_weighted")].concat();
    let mut whole = Kevery::default();
    whole.ingest_at(&bytes, 1);
    let expected: Vec<_> = summary(&whole);
    let flaky = Arc::new(Flaky { inner: MemoryStore::new(), fail: true.into(), panics: panics.into() });
    // Commit after every message (in the background): each one fails while the disk is "full".
    let config = Config { group_commit_ops: 1, ..Config::default() };
    let mut k = Kevery::open(flaky.clone(), config.clone()).unwrap();
    let msgs = messages(&bytes);
    let (first, rest) = msgs.split_at(msgs.len() / 2);
    for m in first {
        k.ingest_at(m, 1);
    }
    // Nothing reached the store, yet the validator still knows every event (from memory).
    assert!(flaky.inner.read().unwrap().prefixes().unwrap().is_empty());
    assert!(k.commit().is_err());
    flaky.fail.store(false, std::sync::atomic::Ordering::SeqCst);
    flaky.panics.store(false, std::sync::atomic::Ordering::SeqCst);
    for m in rest {
        let r = k.ingest_at(m, 1);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
    }
    assert_eq!(summary(&k), expected);
    // Everything is in the store: a fresh validator over it has the same KELs.
    let reopened = Kevery::open(flaky, config).unwrap();
    assert_eq!(summary(&reopened), expected);
}
