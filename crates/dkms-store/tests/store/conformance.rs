//! The conformance suite every backend passes: `run_all` exercises every method of the traits,
//! atomicity, snapshots with a concurrent writer, ordinals, SAID lookups (with hash collisions),
//! escrows, duplicates and durability modes; `populate` + `check_corrupt` check that damaged
//! records read back as typed errors.

use dkms_store::{AttachmentKind, Durability, Error, ErrorKind, EscrowKey, EscrowKind, ReadTxn, Store};

/// Runs every check against one store (each check uses its own prefixes).
pub(crate) fn run_all(store: &dyn Store) {
    kel_and_first_seen(store);
    events(store);
    attachments(store);
    states(store);
    escrows(store);
    duplicates(store);
    rollback_on_drop(store);
    reads_own_writes(store);
    snapshot_isolation(store);
    readers_during_writer(store);
    concurrent_writers(store);
    deferred_and_flush(store);
    invalid_keys(store);
}

fn said(prefix: &str, sn: u128, tag: &str) -> String {
    format!("E{tag}{prefix}{sn:04}")
}

/// The body stored for `said` in these tests.
fn body(said: &str) -> Vec<u8> {
    format!("{{\"d\":\"{said}\"}}").into_bytes()
}

fn len_of_log(r: &(impl ReadTxn + ?Sized), prefix: &str) -> usize {
    r.first_seen(prefix, 0).unwrap().len()
}

fn kel_and_first_seen(store: &dyn Store) {
    let p = "EkelPrefix";
    let mut w = store.write().unwrap();
    assert!(w.first_seen(p, 0).unwrap().is_empty());
    for sn in 0..3u128 {
        let s = said(p, sn, "a");
        let e = w.append_kel(p, sn, &s, 1000 + u64::try_from(sn).unwrap(), &body(&s)).unwrap();
        assert_eq!((e.sn, e.ordinal, e.first_seen_micros), (sn, u64::try_from(sn).unwrap(), 1000 + e.ordinal));
        assert_eq!(e.prefix, p);
    }
    w.commit().unwrap();

    // A recovery at sn 1 supersedes the events at sn 1 and 2; they stay in the first-seen log.
    let mut w = store.write().unwrap();
    let rec = w.append_kel(p, 1, &said(p, 1, "r"), 2000, &body(&said(p, 1, "r"))).unwrap();
    assert_eq!(rec.ordinal, 3);
    w.commit().unwrap();

    let r = store.read().unwrap();
    assert_eq!(len_of_log(&*r, p), 4);
    let kel = r.kel(p, 0).unwrap();
    let saids: Vec<_> = kel.iter().map(|e| (e.sn, e.said.clone())).collect();
    assert_eq!(saids, vec![(0, said(p, 0, "a")), (1, said(p, 1, "r")), (2, said(p, 2, "a"))]);
    assert_eq!(r.kel(p, 2).unwrap().len(), 1);
    assert!(r.kel(p, 3).unwrap().is_empty());
    let one = r.kel_entry(p, 1).unwrap().unwrap();
    assert_eq!((one.ordinal, one.first_seen_micros, one.said.as_str()), (3, 2000, said(p, 1, "r").as_str()));
    assert!(r.kel_entry(p, 9).unwrap().is_none());
    assert!(r.kel_entry("EnoSuchPrefix", 0).unwrap().is_none());
    let fel = r.first_seen(p, 0).unwrap();
    assert_eq!(fel.iter().map(|e| e.ordinal).collect::<Vec<_>>(), vec![0, 1, 2, 3]);
    assert_eq!(fel.iter().map(|e| e.sn).collect::<Vec<_>>(), vec![0, 1, 2, 1]);
    assert_eq!(r.first_seen(p, 2).unwrap().len(), 2);
    assert!(r.first_seen("EnoSuchPrefix", 0).unwrap().is_empty());
    assert!(r.kel("EnoSuchPrefix", 0).unwrap().is_empty());
    // The superseded event is still found by SAID, with its own first-seen entry.
    let old = r.event_record(&said(p, 1, "a")).unwrap().unwrap();
    assert_eq!((old.entry.sn, old.entry.ordinal, old.entry.first_seen_micros), (1, 1, 1001));
    assert_eq!(old.body, body(&said(p, 1, "a")));

    // Prefixes: sorted as strings, whatever their lengths; sn up to u128::MAX.
    drop(r);
    let mut w = store.write().unwrap();
    w.append_kel("Ekel", u128::MAX, "Ebig", 1, b"").unwrap();
    w.append_kel("EkelPrefix2", 0, "Ex", 1, b"x").unwrap();
    w.commit().unwrap();
    let r = store.read().unwrap();
    let ps = r.prefixes().unwrap();
    let mine: Vec<_> = ps.iter().filter(|x| x.starts_with("Ekel")).cloned().collect();
    assert_eq!(mine, vec!["Ekel", "EkelPrefix", "EkelPrefix2"]);
    let mut sorted = ps.clone();
    sorted.sort();
    assert_eq!(ps, sorted);
    assert_eq!(r.kel_entry("Ekel", u128::MAX).unwrap().unwrap().said, "Ebig");
    assert_eq!(r.kel("Ekel", 0).unwrap().len(), 1);
    assert_eq!(r.event("Ebig").unwrap().as_deref(), Some(&b""[..]));
}

