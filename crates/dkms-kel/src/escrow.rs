//! Escrows: messages that wait for something, with their limits, order, retry triggers and
//! expiry.
//!
//! An entry is kept under its *trigger*: the identifier whose next accepted event may end the
//! wait (its own identifier, the delegator for a delegated event, the validator for a
//! transferable receipt). When an event of identifier X is accepted, the engine retries the
//! entries under X, oldest sequence number first.

use std::collections::{BTreeMap, HashMap, HashSet};

use dkms_event::message::Ilk;
use dkms_event::primitives::Prefix;
use dkms_event::signed::{Attachments, SignedMessage};
use dkms_store::EscrowKind;

use crate::error::Rule;
use crate::report::{Origin, Pending, Waiting};

/// One escrowed message.
#[derive(Clone, Debug)]
pub(crate) struct Escrowed {
    pub(crate) signed: SignedMessage,
    pub(crate) waiting: Waiting,
    /// When it was first escrowed, microseconds.
    pub(crate) at: u64,
    /// The messages this entry stands for (copies of one message share an entry).
    pub(crate) origins: Vec<Origin>,
    /// Whether attachments of another copy were merged into it: its attachments are then
    /// nobody's message, and an attachment that would reject a message on its own (an index
    /// beyond a list, a source seal naming the wrong event) is dropped rather than failing
    /// the copies that did not carry it. Counts the items merged in (see [`MAX_MERGED_ITEMS`]).
    pub(crate) merged: usize,
    /// The length of each attachment list of the first copy (kept whole by merges).
    pub(crate) base: [usize; 6],
}

/// Most attachment items of each kind copies may bring to one escrow entry beyond its first
/// message's: copies that keep bringing new (bogus) signatures neither grow the entry without
/// bound nor make each retry of it verify ever more signatures.
pub(crate) const MAX_MERGED_ITEMS: usize = 256;

impl Escrowed {
    pub(crate) fn kind(&self) -> EscrowKind {
        self.waiting.kind()
    }

    pub(crate) fn prefix(&self) -> &str {
        self.signed.message.prefix().map_or("", Prefix::as_str)
    }

    fn trigger(&self) -> String {
        self.waiting.trigger(self.prefix()).to_owned()
    }
}

/// What to do with a message escrowed again.
pub(crate) enum Inserted {
    /// A new entry.
    New,
    /// Merged into an entry holding the same message; whether new attachments were added.
    Merged {
        /// New attachment items were added.
        added: bool,
    },
}

/// Every escrowed message, by trigger.
#[derive(Debug, Default)]
pub(crate) struct Escrows {
    buckets: HashMap<String, Vec<Escrowed>>,
    per_prefix: HashMap<String, usize>,
    /// `(trigger, SAID, kind)` of every entry: a new message is looked for among the entries
    /// only when one may hold it (a bucket can hold a whole flood).
    index: HashSet<(String, String, EscrowKind)>,
    count: usize,
    max_total: usize,
    max_per_prefix: usize,
}

impl Escrows {
    pub(crate) fn new(max_total: usize, max_per_prefix: usize) -> Self {
        Self { max_total, max_per_prefix, ..Self::default() }
    }

