//! Side-by-side KEL ingest: this project next to its peers, on the same keripy-made streams,
//! in one run, with one table at the end.
//!
//! ```text
//! peers run [--data DIR] [--runs-1k N] [--runs-10k N] [--only ID,ID,..] [--streams 1k,10k]
//!           [--keripy-python PATH] [--keripy-script PATH] [--keripy-runs-10k N]
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
const STREAMS: [(&str, &str, usize); 2] = [("1k", "kel_single_key_1k.cesr", 5), ("10k", "kel_single_key_10k.cesr", 3)];

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
        },
        Impl {
            id: "cesr-stream-frame",
            who: "cesr-stream",
            level: Level::Frame,
            runner: Runner::Rust(sansio::frame),
            threads: 1,
            covers: None,
        },
        Impl {
            id: "ours-sigs",
            who: "dkms",
            level: Level::Sigs,
            runner: Runner::Rust(ours::sigs),
            threads: 1,
            covers: None,
        },
        Impl {
            id: "cesr-stream-sigs",
            who: "cesr-stream + cesr-rs",
            level: Level::Sigs,
            runner: Runner::Rust(sansio::sigs),
            threads: 1,
            covers: None,
        },
        Impl {
            id: "ours-parse",
            who: "dkms",
            level: Level::Parse,
            runner: Runner::Rust(ours::parse),
            threads: 1,
            covers: None,
        },
        Impl {
            id: "keri-codec-parse",
            who: "keri-codec",
            level: Level::Parse,
            runner: Runner::Rust(sansio::parse),
            threads: 1,
            covers: None,
        },
        Impl {
            id: "keri-core-parse",
            who: "keri-core",
            level: Level::Parse,
            runner: Runner::Rust(keri_core_peer::parse),
            threads: 1,
            covers: Some("parse (body + sigs; no SAID check)"),
        },
        Impl {
            id: "ours-mem",
            who: "dkms",
            level: Level::ValidateMemory,
            runner: Runner::Rust(ours::memory),
            threads: 1,
            covers: None,
        },
    ];
    #[cfg(feature = "parallel")]
    v.push(Impl {
        id: "ours-par2",
        who: "dkms (ingest_parallel, 2 threads)",
        level: Level::ValidateMemory,
        runner: Runner::Rust(ours::parallel2),
        threads: 2,
        covers: None,
    });
    v.extend([
        Impl {
            id: "keri-rs",
            who: "keri-codec + keri-rs",
            level: Level::ValidateMemory,
            runner: Runner::Rust(sansio::validate),
            threads: 1,
            covers: None,
        },
        Impl {
            id: "ours-redb",
            who: "dkms + redb",
            level: Level::ValidateDbGroup,
            runner: Runner::Rust(ours::redb_group),
            threads: 1,
            covers: None,
        },
        Impl {
            id: "ours-redb-each-nosync",
            who: "dkms + redb (Deferred)",
            level: Level::ValidateDbEachNoSync,
            runner: Runner::Rust(ours::redb_each_nosync),
            threads: 1,
            covers: None,
        },
        Impl {
            id: "keripy-nosync",
            who: "keripy (LMDB sync off)",
            level: Level::ValidateDbEachNoSync,
            runner: Runner::Keripy { sync: false },
            threads: 1,
            covers: None,
        },
        Impl {
            id: "ours-redb-each",
            who: "dkms + redb",
            level: Level::ValidateDbEach,
            runner: Runner::Rust(ours::redb_each),
            threads: 1,
            covers: None,
        },
        Impl {
            id: "keri-core",
            who: "keri-core (redb)",
            level: Level::ValidateDbEach,
            runner: Runner::Rust(keri_core_peer::ingest),
            threads: 1,
            covers: Some("validate (ixn SAID not recomputed), DB, durable commit per event"),
        },
        Impl {
            id: "keripy",
            who: "keripy (LMDB)",
            level: Level::ValidateDbEach,
            runner: Runner::Keripy { sync: true },
            threads: 1,
            covers: None,
        },
        Impl {
            id: "baseline",
            who: "(read the file, nothing else)",
            level: Level::Frame,
            runner: Runner::Rust(baseline),
            threads: 1,
            covers: None,
        },
    ]);
    v
}