fn events(store: &dyn Store) {
    let (p, q) = ("EevP", "EevQ");
    let mut w = store.write().unwrap();
    // Two KELs interleaved: each event is found by SAID with its own entry and body.
    for sn in 0..20u128 {
        for prefix in [p, q] {
            let s = said(prefix, sn, "e");
            w.append_kel(prefix, sn, &s, 5, &body(&s)).unwrap();
        }
    }
    w.commit().unwrap();
    let r = store.read().unwrap();
    for sn in 0..20u128 {
        for prefix in [p, q] {
            let s = said(prefix, sn, "e");
            assert_eq!(r.event(&s).unwrap(), Some(body(&s)));
            let rec = r.event_record(&s).unwrap().unwrap();
            assert_eq!((rec.entry.prefix.as_str(), rec.entry.sn, rec.entry.said.as_str()), (prefix, sn, s.as_str()));
            assert_eq!(rec.entry.ordinal, u64::try_from(sn).unwrap());
            assert!(AttachmentKind::ALL.into_iter().all(|k| rec.attachments(k).is_empty()));
        }
    }
    assert!(r.event("EevNever").unwrap().is_none());
    assert!(r.event_record("EevNever").unwrap().is_none());
}

/// Two SAIDs whose index entries collide must still be told apart. The test hook files an index
/// entry for `alias` at the location of `existing`, which is what a 64-bit hash collision of the
/// two looks like.
pub(crate) fn check_collisions(store: &dyn Store, alias: &dyn Fn(&str, &str)) {
    let p = "EcolP";
    let mut w = store.write().unwrap();
    for s in ["Ecol0", "Ecol1"] {
        let sn = if s == "Ecol0" { 0 } else { 1 };
        w.append_kel(p, sn, s, 1, &body(s)).unwrap();
        w.set_attachments(AttachmentKind::ControllerSigs, s, &[format!("AA{s}")]).unwrap();
    }
    w.commit().unwrap();
    // Ecol1 and a SAID never stored both collide with Ecol0.
    alias("Ecol0", "Ecol1");
    alias("Ecol0", "EcolNever");
    let r = store.read().unwrap();
    assert_eq!(r.event("Ecol1").unwrap(), Some(body("Ecol1")));
    assert_eq!(r.event("Ecol0").unwrap(), Some(body("Ecol0")));
    assert_eq!(r.event_record("Ecol1").unwrap().unwrap().attachments(AttachmentKind::ControllerSigs), ["AAEcol1"]);
    assert!(r.event("EcolNever").unwrap().is_none());
    assert!(r.event_record("EcolNever").unwrap().is_none());
    drop(r);
    let mut w = store.write().unwrap();
    assert_eq!(w.add_attachments(AttachmentKind::WitnessSigs, "Ecol1", &["AAw".to_owned()]).unwrap(), 1);
    assert!(matches!(
        w.add_attachments(AttachmentKind::WitnessSigs, "EcolNever", &["AAw".to_owned()]),
        Err(Error::NoSuchEvent { .. })
    ));
    w.commit().unwrap();
    let r = store.read().unwrap();
    assert_eq!(r.event_record("Ecol1").unwrap().unwrap().attachments(AttachmentKind::WitnessSigs), ["AAw"]);
    assert!(r.event_record("Ecol0").unwrap().unwrap().attachments(AttachmentKind::WitnessSigs).is_empty());
}

