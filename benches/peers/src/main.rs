//! Side-by-side KEL ingest: this project next to its peers, on the same keripy-made streams,
//! in one run, with one table at the end.
//!
//! ```text
//! peers run [--data DIR] [--runs-1k N] [--runs-10k N] [--runs-multi N] [--only ID,ID,..]
//!           [--streams 1k,10k,multi] [--keripy-python PATH] [--keripy-script PATH]
//!           [--keripy-runs-10k N] [--keri PATH]
//! peers list
//! peers child ID STREAM_FILE     (internal: one measurement, see below)
//! ```
//!
//! # What is measured
//!
//! Every (implementation, stream, run) is one child process: `run` re-executes this binary
//! (`std::env::current_exe()`) as `peers child ID FILE`. The child reads the whole stream into
//! memory (not timed), does the measured work once (timed with `Instant`, and the CPU time of
//! the span from the thread's or, for multi-threaded paths, the process's CPU clock; setup
//! such as creating a database file is outside the span), checks the outcome (event count,
//! and for the validating paths the final sequence number and SAID of the identifier against
//! `benches/data/keripy-1.1.17/streams.json`), reads its peak resident set (`VmHWM` from
//! `/proc/self/status`) and prints one line of `key=value` pairs. A fresh process per run
//! keeps the peak RSS of each implementation its own and makes every run a cold, one-shot
//! ingest (the allocator's and the verifier's first-use costs included), the same for all.
//! keripy is run the same way, one Python process per run (`keripy_ingest.py --json`).
//!
//! The runs are interleaved (run 1 of every job, then run 2 of every job, ...) so a change in
//! the machine's background load spreads over all implementations instead of hitting one.
//!
//! The implementations (`peers list`), with what each measured path covers:
//!
//! * `ours-frame`, `ours-sigs`, `ours-parse`, `ours-mem`, `ours-par2`, `ours-redb`,
//!   `ours-redb-each-nosync`, `ours-redb-each`: this workspace's crates by path (see [`ours`]).
//! * `keri-core-parse`, `keri-core`: keri-core 0.17.13 (see [`keri_core_peer`]).
//! * `cesr-stream-frame`, `cesr-stream-sigs`, `keri-codec-parse`, `keri-rs`: the sans-io core,
//!   cesr-rs 0.12 / cesr-stream 0.7 / keri-codec 0.10 / keri-rs 0.1 (see [`sansio`]).
//! * `keripy`, `keripy-nosync`: keripy 1.1.17 through `keripy_ingest.py`.
//!
//! Figures: events/s and MB/s (10^6 bytes) from the best and the median wall time, the least
//! CPU time over the runs, peak RSS (the largest `VmHWM` over the runs, MiB), and two time
//! ratios (wall and CPU): against our path at the same level (framing against framing, full
//! validation in memory against ours in memory, ...) and against `ours-mem`, our in-memory
//! validating ingest.
#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::error::Error;
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Result type of a measured path.
type Res<T> = Result<T, Box<dyn Error>>;

/// The streams, as `streams.json` names them, and how many runs each gets by default.
const STREAMS: [(&str, &str, usize); 3] =
    [("1k", "kel_single_key_1k.cesr", 5), ("10k", "kel_single_key_10k.cesr", 3), ("multi", "multi_2000.cesr", 3)];

/// The harness's own lock file, for the exact versions in the report.
const CARGO_LOCK: &str = include_str!("../Cargo.lock");

// ---------------------------------------------------------------------------------------
// Implementations
// ---------------------------------------------------------------------------------------

/// What a measured path covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    /// Split the stream into messages and their attachment groups (no primitive decoded).
    Frame,
    /// Framing, then every attached indexed signature decoded into a typed value.
    Sigs,
    /// Framing, the strict body parse with its SAID check, and every attachment decoded.
    Parse,
    /// Full KEL validation, state in memory.
    ValidateMemory,
    /// Full KEL validation into a database, committed once at the end.
    ValidateDbGroup,
    /// Full KEL validation into a database, each event committed on its own, no sync to disk.
    ValidateDbEachNoSync,
    /// Full KEL validation into a database, each event committed durably on its own.
    ValidateDbEach,
    /// A whole `keri` process: start, store open, validation, commit, exit.
    Process,
}

impl Level {
    fn label(self) -> &'static str {
        match self {
            Level::Frame => "frame",
            Level::Sigs => "frame + sig decode",
            Level::Parse => "parse (body + SAID + sigs)",
            Level::ValidateMemory => "validate, memory",
            Level::ValidateDbGroup => "validate, DB, one commit",
            Level::ValidateDbEachNoSync => "validate, DB, commit per event, no sync",
            Level::ValidateDbEach => "validate, DB, durable commit per event",
            Level::Process => "whole process",
        }
    }

    /// Our implementation at the same level, for the first ratio column.
    fn reference(self) -> &'static str {
        match self {
            Level::Frame => "ours-frame",
            Level::Sigs => "ours-sigs",
            Level::Parse => "ours-parse",
            Level::ValidateMemory => "ours-mem",
            Level::ValidateDbGroup => "ours-redb",
            Level::ValidateDbEachNoSync => "ours-redb-each-nosync",
            Level::ValidateDbEach => "ours-redb-each",
            Level::Process => "keri-import",
        }
    }
}

/// How a job runs.
#[derive(Clone, Copy, Debug)]
enum Runner {
    /// A path in this binary, run as `peers child ID FILE`.
    Rust(fn(&[u8], &mut Clock) -> Res<Outcome>),
    /// `keripy_ingest.py`, with LMDB syncing on commit (true) or not (false).
    Keripy { sync: bool },
    /// The `keri` binary (`--keri PATH`) as a whole process, in a home made by `keri init`
    /// (untimed): `keri kel import FILE --json` (true) or `keri kel verify FILE` (false).
    Keri { import: bool },
}

/// One implementation's measured path.
struct Impl {
    id: &'static str,
    who: &'static str,
    level: Level,
    runner: Runner,
    /// Threads the path uses: above 1, the CPU time counted is the whole process's.
    threads: usize,
    /// What the path covers where it differs from its level's label.
    covers: Option<&'static str>,
    /// Whether it also runs on the multi-identifier stream.
    multi: bool,
}