    /// Number of entries of each kind.
    pub(crate) fn by_kind(&self) -> BTreeMap<EscrowKind, usize> {
        let mut m = BTreeMap::new();
        for e in self.buckets.values().flatten() {
            *m.entry(e.kind()).or_insert(0) += 1;
        }
        m
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Escrowed> {
        self.buckets.values().flatten()
    }

    /// Puts a message in escrow, or merges it into the entry that holds the same message
    /// (same body, same escrow): its new attachments are added and it joins the entry's
    /// origins. Returns the entry as it is now.
    ///
    /// # Errors
    /// The rule broken when the escrow (or this identifier's share of it) is full.
    pub(crate) fn insert(&mut self, e: Escrowed) -> Result<(Inserted, &Escrowed), Rule> {
        let trigger = e.trigger();
        let kind = e.kind();
        let key = (trigger.clone(), e.signed.message.said().as_str().to_owned(), kind);
        let found = if self.index.contains(&key) {
            self.buckets
                .get(&trigger)
                .and_then(|b| b.iter().position(|x| x.signed.message == e.signed.message && x.kind() == kind))
        } else {
            None
        };
        if found.is_none() {
            if self.count >= self.max_total {
                return Err(Rule::EscrowFull { limit: self.max_total });
            }
            let own = self.per_prefix.get(e.prefix()).copied().unwrap_or(0);
            if own >= self.max_per_prefix {
                return Err(Rule::EscrowFullForPrefix { limit: self.max_per_prefix });
            }
            *self.per_prefix.entry(e.prefix().to_owned()).or_insert(0) += 1;
            self.count += 1;
            self.index.insert(key);
        }
        let bucket = self.buckets.entry(trigger).or_default();
        let (inserted, i) = match found {
            Some(i) => {
                let mut added = false;
                if let Some(x) = bucket.get_mut(i) {
                    // A copy with other attachments (even fewer) makes the entry a union of
                    // copies: the copy without an offending attachment must not fail with it.
                    let differs = x.signed.attachments != e.signed.attachments;
                    let n = merge_attachments(&mut x.signed.attachments, &e.signed.attachments, &x.base);
                    added = n > 0;
                    x.merged = x.merged.saturating_add(n.max(usize::from(differs))).saturating_add(e.merged);
                    // Copies of earlier runs count once (as one earlier item), so that an entry
                    // resent run after run does not grow.
                    if let Some(run) = e.origins.first().map(|o| o.run) {
                        let mut earlier_kept = false;
                        x.origins.retain(|o| o.run == run || !std::mem::replace(&mut earlier_kept, true));
                    }
                    x.origins.extend(e.origins);
                    x.waiting = e.waiting;
                }
                (Inserted::Merged { added }, i)
            }
            None => {
                bucket.push(e);
                (Inserted::New, bucket.len() - 1)
            }
        };
        match bucket.get(i) {
            Some(x) => Ok((inserted, x)),
            None => Err(Rule::EscrowFull { limit: self.max_total }),
        }
    }

    /// Puts back an entry just taken out with [`Escrows::take`] and still waiting for the same
    /// thing (no search for a copy, no limit: it held its place a moment ago).
    pub(crate) fn put_back(&mut self, e: Escrowed) {
        *self.per_prefix.entry(e.prefix().to_owned()).or_insert(0) += 1;
        self.count += 1;
        self.index.insert((e.trigger(), e.signed.message.said().as_str().to_owned(), e.kind()));
        self.buckets.entry(e.trigger()).or_default().push(e);
    }

    /// Whether an escrowed key event under `prefix` has this SAID (a receipt of it may
    /// complete it).
    pub(crate) fn has_event(&self, prefix: &str, said: &str) -> bool {
        self.buckets
            .get(prefix)
            .is_some_and(|b| b.iter().any(|e| !is_receipt(e.kind()) && e.signed.message.said().as_str() == said))
    }

    /// Whether [`Escrows::insert`] would refuse `e` for lack of room.
    pub(crate) fn would_refuse(&self, e: &Escrowed) -> bool {
        let key = (e.trigger(), e.signed.message.said().as_str().to_owned(), e.kind());
        !self.index.contains(&key)
            && (self.count >= self.max_total
                || self.per_prefix.get(e.prefix()).copied().unwrap_or(0) >= self.max_per_prefix)
    }

    fn forget(&mut self, e: &Escrowed) {
        self.count = self.count.saturating_sub(1);
        self.index.remove(&(e.trigger(), e.signed.message.said().as_str().to_owned(), e.kind()));
        let p = e.prefix();
        if let Some(n) = self.per_prefix.get_mut(p) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.per_prefix.remove(p);
            }
        }
    }

    /// Takes the entries waiting on `trigger` that are receipts (`receipts`) or not, in retry
    /// order: lowest sequence number first, then oldest.
    /// Only entries for which `retry` holds are taken; the others stay in place.
    pub(crate) fn take_where(
        &mut self,
        trigger: &str,
        receipts: bool,
        retry: impl Fn(&Escrowed) -> bool,
    ) -> Vec<Escrowed> {
        let Some(bucket) = self.buckets.get_mut(trigger) else { return Vec::new() };
        let mut list = Vec::new();
        let mut i = 0;
        while i < bucket.len() {
            if bucket.get(i).is_some_and(|e| is_receipt(e.kind()) == receipts && retry(e)) {
                list.push(bucket.swap_remove(i));
            } else {
                i += 1;
            }
        }
        if bucket.is_empty() {
            self.buckets.remove(trigger);
        }
        for e in &list {
            self.forget(e);
        }
        list.sort_by_key(|e| (e.signed.message.sn().unwrap_or(0), e.at));
        list
    }

    /// Whether any entry waits on `trigger`.
    pub(crate) fn has(&self, trigger: &str) -> bool {
        self.buckets.contains_key(trigger)
    }

    /// Takes the entries older than their timeout (`timeout` of their kind).
    pub(crate) fn take_expired(&mut self, now: u64, timeout: impl Fn(EscrowKind) -> u64) -> Vec<Escrowed> {
        let mut gone = Vec::new();
        for list in self.buckets.values_mut() {
            let mut i = 0;
            while i < list.len() {
                let old = list.get(i).is_some_and(|e| now.saturating_sub(e.at) > timeout(e.kind()));
                if old {
                    gone.push(list.remove(i));
                } else {
                    i += 1;
                }
            }
        }
        self.buckets.retain(|_, v| !v.is_empty());
        for e in &gone {
            self.forget(e);
        }
        gone
    }

    /// Attachments of escrowed receipts (`rct`) of the event with this identifier and SAID:
    /// witness signatures and receipt couples that may complete it.
    pub(crate) fn early_receipts<'a>(&'a self, prefix: &str, said: &'a str) -> impl Iterator<Item = &'a Attachments> {
        self.buckets.get(prefix).into_iter().flatten().filter_map(move |e| {
            (e.kind() == EscrowKind::UnverifiedReceipt
                && e.signed.message.ilk() == Ilk::Rct
                && e.signed.message.said().as_str() == said)
                .then_some(&e.signed.attachments)
        })
    }

    /// The messages of run `run` still waiting, in stream order.
    pub(crate) fn pending(&self, run: u64) -> Vec<Pending> {
        let mut out = Vec::new();
        for e in self.iter() {
            for o in e.origins.iter().filter(|o| o.run == run) {
                out.push(Pending {
                    offset: o.offset,
                    prefix: e.prefix().to_owned(),
                    sn: e.signed.message.sn().unwrap_or(0),
                    said: e.signed.message.said().qb64(),
                    ilk: e.signed.message.ilk().as_str(),
                    waiting: e.waiting.clone(),
                });
            }
        }
        out.sort_by_key(|p| p.offset);
        out
    }
}

