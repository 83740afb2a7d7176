//! The event processor: applies messages to key state in any order, with escrows.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use dkms_cesr::stream::Framer;
use dkms_cesr::{Indexer, IndexerCode, Matter};
use dkms_crypto::{Signature, Verfer};
use dkms_event::message::{Body, Ilk, Inception, Message, Rotation};
use dkms_event::primitives::{Digest, Prefix, Verkey};
use dkms_event::seal::{Anchor, Seal};
use dkms_event::signed::{Attachments, SignedMessage, TransSigGroup};

use dkms_store::{AttachmentKind, Durability, Store};

use crate::error::{Error, Result};
use crate::persist::{Op, couple_item, escrow_blob, escrow_key, quadruple_item, store_err};
use crate::pipeline::Item;
use crate::state::{KeyState, witness_verfers};
use crate::verify;

/// The escrows, as keripy 1.1 keeps them (reference §11.6); the store keeps the same kinds.
pub use dkms_store::EscrowKind;

/// What happened to one message.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Accepted into a KEL (an event) or applied (a receipt).
    Accepted,
    /// Already known; any new valid signatures were kept.
    Duplicate,
    /// Held until what it waits for arrives.
    Escrowed(EscrowKind),
    /// Not a key event or receipt: nothing to do for a KEL validator.
    Ignored,
    /// Dropped.
    Rejected(Error),
}

/// Processor settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// How long an out-of-order event waits, in microseconds (keripy: 1200 s).
    pub out_of_order_timeout: u64,
    /// How long every other escrowed item waits, in microseconds (keripy: 3600 s).
    pub escrow_timeout: u64,
    /// Identifiers this node controls: their events need no witness receipts here.
    pub local: Vec<Prefix>,
    /// Most escrowed items for one identifier.
    pub max_escrow_per_prefix: usize,
    /// Most escrowed items in total.
    pub max_escrow_total: usize,
    /// With a store: the most recorded changes (an accepted event, a key state, an escrow
    /// entry, a receipt added to an older event: one change each) `ingest` gathers
    /// before it commits them in one transaction, waiting for the group before if it is
    /// still being written. A smaller group, of at least a sixteenth of this, is handed to
    /// the background writer as soon as it is idle, so the writes keep pace with validation
    /// and little is left to write when the stream ends. Memory holds the events of at
    /// most two groups until they are committed.
    pub group_commit_ops: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            out_of_order_timeout: 1_200_000_000,
            escrow_timeout: 3_600_000_000,
            local: Vec::new(),
            max_escrow_per_prefix: 1024,
            max_escrow_total: 100_000,
            group_commit_ops: GROUP_COMMIT_OPS,
        }
    }
}

/// An accepted event with what was verified for it.
#[derive(Clone, Debug)]
pub struct Logged {
    /// The event body.
    pub message: Message,
    /// Valid controller signatures.
    pub sigs: Vec<Indexer>,
    /// Valid witness signatures.
    pub wigs: Vec<Indexer>,
    /// Valid non-transferable receipts from non-witnesses.
    pub receipts: Vec<(Verkey, Matter)>,
    /// Valid transferable receipts (validators' signatures pinned to their establishment events).
    pub trans_receipts: Vec<TransSigGroup>,
    /// First-seen ordinal.
    pub first_seen: u64,
    /// First-seen time, microseconds since the Unix epoch.
    pub first_seen_at: u64,
    /// Source seal of the delegating event, when delegated.
    pub source: Option<(u128, Digest)>,
    witnesses: Arc<[Prefix]>,
    witness_verfers: Arc<[Verfer]>,
}

impl Logged {
    #[allow(clippy::too_many_arguments, reason = "restoring every stored part of an event")]
    pub(crate) fn restore(
        message: Message,
        sigs: Vec<Indexer>,
        wigs: Vec<Indexer>,
        receipts: Vec<(Verkey, Matter)>,
        trans_receipts: Vec<TransSigGroup>,
        first_seen: u64,
        first_seen_at: u64,
        witnesses: &[Prefix],
    ) -> Self {
        // The witness list in force for a restored event: its own (inception) or the current one.
        let wits: Vec<Prefix> = match message.body() {
            Body::Inception(b) => b.witnesses.clone(),
            _ => witnesses.to_vec(),
        };
        Logged {
            message,
            sigs,
            wigs,
            receipts,
            trans_receipts,
            first_seen,
            first_seen_at,
            source: None,
            witness_verfers: witness_verfers(&wits),
            witnesses: wits.into(),
        }
    }
}

/// A KEL's index. Without a store it is the whole KEL; with a store it holds only what
/// was accepted since the last commit (the store has the rest).
#[derive(Clone, Debug, Default)]
struct Kel {
    /// Accepted events in first-seen order (superseded ones included).
    log: Vec<Digest>,
    /// The authoritative event at each sequence number.
    at: BTreeMap<u128, Digest>,
}

#[derive(Clone, Debug)]
struct Escrowed {
    /// Early receipts folded into this event (counted as applied when it is accepted).
    folded: usize,
    kind: EscrowKind,
    signed: SignedMessage,
    at: u64,
}

/// Evidence of duplicity: an event that conflicts with an accepted one.
#[derive(Clone, Debug)]
pub struct Duplicity {
    /// The conflicting event with its attachments.
    pub signed: SignedMessage,
    /// SAID of the accepted event at the same location.
    pub accepted: Digest,
}

/// The KEL validator: feed it messages in any order, read key state back.
///
/// ```
/// use dkms_kel::{Kevery, Outcome};
/// let wire = br#"{"v":"KERI10JSON00012b_","t":"icp","d":"EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C","i":"EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C","s":"0","kt":"1","k":["DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH"],"nt":"1","n":["EIf-ENw7PrM52w4H-S7NGU2qVIfraXVIlV9hEAaMHg7W"],"bt":"0","b":[],"c":[],"a":[]}-AABAAAPitVKfl6dG9dY4-7Ppg5tAANHsqEUptTfR05wLb0fbmKFt4DbZdBNjJaCDrEc7kAIqbLsCMCKf26-Onxz-DoP"#;
/// let mut kevery = Kevery::default();
/// let report = kevery.ingest(wire, 0);
/// assert_eq!(report.accepted, 1);
/// let state = kevery.state("EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C").unwrap();
/// assert_eq!(state.sn, 0);
/// ```
#[derive(Debug, Default)]
pub struct Kevery {
    config: Config,
    states: HashMap<String, KeyState>,
    kels: HashMap<String, Kel>,
    /// Accepted events held in memory (shared with the background writer's operations).
    events: HashMap<String, Arc<Logged>>,
    escrows: HashMap<String, Vec<Escrowed>>,
    escrow_count: usize,
    duplicity: Vec<Duplicity>,
    store: Option<StoreHandle>,
    ops: Vec<Op>,
    /// Identifiers whose key state changed since the last commit (written once per commit).
    dirty: std::collections::BTreeSet<String>,
    durability: Durability,
    /// Verdicts computed ahead (parallel ingest) for the message being processed.
    pre: Option<crate::pipeline::Preverified>,
    /// With a store: events and KEL indexes of the group commit being written in the
    /// background (read before the store, cleared once it is durable).
    events_inflight: HashMap<String, Arc<Logged>>,
    kels_inflight: HashMap<String, Kel>,
    inflight: Option<crate::persist::Inflight>,
}

/// What a written group kept in memory: its events and KEL indexes.
type Written = (HashMap<String, Arc<Logged>>, HashMap<String, Kel>);

/// The store behind a validator (kept opaque so `Kevery` can stay `Debug`).
#[derive(Clone)]
struct StoreHandle(Arc<dyn Store>);