/// What a measured path reports back, checked by the child before it prints.
#[derive(Default)]
struct Outcome {
    /// Messages (events) the path went through.
    events: usize,
    /// Final sequence number and SAID of the identifier, for the validating paths.
    state: Option<(u128, String)>,
}

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
    use super::{Clock, Outcome, Res, black_box, scratch};
    use dkms_cesr::Indexer;
    use dkms_cesr::stream::{Framer, Part};
    use dkms_event::signed::SignedMessage;
    use dkms_kel::{Config, Durability, Kevery, Outcome as KelOutcome, Report};
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

    fn outcome(k: &Kevery, r: &Report) -> Res<Outcome> {
        if let Some(e) = r.errors.first() {
            return Err(format!("{} errors, first: {e:?}", r.errors.len()).into());
        }
        let prefixes = k.prefixes();
        let [prefix] = prefixes.as_slice() else {
            return Err(format!("{} identifiers", prefixes.len()).into());
        };
        let s = k.state(prefix).ok_or("no key state")?;
        Ok(Outcome { events: r.accepted, state: Some((s.sn, s.said.qb64())) })
    }

    /// `Kevery::default().ingest(bytes, now)`: the whole validator, no store.
    pub(super) fn memory(bytes: &[u8], _: &mut Clock) -> Res<Outcome> {
        let mut k = Kevery::default();
        let r = k.ingest(bytes, 1);
        outcome(&k, &r)
    }

    /// `Kevery::ingest_parallel(bytes, now, 2)`, no store.
    #[cfg(feature = "parallel")]
    pub(super) fn parallel2(bytes: &[u8], _: &mut Clock) -> Res<Outcome> {
        let mut k = Kevery::default();
        let r = k.ingest_parallel(bytes, 1, 2);
        outcome(&k, &r)
    }

    /// Into a fresh `RedbStore` (`Kevery::open`, not timed), through `ingest`, which records
    /// every change and writes them in one durable transaction at the end of the stream.
    pub(super) fn redb_group(bytes: &[u8], clock: &mut Clock) -> Res<Outcome> {
        let path = scratch("ours.redb");
        let res = (|| -> Res<Outcome> {
            let mut k = Kevery::open(Arc::new(RedbStore::open(&path)?), Config::default())?;
            clock.start();
            let r = k.ingest(bytes, 1);
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
            clock.start();
            let mut accepted = 0;
            for m in Framer::new().messages(bytes) {
                match k.process(SignedMessage::from_framed(&m?)?, 1) {
                    KelOutcome::Accepted => accepted += 1,
                    other => return Err(format!("event {accepted}: {other:?}").into()),
                }
            }
            clock.stop();
            let r = Report { accepted, ..Report::default() };
            outcome(&k, &r)
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
            let mut prefix = None;
            let mut events = 0;
            for notice in notices {
                if let Notice::Event(e) = &notice {
                    prefix.get_or_insert_with(|| e.event_message.data.get_prefix());
                    events += 1;
                }
                process_notice(notice, &processor).map_err(|e| format!("event {events}: {e:?}"))?;
            }
            clock.stop();
            let prefix = prefix.ok_or("no event")?;
            let state = storage.get_state(&prefix).ok_or("no key state")?;
            drop(escrows);
            Ok(Outcome { events, state: Some((u128::from(state.sn), state.last_event_digest.said.to_string())) })
        })();
        let _ = std::fs::remove_file(&path);
        res
    }
}