/// Every path this build can measure, in table order.
fn impls() -> Vec<Impl> {
    let mut v = vec![
        Impl {
            id: "ours-frame",
            who: "dkms",
            level: Level::Frame,
            runner: Runner::Rust(ours::frame),
            threads: 1,
            covers: None,
            multi: true,
        },
        Impl {
            id: "cesr-stream-frame",
            who: "cesr-stream",
            level: Level::Frame,
            runner: Runner::Rust(sansio::frame),
            threads: 1,
            covers: None,
            multi: true,
        },
        Impl {
            id: "ours-sigs",
            who: "dkms",
            level: Level::Sigs,
            runner: Runner::Rust(ours::sigs),
            threads: 1,
            covers: None,
            multi: true,
        },
        Impl {
            id: "cesr-stream-sigs",
            who: "cesr-stream + cesr-rs",
            level: Level::Sigs,
            runner: Runner::Rust(sansio::sigs),
            threads: 1,
            covers: None,
            multi: true,
        },
        Impl {
            id: "ours-parse",
            who: "dkms",
            level: Level::Parse,
            runner: Runner::Rust(ours::parse),
            threads: 1,
            covers: None,
            multi: true,
        },
        Impl {
            id: "keri-codec-parse",
            who: "keri-codec",
            level: Level::Parse,
            runner: Runner::Rust(sansio::parse),
            threads: 1,
            covers: None,
            multi: true,
        },
        Impl {
            id: "keri-core-parse",
            who: "keri-core",
            level: Level::Parse,
            runner: Runner::Rust(keri_core_peer::parse),
            threads: 1,
            covers: Some("parse (body + sigs; no SAID check)"),
            multi: true,
        },
        Impl {
            id: "ours-mem",
            who: "dkms",
            level: Level::ValidateMemory,
            runner: Runner::Rust(ours::memory),
            threads: 1,
            covers: None,
            multi: true,
        },
    ];
    v.push(Impl {
        id: "ours-par2",
        who: "dkms (2 verifier threads)",
        level: Level::ValidateMemory,
        runner: Runner::Rust(ours::parallel2),
        threads: 2,
        covers: None,
        multi: true,
    });
    v.extend([
        Impl {
            id: "keri-rs",
            who: "keri-codec + keri-rs",
            level: Level::ValidateMemory,
            runner: Runner::Rust(sansio::validate),
            threads: 1,
            covers: None,
            multi: true,
        },
        Impl {
            id: "ours-redb",
            who: "dkms + redb",
            level: Level::ValidateDbGroup,
            runner: Runner::Rust(ours::redb_group),
            // the store's background writer: count the whole process's CPU time
            threads: 2,
            covers: None,
            multi: true,
        },
        Impl {
            id: "ours-redb-each-nosync",
            who: "dkms + redb (Deferred)",
            level: Level::ValidateDbEachNoSync,
            runner: Runner::Rust(ours::redb_each_nosync),
            threads: 1,
            covers: None,
            multi: false,
        },
        Impl {
            id: "keripy-nosync",
            who: "keripy (LMDB sync off)",
            level: Level::ValidateDbEachNoSync,
            runner: Runner::Keripy { sync: false },
            threads: 1,
            covers: None,
            multi: true,
        },
        Impl {
            id: "ours-redb-each",
            who: "dkms + redb",
            level: Level::ValidateDbEach,
            runner: Runner::Rust(ours::redb_each),
            threads: 1,
            covers: None,
            multi: false,
        },
        Impl {
            id: "keri-core",
            who: "keri-core (redb)",
            level: Level::ValidateDbEach,
            runner: Runner::Rust(keri_core_peer::ingest),
            threads: 1,
            covers: Some("validate (ixn SAID not recomputed), DB, durable commit per event"),
            multi: true,
        },
        Impl {
            id: "keripy",
            who: "keripy (LMDB)",
            level: Level::ValidateDbEach,
            runner: Runner::Keripy { sync: true },
            threads: 1,
            covers: None,
            multi: false,
        },
        Impl {
            id: "keri-import",
            who: "dkms `keri` binary",
            level: Level::Process,
            runner: Runner::Keri { import: true },
            threads: 4,
            covers: Some(
                "whole process: `keri kel import FILE` into a home (store open, validate, durable commit, exit)",
            ),
            multi: true,
        },
        Impl {
            id: "keri-verify",
            who: "dkms `keri` binary",
            level: Level::Process,
            runner: Runner::Keri { import: false },
            threads: 4,
            covers: Some("whole process: `keri kel verify FILE` (stateless; ≤ 4 MiB in memory)"),
            multi: true,
        },
        Impl {
            id: "baseline",
            who: "(read the file, nothing else)",
            level: Level::Frame,
            runner: Runner::Rust(baseline),
            threads: 1,
            covers: None,
            multi: true,
        },
    ]);
    v
}

/// What a measured path reports back, checked by the child before it prints.
#[derive(Default)]
struct Outcome {
    /// Messages (events) the path went through.
    events: usize,
    /// Every identifier's final (prefix, sequence number, SAID), for the validating paths.
    state: Option<States>,
}

/// (prefix, sn, SAID) of every identifier, sorted by prefix.
type States = Vec<(String, u128, String)>;

/// The measured span of one run: from just before the path is called to just after it
/// returns, unless the path narrows it (`start` after its setup, e.g. creating a database
/// file, and `stop` before its teardown).
struct Clock {
    /// Single-threaded paths count the calling thread's CPU time, others the process's.
    threads: usize,
    start: (Instant, u64),
    stop: Option<(Instant, u64)>,
}

impl Clock {
    fn new(threads: usize) -> Self {
        Clock { threads, start: (Instant::now(), cpu_ns(threads)), stop: None }
    }

    /// (Re)starts the measured span.
    fn start(&mut self) {
        self.start = (Instant::now(), cpu_ns(self.threads));
    }

    /// Ends the measured span (the first call counts).
    fn stop(&mut self) {
        if self.stop.is_none() {
            self.stop = Some((Instant::now(), cpu_ns(self.threads)));
        }
    }

    /// Wall seconds and CPU seconds of the span.
    fn span(&mut self) -> (f64, f64) {
        self.stop();
        let (t1, c1) = self.stop.unwrap_or((Instant::now(), cpu_ns(self.threads)));
        let (t0, c0) = self.start;
        (t1.duration_since(t0).as_secs_f64(), c1.saturating_sub(c0) as f64 / 1e9)
    }
}

/// The measurement floor: the child process that reads the file and does nothing else.
fn baseline(bytes: &[u8], _: &mut Clock) -> Res<Outcome> {
    black_box(bytes);
    Ok(Outcome::default())
}

/// A fresh scratch path for a database file of one child run (removed by the caller).
fn scratch(tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!("dkms-peers-{tag}-{}", std::process::id()))
}

/// This workspace, by path.
mod ours {
    use super::{Clock, Outcome, Res, States, black_box, scratch};
    use dkms_cesr::Indexer;
    use dkms_cesr::stream::{Framer, Part};
    use dkms_event::signed::SignedMessage;
    use dkms_kel::{Config, Durability, Kevery, Options, Outcome as KelOutcome, Report};
    use dkms_store::RedbStore;
    use std::sync::Arc;

    /// `dkms_cesr::stream::Framer::messages`: each message's body located by its version
    /// string and its attachment groups located by walking their counters; nothing decoded.
    pub(super) fn frame(bytes: &[u8], _: &mut Clock) -> Res<Outcome> {
        let mut events = 0;
        for m in Framer::new().messages(bytes) {
            let m = m?;
            black_box(&m);
            events += 1;
        }
        Ok(Outcome { events, ..Outcome::default() })
    }

    /// Framing, then every indexed signature of every group decoded (`Indexer::decode`).
    pub(super) fn sigs(bytes: &[u8], _: &mut Clock) -> Res<Outcome> {
        let mut events = 0;
        let mut sigs = 0usize;
        for m in Framer::new().messages(bytes) {
            let m = m?;
            for g in &m.attachments {
                for p in g.parts()? {
                    if let Part::Indexer(b) = p {
                        black_box(Indexer::decode(b, g.domain)?);
                        sigs += 1;
                    }
                }
            }
            events += 1;
        }
        if sigs != events {
            return Err(format!("{sigs} signatures decoded for {events} events").into());
        }
        Ok(Outcome { events, ..Outcome::default() })
    }