/// Enough events, in commits of several sizes, for the SAID index to write runs of level 1 and
/// merge them into level 2 (4096 * 8 entries): every event stays found, with its attachments.
pub(crate) fn said_index_runs(store: &dyn Store) {
    let p = "EidxP";
    let n = 4096 * 9 + 77;
    let s = |i: u64| format!("E{:043x}", i.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let mut i = 0u64;
    let mut size = 1u64;
    while i < n {
        let mut w = store.write_with(Durability::Deferred).unwrap();
        for _ in 0..size.min(n - i) {
            w.append_kel(p, u128::from(i), &s(i), i, &i.to_be_bytes()).unwrap();
            w.set_attachments(AttachmentKind::ControllerSigs, &s(i), &[format!("AA{i}")]).unwrap();
            i += 1;
        }
        // A lookup inside the transaction sees runs and its own new entries.
        assert_eq!(w.event(&s(i / 2)).unwrap(), Some((i / 2).to_be_bytes().to_vec()));
        w.commit().unwrap();
        size = size * 3 % 5000 + 1;
    }
    store.flush().unwrap();
    let r = store.read().unwrap();
    for i in (0..n).step_by(13).chain([0, n - 1, 4095, 4096, 4097, 32767, 32768]) {
        let rec = r.event_record(&s(i)).unwrap().unwrap_or_else(|| panic!("event {i} lost"));
        assert_eq!((rec.entry.ordinal, rec.body.as_slice()), (i, &i.to_be_bytes()[..]));
        assert_eq!(rec.attachments(AttachmentKind::ControllerSigs), [format!("AA{i}")]);
    }
    assert!(r.event(&s(n)).unwrap().is_none());
    assert_eq!(len_of_log(&*r, p), usize::try_from(n).unwrap());
}

fn attachments(store: &dyn Store) {
    let (p, s) = ("EattP", "EattSaid");
    let items = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    let mut w = store.write().unwrap();
    w.append_kel(p, 0, s, 1, &body(s)).unwrap();
    w.commit().unwrap();
    let mut w = store.write().unwrap();
    assert_eq!(w.add_attachments(AttachmentKind::ControllerSigs, s, &items(&["AAsig0", "ABsig1"])).unwrap(), 2);
    assert_eq!(w.add_attachments(AttachmentKind::ControllerSigs, s, &items(&["ABsig1", "ACsig2"])).unwrap(), 1);
    assert_eq!(w.add_attachments(AttachmentKind::WitnessSigs, s, &items(&["AAwig"])).unwrap(), 1);
    assert_eq!(w.add_attachments(AttachmentKind::Receipts, s, &items(&["BWit0Bsig"])).unwrap(), 1);
    assert_eq!(w.add_attachments(AttachmentKind::TransReceipts, s, &items(&["EpreOAAAEdigAAsig"])).unwrap(), 1);
    assert_eq!(w.add_attachments(AttachmentKind::TransReceipts, s, &[]).unwrap(), 0);
    // Attachments of an event never appended are refused, typed.
    let err = w.add_attachments(AttachmentKind::ControllerSigs, "Eother", &items(&["AAx"])).unwrap_err();
    assert!(matches!(err, Error::NoSuchEvent { ref said } if said == "Eother"), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(matches!(
        w.set_attachments(AttachmentKind::ControllerSigs, "Eother", &items(&["AAx"])),
        Err(Error::NoSuchEvent { .. })
    ));
    w.commit().unwrap();
    let r = store.read().unwrap();
    let rec = r.event_record(s).unwrap().unwrap();
    assert_eq!(rec.attachments(AttachmentKind::ControllerSigs), items(&["AAsig0", "ABsig1", "ACsig2"]));
    assert_eq!(rec.attachments(AttachmentKind::WitnessSigs), items(&["AAwig"]));
    assert_eq!(rec.attachments(AttachmentKind::Receipts), items(&["BWit0Bsig"]));
    assert_eq!(rec.attachments(AttachmentKind::TransReceipts), items(&["EpreOAAAEdigAAsig"]));
    assert_eq!(rec.body, body(s));
    drop(r);
    // set_attachments replaces the list (duplicates dropped, order kept); empty removes it; it
    // works on an event appended in the same transaction.
    let mut w = store.write().unwrap();
    w.set_attachments(AttachmentKind::ControllerSigs, s, &items(&["AZsig9", "AAsig0", "AZsig9"])).unwrap();
    w.set_attachments(AttachmentKind::Receipts, s, &[]).unwrap();
    w.append_kel(p, 1, "EfreshSaid", 2, b"fresh").unwrap();
    w.set_attachments(AttachmentKind::WitnessSigs, "EfreshSaid", &items(&["AAwig"])).unwrap();
    assert_eq!(w.add_attachments(AttachmentKind::WitnessSigs, "EfreshSaid", &items(&["AAwig", "ABwig"])).unwrap(), 1);
    let own = w.event_record(s).unwrap().unwrap();
    assert_eq!(own.attachments(AttachmentKind::ControllerSigs), items(&["AZsig9", "AAsig0"]));
    w.commit().unwrap();
    let r = store.read().unwrap();
    let rec = r.event_record(s).unwrap().unwrap();
    assert_eq!(rec.attachments(AttachmentKind::ControllerSigs), items(&["AZsig9", "AAsig0"]));
    assert!(rec.attachments(AttachmentKind::Receipts).is_empty());
    assert_eq!(rec.attachments(AttachmentKind::WitnessSigs), items(&["AAwig"]));
    let fresh = r.event_record("EfreshSaid").unwrap().unwrap();
    assert_eq!(fresh.attachments(AttachmentKind::WitnessSigs), items(&["AAwig", "ABwig"]));
    assert_eq!((fresh.entry.ordinal, fresh.body.as_slice()), (1, &b"fresh"[..]));
}

fn states(store: &dyn Store) {
    let mut w = store.write().unwrap();
    w.put_state("EstateP", b"v1").unwrap();
    w.put_state("EstateP", b"v2").unwrap();
    w.commit().unwrap();
    let r = store.read().unwrap();
    assert_eq!(r.state("EstateP").unwrap().as_deref(), Some(&b"v2"[..]));
    assert!(r.state("EstateQ").unwrap().is_none());
}

fn escrows(store: &dyn Store) {
    let k = |kind, p: &str, sn, s: &str| EscrowKey::new(kind, p, sn, s);
    let mut w = store.write().unwrap();
    for kind in EscrowKind::ALL {
        w.put_escrow(&k(kind, "EescB", 2, "Es2"), 30, b"b2").unwrap();
        w.put_escrow(&k(kind, "EescA", 1, "Es1"), 10, b"a1").unwrap();
        w.put_escrow(&k(kind, "EescA", 0, "Es0"), 20, b"").unwrap();
    }
    w.commit().unwrap();
    let r = store.read().unwrap();
    for kind in EscrowKind::ALL {
        let all = r.escrow(kind).unwrap();
        let keys: Vec<_> = all.iter().map(|e| (e.key.prefix.as_str(), e.key.sn, e.inserted_micros)).collect();
        assert_eq!(keys, vec![("EescA", 0, 20), ("EescA", 1, 10), ("EescB", 2, 30)], "{kind:?}");
        assert!(all.iter().all(|e| e.key.kind == kind));
        assert_eq!(all[1].blob, b"a1");
        assert_eq!(all[2].key.said, "Es2");
    }
    drop(r);
    let mut w = store.write().unwrap();
    assert!(w.delete_escrow(&k(EscrowKind::OutOfOrder, "EescA", 1, "Es1")).unwrap());
    assert!(!w.delete_escrow(&k(EscrowKind::OutOfOrder, "EescA", 1, "Es1")).unwrap());
    w.put_escrow(&k(EscrowKind::PartiallySigned, "EescA", 0, "Es0"), 99, b"new").unwrap();
    w.commit().unwrap();
    let r = store.read().unwrap();
    assert_eq!(r.escrow(EscrowKind::OutOfOrder).unwrap().len(), 2);
    assert_eq!(r.escrow(EscrowKind::Delegation).unwrap().len(), 3);
    let e = r.escrow(EscrowKind::PartiallySigned).unwrap().into_iter().next().unwrap();
    assert_eq!((e.key.sn, e.inserted_micros, e.blob.as_slice()), (0, 99, &b"new"[..]));
}

fn duplicates(store: &dyn Store) {
    let mut w = store.write().unwrap();
    w.put_duplicate("EdupP", 3, "Edup3b", b"event b", b"-AABatt").unwrap();
    w.put_duplicate("EdupP", 3, "Edup3a", b"event a", b"").unwrap();
    w.put_duplicate("EdupP", 1, "Edup1", b"", b"x").unwrap();
    w.put_duplicate("EdupQ", 0, "Edup0", b"q", b"q").unwrap();
    w.commit().unwrap();
    let r = store.read().unwrap();
    let d = r.duplicates("EdupP").unwrap();
    let keys: Vec<_> = d.iter().map(|x| (x.sn, x.said.as_str())).collect();
    assert_eq!(keys, vec![(1, "Edup1"), (3, "Edup3a"), (3, "Edup3b")]);
    assert_eq!((d[2].event.as_slice(), d[2].attachments.as_slice()), (&b"event b"[..], &b"-AABatt"[..]));
    assert_eq!(d[0].prefix, "EdupP");
    assert!(r.duplicates("EdupR").unwrap().is_empty());
}

fn rollback_on_drop(store: &dyn Store) {
    let mut w = store.write().unwrap();
    w.append_kel("EdropP", 0, "Edrop0", 1, b"x").unwrap();
    w.add_attachments(AttachmentKind::ControllerSigs, "Edrop0", &["AAx".to_owned()]).unwrap();
    w.put_state("EdropP", b"s").unwrap();
    w.put_escrow(&EscrowKey::new(EscrowKind::OutOfOrder, "EdropP", 0, "Edrop0"), 1, b"").unwrap();
    w.put_duplicate("EdropP", 0, "Edrop0", b"", b"").unwrap();
    drop(w);
    let r = store.read().unwrap();
    assert!(r.kel("EdropP", 0).unwrap().is_empty());
    assert!(r.first_seen("EdropP", 0).unwrap().is_empty());
    assert!(r.event("Edrop0").unwrap().is_none());
    assert!(r.event_record("Edrop0").unwrap().is_none());
    assert!(r.state("EdropP").unwrap().is_none());
    assert!(r.escrow(EscrowKind::OutOfOrder).unwrap().iter().all(|e| e.key.prefix != "EdropP"));
    assert!(r.duplicates("EdropP").unwrap().is_empty());
    assert!(!r.prefixes().unwrap().contains(&"EdropP".to_owned()));
}

fn reads_own_writes(store: &dyn Store) {
    let p = "EownP";
    let mut w = store.write().unwrap();
    w.append_kel(p, 0, "Eown0", 1, b"own0").unwrap();
    w.put_escrow(&EscrowKey::new(EscrowKind::OutOfOrder, p, 5, "Eown5"), 1, b"").unwrap();
    w.put_escrow(&EscrowKey::new(EscrowKind::OutOfOrder, p, 6, "Eown6"), 1, b"").unwrap();
    w.put_state(p, b"s0").unwrap();
    w.commit().unwrap();

    let mut w = store.write().unwrap();
    // Uncommitted appends, replacements and deletions are all visible inside the transaction,
    // including through scans that merge them with committed records.
    let e1 = w.append_kel(p, 1, "Eown1", 2, b"own1").unwrap();
    assert_eq!(e1.ordinal, 1);
    assert_eq!(len_of_log(&*w, p), 2);
    assert_eq!(w.event("Eown1").unwrap().as_deref(), Some(&b"own1"[..]));
    assert_eq!(w.event_record("Eown0").unwrap().unwrap().body, b"own0");
    assert_eq!(w.kel(p, 0).unwrap().iter().map(|e| e.said.as_str()).collect::<Vec<_>>(), vec!["Eown0", "Eown1"]);
    assert_eq!(w.kel_entry(p, 1).unwrap().unwrap().said, "Eown1");
    assert!(w.delete_escrow(&EscrowKey::new(EscrowKind::OutOfOrder, p, 5, "Eown5")).unwrap());
    w.put_escrow(&EscrowKey::new(EscrowKind::OutOfOrder, p, 4, "Eown4"), 1, b"").unwrap();
    let sns: Vec<_> =
        w.escrow(EscrowKind::OutOfOrder).unwrap().iter().filter(|e| e.key.prefix == p).map(|e| e.key.sn).collect();
    assert_eq!(sns, vec![4, 6]);
    w.put_state(p, b"s1").unwrap();
    assert_eq!(w.state(p).unwrap().as_deref(), Some(&b"s1"[..]));
    assert!(w.prefixes().unwrap().contains(&p.to_owned()));
    // Other readers do not see any of it until commit.
    {
        let r = store.read().unwrap();
        assert_eq!(len_of_log(&*r, p), 1);
        assert!(r.event("Eown1").unwrap().is_none());
        assert_eq!(r.state(p).unwrap().as_deref(), Some(&b"s0"[..]));
    }
    w.commit().unwrap();
    let r = store.read().unwrap();
    assert_eq!(len_of_log(&*r, p), 2);
    assert_eq!(r.escrow(EscrowKind::OutOfOrder).unwrap().iter().filter(|e| e.key.prefix == p).count(), 2);
}

fn snapshot_isolation(store: &dyn Store) {
    let mut w = store.write().unwrap();
    w.put_state("EsnapP", b"old").unwrap();
    w.commit().unwrap();
    let before = store.read().unwrap();
    let mut w = store.write().unwrap();
    w.put_state("EsnapP", b"new").unwrap();
    w.append_kel("EsnapP", 0, "Esnap0", 1, b"").unwrap();
    w.commit().unwrap();
    // The older snapshot still sees the old state, a new one the new.
    assert_eq!(before.state("EsnapP").unwrap().as_deref(), Some(&b"old"[..]));
    assert!(before.kel("EsnapP", 0).unwrap().is_empty());
    assert!(before.event("Esnap0").unwrap().is_none());
    assert_eq!(store.read().unwrap().state("EsnapP").unwrap().as_deref(), Some(&b"new"[..]));
}

fn readers_during_writer(store: &dyn Store) {
    let mut w = store.write().unwrap();
    w.put_state("EconcP", b"0").unwrap();
    w.commit().unwrap();
    let mut w = store.write().unwrap();
    w.put_state("EconcP", b"1").unwrap();
    // While the write transaction is open, readers on other threads read the committed state.
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                let r = store.read().unwrap();
                assert_eq!(r.state("EconcP").unwrap().as_deref(), Some(&b"0"[..]));
            });
        }
    });
    w.commit().unwrap();
    assert_eq!(store.read().unwrap().state("EconcP").unwrap().as_deref(), Some(&b"1"[..]));
}

