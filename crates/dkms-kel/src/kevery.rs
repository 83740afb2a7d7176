//! The engine: feeds messages to the rules, applies their decisions to key state, escrows and
//! the change journal, and accounts for every message.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

use dkms_cesr::stream::Framer;
use dkms_event::message::{Body, Ilk};
use dkms_event::primitives::{Digest, Prefix};
use dkms_event::signed::{Attachments, SignedMessage};
use dkms_store::{AttachmentKind, Durability, EscrowKind, Store};

use crate::clock::Clock;
use crate::error::{Error, Result, Rule, store_err};
use crate::escrow::{Escrowed, Escrows, Inserted, lens};
use crate::journal::{self, Op, escrow_blob, escrow_key};
use crate::logged::Logged;
use crate::pipeline::Preverified;
use crate::report::{Outcome, Report, Tally, Waiting, Warning, WarningKind};
use crate::rules::{self, Acceptance, Decision, NewState, ReceiptDecision};
use crate::state::KeyState;
use crate::view::{Group, Memory, View};
use crate::writer::Inflight;

/// Engine settings.
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
    /// entry, a receipt added to an older event: one change each) ingest gathers before it
    /// commits them in one transaction, waiting for the group before if it is still being
    /// written. A smaller group, of at least a sixteenth of this, is handed to the background
    /// writer as soon as it is idle, so the writes keep pace with validation and little is
    /// left to write when the stream ends. Memory holds the events of at most two groups
    /// until they are committed.
    pub group_commit_ops: usize,
    /// The clock that dates first-seen events and escrow entries (the system clock by default).
    pub clock: Clock,
    /// Most entries a run's [`Report`] keeps in each of its lists (`errors`, `warnings`,
    /// `pending`); past it, entries are only counted (`errors_omitted`, …), so an endless
    /// stream of bad messages does not grow the report without bound. 0: no limit.
    pub max_report_entries: usize,
}

impl Config {
    /// How long an item of escrow `kind` waits, in microseconds.
    #[must_use]
    pub fn timeout(&self, kind: EscrowKind) -> u64 {
        if kind == EscrowKind::OutOfOrder { self.out_of_order_timeout } else { self.escrow_timeout }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            out_of_order_timeout: 1_200_000_000,
            escrow_timeout: 3_600_000_000,
            local: Vec::new(),
            max_escrow_per_prefix: 1024,
            max_escrow_total: 100_000,
            group_commit_ops: 1024,
            clock: Clock::system(),
            max_report_entries: 10_000,
        }
    }
}

/// Evidence of duplicity: an event that conflicts with an accepted one.
#[derive(Clone, Debug)]
pub struct Duplicity {
    /// The conflicting event with its attachments.
    pub signed: SignedMessage,
    /// SAID of the accepted event at the same location.
    pub accepted: Digest,
}

/// The store behind an engine (kept opaque so `Kevery` can stay `Debug`).
#[derive(Clone)]
struct StoreHandle(Arc<dyn Store>);

impl core::fmt::Debug for StoreHandle {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Store")
    }
}

/// The result of one step of the rules, applied.
enum Step {
    /// Accepted (an event) or applied (a receipt): escrows waiting on this identifier may move.
    Accepted {
        trigger: String,
        warnings: Vec<WarningKind>,
    },
    Duplicate,
    Escrow(Waiting),
    Ignored(Vec<WarningKind>),
    Rejected(Error),
}

/// The KEL validator: feed it messages in any order, read key state back.
///
/// ```
/// use dkms_kel::{Kevery, Options};
/// let wire: &[u8] = br#"{"v":"KERI10JSON00012b_","t":"icp","d":"EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C","i":"EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C","s":"0","kt":"1","k":["DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH"],"nt":"1","n":["EIf-ENw7PrM52w4H-S7NGU2qVIfraXVIlV9hEAaMHg7W"],"bt":"0","b":[],"c":[],"a":[]}-AABAAAPitVKfl6dG9dY4-7Ppg5tAANHsqEUptTfR05wLb0fbmKFt4DbZdBNjJaCDrEc7kAIqbLsCMCKf26-Onxz-DoP"#;
/// let mut kevery = Kevery::default();
/// let report = kevery.ingest(wire, Options::default())?;
/// assert_eq!(report.accepted, 1);
/// let state = kevery.state("EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C").unwrap();
/// assert_eq!(state.sn(), 0);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Kevery {
    pub(crate) config: Config,
    pub(crate) mem: Memory,
    pub(crate) escrows: Escrows,
    duplicity: Vec<Duplicity>,
    store: Option<StoreHandle>,
    ops: Vec<Op>,
    /// Identifiers whose key state changed since the last commit (written once per commit).
    dirty: BTreeSet<String>,
    durability: Durability,
    inflight: Option<Inflight>,
    pub(crate) tally: Tally,
    /// SAIDs named by the event seals of the events accepted while handling the current
    /// message: a delegated event waiting for its approval is retried only when one of them
    /// names it (retrying every waiting event on each delegator event would let a flood of
    /// them make each delegator event cost as much as the flood).
    fresh_anchors: HashSet<String>,
    /// When a full escrow was last swept for expired items (microseconds).
    last_sweep: u64,
}