    /// Framing and `SignedMessage::from_framed`: the strict body parse with the SAID check,
    /// and every attachment group decoded.
    pub(super) fn parse(bytes: &[u8], _: &mut Clock) -> Res<Outcome> {
        let mut events = 0;
        for m in Framer::new().messages(bytes) {
            black_box(SignedMessage::from_framed(&m?)?);
            events += 1;
        }
        Ok(Outcome { events, ..Outcome::default() })
    }

    /// Every identifier's key state in `k`.
    pub(super) fn states(k: &Kevery) -> Res<States> {
        let mut v = Vec::new();
        for p in k.prefixes() {
            let s = k.state(p).ok_or("no key state")?;
            v.push((p.to_owned(), s.sn(), s.said().qb64()));
        }
        v.sort();
        Ok(v)
    }

    fn outcome(k: &Kevery, r: &Report) -> Res<Outcome> {
        if let Some(e) = r.errors.first() {
            return Err(format!("{} errors, first: {e:?}", r.errors.len()).into());
        }
        if r.accepted != r.messages {
            return Err(format!("{} of {} messages accepted", r.accepted, r.messages).into());
        }
        Ok(Outcome { events: r.accepted, state: Some(states(k)?) })
    }

    /// The options of every measured `ingest`: a fixed clock, `threads` verifier threads.
    fn options(threads: usize) -> Options<'static> {
        Options::default().threads(threads).clock(dkms_kel::Clock::fixed(1))
    }

    /// `Kevery::default().ingest(bytes, options)`: the whole validator, no store.
    pub(super) fn memory(bytes: &[u8], _: &mut Clock) -> Res<Outcome> {
        let mut k = Kevery::default();
        let r = k.ingest(bytes, options(1))?;
        outcome(&k, &r)
    }

    /// `Kevery::ingest` with `Options::threads(2)`, no store.
    pub(super) fn parallel2(bytes: &[u8], _: &mut Clock) -> Res<Outcome> {
        let mut k = Kevery::default();
        let r = k.ingest(bytes, options(2))?;
        outcome(&k, &r)
    }

    /// Into a fresh `RedbStore` (`Kevery::open`, not timed), through `ingest`, which records
    /// every change and writes them in one durable transaction at the end of the stream.
    pub(super) fn redb_group(bytes: &[u8], clock: &mut Clock) -> Res<Outcome> {
        let path = scratch("ours.redb");
        let res = (|| -> Res<Outcome> {
            let mut k = Kevery::open(Arc::new(RedbStore::open(&path)?), Config::default())?;
            clock.start();
            let r = k.ingest(bytes, options(1))?;
            clock.stop();
            outcome(&k, &r)
        })();
        let _ = std::fs::remove_file(&path);
        res
    }

    /// Into a fresh `RedbStore`, one message at a time through `Kevery::process`, which
    /// commits each event's changes in its own durable transaction (what keri-core does).
    pub(super) fn redb_each(bytes: &[u8], clock: &mut Clock) -> Res<Outcome> {
        each(bytes, clock, Durability::Immediate)
    }

    /// As [`redb_each`], with `Durability::Deferred`: each event still has its own write
    /// transaction, but no commit waits for the disk (what keripy with LMDB `sync=False` does).
    pub(super) fn redb_each_nosync(bytes: &[u8], clock: &mut Clock) -> Res<Outcome> {
        each(bytes, clock, Durability::Deferred)
    }

    fn each(bytes: &[u8], clock: &mut Clock, durability: Durability) -> Res<Outcome> {
        let path = scratch("ours-each.redb");
        let res = (|| -> Res<Outcome> {
            let mut k = Kevery::open(Arc::new(RedbStore::open(&path)?), Config::default())?;
            k.set_durability(durability);
            k.set_clock(dkms_kel::Clock::fixed(1));
            clock.start();
            let mut accepted = 0;
            for m in Framer::new().messages(bytes) {
                match k.process(SignedMessage::from_framed(&m?)?) {
                    KelOutcome::Accepted => accepted += 1,
                    other => return Err(format!("event {accepted}: {other:?}").into()),
                }
            }
            clock.stop();
            Ok(Outcome { events: accepted, state: Some(states(&k)?) })
        })();
        let _ = std::fs::remove_file(&path);
        res
    }
}

/// keri-core 0.17.13 (THCLab keriox), from crates.io.
mod keri_core_peer {
    use super::{Clock, Outcome, Res, black_box, scratch};
    use keri_core::actor::{parse_notice_stream, process_notice};
    use keri_core::database::redb::RedbDatabase;
    use keri_core::event_message::signed_event_message::Notice;
    use keri_core::processor::basic_processor::BasicProcessor;
    use keri_core::processor::escrow::{EscrowConfig, default_escrow_bus};
    use keri_core::processor::event_storage::EventStorage;
    use std::sync::Arc;

    /// `keri_core::actor::parse_notice_stream`: cesrox's `parse_many` (framing, attachments)
    /// and `Notice::try_from` (body deserialization into keri-core's event types).
    pub(super) fn parse(bytes: &[u8], _: &mut Clock) -> Res<Outcome> {
        let notices = parse_notice_stream(bytes).map_err(|e| format!("{e:?}"))?;
        let events = notices.len();
        black_box(notices);
        Ok(Outcome { events, ..Outcome::default() })
    }

    /// The full path of keri-core's own processor, set up as keri-core's bench does:
    /// a `RedbDatabase` in a fresh file, the default escrow bus, a `BasicProcessor`; then
    /// `parse_notice_stream` and `process_notice` for every notice. Its validator checks the
    /// event against the stored key state (sn, prior digest, next-key commitment), verifies
    /// every controller signature over the re-encoded event, and writes the event, its
    /// signatures and the new key state in one redb write transaction per event (redb's
    /// default durability: the commit is on disk when it returns). keri-core 0.17.13 has no
    /// in-memory database, so there is no memory-only figure for it.
    pub(super) fn ingest(bytes: &[u8], clock: &mut Clock) -> Res<Outcome> {
        let path = scratch("keri-core.redb");
        let res = (|| -> Res<Outcome> {
            let db = Arc::new(RedbDatabase::new(&path).map_err(|e| format!("{e:?}"))?);
            let (bus, escrows) = default_escrow_bus(db.clone(), EscrowConfig::default());
            let processor = BasicProcessor::new(db.clone(), Some(bus));
            let storage = EventStorage::new(db.clone());
            clock.start();
            let notices = parse_notice_stream(bytes).map_err(|e| format!("{e:?}"))?;
            let mut prefixes = Vec::new();
            let mut events = 0;
            for notice in notices {
                if let Notice::Event(e) = &notice {
                    if e.event_message.data.get_sn() == 0 {
                        prefixes.push(e.event_message.data.get_prefix());
                    }
                    events += 1;
                }
                process_notice(notice, &processor).map_err(|e| format!("event {events}: {e:?}"))?;
            }
            clock.stop();
            let mut states = Vec::new();
            for prefix in prefixes {
                let state = storage.get_state(&prefix).ok_or("no key state")?;
                states.push((prefix.to_string(), u128::from(state.sn), state.last_event_digest.said.to_string()));
            }
            states.sort();
            drop(escrows);
            Ok(Outcome { events, state: Some(states) })
        })();
        let _ = std::fs::remove_file(&path);
        res
    }
}