impl core::fmt::Debug for StoreHandle {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Store")
    }
}

/// Changes recorded between commits before `ingest` commits on its own (default).
const GROUP_COMMIT_OPS: usize = 1024;

/// Counters of one ingest run.
struct Run {
    report: Report,
    escrow_before: usize,
    drained: usize,
}

impl Run {
    fn new(escrow_before: usize) -> Self {
        Self { report: Report::default(), escrow_before, drained: 0 }
    }

    fn framing_error(&mut self, e: dkms_cesr::Error, base: usize) {
        self.report.rejected += 1;
        let e = e.shifted(base);
        let offset = e.offset().unwrap_or(base);
        let err = Error::from(e);
        self.report.errors.push((offset, err.kind(), err.to_string()));
    }
}

/// Totals of one ingest run, and the errors with their stream offsets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Messages accepted (events and receipts), including escrowed ones accepted later in the run.
    pub accepted: usize,
    /// Messages still in escrow at the end of the run.
    pub escrowed: usize,
    /// Messages dropped.
    pub rejected: usize,
    /// Duplicates of accepted events.
    pub duplicates: usize,
    /// Messages a KEL validator does not act on (`qry`, `rpy`, `exn`, …).
    pub ignored: usize,
    /// Each error: stream offset, kind, message.
    pub errors: Vec<(usize, &'static str, String)>,
}

fn escrow_prefix(signed: &SignedMessage) -> String {
    signed.message.prefix().map(Prefix::qb64).unwrap_or_default()
}

impl Kevery {
    /// A processor with `config`.
    #[must_use]
    pub fn new(config: Config) -> Self {
        Self { config, ..Self::default() }
    }

    /// Sets how commits reach the disk (default: each commit is durable when it returns).
    pub fn set_durability(&mut self, durability: Durability) {
        self.durability = durability;
    }

    pub(crate) fn durability(&self) -> Durability {
        self.durability
    }

    pub(crate) fn store(&self) -> Option<&Arc<dyn Store>> {
        self.store.as_ref().map(|h| &h.0)
    }

    pub(crate) fn attach_store(&mut self, store: Arc<dyn Store>) {
        self.store = Some(StoreHandle(store));
    }

    /// The recorded changes, with the latest key state of every changed identifier.
    pub(crate) fn take_ops(&mut self) -> Vec<Op> {
        let mut ops = std::mem::take(&mut self.ops);
        for prefix in std::mem::take(&mut self.dirty) {
            if let Some(blob) = self.states.get(&prefix).and_then(|s| s.to_blob().ok()) {
                ops.push(Op::PutState { prefix, blob });
            }
        }
        ops
    }

    pub(crate) fn restore_ops(&mut self, mut ops: Vec<Op>) {
        ops.append(&mut self.ops);
        self.ops = ops;
    }

    pub(crate) fn restore_state(&mut self, prefix: String, state: KeyState) {
        self.states.insert(prefix, state);
    }

    pub(crate) fn restore_escrow(&mut self, kind: EscrowKind, signed: SignedMessage, at: u64) {
        let prefix = escrow_prefix(&signed);
        self.escrows.entry(prefix).or_default().push(Escrowed { folded: 0, kind, signed, at });
        self.escrow_count += 1;
    }

    /// The delegator an escrowed event waits for: from a `dip` itself, or for a `drt`
    /// from the delegate's key state.
    fn delegator_of(&self, sm: &SignedMessage) -> Option<String> {
        match sm.message.body() {
            Body::Inception(i) => i.delegator.as_ref().map(Prefix::qb64),
            Body::Rotation(r) => self.states.get(&r.prefix.qb64()).and_then(|s| s.delegator.as_ref()).map(Prefix::qb64),
            _ => None,
        }
    }

    /// Marks an identifier as controlled here: its events need no witness receipts.
    pub fn add_local(&mut self, prefix: Prefix) {
        if !self.config.local.contains(&prefix) {
            self.config.local.push(prefix);
        }
    }

    fn record(&mut self, op: Op) {
        if self.store.is_some() {
            self.ops.push(op);
        }
    }

    fn record_escrow(&mut self, kind: EscrowKind, signed: &SignedMessage, at: u64) {
        if self.store.is_some()
            && let Ok(blob) = escrow_blob(signed)
        {
            self.ops.push(Op::PutEscrow { key: escrow_key(kind, signed), at, blob });
        }
    }

    fn record_unescrow(&mut self, kind: EscrowKind, signed: &SignedMessage) {
        if self.store.is_some() {
            self.ops.push(Op::DeleteEscrow { key: escrow_key(kind, signed) });
        }
    }

    /// Key state of an identifier.
    #[must_use]
    pub fn state(&self, prefix: &str) -> Option<&KeyState> {
        self.states.get(prefix)
    }

    /// Every identifier with a key state, sorted.
    #[must_use]
    pub fn prefixes(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.states.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    /// The accepted event with this SAID (from memory, or read from the store).
    ///
    /// # Errors
    /// [`Error::Store`] when the store cannot be read or holds a record that does not parse.
    pub fn event(&self, said: &str) -> Result<Option<Logged>> {
        let Ok(d) = Digest::parse(said, "d") else { return Ok(None) };
        Ok(self.logged(&d)?.map(std::borrow::Cow::into_owned))
    }

    /// The KEL of an identifier in first-seen order (superseded events included).
    ///
    /// # Errors
    /// [`Error::Store`] when the store cannot be read or holds a record that does not parse.
    pub fn kel(&self, prefix: &str) -> Result<Vec<Logged>> {
        let mut saids: Vec<Digest> = Vec::new();
        if let Some(store) = self.store() {
            let r = store.read().map_err(store_err)?;
            for e in r.first_seen(prefix, 0).map_err(store_err)? {
                saids.push(Digest::parse(&e.said, "d")?);
            }
        }
        for kels in [&self.kels_inflight, &self.kels] {
            if let Some(k) = kels.get(prefix) {
                saids.extend(k.log.iter().cloned());
            }
        }
        // A group written in the background may have reached the store since it was read.
        let mut seen = std::collections::HashSet::new();
        saids.retain(|d| seen.insert(d.as_str().to_owned()));
        let mut out = Vec::with_capacity(saids.len());
        for d in &saids {
            if let Some(l) = self.logged(d)? {
                out.push(l.into_owned());
            }
        }
        Ok(out)
    }

    /// The authoritative chain of an identifier's KEL, inception first: the accepted event
    /// at each sequence number up to the key state's (superseded events left out).
    ///
    /// # Errors
    /// [`Error::Store`] when the store cannot be read or holds a record that does not parse.
    pub fn chain(&self, prefix: &str) -> Result<Vec<Logged>> {
        let Some(state) = self.states.get(prefix) else { return Ok(Vec::new()) };
        let mut out = Vec::new();
        let mut sn = 0u128;
        while sn <= state.sn {
            let Some(d) = self.at(prefix, sn)? else { break };
            let Some(l) = self.logged(&d)? else { break };
            out.push(l.into_owned());
            sn += 1;
        }
        Ok(out)
    }

    /// The authoritative event at `(prefix, sn)`: from memory, else (with a store) from the
    /// store, up to the key state's sequence number (later store entries are superseded).
    fn at(&self, prefix: &str, sn: u128) -> Result<Option<Digest>> {
        if let Some(d) = self.kels.get(prefix).and_then(|k| k.at.get(&sn)) {
            return Ok(Some(d.clone()));
        }
        let (Some(store), Some(state)) = (self.store(), self.states.get(prefix)) else { return Ok(None) };
        // Entries beyond the state's sequence number were superseded by a recovery.
        if sn > state.sn {
            return Ok(None);
        }
        if let Some(d) = self.kels_inflight.get(prefix).and_then(|k| k.at.get(&sn)) {
            return Ok(Some(d.clone()));
        }
        let r = store.read().map_err(store_err)?;
        match r.kel_entry(prefix, sn).map_err(store_err)? {
            Some(e) => Ok(Some(Digest::parse(&e.said, "d")?)),
            None => Ok(None),
        }
    }

    /// An accepted event: from memory, else (with a store) read back with its attachments.
    fn logged(&self, said: &Digest) -> Result<Option<std::borrow::Cow<'_, Logged>>> {
        if let Some(l) = self.events.get(said.as_str()).or_else(|| self.events_inflight.get(said.as_str())) {
            return Ok(Some(std::borrow::Cow::Borrowed(&**l)));
        }
        let Some(store) = self.store() else { return Ok(None) };
        let r = store.read().map_err(store_err)?;
        let Some(record) = r.event_record(said.as_str()).map_err(store_err)? else { return Ok(None) };
        drop(r);
        let message = Message::parse(&record.body)?;
        let attachments = |kind| record.attachments(kind).to_vec();
        let sigs = crate::persist::sigs(attachments(AttachmentKind::ControllerSigs));
        let wigs = crate::persist::sigs(attachments(AttachmentKind::WitnessSigs));
        let receipts = record
            .attachments(AttachmentKind::Receipts)
            .iter()
            .filter_map(|s| crate::persist::parse_couple(s))
            .collect();
        let trans = record
            .attachments(AttachmentKind::TransReceipts)
            .iter()
            .filter_map(|s| crate::persist::parse_quadruple(s))
            .collect();
        // First-seen data: the entry of the first-seen log that names this event.
        let (first_seen, first_seen_at) = (record.entry.ordinal, record.entry.first_seen_micros);
        let witnesses = self.witnesses_for(&message)?;
        Ok(Some(std::borrow::Cow::Owned(Logged::restore(
            message,
            sigs,
            wigs,
            receipts,
            trans,
            first_seen,
            first_seen_at,
            &witnesses,
        ))))
    }