impl Default for Kevery {
    fn default() -> Self {
        Kevery::new(Config::default())
    }
}

impl Kevery {
    /// An engine with `config`.
    #[must_use]
    pub fn new(config: Config) -> Self {
        let escrows = Escrows::new(config.max_escrow_total, config.max_escrow_per_prefix);
        let mut tally = Tally::default();
        tally.limit = config.max_report_entries;
        Self {
            config,
            mem: Memory::default(),
            escrows,
            duplicity: Vec::new(),
            store: None,
            ops: Vec::new(),
            dirty: BTreeSet::new(),
            durability: Durability::default(),
            inflight: None,
            tally,
            fresh_anchors: HashSet::new(),
            last_sweep: 0,
        }
    }

    /// An engine over `store`: key states and escrows are loaded; events are read back from
    /// the store when a rule needs them (a duplicate, a receipt of an older event, a recovery,
    /// a delegation), so memory does not grow with the KELs.
    ///
    /// # Errors
    /// [`Error::Store`] when the store cannot be read; [`Error::Record`] or [`Error::Event`]
    /// when it holds a record that does not parse.
    pub fn open(store: Arc<dyn Store>, config: Config) -> Result<Self> {
        let mut k = Kevery::new(config);
        {
            let r = store.read().map_err(store_err)?;
            for prefix in r.prefixes().map_err(store_err)? {
                let Some(blob) = r.state(&prefix).map_err(store_err)? else { continue };
                k.mem.states.insert(prefix, KeyState::from_blob(&blob)?);
            }
            for kind in EscrowKind::ALL {
                for e in r.escrow(kind).map_err(store_err)? {
                    let framed = Framer::new().messages(&e.blob).next();
                    let Some(Ok(framed)) = framed else {
                        return Err(Error::Record {
                            what: format!("escrow {kind:?}"),
                            reason: "does not frame".into(),
                        });
                    };
                    let signed = SignedMessage::from_framed(&framed)?;
                    let waiting = k.restored_waiting(kind, &signed);
                    // Restored entries fit: they were within the limits when written. Whether
                    // copies were merged into one is not recorded: each is taken as merged.
                    let _ = k.escrows.insert(Escrowed {
                        base: lens(&signed.attachments),
                        signed,
                        waiting,
                        at: e.inserted_micros,
                        origins: Vec::new(),
                        merged: 1,
                    });
                }
            }
        }
        k.store = Some(StoreHandle(store));
        Ok(k)
    }

    /// What a stored escrow entry waits for (recomputed exactly at its next retry).
    fn restored_waiting(&self, kind: EscrowKind, signed: &SignedMessage) -> Waiting {
        let msg = &signed.message;
        let prefix = msg.prefix().cloned();
        match kind {
            EscrowKind::PartiallySigned => {
                Waiting::Signatures { valid: Vec::new(), threshold: dkms_event::threshold::Threshold::numeric(1) }
            }
            EscrowKind::PartiallyWitnessed => Waiting::WitnessReceipts { have: 0, toad: 0, witnesses: 0 },
            EscrowKind::Delegation => {
                let delegator = match msg.body() {
                    Body::Inception(i) => i.delegator.clone(),
                    _ => {
                        prefix.as_ref().and_then(|p| self.mem.states.get(p.as_str())).and_then(|s| s.delegator.clone())
                    }
                };
                match delegator {
                    Some(delegator) => Waiting::Delegation { delegator, at: None },
                    None => Waiting::PriorEvents { latest: None },
                }
            }
            EscrowKind::UnverifiedReceipt => match (msg.body(), prefix) {
                (Body::Receipt(r), _) => {
                    Waiting::ReceiptedEvent { prefix: r.prefix.clone(), sn: r.sn, said: r.receipted.clone() }
                }
                (_, Some(p)) => {
                    Waiting::ReceiptedEvent { prefix: p, sn: msg.sn().unwrap_or(0), said: msg.said().clone() }
                }
                _ => Waiting::PriorEvents { latest: None },
            },
            EscrowKind::UnverifiedTransReceipt => {
                let g = signed.attachments.trans_receipts.first().or(signed.attachments.trans_sig_groups.first());
                match g {
                    Some(g) => Waiting::Validator { prefix: g.prefix.clone(), sn: g.sn, said: g.said.clone() },
                    None => Waiting::PriorEvents { latest: None },
                }
            }
            EscrowKind::LikelyDuplicitous => Waiting::Duplicity { accepted: msg.said().clone() },
            _ => Waiting::PriorEvents { latest: None },
        }
    }