/// The sans-io Rust core: cesr-rs 0.12 (crate `cesr`), cesr-stream 0.7, keri-codec 0.10 and
/// keri-rs 0.1 (crate `keri`), from crates.io.
mod sansio {
    use super::{Clock, Outcome, Res, States, black_box};
    use cesr_stream::group::CesrGroup;
    use cesr_stream::{FrameLimits, Groups, MessageFramer, V1};
    use keri::{KeyState, Signed};
    use keri_codec::{EventMessage, JsonLimits, MessageLimits};
    use keri_events::{Identifier, KeriEvent};
    use std::collections::HashMap;

    /// Generous limits (the ones keri-codec's own tests use): no message here comes near them.
    const FRAME_LIMITS: FrameLimits = FrameLimits {
        max_body_bytes: 4 * 1024 * 1024,
        max_attachment_bytes: 4 * 1024 * 1024,
        max_attachment_groups: 4096,
        max_group_elements: 4096,
        max_signatures: 4096,
        max_nested_groups: 4096,
        max_nesting_depth: 64,
    };
    const LIMITS: MessageLimits = MessageLimits::new(FRAME_LIMITS, JsonLimits::new(4096, 64));

    /// Walks the stream with `MessageFramer::advance` (one message span at a time, the whole
    /// rest of the stream given with `end_of_input`), and calls `each` with every message's
    /// attachment groups as `Groups::<V1>::over` yields them (each group framed and copied
    /// into its own owned buffer; elements not decoded).
    fn walk(bytes: &[u8], mut each: impl FnMut(CesrGroup) -> Res<()>) -> Res<usize> {
        let mut framer = MessageFramer::new(FRAME_LIMITS);
        let mut rest = bytes;
        let mut events = 0;
        while !rest.is_empty() {
            let span = framer.advance(rest, true)?.ok_or("incomplete message at end of stream")?;
            let body = span.body_len.ok_or("attachment group without a body")?;
            let attachments = rest.get(body..span.total_len).ok_or("bad span")?;
            for g in Groups::<V1>::over(attachments) {
                each(g?)?;
            }
            rest = rest.get(span.total_len..).ok_or("bad span")?;
            events += 1;
        }
        Ok(events)
    }

    /// cesr-stream framing: message spans and attachment groups.
    pub(super) fn frame(bytes: &[u8], _: &mut Clock) -> Res<Outcome> {
        let events = walk(bytes, |g| {
            black_box(g);
            Ok(())
        })?;
        Ok(Outcome { events, ..Outcome::default() })
    }

    /// cesr-stream framing, then every indexed signature decoded into a cesr-rs `Siger`.
    pub(super) fn sigs(bytes: &[u8], _: &mut Clock) -> Res<Outcome> {
        let mut sigs = 0usize;
        let events = walk(bytes, |g| {
            match g {
                CesrGroup::ControllerIdxSigs(g) => {
                    for s in g.iter() {
                        black_box(s?);
                        sigs += 1;
                    }
                }
                CesrGroup::WitnessIdxSigs(g) => {
                    for s in g.iter() {
                        black_box(s?);
                        sigs += 1;
                    }
                }
                other => {
                    black_box(other);
                }
            }
            Ok(())
        })?;
        if sigs != events {
            return Err(format!("{sigs} signatures decoded for {events} events").into());
        }
        Ok(Outcome { events, ..Outcome::default() })
    }

    /// Every message through `keri_codec::EventMessage::parse`: framing, the strict canonical
    /// JSON body parse with in-place SAID verification, the attached signatures decoded.
    fn parse_all(bytes: &[u8]) -> Res<Vec<EventMessage<'_>>> {
        let mut out = Vec::new();
        let mut rest = bytes;
        while !rest.is_empty() {
            let (m, r) = EventMessage::parse(rest, LIMITS).map_err(|e| format!("message {}: {e}", out.len()))?;
            out.push(m);
            rest = r;
        }
        Ok(out)
    }

    /// keri-codec parsing alone (each message dropped after parsing).
    pub(super) fn parse(bytes: &[u8], _: &mut Clock) -> Res<Outcome> {
        let mut rest = bytes;
        let mut events = 0;
        while !rest.is_empty() {
            let (m, r) = EventMessage::parse(rest, LIMITS).map_err(|e| format!("message {events}: {e}"))?;
            black_box(m);
            rest = r;
            events += 1;
        }
        Ok(Outcome { events, ..Outcome::default() })
    }

    /// Full validation: every message parsed by keri-codec (kept: keri-rs's working key state
    /// borrows from the events it was folded from), then folded by keri-rs —
    /// `KeyState::incept` on the inception, `KeyState::ingest_mut` on each later event, which
    /// checks sn and prior digest, the key commitment on rotations, the signing threshold and
    /// verifies every controller signature (and witness receipts, none here).
    pub(super) fn validate(bytes: &[u8], clock: &mut Clock) -> Res<Outcome> {
        let messages = parse_all(bytes)?;
        // One working key state per identifier, by prefix (one entry for a single-key KEL).
        let mut states: HashMap<String, KeyState<'_>> = HashMap::new();
        for (n, m) in messages.iter().enumerate() {
            let prefix = match m.event().prefix() {
                Identifier::SelfAddressing(said) => said.as_matter().to_qb64(),
                Identifier::Basic(b) => b.as_matter().to_qb64(),
            };
            let signed = Signed::from(m);
            if matches!(m.event(), KeriEvent::Inception(_)) {
                if states.contains_key(&prefix) {
                    return Err(format!("event {n}: second inception of {prefix}").into());
                }
                let s = KeyState::incept(&signed).map_err(|e| format!("event {n}: inception: {e:?}"))?;
                states.insert(prefix, s);
            } else {
                let s = states.get_mut(&prefix).ok_or_else(|| format!("event {n}: no inception for {prefix}"))?;
                s.ingest_mut(&signed).map_err(|e| format!("event {n}: {e:?}"))?;
            }
        }
        clock.stop();
        let mut out: States =
            states.into_iter().map(|(p, s)| (p, s.sn().value(), s.latest_said().as_matter().to_qb64())).collect();
        out.sort();
        Ok(Outcome { events: messages.len(), state: Some(out) })
    }
}

// ---------------------------------------------------------------------------------------
// The child: one measurement
// ---------------------------------------------------------------------------------------