    /// As [`Kevery::logged`], for changing the event: it is kept in memory until the next commit.
    fn logged_mut(&mut self, said: &Digest) -> Result<Option<&mut Logged>> {
        if !self.events.contains_key(said.as_str()) {
            let Some(l) = self.logged(said)?.map(std::borrow::Cow::into_owned) else { return Ok(None) };
            self.events.insert(said.as_str().to_owned(), Arc::new(l));
        }
        // A copy when the background writer still holds the event: it writes the event as
        // it was accepted, and the change is recorded as its own operation.
        Ok(self.events.get_mut(said.as_str()).map(Arc::make_mut))
    }

    /// The witness list in force for an event: the chain's list before it, then its own
    /// cuts and adds (an inception sets the list).
    fn witnesses_for(&self, message: &Message) -> Result<Vec<Prefix>> {
        let prefix = message.prefix().map(|p| p.as_str().to_owned()).unwrap_or_default();
        let sn = message.sn().unwrap_or(0);
        let mut list: Vec<Prefix> = match self.states.get(&prefix) {
            // Events after the latest establishment event live under the current list.
            Some(state)
                if sn > state.last_est.sn || (sn == state.last_est.sn && *message.said() == state.last_est.said) =>
            {
                return Ok(state.witnesses.clone());
            }
            _ => Vec::new(),
        };
        let mut s = 0u128;
        while s < sn {
            let Some(d) = self.at(&prefix, s)? else { break };
            let Some(l) = self.logged_shallow(&d)? else { break };
            apply_witness_changes(&mut list, &l);
            s += 1;
        }
        apply_witness_changes(&mut list, message);
        Ok(list)
    }

    /// An accepted event's message only (no attachments, no witness list).
    fn logged_shallow(&self, said: &Digest) -> Result<Option<Message>> {
        if let Some(l) = self.events.get(said.as_str()).or_else(|| self.events_inflight.get(said.as_str())) {
            return Ok(Some(l.message.clone()));
        }
        let Some(store) = self.store() else { return Ok(None) };
        let r = store.read().map_err(store_err)?;
        match r.event(said.as_str()).map_err(store_err)? {
            Some(raw) => Ok(Some(Message::parse(&raw)?)),
            None => Ok(None),
        }
    }

    /// With a store, forgets what the store now holds: events and KEL indexes accepted
    /// before the commit that just succeeded (memory stays bounded by the commit group).
    pub(crate) fn forget_committed(&mut self) {
        if self.store.is_some() {
            self.events.clear();
            self.kels.clear();
            self.events_inflight.clear();
            self.kels_inflight.clear();
        }
    }

    /// Whether `ingest` should hand the recorded changes to the writer now: the group is
    /// full, or it is big enough and the writer is idle.
    fn group_ready(&self) -> bool {
        let n = self.ops.len();
        n >= self.config.group_commit_ops
            || (n >= (self.config.group_commit_ops / 16).max(1)
                && self.store.is_some()
                && self.inflight.as_ref().is_none_or(crate::persist::Inflight::is_finished))
    }

    /// Hands the recorded changes to a background writer (one group at a time): the next
    /// group is validated while this one is written. Waits for the previous group first.
    pub(crate) fn commit_in_background(&mut self) -> Result<()> {
        // What the written group kept in memory is freed on the next writer's thread.
        let written = self.finish_inflight()?;
        let Some(store) = self.store().cloned() else { return self.commit() };
        let ops = self.take_ops();
        if ops.is_empty() {
            return Ok(());
        }
        self.events_inflight = std::mem::take(&mut self.events);
        self.kels_inflight = std::mem::take(&mut self.kels);
        self.inflight = Some(crate::persist::Inflight::start(store, ops, self.durability, written));
        Ok(())
    }

    /// Waits for the group being written in the background. On success its events are
    /// dropped from memory (the store has them); on failure its changes are recorded again,
    /// ahead of the newer ones, and kept in memory, so a later commit retries them.
    pub(crate) fn wait_inflight(&mut self) -> Result<()> {
        self.finish_inflight().map(drop)
    }

    /// As [`Kevery::wait_inflight`], returning the written group's events and KEL indexes.
    fn finish_inflight(&mut self) -> Result<Written> {
        let Some(inflight) = self.inflight.take() else { return Ok(Default::default()) };
        match inflight.wait() {
            Ok(()) => Ok((std::mem::take(&mut self.events_inflight), std::mem::take(&mut self.kels_inflight))),
            Err((e, ops)) => {
                self.restore_ops(ops);
                for (k, v) in std::mem::take(&mut self.events_inflight) {
                    self.events.entry(k).or_insert(v);
                }
                for (prefix, old) in std::mem::take(&mut self.kels_inflight) {
                    let cur = self.kels.entry(prefix).or_default();
                    let mut log = old.log;
                    log.append(&mut cur.log);
                    cur.log = log;
                    for (sn, d) in old.at {
                        cur.at.entry(sn).or_insert(d);
                    }
                }
                Err(e)
            }
        }
    }

    /// Evidence of duplicity seen so far.
    #[must_use]
    pub fn duplicity(&self) -> &[Duplicity] {
        &self.duplicity
    }

    /// Number of escrowed items of each kind.
    #[must_use]
    pub fn escrowed(&self) -> BTreeMap<EscrowKind, usize> {
        let mut m = BTreeMap::new();
        for e in self.escrows.values().flatten() {
            *m.entry(e.kind).or_insert(0) += 1;
        }
        m
    }