    /// Sets how commits reach the disk (default: each commit is durable when it returns).
    pub fn set_durability(&mut self, durability: Durability) {
        self.durability = durability;
    }

    /// Sets the clock that dates first-seen events and escrow entries.
    pub fn set_clock(&mut self, clock: Clock) {
        self.config.clock = clock;
    }

    /// Marks an identifier as controlled here: its events need no witness receipts.
    pub fn add_local(&mut self, prefix: Prefix) {
        if !self.config.local.contains(&prefix) {
            self.config.local.push(prefix);
        }
    }

    pub(crate) fn view(&self) -> View<'_> {
        View {
            mem: &self.mem,
            store: self.store.as_ref().map(|h| h.0.as_ref()),
            escrows: &self.escrows,
            local: &self.config.local,
        }
    }

    /// Key state of an identifier.
    #[must_use]
    pub fn state(&self, prefix: &str) -> Option<&KeyState> {
        self.mem.states.get(prefix)
    }

    /// Every identifier with a key state, sorted.
    #[must_use]
    pub fn prefixes(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.mem.states.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    /// The accepted event with this SAID (from memory, or read from the store).
    ///
    /// # Errors
    /// [`Error::Store`] when the store cannot be read, [`Error::Record`] when it holds a
    /// record that does not parse.
    pub fn event(&self, said: &str) -> Result<Option<Logged>> {
        let Ok(d) = Digest::parse(said, "d") else { return Ok(None) };
        Ok(self.view().logged(&d)?.map(std::borrow::Cow::into_owned))
    }

    /// The KEL of an identifier in first-seen order (superseded events included).
    ///
    /// # Errors
    /// As [`Kevery::event`].
    pub fn kel(&self, prefix: &str) -> Result<Vec<Logged>> {
        let mut saids: Vec<Digest> = Vec::new();
        if let Some(store) = &self.store {
            let r = store.0.read().map_err(store_err)?;
            for e in r.first_seen(prefix, 0).map_err(store_err)? {
                saids.push(journal::digest(&e.said)?);
            }
        }
        for group in [&self.mem.inflight, &self.mem.current] {
            if let Some(k) = group.kels.get(prefix) {
                saids.extend(k.log.iter().cloned());
            }
        }
        // A group written in the background may have reached the store since it was read.
        let mut seen = std::collections::HashSet::new();
        saids.retain(|d| seen.insert(d.as_str().to_owned()));
        let view = self.view();
        let mut out = Vec::with_capacity(saids.len());
        for d in &saids {
            if let Some(l) = view.logged(d)? {
                out.push(l.into_owned());
            }
        }
        Ok(out)
    }

    /// The authoritative chain of an identifier's KEL, inception first: the accepted event
    /// at each sequence number up to the key state's (superseded events left out).
    ///
    /// # Errors
    /// As [`Kevery::event`].
    pub fn chain(&self, prefix: &str) -> Result<Vec<Logged>> {
        let Some(state) = self.state(prefix) else { return Ok(Vec::new()) };
        let view = self.view();
        let mut out = Vec::new();
        let mut sn = 0u128;
        while sn <= state.sn {
            let Some(d) = view.at(prefix, sn)? else { break };
            let Some(l) = view.logged(&d)? else { break };
            out.push(l.into_owned());
            sn += 1;
        }
        Ok(out)
    }

    /// Evidence of duplicity seen so far.
    #[must_use]
    pub fn duplicity(&self) -> &[Duplicity] {
        &self.duplicity
    }

    /// Number of escrowed items of each kind.
    #[must_use]
    pub fn escrowed(&self) -> BTreeMap<EscrowKind, usize> {
        self.escrows.by_kind()
    }

    /// Every escrowed message with what it waits for.
    #[must_use]
    pub fn waiting(&self) -> Vec<(SignedMessage, Waiting)> {
        self.escrows.iter().map(|e| (e.signed.clone(), e.waiting.clone())).collect()
    }

    /// Processes one message and then whatever in escrow it unblocks; with a store, commits
    /// the changes before returning. The outcome is the message's disposition once the
    /// escrows it unblocked were retried.
    pub fn process(&mut self, signed: SignedMessage) -> Outcome {
        self.tally.begin();
        let outcome = self.handle(signed, 0, None);
        match self.commit() {
            Ok(()) => outcome,
            Err(e) => Outcome::Rejected(e),
        }
    }

    /// The report of the run so far, with the messages still pending.
    pub(crate) fn finish_run(&mut self) -> Report {
        if let Err(e) = self.commit() {
            self.tally.report.store_errors.push(e);
        }
        let mut report = std::mem::take(&mut self.tally.report);
        report.pending = self.escrows.pending(self.tally.run);
        let limit = self.config.max_report_entries;
        if limit > 0 && report.pending.len() > limit {
            report.pending_omitted = report.pending.len() - limit;
            report.pending.truncate(limit);
        }
        report
    }

    /// Handles one message of the current run: its first disposition is counted, then the
    /// escrows it may unblock are retried (which can move its own count, and others').
    pub(crate) fn handle(&mut self, signed: SignedMessage, offset: usize, pre: Option<&Preverified>) -> Outcome {
        let now = self.config.clock.now();
        let origin = self.tally.origin(offset);
        self.tally.clear_recent();
        self.fresh_anchors.clear();
        let step = self.step(&signed, pre, now);
        let (outcome, trigger) = match step {
            Step::Accepted { trigger, warnings } => {
                self.warn(offset, &signed, warnings);
                (Outcome::Accepted, Some(trigger))
            }
            Step::Duplicate => (Outcome::Duplicate, None),
            Step::Ignored(warnings) => {
                self.warn(offset, &signed, warnings);
                (Outcome::Ignored, None)
            }
            Step::Rejected(e) => (Outcome::Rejected(e), None),
            Step::Escrow(waiting) => {
                // A receipt that arrived before its event may complete that event if it waits
                // in escrow: retry it then (only when the receipt brought something new).
                let trigger = match (&waiting, signed.message.ilk()) {
                    (Waiting::ReceiptedEvent { prefix, said, .. }, Ilk::Rct)
                        if self.escrows.has_event(prefix.as_str(), said.as_str()) =>
                    {
                        Some(prefix.as_str().to_owned())
                    }
                    _ => None,
                };
                let entry = Escrowed {
                    base: lens(&signed.attachments),
                    signed,
                    waiting: waiting.clone(),
                    at: now,
                    origins: vec![origin],
                    merged: 0,
                };
                match self.escrow(entry) {
                    Ok(changed) => (Outcome::Escrowed(waiting), trigger.filter(|_| changed)),
                    Err(e) => (Outcome::Rejected(e), None),
                }
            }
        };
        self.tally.count(offset, &outcome);
        if let Some(t) = trigger
            && self.escrows.has(&t)
        {
            let settled_before = self.tally.report.escrowed;
            self.drain(&t, now);
            // The message itself may have left its escrow (a receipt that completed its event).
            if matches!(outcome, Outcome::Escrowed(_))
                && self.tally.report.escrowed < settled_before
                && !self.escrows.iter().any(|e| e.origins.contains(&origin))
            {
                return self.tally.last_settled(origin).unwrap_or(outcome);
            }
        }
        outcome
    }

    fn warn(&mut self, offset: usize, signed: &SignedMessage, warnings: Vec<WarningKind>) {
        for kind in warnings {
            let prefix = escrow_prefix(signed).to_owned();
            let sn = signed.message.sn().unwrap_or(0);
            self.tally.warn(Warning { offset, prefix, sn, kind });
        }
    }

    /// Decides one message and applies the decision (except escrowing, left to the caller).
    fn step(&mut self, signed: &SignedMessage, pre: Option<&Preverified>, now: u64) -> Step {
        let ilk = signed.message.ilk();
        if ilk.is_key_event() {
            let decision = rules::key_event(&self.view(), signed, pre);
            match decision {
                Ok(Decision::Accept(a)) => {
                    let prefix = a.prefix.clone();
                    match self.log(signed, *a, now) {
                        Ok(()) => Step::Accepted { trigger: prefix, warnings: Vec::new() },
                        Err(e) => Step::Rejected(e),
                    }
                }
                Ok(Decision::Duplicate { said, wigs }) => {
                    match self.add_attachments(&said, wigs, Vec::new(), Vec::new()) {
                        Ok(()) => Step::Duplicate,
                        Err(e) => Step::Rejected(e),
                    }
                }
                Ok(Decision::Escrow(w)) => Step::Escrow(w),
                Err(e) => Step::Rejected(e),
            }
        } else if ilk == Ilk::Rct {
            self.receipt_step(signed)
        } else {
            Step::Ignored(Vec::new())
        }
    }

    fn receipt_step(&mut self, signed: &SignedMessage) -> Step {
        match rules::receipt(&self.view(), signed) {
            Ok(ReceiptDecision::Apply(a)) => {
                let a = *a;
                match self.add_attachments(&a.said, a.wigs, a.receipts, a.trans) {
                    Ok(()) => Step::Accepted { trigger: escrow_prefix(signed).to_owned(), warnings: a.warnings },
                    Err(e) => Step::Rejected(e),
                }
            }
            Ok(ReceiptDecision::Escrow(w)) => Step::Escrow(w),
            Ok(ReceiptDecision::Ignore(w)) => Step::Ignored(w),
            Err(e) => Step::Rejected(e),
        }
    }

    /// Puts an entry in escrow (or merges it into the entry of the same message).
    fn escrow(&mut self, entry: Escrowed) -> Result<bool> {
        let prefix = escrow_prefix(&entry.signed).to_owned();
        let sn = entry.signed.message.sn().unwrap_or(0);
        let duplicitous = matches!(entry.waiting, Waiting::Duplicity { .. });
        let evidence = duplicitous.then(|| entry.signed.clone());
        // A full escrow first drops what expired (nobody may be calling `expire`), at most once
        // a second so that a flood against a full escrow does not sweep it for every message.
        let now = entry.at;
        if self.escrows.would_refuse(&entry)
            && (now >= self.last_sweep.saturating_add(1_000_000) || now < self.last_sweep)
        {
            self.last_sweep = now;
            self.sweep_expired(now);
        }
        let (inserted, stored) = self.escrows.insert(entry).map_err(|rule| Error::rule(&prefix, sn, rule))?;
        let changed = !matches!(inserted, Inserted::Merged { added: false });
        let (kind, signed, at) = (stored.kind(), stored.signed.clone(), stored.at);
        let accepted = match &stored.waiting {
            Waiting::Duplicity { accepted } => Some(accepted.clone()),
            _ => None,
        };
        if changed {
            self.record_escrow(kind, &signed, at);
        }
        if let (Inserted::New, Some(signed), Some(accepted)) = (inserted, evidence, accepted) {
            if self.store.is_some()
                && let Ok(atts) = signed.attachments.encode(dkms_cesr::Domain::Text)
            {
                self.ops.push(Op::PutDuplicate {
                    prefix: prefix.clone(),
                    sn,
                    said: signed.message.said().qb64(),
                    event: signed.message.raw().to_vec(),
                    attachments: atts,
                });
            }
            self.duplicity.push(Duplicity { signed, accepted });
        }
        Ok(changed)
    }

    /// Retries escrowed items waiting on `trigger` (and on what their acceptance unblocks)
    /// until nothing changes. Every item that leaves an escrow is settled: accepted,
    /// duplicate, rejected with its reason, or expired.
    fn drain(&mut self, trigger: &str, now: u64) {
        let mut queue = vec![trigger.to_owned()];
        while let Some(t) = queue.pop() {
            loop {
                // Events first, while the receipts escrowed for them stay visible to the rules;
                // then the receipts.
                // Delegated events stay put unless an event accepted just now anchors them.
                let fresh = &self.fresh_anchors;
                let events = self.escrows.take_where(&t, false, |e| {
                    !matches!(e.waiting, Waiting::Delegation { .. }) || fresh.contains(e.signed.message.said().as_str())
                });
                let receipts_before = self.escrows.has(&t);
                if events.is_empty() && !receipts_before {
                    break;
                }
                let mut progressed = false;
                let mut list = events;
                list.reverse();
                let mut receipts_done = false;
                loop {
                    if list.is_empty() {
                        if receipts_done {
                            break;
                        }
                        receipts_done = true;
                        list = self.escrows.take_where(&t, true, |_| true);
                        list.reverse();
                    }
                    let Some(e) = list.pop() else { break };
                    let kind = e.kind();
                    let timeout = self.config.timeout(kind);
                    if now.saturating_sub(e.at) > timeout {
                        self.record_unescrow(kind, &e.signed);
                        let err = expired(&e, timeout);
                        self.tally.settle(&e.origins, &Outcome::Rejected(err));
                        progressed = true;
                        continue;
                    }
                    let mut e = e;
                    let original = e.signed.attachments.clone();
                    let mut step = self.retry_step(kind, &e.signed, now);
                    // Copies merged into one entry: an attachment that rejects the union (brought
                    // by one copy) is dropped and the rest tried again, so no copy poisons another.
                    if e.merged > 0 {
                        while let Step::Rejected(err) = &step {
                            if !drop_offending(&mut e.signed, err) {
                                break;
                            }
                            step = self.retry_step(kind, &e.signed, now);
                        }
                    }
                    let cleaned = e.signed.attachments != original;
                    match step {
                        Step::Escrow(waiting) => {
                            let moved = waiting.kind() != kind;
                            if moved || cleaned {
                                self.record_unescrow(kind, &e.signed);
                            }
                            let (signed, at, origins) = (e.signed.clone(), e.at, e.origins.clone());
                            let entry = Escrowed { waiting, ..e };
                            if !moved {
                                self.escrows.put_back(entry);
                                if cleaned {
                                    self.record_escrow(kind, &signed, at);
                                }
                            } else {
                                match self.escrows.insert(entry).map(|(_, stored)| stored.kind()) {
                                    Ok(kind) => self.record_escrow(kind, &signed, at),
                                    Err(rule) => {
                                        // Only if the escrow filled meanwhile: settled, not lost.
                                        let sn = signed.message.sn().unwrap_or(0);
                                        let err = Error::rule(escrow_prefix(&signed), sn, rule);
                                        self.tally.settle(&origins, &Outcome::Rejected(err));
                                        progressed = true;
                                    }
                                }
                            }
                        }
                        Step::Accepted { trigger: next, warnings } => {
                            self.record_unescrow(kind, &e.signed);
                            let run = self.tally.run;
                            for o in e.origins.iter().filter(|o| o.run == run) {
                                self.warn(o.offset, &e.signed, warnings.clone());
                            }
                            // Receipts merged into one entry are each applied; copies of one event
                            // are duplicates of the first.
                            let n = if crate::escrow::is_receipt(kind) { e.origins.len() } else { 1 };
                            let (first, copies) = e.origins.split_at(e.origins.len().min(n));
                            self.tally.settle(first, &Outcome::Accepted);
                            self.tally.settle(copies, &Outcome::Duplicate);
                            progressed = true;
                            if next != t && self.escrows.has(&next) {
                                queue.push(next);
                            }
                        }
                        Step::Duplicate => {
                            self.record_unescrow(kind, &e.signed);
                            self.tally.settle(&e.origins, &Outcome::Duplicate);
                            progressed = true;
                        }
                        Step::Ignored(warnings) => {
                            self.record_unescrow(kind, &e.signed);
                            let run = self.tally.run;
                            for o in e.origins.iter().filter(|o| o.run == run) {
                                self.warn(o.offset, &e.signed, warnings.clone());
                            }
                            self.tally.settle(&e.origins, &Outcome::Ignored);
                            progressed = true;
                        }
                        Step::Rejected(err) => {
                            self.record_unescrow(kind, &e.signed);
                            self.tally.settle(&e.origins, &Outcome::Rejected(err));
                            progressed = true;
                        }
                    }
                }
                if !progressed {
                    break;
                }
            }
        }
    }

    /// Decides an escrowed item again (a key event escrowed only for its attached validator
    /// receipts is a receipt here).
    fn retry_step(&mut self, kind: EscrowKind, signed: &SignedMessage, now: u64) -> Step {
        if crate::escrow::is_receipt(kind) { self.receipt_step(signed) } else { self.step(signed, None, now) }
    }

    /// Drops escrowed items older than their timeout (each is settled as rejected, expired);
    /// returns how many were dropped. With a store, commits.
    ///
    /// # Errors
    /// [`Error::Store`] when the commit fails (the expired entries stay recorded for a retry).
    pub fn expire(&mut self) -> Result<usize> {
        let now = self.config.clock.now();
        let gone = self.sweep_expired(now);
        self.commit()?;
        Ok(gone)
    }

    /// Drops and settles the escrowed items older than their timeout; returns how many.
    fn sweep_expired(&mut self, now: u64) -> usize {
        let config = &self.config;
        let gone = self.escrows.take_expired(now, |kind| config.timeout(kind));
        for e in &gone {
            self.record_unescrow(e.kind(), &e.signed);
            let timeout = self.config.timeout(e.kind());
            self.tally.settle(&e.origins, &Outcome::Rejected(expired(e, timeout)));
        }
        gone.len()
    }

    /// Logs an accepted event: KEL index, memory, journal and key state.
    fn log(&mut self, sm: &SignedMessage, a: Acceptance, now: u64) -> Result<()> {
        let Acceptance { prefix, state, sigs, wigs, source, supersede, receipts, trans_receipts, trans_waiting } = a;
        let said = sm.message.said().clone();
        let mut state = match state {
            NewState::Establishment(s) => *s,
            NewState::Interaction { sn, said, prior } => {
                let Some(mut s) = self.mem.states.remove(&prefix) else {
                    return Err(Error::rule(&prefix, sn, Rule::WrongPrior));
                };
                s.sn = sn;
                s.said = said;
                s.prior = Some(prior);
                s.ilk = Ilk::Ixn;
                s
            }
        };
        // Every accepted event becomes the latest one, so its ordinal follows the one of the
        // state it was checked against (an inception starts at 0).
        let first_seen = match (sm.message.body(), self.mem.states.get(&prefix)) {
            (Body::Inception(_), _) => 0,
            (_, Some(prev)) => prev.first_seen + 1,
            (_, None) => state.first_seen + 1,
        };
        let kel = self.mem.current.kels.entry(prefix.clone()).or_default();
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
        for a in sm.message.body().anchors() {
            if let dkms_event::seal::Anchor::Seal(dkms_event::seal::Seal::Event { d, .. }) = a {
                self.fresh_anchors.insert(d.as_str().to_owned());
            }
        }
        self.mem.current.events.insert(said.as_str().to_owned(), logged);
        self.mem.states.insert(prefix, state);
        if let Some(waiting) = trans_waiting {
            // Validator receipts whose validator is not known yet wait apart, as a receipt.
            let signed = SignedMessage {
                message: sm.message.clone(),
                attachments: Attachments {
                    trans_receipts: sm.attachments.trans_receipts.clone(),
                    ..Attachments::default()
                },
            };
            let _ = self.escrow(Escrowed {
                base: lens(&signed.attachments),
                signed,
                waiting,
                at: now,
                origins: Vec::new(),
                merged: 0,
            });
        }
        Ok(())
    }

    /// Adds verified witness signatures, receipt couples and validator receipts to an accepted event.
    fn add_attachments(
        &mut self,
        said: &Digest,
        wigs: Vec<dkms_cesr::Indexer>,
        receipts: Vec<(dkms_event::primitives::Verkey, dkms_cesr::Matter)>,
        trans: Vec<dkms_event::signed::TransSigGroup>,
    ) -> Result<()> {
        if wigs.is_empty() && receipts.is_empty() && trans.is_empty() {
            return Ok(());
        }
        if !self.mem.current.events.contains_key(said.as_str()) {
            let Some(l) = self.view().logged(said)?.map(std::borrow::Cow::into_owned) else { return Ok(()) };
            self.mem.current.events.insert(said.as_str().to_owned(), Arc::new(l));
        }
        // A copy when the background writer still holds the event: it writes the event as it
        // was accepted, and the change is recorded as its own operation.
        let Some(logged) = self.mem.current.events.get_mut(said.as_str()).map(Arc::make_mut) else { return Ok(()) };
        let mut new_wigs = Vec::new();
        for w in wigs {
            if !logged.wigs.iter().any(|x| x.index() == w.index()) {
                new_wigs.push(w.qb64());
                logged.wigs.push(w);
            }
        }
        let mut new_receipts = Vec::new();
        for (k, c) in receipts {
            if !logged.receipts.iter().any(|(x, _)| *x == k) {
                new_receipts.push(journal::couple_item(&k, &c));
                logged.receipts.push((k, c));
            }
        }
        let mut new_trans = Vec::new();
        for t in trans {
            if !logged.trans_receipts.contains(&t) {
                new_trans.extend(t.sigs.iter().filter_map(|s| journal::quadruple_item(&t, s).ok()));
                logged.trans_receipts.push(t);
            }
        }
        if self.store.is_some() {
            for (kind, items) in [
                (AttachmentKind::WitnessSigs, new_wigs),
                (AttachmentKind::Receipts, new_receipts),
                (AttachmentKind::TransReceipts, new_trans),
            ] {
                if !items.is_empty() {
                    self.ops.push(Op::Attach { kind, said: said.qb64(), items });
                }
            }
        }
        Ok(())
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

    /// The recorded changes, with the latest key state of every changed identifier.
    fn take_ops(&mut self) -> Vec<Op> {
        let mut ops = std::mem::take(&mut self.ops);
        for prefix in std::mem::take(&mut self.dirty) {
            if let Some(state) = self.mem.states.get(&prefix) {
                ops.push(Op::PutState { state: Box::new(state.clone()), prefix });
            }
        }
        ops
    }

    fn restore_ops(&mut self, mut ops: Vec<Op>) {
        ops.append(&mut self.ops);
        self.ops = ops;
    }

    /// Whether ingest should hand the recorded changes to the writer now: the group is full,
    /// or it is big enough and the writer is idle.
    pub(crate) fn group_ready(&self) -> bool {
        let n = self.ops.len();
        n >= self.config.group_commit_ops
            || (n >= (self.config.group_commit_ops / 16).max(1)
                && self.store.is_some()
                && self.inflight.as_ref().is_none_or(Inflight::is_finished))
    }

    /// Hands the recorded changes to a background writer (one group at a time): the next group
    /// is validated while this one is written. Waits for the previous group first.
    pub(crate) fn commit_in_background(&mut self) -> Result<()> {
        // What the written group kept in memory is freed on the next writer's thread.
        let written = self.finish_inflight()?;
        let Some(store) = self.store.clone() else { return self.commit() };
        let ops = self.take_ops();
        if ops.is_empty() {
            return Ok(());
        }
        self.mem.inflight = std::mem::take(&mut self.mem.current);
        self.inflight = Some(Inflight::start(store.0, ops, self.durability, written));
        Ok(())
    }

    /// Waits for the group being written in the background. On success its events are dropped
    /// from memory (the store has them); on failure its changes are recorded again, ahead of
    /// the newer ones, and kept in memory, so a later commit retries them.
    fn finish_inflight(&mut self) -> Result<Group> {
        let Some(inflight) = self.inflight.take() else { return Ok(Group::default()) };
        match inflight.wait() {
            Ok(()) => Ok(std::mem::take(&mut self.mem.inflight)),
            Err((e, ops)) => {
                self.restore_ops(ops);
                let older = std::mem::take(&mut self.mem.inflight);
                self.mem.current.prepend(older);
                Err(e)
            }
        }
    }

    /// Writes every change recorded since the last commit in one transaction. Without a
    /// store this only clears the record.
    ///
    /// # Errors
    /// [`Error::Store`]; the changes stay recorded and a later commit retries them.
    pub fn commit(&mut self) -> Result<()> {
        self.finish_inflight()?;
        let Some(store) = self.store.clone() else {
            self.take_ops();
            return Ok(());
        };
        let ops = self.take_ops();
        if ops.is_empty() {
            return Ok(());
        }
        match crate::writer::write(store.0.as_ref(), &ops, self.durability) {
            Ok(()) => {
                // Memory stays bounded by the commit group: the store has the rest.
                self.mem.current = Group::default();
                self.mem.inflight = Group::default();
                Ok(())
            }
            Err(e) => {
                self.restore_ops(ops);
                Err(e)
            }
        }
    }
}

/// Drops from merged attachments what made the rules reject them, all at once: the
/// signatures at an index beyond the keys or witnesses, or the source seals (`-G`) when one
/// names the wrong event (without them the delegator's KEL is searched for the anchor).
/// Returns whether anything was dropped.
fn drop_offending(signed: &mut SignedMessage, err: &Error) -> bool {
    let atts = &mut signed.attachments;
    let before = lens(atts);
    let within = |len: usize| move |s: &dkms_cesr::Indexer| usize::try_from(s.index()).is_ok_and(|i| i < len);
    match err {
        Error::IndexOutOfRange { len, what: "keys", .. } => atts.controller_sigs.retain(within(*len)),
        Error::IndexOutOfRange { len, what: "witnesses", .. } => atts.witness_sigs.retain(within(*len)),
        Error::Rule { rule: Rule::SourceSealNotInKel | Rule::NotAnchored, .. } => atts.source_seals.clear(),
        _ => return false,
    }
    lens(atts) != before
}

fn escrow_prefix(signed: &SignedMessage) -> &str {
    signed.message.prefix().map_or("", Prefix::as_str)
}

fn expired(e: &Escrowed, timeout: u64) -> Error {
    Error::rule(
        escrow_prefix(&e.signed),
        e.signed.message.sn().unwrap_or(0),
        Rule::Expired { kind: e.kind(), timeout_secs: timeout / 1_000_000 },
    )
}