fn concurrent_writers(store: &dyn Store) {
    // Four threads append to one prefix; writers are serialized, ordinals stay contiguous.
    std::thread::scope(|s| {
        for t in 0..4u128 {
            s.spawn(move || {
                for i in 0..10u128 {
                    let mut w = store.write().unwrap();
                    w.append_kel("EmultiP", t * 100 + i, &format!("Emulti{t}_{i}"), 1, b"m").unwrap();
                    w.commit().unwrap();
                }
            });
        }
    });
    let r = store.read().unwrap();
    let fel = r.first_seen("EmultiP", 0).unwrap();
    assert_eq!(fel.iter().map(|e| e.ordinal).collect::<Vec<_>>(), (0..40).collect::<Vec<u64>>());
    assert_eq!(r.kel("EmultiP", 0).unwrap().len(), 40);
}

fn deferred_and_flush(store: &dyn Store) {
    for i in 0..5u128 {
        let mut w = store.write_with(Durability::Deferred).unwrap();
        w.append_kel("EdeferP", i, &format!("Edefer{i}"), 1, b"d").unwrap();
        w.commit().unwrap();
    }
    assert_eq!(store.read().unwrap().kel("EdeferP", 0).unwrap().len(), 5);
    store.flush().unwrap();
    assert_eq!(len_of_log(&*store.read().unwrap(), "EdeferP"), 5);
}