/// The sans-io Rust core: cesr-rs 0.12 (crate `cesr`), cesr-stream 0.7, keri-codec 0.10 and
/// keri-rs 0.1 (crate `keri`), from crates.io.
mod sansio {
    use super::{Clock, Outcome, Res, black_box};
    use cesr_stream::group::CesrGroup;
    use cesr_stream::{FrameLimits, Groups, MessageFramer, V1};
    use keri::{KeyState, Signed};
    use keri_codec::{EventMessage, JsonLimits, MessageLimits};

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
        let mut it = messages.iter();
        let first = it.next().ok_or("empty stream")?;
        let mut state = KeyState::incept(&Signed::from(first)).map_err(|e| format!("inception: {e:?}"))?;
        for (n, m) in it.enumerate() {
            state.ingest_mut(&Signed::from(m)).map_err(|e| format!("event {}: {e:?}", n + 1))?;
        }
        clock.stop();
        Ok(Outcome {
            events: messages.len(),
            state: Some((state.sn().value(), state.latest_said().as_matter().to_qb64())),
        })
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
    let Runner::Rust(run) = imp.runner else {
        return Err(format!("{id} does not run in this binary").into());
    };
    let bytes = std::fs::read(file)?;
    let mut clock = Clock::new(imp.threads);
    let out = run(&bytes, &mut clock);
    let (wall, cpu_s) = clock.span();
    let out = out?;
    let hwm = status_kib("VmHWM").ok_or("no VmHWM in /proc/self/status")?;
    let mut line =
        format!("ok events={} bytes={} secs={wall:.9} cpu={cpu_s:.9} hwm_kib={hwm}", out.events, bytes.len(),);
    if let Some((sn, said)) = &out.state {
        let _ = write!(line, " sn={sn} said={said}");
    }
    println!("{line}");
    Ok(())
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
    final_sn: u128,
    final_said: String,
    runs: usize,
}

/// One run's figures, from the child's line.
#[derive(Clone, Debug, Default)]
struct Sample {
    secs: f64,
    cpu: Option<f64>,
    hwm_kib: u64,
    events: usize,
    state: Option<(u128, String)>,
    extra: BTreeMap<String, String>,
}

fn parse_child_line(stdout: &str) -> Res<Sample> {
    let line = stdout.lines().rev().find(|l| l.starts_with("ok ")).ok_or("no result line")?;
    let kv: BTreeMap<&str, &str> = line[3..].split_whitespace().filter_map(|p| p.split_once('=')).collect();
    let get = |k: &str| kv.get(k).copied().ok_or_else(|| format!("no {k} in {line:?}"));
    let state = match (kv.get("sn"), kv.get("said")) {
        (Some(sn), Some(said)) => Some((sn.parse()?, (*said).to_owned())),
        _ => None,
    };
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
        state: Some((num("sn")? as u128, json_field(line, "said").unwrap_or_default().to_owned())),
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
        out.push(StreamMeta {
            label,
            path,
            bytes,
            events: field("events")?.parse()?,
            final_sn: field("final_sn")?.parse()?,
            final_said: field("final_said")?.to_owned(),
            runs: o.runs.get(label).copied().unwrap_or(3),
        });
    }
    Ok(out)
}

/// Runs one job once, in its own process.
fn run_once(imp: &Impl, s: &StreamMeta, o: &Opts) -> Res<Sample> {
    let output = match imp.runner {
        Runner::Rust(_) => Command::new(std::env::current_exe()?).arg("child").arg(imp.id).arg(&s.path).output()?,
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
        Runner::Rust(_) => parse_child_line(&stdout)?,
        Runner::Keripy { .. } => keripy_sample(&stdout)?,
    };
    if imp.id != "baseline" && sample.events != s.events {
        return Err(format!("{} events, expected {}", sample.events, s.events).into());
    }
    if let Some((sn, said)) = &sample.state
        && (*sn != s.final_sn || *said != s.final_said)
    {
        return Err(format!("final state sn {sn} {said}, expected sn {} {}", s.final_sn, s.final_said).into());
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

fn run(o: &Opts) -> Res<()> {
    let streams = load_streams(o)?;
    let all = impls();
    let jobs: Vec<&Impl> = all
        .iter()
        .filter(|i| o.only.as_ref().is_none_or(|only| only.iter().any(|x| x == i.id)))
        .filter(|i| {
            let keep = !matches!(i.runner, Runner::Keripy { .. }) || o.keripy_python.is_some();
            if !keep {
                eprintln!("skipping {}: no --keripy-python", i.id);
            }
            keep
        })
        .collect();
    let runs_for = |imp: &Impl, s: &StreamMeta| match (imp.runner, s.label) {
        (Runner::Keripy { .. }, "10k") => o.keripy_runs_10k.unwrap_or(s.runs),
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
            let state = x.best.state.as_ref().map_or_else(|| "–".to_owned(), |(sn, _)| format!("sn {sn}, SAID ✓"));
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