/// A `kB` field of `/proc/self/status` (`VmHWM`, `VmRSS`), in KiB.
fn status_kib(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// CPU time consumed so far, in nanoseconds: by the calling thread, or (`threads > 1`) by the
/// whole process, exited threads included (`clock_gettime` on the thread / process CPU clock).
fn cpu_ns(threads: usize) -> u64 {
    use rustix::time::{ClockId, clock_gettime};
    let t = clock_gettime(if threads > 1 { ClockId::ProcessCPUTime } else { ClockId::ThreadCPUTime });
    u64::try_from(t.tv_sec).unwrap_or(0) * 1_000_000_000 + u64::try_from(t.tv_nsec).unwrap_or(0)
}

fn child(id: &str, file: &Path) -> Res<()> {
    let imp = impls().into_iter().find(|i| i.id == id).ok_or_else(|| format!("no implementation {id}"))?;
    let (out, wall, cpu_s, hwm, len) = match imp.runner {
        Runner::Rust(run) => {
            let bytes = std::fs::read(file)?;
            let mut clock = Clock::new(imp.threads);
            let out = run(&bytes, &mut clock);
            let (wall, cpu_s) = clock.span();
            let hwm = status_kib("VmHWM").ok_or("no VmHWM in /proc/self/status")?;
            (out?, wall, cpu_s, hwm, bytes.len())
        }
        Runner::Keri { import } => {
            let (out, wall, cpu_s, hwm) = keri_process(import, file)?;
            (out, wall, cpu_s, hwm, usize::try_from(std::fs::metadata(file)?.len())?)
        }
        Runner::Keripy { .. } => return Err(format!("{id} does not run in this binary").into()),
    };
    let mut text = String::new();
    for (prefix, sn, said) in out.state.iter().flatten() {
        let _ = writeln!(text, "state {prefix} {sn} {said}");
    }
    let _ = write!(text, "ok events={} bytes={len} secs={wall:.9} cpu={cpu_s:.9} hwm_kib={hwm}", out.events);
    if out.state.is_some() {
        text.push_str(" validated=1");
    }
    println!("{text}");
    Ok(())
}

/// One whole `keri` process (binary `$DKMS_PEERS_KERI`, home `$DKMS_PEERS_HOME`, made by the
/// parent with `keri init`), run under `/usr/bin/time` for its CPU time and peak RSS; wall time
/// from just before the spawn to just after the exit. The outcome is read afterwards, untimed:
/// after an import every key state from the home's store (`Kevery::open` on `kel.redb`), after
/// a verify the identifiers `keri kel verify` prints.
fn keri_process(import: bool, file: &Path) -> Res<(Outcome, f64, f64, u64)> {
    let keri = std::env::var_os("DKMS_PEERS_KERI").ok_or("DKMS_PEERS_KERI not set")?;
    let home = PathBuf::from(std::env::var_os("DKMS_PEERS_HOME").ok_or("DKMS_PEERS_HOME not set")?);
    let time_out = home.with_extension("time");
    let mut cmd = Command::new("/usr/bin/time");
    cmd.arg("-f").arg("%U %S %M").arg("-o").arg(&time_out).arg(&keri).arg("--home").arg(&home).arg("kel");
    if import {
        cmd.arg("import").arg(file).arg("--json");
    } else {
        cmd.arg("verify").arg(file);
    }
    let t0 = Instant::now();
    let output = cmd.output()?;
    let wall = t0.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let err = String::from_utf8_lossy(&output.stderr);
        return Err(format!("keri exited with {}: {}", output.status, err.trim()).into());
    }
    let times = std::fs::read_to_string(&time_out)?;
    let _ = std::fs::remove_file(&time_out);
    let f: Vec<&str> = times.lines().last().unwrap_or("").split_whitespace().collect();
    let [user, sys, maxrss] = f.as_slice() else { return Err(format!("bad /usr/bin/time output {times:?}").into()) };
    let cpu = user.parse::<f64>()? + sys.parse::<f64>()?;
    let hwm: u64 = maxrss.parse()?;
    let out = if import {
        let count = |k: &str| json_field(&stdout, k).and_then(|v| v.parse::<usize>().ok());
        let accepted = count("accepted").ok_or_else(|| format!("no accepted count in {stdout:?}"))?;
        for k in ["escrowed", "rejected"] {
            if count(k) != Some(0) {
                return Err(format!("keri kel import: {k} = {:?}", json_field(&stdout, k)).into());
            }
        }
        let store = dkms_store::RedbStore::open(home.join("kel.redb"))?;
        let k = dkms_kel::Kevery::open(std::sync::Arc::new(store), dkms_kel::Config::default())?;
        Outcome { events: accepted, state: Some(ours::states(&k)?) }
    } else {
        // "valid: N accepted, 0 escrowed, 0 rejected", then "  PREFIX sn N keys K kt T digest D" per identifier.
        let mut lines = stdout.lines();
        let head = lines.next().unwrap_or("");
        let accepted = head
            .strip_prefix("valid: ")
            .and_then(|r| r.split_whitespace().next())
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| format!("keri kel verify: {head:?}"))?;
        if !head.ends_with(" accepted, 0 escrowed, 0 rejected") {
            return Err(format!("keri kel verify: {head:?}").into());
        }
        let mut states = Vec::new();
        for l in lines {
            let w: Vec<&str> = l.split_whitespace().collect();
            if let (Some(p), Some(&"sn"), Some(sn), Some(&"digest"), Some(d)) =
                (w.first(), w.get(1), w.get(2), w.get(w.len().wrapping_sub(2)), w.last())
            {
                states.push(((*p).to_owned(), sn.parse()?, (*d).to_owned()));
            }
        }
        states.sort();
        Outcome { events: accepted, state: Some(states) }
    };
    Ok((out, wall, cpu, hwm))
}

// ---------------------------------------------------------------------------------------
// The parent: all jobs, the table
// ---------------------------------------------------------------------------------------

/// What `streams.json` says about one stream.
struct StreamMeta {
    label: &'static str,
    path: PathBuf,
    bytes: u64,
    events: usize,
    /// The sequence number every identifier ends at.
    final_sn: u128,
    /// Every identifier's last event in the stream (prefix, sn, SAID), sorted: what every
    /// validating path must end at. Read from the stream and checked against `streams.json`.
    expected: States,
    runs: usize,
}

/// One run's figures, from the child's line.
#[derive(Clone, Debug, Default)]
struct Sample {
    secs: f64,
    cpu: Option<f64>,
    hwm_kib: u64,
    events: usize,
    state: Option<States>,
    extra: BTreeMap<String, String>,
}

/// The `state PREFIX SN SAID` lines a child (or keripy_ingest.py) prints before its result.
fn state_lines(stdout: &str) -> Res<States> {
    let mut v = Vec::new();
    for l in stdout.lines().filter_map(|l| l.strip_prefix("state ")) {
        let w: Vec<&str> = l.split_whitespace().collect();
        let [p, sn, said] = w.as_slice() else { return Err(format!("bad state line {l:?}").into()) };
        v.push(((*p).to_owned(), sn.parse()?, (*said).to_owned()));
    }
    v.sort();
    Ok(v)
}

fn parse_child_line(stdout: &str) -> Res<Sample> {
    let line = stdout.lines().rev().find(|l| l.starts_with("ok ")).ok_or("no result line")?;
    let kv: BTreeMap<&str, &str> = line[3..].split_whitespace().filter_map(|p| p.split_once('=')).collect();
    let get = |k: &str| kv.get(k).copied().ok_or_else(|| format!("no {k} in {line:?}"));
    let state = if kv.contains_key("validated") { Some(state_lines(stdout)?) } else { None };
    Ok(Sample {
        secs: get("secs")?.parse()?,
        cpu: kv.get("cpu").and_then(|c| c.parse().ok()),
        hwm_kib: get("hwm_kib")?.parse()?,
        events: get("events")?.parse()?,
        state,
        extra: BTreeMap::new(),
    })
}