fn invalid_keys(store: &dyn Store) {
    let r = store.read().unwrap();
    assert!(matches!(r.kel("", 0), Err(Error::InvalidKey { what: "prefix", .. })));
    assert!(matches!(r.event(""), Err(Error::InvalidKey { what: "said", .. })));
    assert!(matches!(r.event_record(""), Err(Error::InvalidKey { what: "said", .. })));
    assert!(matches!(r.first_seen("", 0), Err(Error::InvalidKey { what: "prefix", .. })));
    assert!(matches!(r.kel_entry("", 0), Err(Error::InvalidKey { what: "prefix", .. })));
    assert!(matches!(r.duplicates(""), Err(Error::InvalidKey { what: "prefix", .. })));
    let long = "E".repeat(2000);
    assert!(matches!(r.state(&long), Err(Error::InvalidKey { .. })));
    drop(r);
    let mut w = store.write().unwrap();
    assert!(matches!(w.append_kel("Ep", 0, "", 0, b""), Err(Error::InvalidKey { what: "said", .. })));
    assert!(matches!(w.append_kel("", 0, "Es", 0, b""), Err(Error::InvalidKey { what: "prefix", .. })));
    assert!(matches!(
        w.set_attachments(AttachmentKind::ControllerSigs, "", &[]),
        Err(Error::InvalidKey { what: "said", .. })
    ));
    assert!(matches!(w.put_duplicate("", 0, "Es", b"", b""), Err(Error::InvalidKey { .. })));
    assert!(matches!(
        w.delete_escrow(&EscrowKey::new(EscrowKind::OutOfOrder, "Ep", 0, "")),
        Err(Error::InvalidKey { what: "said", .. })
    ));
    let e = w.put_state("", b"").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(matches!(w.put_state("", b""), Err(Error::InvalidKey { .. })));
    assert!(matches!(
        w.put_escrow(&EscrowKey::new(EscrowKind::OutOfOrder, "", 0, "Es"), 0, b""),
        Err(Error::InvalidKey { .. })
    ));
}