    /// Frames, parses and processes a whole stream. A bad message is reported with
    /// its offset and the rest of the stream is still processed.
    pub fn ingest(&mut self, bytes: &[u8], now: u64) -> Report {
        let mut run = Run::new(self.escrow_count);
        let mut messages = Framer::new().messages(bytes);
        let next = || {
            Ok(messages.next().map(|framed| match framed {
                Ok(f) => crate::pipeline::parse(&f, 0),
                Err(error) => Item::Framing { error, base: 0 },
            }))
        };
        // Reading a byte slice cannot fail.
        let _ = self.ingest_batches(next, now, &mut run);
        self.finish(run, bytes.len())
    }

    /// As [`Kevery::ingest`], reading the stream from `reader` with a bounded buffer:
    /// memory for the stream stays within the framer's limits however long it is.
    ///
    /// # Errors
    /// Only I/O errors of the reader; everything about the stream is in the report.
    pub fn ingest_reader(&mut self, reader: impl std::io::Read, now: u64) -> std::io::Result<Report> {
        let mut run = Run::new(self.escrow_count);
        let mut source = crate::pipeline::Source::new(reader);
        self.ingest_batches(|| source.next_item(), now, &mut run)?;
        Ok(self.finish(run, source.offset()))
    }

    /// Applies items in batches: the controller signatures of a batch are verified first,
    /// together, with the keys guessed for them (see [`crate::pipeline::Predictor`]); the
    /// rules then use a verdict only where it was computed with exactly the key they pick.
    /// On a read error the items read before it are applied first.
    fn ingest_batches(
        &mut self,
        mut next: impl FnMut() -> std::io::Result<Option<Item>>,
        now: u64,
        run: &mut Run,
    ) -> std::io::Result<()> {
        let mut predictor = crate::pipeline::Predictor::new(HashMap::new());
        loop {
            let states = &self.states;
            let (mut batch, end) = crate::pipeline::read_batch(&mut next, |item| {
                predictor.plan_with(item, |p| states.get(p).map(|s| s.verfers.clone()))
            });
            crate::pipeline::verify_batch(&mut batch);
            for planned in batch {
                self.pre = planned.pre;
                self.ingest_item(planned.item, now, run);
                self.pre = None;
            }
            if let Some(end) = end {
                return end;
            }
        }
    }

    /// As [`Kevery::ingest`], with controller signatures verified on `threads` worker threads
    /// ahead of the ordered checks, which stay on this thread (as do commits). The outcome is
    /// exactly that of [`Kevery::ingest`]: a worker's verdict is used only where it was
    /// computed with the very key the rules select, otherwise the signature is verified here.
    /// `threads` of 0 or 1 is [`Kevery::ingest`].
    ///
    /// ```
    /// # use dkms_kel::Kevery;
    /// let wire = br#"{"v":"KERI10JSON00012b_","t":"icp","d":"EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C","i":"EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C","s":"0","kt":"1","k":["DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH"],"nt":"1","n":["EIf-ENw7PrM52w4H-S7NGU2qVIfraXVIlV9hEAaMHg7W"],"bt":"0","b":[],"c":[],"a":[]}-AABAAAPitVKfl6dG9dY4-7Ppg5tAANHsqEUptTfR05wLb0fbmKFt4DbZdBNjJaCDrEc7kAIqbLsCMCKf26-Onxz-DoP"#;
    /// let report = Kevery::default().ingest_parallel(wire, 0, 2);
    /// assert_eq!(report.accepted, 1);
    /// ```
    pub fn ingest_parallel(&mut self, bytes: &[u8], now: u64, threads: usize) -> Report {
        if threads <= 1 {
            return self.ingest(bytes, now);
        }
        match self.ingest_reader_parallel(bytes, now, threads) {
            Ok(report) => report,
            // Reading a byte slice cannot fail; should a thread fail, say so in the report.
            Err(e) => Report { errors: vec![(0, "io", e.to_string())], ..Report::default() },
        }
    }

    /// As [`Kevery::ingest_reader`], verifying controller signatures on `threads` worker
    /// threads (see [`Kevery::ingest_parallel`]). Memory stays bounded: at most four batches
    /// of 64 messages per worker are read and not yet applied.
    ///
    /// # Errors
    /// Only I/O errors of the reader; messages read before the error have been processed.
    pub fn ingest_reader_parallel(
        &mut self,
        reader: impl std::io::Read + Send,
        now: u64,
        threads: usize,
    ) -> std::io::Result<Report> {
        if threads <= 1 {
            return self.ingest_reader(reader, now);
        }
        let keys = self.states.iter().map(|(p, s)| (p.clone(), s.verfers.clone())).collect();
        let mut run = Run::new(self.escrow_count);
        let end = crate::pipeline::run(reader, keys, threads, |planned| {
            self.pre = planned.pre;
            self.ingest_item(planned.item, now, &mut run);
            self.pre = None;
        })?;
        Ok(self.finish(run, end))
    }

    fn ingest_item(&mut self, item: Item, now: u64, run: &mut Run) {
        let (offset, signed) = match item {
            Item::Framing { error, base } => return run.framing_error(error, base),
            Item::Message { offset, parsed: Err(err) } => {
                run.report.rejected += 1;
                run.report.errors.push((offset, err.kind(), err.to_string()));
                return;
            }
            Item::Message { offset, parsed: Ok(signed) } => (offset, signed),
        };
        let (outcome, drained) = self.process_counting(signed, now);
        run.drained += drained;
        if self.group_ready()
            && let Err(e) = self.commit_in_background()
        {
            run.report.errors.push((offset, e.kind(), e.to_string()));
        }
        match outcome {
            Outcome::Accepted => run.report.accepted += 1,
            Outcome::Duplicate => run.report.duplicates += 1,
            Outcome::Escrowed(_) => {}
            Outcome::Ignored => run.report.ignored += 1,
            Outcome::Rejected(e) => {
                run.report.rejected += 1;
                run.report.errors.push((offset, e.kind(), e.to_string()));
            }
        }
    }

    fn finish(&mut self, mut run: Run, end: usize) -> Report {
        run.report.accepted += run.drained;
        run.report.escrowed = self.escrow_count.saturating_sub(run.escrow_before.min(self.escrow_count));
        if let Err(e) = self.commit() {
            run.report.errors.push((end, e.kind(), e.to_string()));
        }
        run.report
    }

    /// Processes one message and then whatever in escrow it unblocks; with a store,
    /// commits the changes before returning.
    pub fn process(&mut self, signed: SignedMessage, now: u64) -> Outcome {
        let outcome = self.process_counting(signed, now).0;
        match self.commit() {
            Ok(()) => outcome,
            Err(e) => Outcome::Rejected(e),
        }
    }

    /// As `process`; also returns how many escrowed items were accepted after it.
    fn process_counting(&mut self, signed: SignedMessage, now: u64) -> (Outcome, usize) {
        let prefix = escrow_prefix(&signed);
        let outcome = self.apply(&signed, now);
        let mut drained = 0;
        let mut outcome = outcome;
        let mut signed = signed;
        let mut receipts_folded = 0;
        // Receipts that arrived before their event wait in escrow: fold their witness
        // signatures into the event and try it again (keripy: processEscrowUnverWitness).
        if let Outcome::Escrowed(_) = outcome
            && signed.message.ilk().is_key_event()
            && let Some((merged, n)) = self.take_early_receipts(&signed)
        {
            signed = merged;
            receipts_folded = n;
            outcome = self.apply(&signed, now);
        }
        // Verdicts computed ahead belong to this message only, not to what it unblocks.
        self.pre = None;
        match &outcome {
            Outcome::Escrowed(kind) => {
                if let Err(e) = self.escrow(*kind, signed, now, receipts_folded) {
                    return (Outcome::Rejected(e), 0);
                }
            }
            // The folded receipts count as applied, as keripy counts them.
            Outcome::Accepted => drained = self.drain(&prefix, now) + receipts_folded,
            _ => {}
        }
        (outcome, drained)
    }