/// Pulls `"key": value` out of a flat JSON object (keripy_ingest.py's output and
/// streams.json are both simple enough for this; no JSON crate needed).
fn json_field<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let at = json.find(&format!("\"{key}\""))?;
    let rest = json[at + key.len() + 2..].trim_start().strip_prefix(':')?.trim_start();
    if let Some(s) = rest.strip_prefix('"') {
        return s.split('"').next();
    }
    if rest.starts_with('[') {
        return rest.split_inclusive(']').next();
    }
    rest.split([',', '}', '\n']).next().map(str::trim)
}

fn keripy_sample(stdout: &str) -> Res<Sample> {
    let line = stdout.lines().rev().find(|l| l.starts_with('{')).ok_or("no JSON line from keripy_ingest.py")?;
    let num = |k: &str| -> Res<f64> { Ok(json_field(line, k).ok_or_else(|| format!("no {k}"))?.parse()?) };
    let cpu = json_field(line, "cpu_s")
        .and_then(|s| s.trim_matches(['[', ']']).split(',').next().and_then(|c| c.trim().parse().ok()));
    let mut extra = BTreeMap::new();
    for k in ["keripy", "python", "rss_after_import_kib"] {
        if let Some(v) = json_field(line, k) {
            extra.insert(k.to_owned(), v.to_owned());
        }
    }
    Ok(Sample {
        secs: num("best_s")?,
        cpu,
        hwm_kib: num("peak_rss_kib")? as u64,
        events: num("events")? as usize,
        state: Some(state_lines(stdout)?),
        extra,
    })
}

struct Opts {
    data: PathBuf,
    runs: BTreeMap<&'static str, usize>,
    keripy_runs_10k: Option<usize>,
    only: Option<Vec<String>>,
    streams: Option<Vec<String>>,
    keripy_python: Option<PathBuf>,
    keripy_script: PathBuf,
    /// The `keri` binary, for the whole-process jobs.
    keri: Option<PathBuf>,
}

fn parse_opts(args: &[String]) -> Res<Opts> {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut o = Opts {
        data: here.join("../data/keripy-1.1.17"),
        runs: STREAMS.iter().map(|(l, _, n)| (*l, *n)).collect(),
        keripy_runs_10k: None,
        only: None,
        streams: None,
        keripy_python: None,
        keripy_script: here.join("keripy_ingest.py"),
        keri: None,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = || it.next().cloned().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--data" => o.data = val()?.into(),
            "--runs-1k" => {
                o.runs.insert("1k", val()?.parse()?);
            }
            "--runs-10k" => {
                o.runs.insert("10k", val()?.parse()?);
            }
            "--runs-multi" => {
                o.runs.insert("multi", val()?.parse()?);
            }
            "--keri" => o.keri = Some(val()?.into()),
            "--keripy-runs-10k" => o.keripy_runs_10k = Some(val()?.parse()?),
            "--only" => o.only = Some(val()?.split(',').map(str::to_owned).collect()),
            "--streams" => o.streams = Some(val()?.split(',').map(str::to_owned).collect()),
            "--keripy-python" => o.keripy_python = Some(val()?.into()),
            "--keripy-script" => o.keripy_script = val()?.into(),
            other => return Err(format!("unknown option {other}").into()),
        }
    }
    Ok(o)
}

/// Each identifier's last event in `stream`: (prefix, sn, SAID), sorted by prefix (framed and
/// parsed by our strict parser; nothing validated: the expectation, not a measurement).
fn last_events(stream: &[u8]) -> Res<States> {
    let mut last: BTreeMap<String, (u128, String)> = BTreeMap::new();
    for m in dkms_cesr::stream::Framer::new().messages(stream) {
        let signed = dkms_event::signed::SignedMessage::from_framed(&m?)?;
        let msg = &signed.message;
        let prefix = msg.prefix().ok_or("a message without a prefix")?.qb64();
        let sn = msg.sn().ok_or("a message without a sequence number")?;
        let said = msg.said().qb64();
        last.insert(prefix, (sn, said));
    }
    Ok(last.into_iter().map(|(p, (sn, d))| (p, sn, d)).collect())
}

fn load_streams(o: &Opts) -> Res<Vec<StreamMeta>> {
    let meta = std::fs::read_to_string(o.data.join("streams.json"))?;
    let mut out = Vec::new();
    for (label, name, _) in STREAMS {
        if o.streams.as_ref().is_some_and(|want| !want.iter().any(|w| w == label)) {
            continue;
        }
        let at = meta.find(&format!("\"{name}\"")).ok_or_else(|| format!("{name} not in streams.json"))?;
        let obj = &meta[at..];
        let obj = &obj[..obj.find('}').ok_or("bad streams.json")?];
        let field = |k: &str| json_field(obj, k).ok_or_else(|| format!("no {k} for {name}"));
        let path = o.data.join(name);
        let bytes = std::fs::metadata(&path)?.len();
        if bytes.to_string() != field("bytes")? {
            return Err(format!("{name}: {bytes} bytes on disk, streams.json says {}", field("bytes")?).into());
        }
        let events: usize = field("events")?.parse()?;
        let final_sn: u128 = field("final_sn")?.parse()?;
        let expected = last_events(&std::fs::read(&path)?)?;
        // The stream's own last events must agree with what keripy recorded in streams.json.
        let last = |prefix: &str| expected.iter().find(|(p, _, _)| p == prefix);
        let agrees = match json_field(obj, "identifiers") {
            None => {
                expected.len() == 1
                    && last(field("prefix")?)
                        .is_some_and(|(_, sn, d)| *sn == final_sn && d == json_field(obj, "final_said").unwrap_or("?"))
            }
            Some(n) => {
                expected.len() == n.parse::<usize>()?
                    && expected.iter().all(|(_, sn, _)| *sn == final_sn)
                    && last(field("first_prefix")?).is_some()
                    && last(field("last_prefix")?)
                        .is_some_and(|(_, _, d)| d == json_field(obj, "last_said").unwrap_or("?"))
            }
        };
        if !agrees {
            return Err(format!("{name}: its last events do not agree with streams.json").into());
        }
        out.push(StreamMeta {
            label,
            path,
            bytes,
            events,
            final_sn,
            expected,
            runs: o.runs.get(label).copied().unwrap_or(3),
        });
    }
    Ok(out)
}