/// Fills one record of every table (prefix `EcorP`).
pub(crate) fn populate(store: &dyn Store) {
    let mut w = store.write().unwrap();
    w.append_kel("EcorP", 0, "Ecor0", 7, b"body").unwrap();
    w.add_attachments(AttachmentKind::ControllerSigs, "Ecor0", &["AAsig".to_owned()]).unwrap();
    w.put_state("EcorP", b"state").unwrap();
    w.put_escrow(&EscrowKey::new(EscrowKind::PartiallyWitnessed, "EcorP", 0, "Ecor0"), 7, b"blob").unwrap();
    w.put_duplicate("EcorP", 0, "Ecor0", b"dup", b"att").unwrap();
    w.commit().unwrap();
}

/// The reads that must fail once every record of `table` holds `garbage`.
pub(crate) fn check_corrupt(store: &dyn Store, table: &str) {
    let r = store.read().unwrap();
    let corrupt = |res: Result<(), Error>, what: &str| match res {
        Err(Error::Corrupt { table: t, key, reason }) => {
            assert_eq!(t, table, "{what}");
            assert!(!key.is_empty() && !reason.is_empty());
        }
        other => panic!("{what}: expected Corrupt in {table}, got {other:?}"),
    };
    match table {
        "first_seen" => {
            corrupt(r.first_seen("EcorP", 0).map(drop), "first_seen");
            corrupt(r.kel_entry("EcorP", 0).map(drop), "kel_entry");
            corrupt(r.kel("EcorP", 0).map(drop), "kel");
            corrupt(r.event("Ecor0").map(drop), "event");
            corrupt(r.event_record("Ecor0").map(drop), "event_record");
            drop(r);
            let mut w = store.write().unwrap();
            let appended = w.append_kel("EcorP", 1, "Ecor1", 7, b"");
            corrupt(appended.map(drop), "append_kel");
        }
        "prefix_ids" => {
            corrupt(r.first_seen("EcorP", 0).map(drop), "first_seen");
            corrupt(r.kel_entry("EcorP", 0).map(drop), "kel_entry");
            corrupt(r.kel("EcorP", 0).map(drop), "kel");
        }
        "id_prefixes" => corrupt(r.event_record("Ecor0").map(drop), "event_record"),
        "said_runs" => {
            drop(r);
            let mut w = store.write().unwrap();
            w.append_kel("EcorP", 1, "Ecor1", 7, b"").unwrap();
            corrupt(w.commit(), "commit");
        }
        "said_index" => {
            corrupt(r.event("Ecor0").map(drop), "event");
            corrupt(r.event_record("Ecor0").map(drop), "event_record");
        }
        "kel_index" => {
            corrupt(r.kel_entry("EcorP", 0).map(drop), "kel_entry");
            corrupt(r.kel("EcorP", 0).map(drop), "kel");
        }
        "attachments" => {
            corrupt(r.event_record("Ecor0").map(drop), "event_record");
            drop(r);
            let mut w = store.write().unwrap();
            let added = w.add_attachments(AttachmentKind::ControllerSigs, "Ecor0", &["AAx".to_owned()]);
            corrupt(added.map(drop), "add_attachments");
        }
        "escrows" => corrupt(r.escrow(EscrowKind::PartiallyWitnessed).map(drop), "escrow"),
        "duplicates" => corrupt(r.duplicates("EcorP").map(drop), "duplicates"),
        other => panic!("no corruption check for {other}"),
    }
}