    fn escrow(&mut self, kind: EscrowKind, signed: SignedMessage, now: u64, folded: usize) -> Result<()> {
        let prefix = escrow_prefix(&signed);
        let sn = signed.message.sn().unwrap_or(0);
        if self.escrow_count >= self.config.max_escrow_total {
            return Err(Error::rule(&prefix, sn, "escrow is full"));
        }
        let list = self.escrows.entry(prefix.clone()).or_default();
        if list.len() >= self.config.max_escrow_per_prefix {
            return Err(Error::rule(&prefix, sn, "escrow for this identifier is full"));
        }
        // The same message escrowed again replaces the earlier copy (its attachments may be newer).
        if let Some(e) = list.iter_mut().find(|e| e.signed.message == signed.message && e.kind == kind) {
            merge_attachments(&mut e.signed.attachments, &signed.attachments);
            e.folded += folded;
            let (merged, at) = (e.signed.clone(), e.at);
            self.record_escrow(kind, &merged, at);
            return Ok(());
        }
        if kind == EscrowKind::LikelyDuplicitous
            && let Some(sn) = signed.message.sn()
            && let Some(accepted) = self.at(&prefix, sn)?
        {
            if let Ok(atts) = signed.attachments.encode(dkms_cesr::Domain::Text) {
                self.record(Op::PutDuplicate {
                    prefix: prefix.clone(),
                    sn,
                    said: signed.message.said().qb64(),
                    event: signed.message.raw().to_vec(),
                    attachments: atts,
                });
            }
            self.duplicity.push(Duplicity { signed: signed.clone(), accepted });
        }
        self.record_escrow(kind, &signed, now);
        self.escrows.entry(prefix).or_default().push(Escrowed { folded, kind, signed, at: now });
        self.escrow_count += 1;
        Ok(())
    }

    /// Retries escrowed items of `prefix` (and of identifiers it delegates) until nothing changes.
    fn drain(&mut self, prefix: &str, now: u64) -> usize {
        let mut accepted = 0;
        let mut queue = vec![prefix.to_owned()];
        while let Some(p) = queue.pop() {
            // Delegates waiting on this identifier, too.
            let delegates: Vec<String> = self
                .escrows
                .iter()
                .filter(|(_, v)| v.iter().any(|e| self.delegator_of(&e.signed).as_deref() == Some(p.as_str())))
                .map(|(k, _)| k.clone())
                .collect();
            for target in std::iter::once(p.clone()).chain(delegates) {
                while let Some(list) = self.escrows.remove(&target) {
                    self.escrow_count -= list.len();
                    let mut progressed = false;
                    let mut keep = Vec::new();
                    for e in sort_escrow(list) {
                        let timeout = match e.kind {
                            EscrowKind::OutOfOrder => self.config.out_of_order_timeout,
                            _ => self.config.escrow_timeout,
                        };
                        if now.saturating_sub(e.at) > timeout {
                            self.record_unescrow(e.kind, &e.signed);
                            continue;
                        }
                        match self.apply(&e.signed, now) {
                            Outcome::Accepted => {
                                self.record_unescrow(e.kind, &e.signed);
                                accepted += 1 + e.folded;
                                progressed = true;
                            }
                            Outcome::Escrowed(kind) => {
                                if kind != e.kind {
                                    self.record_unescrow(e.kind, &e.signed);
                                    self.record_escrow(kind, &e.signed, e.at);
                                }
                                keep.push(Escrowed { kind, ..e });
                            }
                            Outcome::Duplicate | Outcome::Ignored | Outcome::Rejected(_) => {
                                self.record_unescrow(e.kind, &e.signed);
                            }
                        }
                    }
                    if !keep.is_empty() {
                        self.escrow_count += keep.len();
                        self.escrows.insert(target.clone(), keep);
                    }
                    if !progressed {
                        break;
                    }
                    if target != p {
                        queue.push(target.clone());
                    }
                }
            }
        }
        accepted
    }

    /// Drops escrowed items older than their timeout; returns how many were dropped.
    pub fn expire(&mut self, now: u64) -> usize {
        let (ooo, other) = (self.config.out_of_order_timeout, self.config.escrow_timeout);
        let mut gone = Vec::new();
        for list in self.escrows.values_mut() {
            list.retain(|e| {
                let keep = now.saturating_sub(e.at) <= if e.kind == EscrowKind::OutOfOrder { ooo } else { other };
                if !keep {
                    gone.push((e.kind, e.signed.clone()));
                }
                keep
            });
        }
        self.escrows.retain(|_, v| !v.is_empty());
        self.escrow_count -= gone.len();
        for (kind, signed) in &gone {
            self.record_unescrow(*kind, signed);
        }
        if let Err(e) = self.commit() {
            // The store keeps the expired entries; they expire again at the next open.
            let _ = e;
        }
        gone.len()
    }

    /// Decides one message without escrowing it.
    fn apply(&mut self, signed: &SignedMessage, now: u64) -> Outcome {
        let ilk = signed.message.ilk();
        let res = if ilk.is_key_event() {
            self.key_event(signed, now)
        } else if ilk == Ilk::Rct {
            self.receipt(signed)
        } else {
            Ok(Outcome::Ignored)
        };
        res.unwrap_or_else(Outcome::Rejected)
    }

    fn key_event(&mut self, sm: &SignedMessage, now: u64) -> Result<Outcome> {
        let msg = &sm.message;
        let prefix = msg.prefix().map(Prefix::qb64).unwrap_or_default();
        let sn = msg.sn().unwrap_or(0);
        if sm.attachments.controller_sigs.is_empty() {
            return Err(Error::Unsigned { ilk: msg.ilk().as_str(), prefix, sn });
        }
        let Some(state) = self.states.get(&prefix) else {
            return match msg.body() {
                Body::Inception(icp) => self.incept(sm, icp, now),
                _ => Ok(Outcome::Escrowed(EscrowKind::OutOfOrder)),
            };
        };
        if let Body::Inception(_) = msg.body() {
            return self.known_location(sm, &prefix, 0);
        }
        if !state.transferable() {
            return Err(Error::rule(&prefix, sn, "identifier is non-transferable or abandoned"));
        }
        let next = state.sn + 1;
        if sn > next {
            return Ok(Outcome::Escrowed(EscrowKind::OutOfOrder));
        }
        let est = state.last_est.sn;
        let latest_is_ixn = state.ilk == Ilk::Ixn;
        let update = match msg.ilk() {
            Ilk::Ixn => sn == next,
            Ilk::Rot => sn == next || (est < sn && sn <= state.sn && latest_is_ixn),
            Ilk::Drt => sn == next || (sn == state.sn && latest_is_ixn),
            _ => false,
        };
        if !update {
            return self.known_location(sm, &prefix, sn);
        }
        match msg.body() {
            Body::Interaction(_) => self.interact(sm, &prefix, sn, now),
            Body::Rotation(rot) => self.rotate(sm, rot, &prefix, now),
            _ => Err(Error::rule(&prefix, sn, "unexpected body for a key event")),
        }
    }