/// Runs one job once, in its own process.
fn run_once(imp: &Impl, s: &StreamMeta, o: &Opts) -> Res<Sample> {
    let output = match imp.runner {
        Runner::Rust(_) => Command::new(std::env::current_exe()?).arg("child").arg(imp.id).arg(&s.path).output()?,
        Runner::Keri { .. } => {
            // A fresh home made by `keri init` (untimed; fast KDF: the keystore is not used).
            let keri = o.keri.as_ref().ok_or("no --keri given")?;
            let home = scratch(&format!("home-{}", imp.id));
            let init = Command::new(keri)
                .arg("--home")
                .arg(&home)
                .arg("init")
                .env("DKMS_PASSCODE", "peers bench passcode, not a secret")
                .env("DKMS_INSECURE_FAST_KDF", "1")
                .output()?;
            if !init.status.success() {
                let _ = std::fs::remove_dir_all(&home);
                return Err(format!("keri init: {}", String::from_utf8_lossy(&init.stderr).trim()).into());
            }
            let out = Command::new(std::env::current_exe()?)
                .arg("child")
                .arg(imp.id)
                .arg(&s.path)
                .env("DKMS_PEERS_KERI", keri)
                .env("DKMS_PEERS_HOME", &home)
                .output();
            let _ = std::fs::remove_dir_all(&home);
            out?
        }
        Runner::Keripy { sync } => {
            let py = o.keripy_python.as_ref().ok_or("no --keripy-python given")?;
            let mut c = Command::new(py);
            c.arg(&o.keripy_script).arg(&s.path).args(["--runs", "1", "--json"]).args([
                "--expect-sn",
                &s.final_sn.to_string(),
                "--expect-events",
                &s.events.to_string(),
            ]);
            if !sync {
                c.arg("--nosync");
            }
            c.output()?
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let err = String::from_utf8_lossy(&output.stderr);
        let last = err.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_owned();
        return Err(format!("exit {}: {last}", output.status).into());
    }
    let sample = match imp.runner {
        Runner::Rust(_) | Runner::Keri { .. } => parse_child_line(&stdout)?,
        Runner::Keripy { .. } => keripy_sample(&stdout)?,
    };
    if imp.id != "baseline" && sample.events != s.events {
        return Err(format!("{} events, expected {}", sample.events, s.events).into());
    }
    if let Some(states) = &sample.state
        && *states != s.expected
    {
        let first_bad = s.expected.iter().zip(states).find(|(a, b)| a != b);
        return Err(format!(
            "final states: {} identifiers, expected {}; first difference: {first_bad:?}",
            states.len(),
            s.expected.len()
        )
        .into());
    }
    Ok(sample)
}

/// Samples and errors per (implementation id, stream label).
type Results<'a> = BTreeMap<(&'a str, &'a str), (Vec<Sample>, Vec<String>)>;

/// Best and median of a job's runs.
struct Summary {
    runs: usize,
    best: Sample,
    median_secs: f64,
    /// The least CPU time over the runs.
    cpu: Option<f64>,
    peak_kib: u64,
}

fn summarize(samples: &[Sample]) -> Option<Summary> {
    let mut times: Vec<f64> = samples.iter().map(|s| s.secs).collect();
    times.sort_by(f64::total_cmp);
    let best = samples.iter().min_by(|a, b| a.secs.total_cmp(&b.secs))?.clone();
    let n = times.len();
    let median_secs = if n % 2 == 1 { times[n / 2] } else { (times[n / 2 - 1] + times[n / 2]) / 2.0 };
    let cpu = samples.iter().filter_map(|s| s.cpu).min_by(f64::total_cmp);
    Some(Summary { runs: n, best, median_secs, cpu, peak_kib: samples.iter().map(|s| s.hwm_kib).max()? })
}

fn fmt_rate(x: f64) -> String {
    if x >= 100.0 {
        let n = x.round() as u64;
        let s = n.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    } else {
        format!("{x:.1}")
    }
}

fn fmt_secs(s: f64) -> String {
    if s < 1.0 { format!("{:.2} ms", s * 1e3) } else { format!("{s:.2} s") }
}

fn lock_version(name: &str) -> Vec<String> {
    let mut v = Vec::new();
    let mut lines = CARGO_LOCK.lines();
    while let Some(l) = lines.next() {
        if l == format!("name = \"{name}\"")
            && let Some(ver) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            v.push(ver.trim_end_matches('"').to_owned());
        }
    }
    v
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name").map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned()))
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| s.lines().next().and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok()))
        .map_or_else(String::new, |k| format!(", {:.1} GiB RAM", k as f64 / 1024.0 / 1024.0));
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!("{cpu}, {cores} cores{mem}, Linux {}", kernel.trim())
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// The issue's targets, from paired runs: run r of one job next to run r of the other (the runs
/// are interleaved, so run r of every job saw about the same load).
fn targets(results: &Results<'_>, streams: &[StreamMeta]) {
    // (stream, slow job, fast job, target: slow time ÷ fast time at least this, what)
    let pairs = [
        ("10k", "keri-core", "keri-import", 10.0, "keri-core durable ingest ÷ `keri kel import` (whole process)"),
        ("multi", "keri-core", "keri-import", 10.0, "keri-core durable ingest ÷ `keri kel import` (whole process)"),
        ("multi", "keri-core", "ours-redb", 10.0, "keri-core durable ingest ÷ ours into redb (one commit)"),
        ("multi", "ours-redb", "ours-mem", 1.0 / 0.85, "ours into redb ÷ ours in memory (target: ≤ 1/0.85 = 1.18)"),
        ("10k", "keri-core", "keri-verify", 10.0, "keri-core durable ingest ÷ `keri kel verify` (whole process)"),
    ];
    let mut lines = Vec::new();
    for (stream, slow, fast, want, what) in pairs {
        if !streams.iter().any(|s| s.label == stream) {
            continue;
        }
        let get = |id: &'static str| results.get(&(id, stream)).filter(|(_, e)| e.is_empty()).map(|(v, _)| v);
        let (Some(a), Some(b)) = (get(slow), get(fast)) else { continue };
        let mut r: Vec<f64> = a.iter().zip(b).map(|(a, b)| a.secs / b.secs).collect();
        if r.is_empty() {
            continue;
        }
        let each = r.iter().map(|x| format!("{x:.2}")).collect::<Vec<_>>().join(", ");
        r.sort_by(f64::total_cmp);
        let median = if r.len() % 2 == 1 { r[r.len() / 2] } else { (r[r.len() / 2 - 1] + r[r.len() / 2]) / 2.0 };
        let (lo, hi) = (r[0], r[r.len() - 1]);
        // "slow ÷ fast ≥ want" for the speed-ups; the redb/memory pair wants the ratio at most `want`.
        let met = if slow == "ours-redb" {
            if hi <= want {
                "met in every run"
            } else if median <= want {
                "met by the median"
            } else {
                "NOT met"
            }
        } else if lo >= want {
            "met in every run"
        } else if median >= want {
            "met by the median, not in every run"
        } else {
            "NOT met"
        };
        lines.push(format!("| {stream} | {what} | {each} | {median:.2} | {lo:.2}–{hi:.2} | {met} |"));
    }
    if lines.is_empty() {
        return;
    }
    println!("\nTargets, paired runs (wall time ratio per run, run r of each job next to each other):\n");
    println!("| stream | ratio | per run | median | range | target |");
    println!("|---|---|---|--:|--:|---|");
    for l in lines {
        println!("{l}");
    }
}