/// Escrows of receipts (retried after the events they may complete).
pub(crate) fn is_receipt(kind: EscrowKind) -> bool {
    matches!(kind, EscrowKind::UnverifiedReceipt | EscrowKind::UnverifiedTransReceipt)
}

/// Adds to `into` the attachment items of `from` it does not hold. Each of its lists keeps its
/// first `base` items (the first copy's) and at most [`MAX_MERGED_ITEMS`] merged ones: past
/// that, the oldest merged item makes room, so the latest copy always counts. Returns how
/// many items were added.
fn merge_attachments(into: &mut Attachments, from: &Attachments, base: &[usize; 6]) -> usize {
    fn union<T: PartialEq + Clone>(into: &mut Vec<T>, from: &[T], base: usize) -> usize {
        let mut added = 0;
        for x in from {
            if !into.contains(x) {
                if into.len() >= base.saturating_add(MAX_MERGED_ITEMS) && base < into.len() {
                    into.remove(base);
                }
                into.push(x.clone());
                added += 1;
            }
        }
        added
    }
    let [c, w, n, g, t, f] = *base;
    union(&mut into.controller_sigs, &from.controller_sigs, c)
        + union(&mut into.witness_sigs, &from.witness_sigs, w)
        + union(&mut into.nontrans_receipts, &from.nontrans_receipts, n)
        + union(&mut into.source_seals, &from.source_seals, g)
        + union(&mut into.trans_receipts, &from.trans_receipts, t)
        + union(&mut into.trans_sig_groups, &from.trans_sig_groups, f)
}

/// The number of items in each attachment list (see [`merge_attachments`]).
pub(crate) fn lens(a: &Attachments) -> [usize; 6] {
    [
        a.controller_sigs.len(),
        a.witness_sigs.len(),
        a.nontrans_receipts.len(),
        a.source_seals.len(),
        a.trans_receipts.len(),
        a.trans_sig_groups.len(),
    ]
}