/// Tables whose records have structure to check, and garbage that breaks each.
pub(crate) const CORRUPTIONS: [(&str, &[u8]); 11] = [
    ("said_runs", b"x"),
    ("first_seen", b"\x01"),
    ("prefix_ids", b"short"),
    ("id_prefixes", b"\xff\xfe"),
    ("said_index", b"not empty"),
    ("kel_index", b"short"),
    ("attachments", b"\x00\x00\x00\x09ab"),
    ("escrows", b"\x00"),
    // An index entry that points at another first-seen record than its own.
    ("kel_index", b"\x00\x00\x00\x00\x00\x00\x00\x05"),
    ("duplicates", b"\x00\x00\x00\x01"),
    (
        "first_seen",
        b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xfe",
    ),
];

#[cfg(feature = "memory")]
mod memory {
    use dkms_store::MemoryStore;

    #[test]
    fn memory_conformance() {
        super::run_all(&MemoryStore::new());
    }

    #[test]
    fn memory_said_collisions() {
        let store = MemoryStore::new();
        super::check_collisions(&store, &|existing, alias| store.alias_said_for_tests(existing, alias).unwrap());
    }

    #[test]
    fn memory_said_index_runs() {
        super::said_index_runs(&MemoryStore::new());
    }

    #[test]
    fn memory_corrupt_records_are_typed_errors() {
        for (table, garbage) in super::CORRUPTIONS {
            let store = MemoryStore::new();
            super::populate(&store);
            assert!(store.overwrite_table_for_tests(table, garbage));
            super::check_corrupt(&store, table);
        }
    }
}

#[cfg(feature = "redb")]
mod redb {
    use std::io::Write;

    use dkms_store::{Error, ErrorKind, RedbStore, SCHEMA_VERSION, Store};

    use crate::{Cleanup, temp_path};

    #[test]
    fn redb_conformance() {
        let path = temp_path("conformance");
        let _c = Cleanup(path.clone());
        let store = RedbStore::open(&path).unwrap();
        super::run_all(&store);
        // Everything survives closing and reopening.
        let before = store.read().unwrap().prefixes().unwrap();
        drop(store);
        let store = RedbStore::open(&path).unwrap();
        let r = store.read().unwrap();
        assert_eq!(r.prefixes().unwrap(), before);
        assert_eq!(r.kel("EkelPrefix", 0).unwrap().len(), 3);
        assert_eq!(r.first_seen("EmultiP", 0).unwrap().len(), 40);
        assert_eq!(r.event_record("EattSaid").unwrap().unwrap().entry.prefix, "EattP");
    }

    #[test]
    fn redb_said_collisions() {
        let path = temp_path("collisions");
        let _c = Cleanup(path.clone());
        let store = RedbStore::open(&path).unwrap();
        super::check_collisions(&store, &|existing, alias| store.alias_said_for_tests(existing, alias).unwrap());
    }

    #[test]
    fn redb_said_index_runs() {
        let path = temp_path("index-runs");
        let _c = Cleanup(path.clone());
        super::said_index_runs(&RedbStore::open(&path).unwrap());
        // And after reopening.
        let store = RedbStore::open(&path).unwrap();
        let r = store.read().unwrap();
        assert!(r.event_record(&format!("E{:043x}", 4096u64.wrapping_mul(0x9e37_79b9_7f4a_7c15))).unwrap().is_some());
    }