fn run(o: &Opts) -> Res<()> {
    let streams = load_streams(o)?;
    let all = impls();
    let jobs: Vec<&Impl> = all
        .iter()
        .filter(|i| o.only.as_ref().is_none_or(|only| only.iter().any(|x| x == i.id)))
        .filter(|i| {
            let keep = match i.runner {
                Runner::Keripy { .. } => o.keripy_python.is_some(),
                Runner::Keri { .. } => o.keri.is_some(),
                Runner::Rust(_) => true,
            };
            if !keep {
                eprintln!("skipping {}: no --keripy-python / --keri", i.id);
            }
            keep
        })
        .collect();
    let runs_for = |imp: &Impl, s: &StreamMeta| match (imp.runner, s.label) {
        (_, "multi") if !imp.multi => 0,
        (Runner::Keripy { .. }, "10k" | "multi") => o.keripy_runs_10k.unwrap_or(s.runs),
        _ => s.runs,
    };

    println!("# Side-by-side KEL ingest (benches/peers)\n");
    println!("machine: {}", machine());
    let load_before = loadavg();
    println!("load average at start: {load_before}");
    // (implementation, stream) -> (samples, errors)
    let mut results: Results<'_> = BTreeMap::new();
    let max_runs = streams.iter().flat_map(|s| jobs.iter().map(move |j| runs_for(j, s))).max().unwrap_or(0);
    let started = Instant::now();
    for r in 0..max_runs {
        for s in &streams {
            for imp in &jobs {
                if r >= runs_for(imp, s) {
                    continue;
                }
                let entry = results.entry((imp.id, s.label)).or_default();
                if !entry.1.is_empty() {
                    continue; // failed before: do not repeat
                }
                match run_once(imp, s, o) {
                    Ok(sample) => {
                        eprintln!("  {:<18} {:>3} run {}: {}", imp.id, s.label, r + 1, fmt_secs(sample.secs));
                        entry.0.push(sample);
                    }
                    Err(e) => {
                        eprintln!("  {:<18} {:>3} run {}: FAILED: {e}", imp.id, s.label, r + 1);
                        entry.1.push(e.to_string());
                    }
                }
            }
        }
    }
    let load_after = loadavg();
    println!("load average at end: {load_after}; {} s for all runs", started.elapsed().as_secs());
    println!(
        "streams: {}",
        streams
            .iter()
            .map(|s| format!(
                "{} = {} ({} events, {} bytes)",
                s.label,
                s.path.file_name().map(|f| f.to_string_lossy()).unwrap_or_default(),
                s.events,
                s.bytes
            ))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let versions: Vec<String> = [
        "keri-core",
        "cesrox",
        "cesr-rs",
        "cesr-stream",
        "keri-codec",
        "keri-events",
        "keri-rs",
        "redb",
        "ed25519-dalek",
    ]
    .iter()
    .map(|n| format!("{n} {}", lock_version(n).join("/")))
    .collect();
    println!("crates (Cargo.lock): {}", versions.join(", "));
    if let Some(k) = results.iter().find_map(|((id, _), (v, _))| id.starts_with("keripy").then(|| v.first()).flatten())
    {
        println!(
            "keripy: {} on Python {}",
            k.extra.get("keripy").map_or("?", String::as_str),
            k.extra.get("python").map_or("?", String::as_str)
        );
    }
    println!(
        "\nRuns per job: {}. Each run is a fresh process. events/s and MB/s (10^6 bytes) from the best and the median \
         wall time; CPU (least) = the least CPU time of the measured span over the runs; peak RSS = the largest VmHWM \
         (keripy: ru_maxrss) over the runs. ×same = this job's time ÷ that of our path at the same level (named), \
         wall (best) / CPU (least); ×mem = the same against ours-mem, our in-memory validation. Above 1 = slower than ours.\n",
        streams.iter().map(|s| format!("{} for {}", s.runs, s.label)).collect::<Vec<_>>().join(", ")
            + &o.keripy_runs_10k.map_or(String::new(), |n| format!(" ({n} for keripy on 10k)"))
    );

    println!(
        "| implementation | path | stream | runs | best | events/s (best) | events/s (median) | MB/s (best) | CPU (least) | events per CPU-s | peak RSS MiB | ×same wall / CPU | ×mem wall / CPU | final state |"
    );
    println!("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|");
    for s in &streams {
        let summary =
            |id: &str| results.get(&(id, s.label)).and_then(|(v, e)| if e.is_empty() { summarize(v) } else { None });
        for imp in &jobs {
            let Some((_, errors)) = results.get(&(imp.id, s.label)) else { continue };
            let base = imp.id == "baseline";
            let level = if base { "none" } else { imp.covers.unwrap_or_else(|| imp.level.label()) };
            let name = format!("{} `{}`", imp.who, imp.id);
            let Some(x) = summary(imp.id) else {
                println!(
                    "| {name} | {level} | {} | – | – | – | – | – | – | – | – | – | – | FAILED: {} |",
                    s.label,
                    errors.first().map_or("no run", String::as_str).replace('|', "\\|")
                );
                continue;
            };
            let ev = s.events as f64;
            // wall / CPU time ratios against another job's figures.
            let ratio = |r: Option<Summary>| match r {
                Some(r) if !base => {
                    let cpu = x.cpu.zip(r.cpu).map_or_else(|| "–".to_owned(), |(a, b)| format!("{:.2}", a / b));
                    format!("{:.2} / {cpu}", x.best.secs / r.best.secs)
                }
                _ => "–".to_owned(),
            };
            let reference = imp.level.reference();
            let same = if imp.id == reference || base {
                "ref".to_owned()
            } else {
                format!("{} ({reference})", ratio(summary(reference)))
            };
            let mem = if imp.level >= Level::ValidateMemory && imp.id != "ours-mem" {
                ratio(summary("ours-mem"))
            } else {
                "–".to_owned()
            };
            let state = x.best.state.as_ref().map_or_else(
                || "–".to_owned(),
                |v| match v.as_slice() {
                    [(_, sn, _)] => format!("sn {sn}, SAID ✓"),
                    v => format!("{} ids at sn {}, SAIDs ✓", v.len(), s.final_sn),
                },
            );
            let dash = || "–".to_owned();
            let (eps, epsm, mbs, epc) = if base {
                (dash(), dash(), dash(), dash())
            } else {
                (
                    fmt_rate(ev / x.best.secs),
                    fmt_rate(ev / x.median_secs),
                    format!("{:.2}", s.bytes as f64 / x.best.secs / 1e6),
                    x.cpu.filter(|c| *c > 0.0).map_or_else(dash, |c| fmt_rate(ev / c)),
                )
            };
            println!(
                "| {name} | {level} | {} | {} | {} | {eps} | {epsm} | {mbs} | {} | {epc} | {:.1} | {same} | {mem} | {state} |",
                s.label,
                x.runs,
                fmt_secs(x.best.secs),
                x.cpu.map_or_else(dash, fmt_secs),
                x.peak_kib as f64 / 1024.0,
            );
        }
    }
    targets(&results, &streams);
    if let Some(k) = results.iter().find_map(|((id, _), (v, _))| id.starts_with("keripy").then(|| v.first()).flatten())
        && let Some(kib) = k.extra.get("rss_after_import_kib").and_then(|v| v.parse::<f64>().ok())
    {
        println!("\nkeripy's RSS after its imports, before reading the stream: {:.1} MiB.", kib / 1024.0);
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let res = match args.first().map(String::as_str) {
        Some("child") => match (args.get(1), args.get(2)) {
            (Some(id), Some(file)) => child(id, Path::new(file)),
            _ => Err("usage: peers child ID FILE".into()),
        },
        Some("list") => {
            for i in impls() {
                println!("{:<18} {:<32} {}", i.id, i.level.label(), i.who);
            }
            Ok(())
        }
        Some("run") => parse_opts(&args[1..]).and_then(|o| run(&o)),
        _ => Err("usage: peers run [options] | peers list | peers child ID FILE (see src/main.rs)".into()),
    };
    if let Err(e) = res {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