    /// An event at a location already accepted: a duplicate or likely duplicity.
    fn known_location(&mut self, sm: &SignedMessage, prefix: &str, sn: u128) -> Result<Outcome> {
        let said = sm.message.said();
        let accepted = self.at(prefix, sn)?;
        Ok(match accepted {
            Some(d) if &d == said => {
                // New witness signatures count only if they verify for this event.
                if let Some(logged) = self.logged_mut(said)? {
                    let raw = logged.message.raw().to_vec();
                    let sn = logged.message.sn().unwrap_or(0);
                    let valid = verify::indexed(
                        &raw,
                        &logged.witness_verfers,
                        &sm.attachments.witness_sigs,
                        prefix,
                        sn,
                        "witnesses",
                        None,
                    )
                    .unwrap_or_default();
                    let added = add_witness_sigs(logged, &valid);
                    if !added.is_empty() {
                        self.record(Op::Attach { kind: AttachmentKind::WitnessSigs, said: said.qb64(), items: added });
                    }
                }
                Outcome::Duplicate
            }
            // A superseded event seen again is a duplicate of history, not duplicity.
            _ if self.logged_shallow(said)?.is_some() => Outcome::Duplicate,
            _ => Outcome::Escrowed(EscrowKind::LikelyDuplicitous),
        })
    }

    fn verify_controller(
        &self,
        sm: &SignedMessage,
        verfers: &[Verfer],
        prefix: &str,
        sn: u128,
    ) -> Result<Vec<Indexer>> {
        let valid = verify::indexed(
            sm.message.raw(),
            verfers,
            &sm.attachments.controller_sigs,
            prefix,
            sn,
            "keys",
            self.pre.as_ref(),
        )?;
        if valid.is_empty() {
            return Err(Error::NoValidSignature { prefix: prefix.to_owned(), sn });
        }
        Ok(valid)
    }

    /// Witness signatures valid for `witnesses`; enough for `toad` unless the identifier is local.
    fn witnessed(
        &self,
        sm: &SignedMessage,
        prefix: &Prefix,
        sn: u128,
        witnesses: &[Prefix],
        verfers: &[Verfer],
        toad: u64,
    ) -> Result<Option<Vec<Indexer>>> {
        let wigs = verify::indexed(
            sm.message.raw(),
            verfers,
            &sm.attachments.witness_sigs,
            &prefix.qb64(),
            sn,
            "witnesses",
            None,
        )?;
        let mut wigs = wigs;
        // Non-transferable receipt couples from witnesses count as their indexed signatures.
        for (key, cigar) in &sm.attachments.nontrans_receipts {
            if let Some(i) = witnesses.iter().position(|w| w.matter() == key.matter())
                && let Some(sig) = couple_as_wig(sm.message.raw(), key, cigar, i)
                && !wigs.iter().any(|w| w.index() == sig.index())
            {
                wigs.push(sig);
            }
        }
        let local = self.config.local.contains(prefix);
        let mut distinct: Vec<u32> = wigs.iter().map(Indexer::index).collect();
        distinct.sort_unstable();
        distinct.dedup();
        if witnesses.is_empty() || local || distinct.len() as u64 >= toad { Ok(Some(wigs)) } else { Ok(None) }
    }

    fn incept(&mut self, sm: &SignedMessage, icp: &Inception, now: u64) -> Result<Outcome> {
        let prefix = icp.prefix.qb64();
        let state = KeyState::incept(icp, sm.message.said(), sm.message.ilk(), now);
        let sigs = self.verify_controller(sm, &state.verfers, &prefix, 0)?;
        if !icp.kt.satisfied_by(sigs.iter().map(Indexer::index)) {
            return Ok(Outcome::Escrowed(EscrowKind::PartiallySigned));
        }
        let source = if let Some(delegator) = &icp.delegator {
            match self.delegation(sm, delegator, &icp.prefix, 0)? {
                Some(s) => Some(s),
                None => return Ok(Outcome::Escrowed(EscrowKind::Delegation)),
            }
        } else {
            None
        };
        let Some(wigs) = self.witnessed(sm, &icp.prefix, 0, &icp.witnesses, &state.witness_verfers, icp.toad)? else {
            return Ok(Outcome::Escrowed(EscrowKind::PartiallyWitnessed));
        };
        self.log(sm, state, sigs, wigs, source, now, false)?;
        Ok(Outcome::Accepted)
    }

    fn interact(&mut self, sm: &SignedMessage, prefix: &str, sn: u128, now: u64) -> Result<Outcome> {
        let Some(state) = self.states.get(prefix) else { return Ok(Outcome::Escrowed(EscrowKind::OutOfOrder)) };
        let Body::Interaction(ixn) = sm.message.body() else {
            return Err(Error::rule(prefix, sn, "not an interaction"));
        };
        if state.establishment_only() {
            return Err(Error::rule(prefix, sn, "interaction events are forbidden by EO"));
        }
        if ixn.prior != state.said {
            return Err(Error::rule(prefix, sn, "prior event digest `p` does not match the latest event"));
        }
        let sigs = self.verify_controller(sm, &state.verfers, prefix, sn)?;
        if !state.kt.satisfied_by(sigs.iter().map(Indexer::index)) {
            return Ok(Outcome::Escrowed(EscrowKind::PartiallySigned));
        }
        let Some(wigs) = self.witnessed(sm, &state.prefix, sn, &state.witnesses, &state.witness_verfers, state.toad)?
        else {
            return Ok(Outcome::Escrowed(EscrowKind::PartiallyWitnessed));
        };
        let prior = ixn.prior.clone();
        let said = sm.message.said().clone();
        // Only the latest-event fields change: update the state where it is (no copy of keys).
        let Some(mut next) = self.states.remove(prefix) else { return Ok(Outcome::Escrowed(EscrowKind::OutOfOrder)) };
        next.sn = sn;
        next.said = said;
        next.prior = Some(prior);
        next.ilk = Ilk::Ixn;
        self.log(sm, next, sigs, wigs, None, now, false)?;
        Ok(Outcome::Accepted)
    }

    fn rotate(&mut self, sm: &SignedMessage, rot: &Rotation, prefix: &str, now: u64) -> Result<Outcome> {
        let Some(state) = self.states.get(prefix) else { return Ok(Outcome::Escrowed(EscrowKind::OutOfOrder)) };
        let sn = rot.sn;
        let ilk = sm.message.ilk();
        match (ilk, state.delegator.is_some()) {
            (Ilk::Rot, true) => return Err(Error::rule(prefix, sn, "a delegated identifier rotates with drt")),
            (Ilk::Drt, false) => return Err(Error::rule(prefix, sn, "drt on an identifier that is not delegated")),
            _ => {}
        }
        let recovery = sn <= state.sn;
        let expected_prior = if recovery { self.at(prefix, sn.saturating_sub(1))? } else { Some(state.said.clone()) };
        if expected_prior.as_ref() != Some(&rot.prior) {
            return Err(Error::rule(prefix, sn, "prior event digest `p` does not match the KEL"));
        }
        // Witness arithmetic: cuts from the current list, then adds.
        for (i, c) in rot.cuts.iter().enumerate() {
            if !state.witnesses.contains(c) || rot.cuts.iter().take(i).any(|x| x == c) {
                return Err(Error::rule(prefix, sn, format!("invalid witness cut {}", c.qb64())));
            }
        }
        let mut witnesses: Vec<Prefix> = state.witnesses.iter().filter(|w| !rot.cuts.contains(w)).cloned().collect();
        for a in &rot.adds {
            if witnesses.contains(a) {
                return Err(Error::rule(prefix, sn, format!("witness {} added twice", a.qb64())));
            }
            witnesses.push(a.clone());
        }
        dkms_event::message::check_toad_public(rot.toad, witnesses.len())
            .map_err(|e| Error::rule(prefix, sn, e.to_string()))?;
        let next_state = state.rotate(rot, sm.message.said(), ilk, witnesses.clone());
        let sigs = self.verify_controller(sm, &next_state.verfers, prefix, sn)?;
        let current_ok = rot.kt.satisfied_by(sigs.iter().map(Indexer::index));
        let exposed = verify::exposed(&state.next, &rot.keys, &sigs);
        let prior_ok = state.nt.satisfied_by(exposed);
        if !(current_ok && prior_ok) {
            return Ok(Outcome::Escrowed(EscrowKind::PartiallySigned));
        }
        let source = if ilk == Ilk::Drt {
            let delegator = state.delegator.clone().ok_or_else(|| Error::rule(prefix, sn, "no delegator"))?;
            match self.delegation(sm, &delegator, &state.prefix, sn)? {
                Some(s) => Some(s),
                None => return Ok(Outcome::Escrowed(EscrowKind::Delegation)),
            }
        } else {
            None
        };
        let Some(wigs) = self.witnessed(sm, &state.prefix, sn, &witnesses, &next_state.witness_verfers, rot.toad)?
        else {
            return Ok(Outcome::Escrowed(EscrowKind::PartiallyWitnessed));
        };
        self.log(sm, next_state, sigs, wigs, source, now, recovery)?;
        Ok(Outcome::Accepted)
    }