    #[test]
    fn redb_conformance_with_a_tiny_cache() {
        // Pages mostly come from the file, not the cache: same behaviour.
        let path = temp_path("tiny-cache");
        let _c = Cleanup(path.clone());
        let store = RedbStore::open_with_cache(&path, 64 << 10).unwrap();
        super::run_all(&store);
        let mut w = store.write().unwrap();
        for i in 0..3000u32 {
            w.append_kel("EtinyP", u128::from(i), &format!("Etiny{i:05}"), 1, &[u8::try_from(i % 251).unwrap(); 300])
                .unwrap();
        }
        w.commit().unwrap();
        drop(store);
        let store = RedbStore::open_with_cache(&path, 64 << 10).unwrap();
        let r = store.read().unwrap();
        for i in (0..3000u32).step_by(7) {
            assert_eq!(r.event(&format!("Etiny{i:05}")).unwrap(), Some(vec![u8::try_from(i % 251).unwrap(); 300]));
        }
    }

    #[test]
    fn redb_corrupt_records_are_typed_errors() {
        for (table, garbage) in super::CORRUPTIONS {
            let path = temp_path("corrupt");
            let _c = Cleanup(path.clone());
            super::populate(&RedbStore::open(&path).unwrap());
            dkms_store::testing::redb_overwrite_table(&path, table, garbage).unwrap();
            super::check_corrupt(&RedbStore::open(&path).unwrap(), table);
        }
    }

    #[test]
    fn redb_new_store_reopens_and_keeps_what_was_committed() {
        // The tables of a new store are not synced on their own; opening it again (with or
        // without a commit in between) must find a store, never a foreign file.
        let path = temp_path("reopen");
        let _c = Cleanup(path.clone());
        drop(RedbStore::open(&path).unwrap());
        drop(RedbStore::open(&path).unwrap());
        let store = RedbStore::open(&path).unwrap();
        super::populate(&store);
        drop(store);
        let store = RedbStore::open(&path).unwrap();
        assert!(!store.read().unwrap().prefixes().unwrap().is_empty());
    }

    #[test]
    fn redb_schema_too_new_is_refused() {
        let path = temp_path("schema");
        let _c = Cleanup(path.clone());
        drop(RedbStore::open(&path).unwrap());
        dkms_store::testing::redb_set_schema_version(&path, SCHEMA_VERSION + 1).unwrap();
        match RedbStore::open(&path) {
            Err(e @ Error::SchemaTooNew { found: 3, supported: 2, .. }) => {
                assert_eq!(e.kind(), ErrorKind::SchemaVersion)
            }
            other => panic!("expected SchemaTooNew, got {other:?}"),
        }
        // Version 1 (events keyed by SAID) is refused, not migrated, and stays version 1.
        dkms_store::testing::redb_set_schema_version(&path, 1).unwrap();
        for _ in 0..2 {
            assert!(matches!(RedbStore::open(&path), Err(Error::SchemaTooOld { found: 1, oldest: 2, .. })));
        }
        dkms_store::testing::redb_set_schema_version(&path, 0).unwrap();
        assert!(matches!(RedbStore::open(&path), Err(Error::SchemaTooOld { found: 0, oldest: 2, .. })));
        dkms_store::testing::redb_set_schema_version(&path, SCHEMA_VERSION).unwrap();
        RedbStore::open(&path).unwrap();
    }

    #[test]
    fn redb_foreign_file_is_not_a_store() {
        let path = temp_path("foreign");
        let _c = Cleanup(path.clone());
        std::fs::File::create(&path).unwrap().write_all(&[0x42; 8192]).unwrap();
        let err = RedbStore::open(&path).unwrap_err();
        assert!(matches!(err, Error::NotAStore { .. }), "{err:?}");
        // The refused file is left as it was.
        assert_eq!(std::fs::read(&path).unwrap(), vec![0x42; 8192]);
    }

    #[test]
    fn redb_truncated_file_is_a_typed_error() {
        for keep in [0.5f64, 0.1, 0.9] {
            let path = temp_path("truncated");
            let _c = Cleanup(path.clone());
            {
                let store = RedbStore::open(&path).unwrap();
                super::run_all(&store);
            }
            let len = std::fs::metadata(&path).unwrap().len();
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
            let cut = (len as f64 * keep) as u64;
            std::fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(cut).unwrap();
            // Opening fails with a typed error, or opens and every read answers (never a panic).
            match RedbStore::open(&path) {
                Err(e) => {
                    eprintln!("truncated to {keep}: {e}");
                    assert!(
                        matches!(
                            e,
                            Error::Damaged { .. }
                                | Error::NotAStore { .. }
                                | Error::Io { .. }
                                | Error::Backend { .. }
                                | Error::Corrupt { .. }
                        ),
                        "{e:?}"
                    );
                }
                Ok(store) => {
                    eprintln!("truncated to {keep}: opened");
                    if let Ok(r) = store.read() {
                        let _ = r.prefixes();
                        let _ = r.kel("EkelPrefix", 0);
                    }
                }
            }
        }
    }
}