    /// Finds the delegator's approval: the event named by the `-G` couple (or, without
    /// one, any accepted delegator event) whose anchors hold the seal `{i, s, d}` of this event.
    /// `Ok(None)`: not there yet (escrow).
    fn delegation(
        &self,
        sm: &SignedMessage,
        delegator: &Prefix,
        delegate: &Prefix,
        sn: u128,
    ) -> Result<Option<(u128, Digest)>> {
        let dpre = delegator.qb64();
        let said = sm.message.said();
        let Some(dstate) = self.states.get(&dpre) else { return Ok(None) };
        if dstate.does_not_delegate() {
            return Err(Error::rule(&delegate.qb64(), sn, "the delegator does not delegate (DND)"));
        }
        let wanted = Seal::Event { i: delegate.clone(), s: sn, d: said.clone() };
        let holds = |message: &Message| -> bool {
            let anchors = match message.body() {
                Body::Inception(b) => &b.anchors,
                Body::Rotation(b) => &b.anchors,
                Body::Interaction(b) => &b.anchors,
                _ => return false,
            };
            anchors.iter().any(|a| matches!(a, Anchor::Seal(s) if *s == wanted))
        };
        if let Some((dsn, dsaid)) = sm.attachments.source_seals.last() {
            let Some(at) = self.at(&dpre, *dsn)? else { return Ok(None) };
            if &at != dsaid {
                return Err(Error::rule(
                    &delegate.qb64(),
                    sn,
                    "delegating event named by the source seal is not in the delegator's KEL",
                ));
            }
            let logged = self.logged_shallow(&at)?;
            if !logged.as_ref().is_some_and(holds) {
                return Err(Error::rule(&delegate.qb64(), sn, "the delegating event does not anchor this event"));
            }
            return Ok(Some((*dsn, dsaid.clone())));
        }
        // No couple: search the delegator's KEL for the anchoring seal.
        for dsn in 0..=dstate.sn {
            let Some(d) = self.at(&dpre, dsn)? else { break };
            if self.logged_shallow(&d)?.as_ref().is_some_and(holds) {
                return Ok(Some((dsn, d)));
            }
        }
        Ok(None)
    }

    #[allow(clippy::too_many_arguments, reason = "internal")]
    fn log(
        &mut self,
        sm: &SignedMessage,
        mut state: KeyState,
        sigs: Vec<Indexer>,
        wigs: Vec<Indexer>,
        source: Option<(u128, Digest)>,
        now: u64,
        supersede: bool,
    ) -> Result<()> {
        // Read what may need the store first: nothing changes if that fails.
        let trans_receipts = self.trans_receipts(sm.message.raw(), &sm.attachments.trans_receipts)?;
        let prefix = state.prefix.as_str().to_owned();
        let said = sm.message.said().clone();
        // Every accepted event becomes the latest one, so its ordinal follows the one of the
        // state it was checked against (`state` still carries it; an inception starts at 0).
        let first_seen = if matches!(sm.message.body(), Body::Inception(_)) { 0 } else { state.first_seen + 1 };
        let kel = self.kels.entry(prefix.clone()).or_default();
        if supersede {
            let stale: Vec<u128> = kel.at.range(state.sn..).map(|(k, _)| *k).collect();
            for k in stale {
                kel.at.remove(&k);
            }
        }
        kel.log.push(said.clone());
        kel.at.insert(state.sn, said.clone());
        state.first_seen = first_seen;
        state.first_seen_at = now;
        let receipts = nontrans_receipts(sm, &state.witnesses);
        let logged = Arc::new(Logged {
            message: sm.message.clone(),
            sigs,
            wigs,
            receipts,
            trans_receipts,
            first_seen,
            first_seen_at: now,
            source,
            witnesses: state.witness_list.clone(),
            witness_verfers: state.witness_verfers.clone(),
        });
        if self.store.is_some() {
            // The writer encodes the event's records (off this thread).
            self.ops.push(Op::Accepted { prefix: prefix.clone(), sn: state.sn, at: now, event: Arc::clone(&logged) });
            if !self.dirty.contains(&prefix) {
                self.dirty.insert(prefix.clone());
            }
        }
        self.events.insert(said.as_str().to_owned(), logged);
        self.states.insert(prefix, state);
        Ok(())
    }

    /// A receipt (`rct`): witness signatures (`-B`) or non-transferable couples (`-C`)
    /// over the receipted event, applied only to the accepted event at `(i, s)` with SAID `d`.
    fn receipt(&mut self, sm: &SignedMessage) -> Result<Outcome> {
        let Body::Receipt(r) = sm.message.body() else { return Ok(Outcome::Ignored) };
        let prefix = r.prefix.qb64();
        let at = self.at(&prefix, r.sn)?;
        let Some(at) = at else {
            // The event may be waiting for exactly these witness signatures.
            if self.complete_escrowed(sm, &prefix, &r.receipted) {
                return Ok(Outcome::Accepted);
            }
            return Ok(Outcome::Escrowed(EscrowKind::UnverifiedReceipt));
        };
        if at != r.receipted {
            return Err(Error::rule(&prefix, r.sn, "receipt of an event that is not the accepted one"));
        }
        let Some(logged) = self.logged_mut(&at)? else {
            return Ok(Outcome::Escrowed(EscrowKind::UnverifiedReceipt));
        };
        let raw = logged.message.raw().to_vec();
        let groups: Vec<TransSigGroup> =
            sm.attachments.trans_sig_groups.iter().chain(&sm.attachments.trans_receipts).cloned().collect();
        let trans = self.trans_receipts(&raw, &groups)?;
        let Some(logged) = self.logged_mut(&at)? else {
            return Ok(Outcome::Escrowed(EscrowKind::UnverifiedReceipt));
        };
        let mut applied = !trans.is_empty();
        let mut new_trans = Vec::new();
        for t in trans {
            if !logged.trans_receipts.contains(&t) {
                new_trans.extend(t.sigs.iter().filter_map(|s| quadruple_item(&t, s).ok()));
                logged.trans_receipts.push(t);
            }
        }
        if !groups.is_empty() && !applied {
            // The validator's establishment event may not have arrived yet.
            return Ok(Outcome::Escrowed(EscrowKind::UnverifiedReceipt));
        }
        let wigs = verify::indexed(
            &raw,
            &logged.witness_verfers,
            &sm.attachments.witness_sigs,
            &prefix,
            r.sn,
            "witnesses",
            None,
        )?;
        applied |= !wigs.is_empty();
        let mut new_wigs = add_witness_sigs(logged, &wigs);
        let mut new_receipts = Vec::new();
        for (key, cigar) in &sm.attachments.nontrans_receipts {
            if let Some(i) = logged.witnesses.iter().position(|w| w.matter() == key.matter()) {
                if let Some(sig) = couple_as_wig(&raw, key, cigar, i) {
                    new_wigs.extend(add_witness_sigs(logged, &[sig]));
                    applied = true;
                }
            } else if verify_couple(&raw, key, cigar) {
                if !logged.receipts.iter().any(|(k, _)| k == key) {
                    logged.receipts.push((key.clone(), cigar.clone()));
                    new_receipts.push(couple_item(key, cigar));
                }
                applied = true;
            }
        }
        let said = at.qb64();
        for (kind, items) in [
            (AttachmentKind::WitnessSigs, new_wigs),
            (AttachmentKind::Receipts, new_receipts),
            (AttachmentKind::TransReceipts, new_trans),
        ] {
            if !items.is_empty() {
                self.record(Op::Attach { kind, said: said.clone(), items });
            }
        }
        if applied { Ok(Outcome::Accepted) } else { Err(Error::NoValidSignature { prefix, sn: r.sn }) }
    }

    /// Removes the escrowed receipts of this event and returns the event with their
    /// witness signatures and receipt couples attached, and how many there were;
    /// `None` when there are none.
    fn take_early_receipts(&mut self, event: &SignedMessage) -> Option<(SignedMessage, usize)> {
        let prefix = escrow_prefix(event);
        let said = event.message.said();
        let list = self.escrows.get_mut(&prefix)?;
        let mut taken = Vec::new();
        list.retain(|e| {
            let early = e.kind == EscrowKind::UnverifiedReceipt
                && e.signed.message.ilk() == Ilk::Rct
                && e.signed.message.said() == said;
            if early {
                taken.push(e.clone());
            }
            !early
        });
        if list.is_empty() {
            self.escrows.remove(&prefix);
        }
        if taken.is_empty() {
            return None;
        }
        self.escrow_count -= taken.len();
        let mut merged = event.clone();
        for e in &taken {
            self.record_unescrow(e.kind, &e.signed);
            merge_attachments(
                &mut merged.attachments,
                &Attachments {
                    witness_sigs: e.signed.attachments.witness_sigs.clone(),
                    nontrans_receipts: e.signed.attachments.nontrans_receipts.clone(),
                    ..Attachments::default()
                },
            );
        }
        Some((merged, taken.len()))
    }

    /// The transferable receipt groups whose signatures verify over `raw` with the keys of
    /// the validator's establishment event they name (unknown validators are skipped).
    fn trans_receipts(&self, raw: &[u8], groups: &[TransSigGroup]) -> Result<Vec<TransSigGroup>> {
        let mut out = Vec::new();
        for g in groups {
            let Some(est) = self.logged_shallow(&g.said)? else { continue };
            if est.prefix() != Some(&g.prefix) || est.sn() != Some(g.sn) {
                continue;
            }
            let keys = match est.body() {
                Body::Inception(b) => &b.keys,
                Body::Rotation(b) => &b.keys,
                _ => continue,
            };
            let verfers = crate::state::verfers(keys);
            let Ok(valid) = verify::indexed(raw, &verfers, &g.sigs, &g.prefix.qb64(), g.sn, "keys", None) else {
                continue;
            };
            let kt = match est.body() {
                Body::Inception(b) => &b.kt,
                Body::Rotation(b) => &b.kt,
                _ => continue,
            };
            if kt.satisfied_by(valid.iter().map(Indexer::index)) {
                out.push(TransSigGroup { sigs: valid, ..g.clone() });
            }
        }
        Ok(out)
    }

    /// Adds a receipt's witness signatures to an escrowed event with that SAID and retries it.
    fn complete_escrowed(&mut self, rct: &SignedMessage, prefix: &str, said: &Digest) -> bool {
        let Some(list) = self.escrows.get_mut(prefix) else { return false };
        let Some(e) =
            list.iter_mut().find(|e| e.signed.message.said() == said && e.signed.message.ilk().is_key_event())
        else {
            return false;
        };
        let before = e.signed.attachments.witness_sigs.len() + e.signed.attachments.nontrans_receipts.len();
        merge_attachments(
            &mut e.signed.attachments,
            &Attachments {
                witness_sigs: rct.attachments.witness_sigs.clone(),
                nontrans_receipts: rct.attachments.nontrans_receipts.clone(),
                ..Attachments::default()
            },
        );
        let after = e.signed.attachments.witness_sigs.len() + e.signed.attachments.nontrans_receipts.len();
        let (kind, signed, at) = (e.kind, e.signed.clone(), e.at);
        if after > before {
            self.record_escrow(kind, &signed, at);
        }
        after > before
    }
}

fn sort_escrow(mut list: Vec<Escrowed>) -> Vec<Escrowed> {
    list.sort_by_key(|e| (e.signed.message.sn().unwrap_or(0), e.at));
    list
}

fn merge_attachments(into: &mut Attachments, from: &Attachments) {
    for s in &from.controller_sigs {
        if !into.controller_sigs.contains(s) {
            into.controller_sigs.push(s.clone());
        }
    }
    for s in &from.witness_sigs {
        if !into.witness_sigs.contains(s) {
            into.witness_sigs.push(s.clone());
        }
    }
    for c in &from.nontrans_receipts {
        if !into.nontrans_receipts.contains(c) {
            into.nontrans_receipts.push(c.clone());
        }
    }
    for s in &from.source_seals {
        if !into.source_seals.contains(s) {
            into.source_seals.push(s.clone());
        }
    }
}

/// Adds witness signatures of witnesses not yet counted; returns the added ones as qb64.
fn add_witness_sigs(logged: &mut Logged, wigs: &[Indexer]) -> Vec<String> {
    let mut added = Vec::new();
    for w in wigs {
        if !logged.wigs.iter().any(|x| x.index() == w.index()) {
            logged.wigs.push(w.clone());
            added.push(w.qb64());
        }
    }
    added
}

fn verify_couple(raw: &[u8], key: &Verkey, cigar: &Matter) -> bool {
    let Ok(verfer) = Verfer::new(key.matter().clone()) else { return false };
    Signature::from_cigar(cigar).is_ok_and(|s| verfer.verify(&s, raw).is_ok())
}

/// A witness's receipt couple as its indexed signature (keripy converts them the same way).
fn couple_as_wig(raw: &[u8], key: &Verkey, cigar: &Matter, index: usize) -> Option<Indexer> {
    if !verify_couple(raw, key, cigar) {
        return None;
    }
    let index = u32::try_from(index).ok()?;
    let code = if index < 64 { IndexerCode::Ed25519Sig } else { IndexerCode::Ed25519BigSig };
    let sig = Signature::from_cigar(cigar).ok()?;
    sig.to_siger(index, false, None).ok().or_else(|| Indexer::new(code, index, None, cigar.raw().to_vec()).ok())
}

fn nontrans_receipts(sm: &SignedMessage, witnesses: &[Prefix]) -> Vec<(Verkey, Matter)> {
    sm.attachments
        .nontrans_receipts
        .iter()
        .filter(|(k, c)| !witnesses.iter().any(|w| w.matter() == k.matter()) && verify_couple(sm.message.raw(), k, c))
        .cloned()
        .collect()
}

/// Applies an establishment event's witness changes to `list` (an inception sets it).
fn apply_witness_changes(list: &mut Vec<Prefix>, message: &Message) {
    match message.body() {
        Body::Inception(b) => list.clone_from(&b.witnesses),
        Body::Rotation(b) => {
            list.retain(|w| !b.cuts.contains(w));
            list.extend(b.adds.iter().cloned());
        }
        _ => {}
    }
}
