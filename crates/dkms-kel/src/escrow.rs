//! Escrows: messages that wait for something, with their limits, order, retry triggers and
//! expiry.
//!
//! An entry is kept under its *trigger*: the identifier whose next accepted event may end the
//! wait (its own identifier, the delegator for a delegated event, the validator for a
//! transferable receipt). When an event of identifier X is accepted, the engine retries the
//! entries under X, oldest sequence number first.

use std::collections::{BTreeMap, HashMap};

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
}

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
    /// Merged into an entry holding the same message (new attachments added).
    Merged,
}

/// Every escrowed message, by trigger.
#[derive(Debug, Default)]
pub(crate) struct Escrows {
    buckets: HashMap<String, Vec<Escrowed>>,
    per_prefix: HashMap<String, usize>,
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
        let found = self
            .buckets
            .get(&trigger)
            .and_then(|b| b.iter().position(|x| x.signed.message == e.signed.message && x.kind() == kind));
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
        }
        let bucket = self.buckets.entry(trigger).or_default();
        let (inserted, i) = match found {
            Some(i) => {
                if let Some(x) = bucket.get_mut(i) {
                    merge_attachments(&mut x.signed.attachments, &e.signed.attachments);
                    x.origins.extend(e.origins);
                    x.waiting = e.waiting;
                }
                (Inserted::Merged, i)
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

    fn forget(&mut self, e: &Escrowed) {
        self.count = self.count.saturating_sub(1);
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
    pub(crate) fn take(&mut self, trigger: &str, receipts: bool) -> Vec<Escrowed> {
        let Some(bucket) = self.buckets.get_mut(trigger) else { return Vec::new() };
        let (mut list, keep): (Vec<Escrowed>, Vec<Escrowed>) =
            std::mem::take(bucket).into_iter().partition(|e| is_receipt(e.kind()) == receipts);
        if keep.is_empty() {
            self.buckets.remove(trigger);
        } else {
            *bucket = keep;
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

    /// Takes the entries older than their timeout.
    pub(crate) fn take_expired(&mut self, now: u64, out_of_order: u64, other: u64) -> Vec<Escrowed> {
        let mut gone = Vec::new();
        for list in self.buckets.values_mut() {
            let mut i = 0;
            while i < list.len() {
                let old = list.get(i).is_some_and(|e| {
                    let timeout = if e.kind() == EscrowKind::OutOfOrder { out_of_order } else { other };
                    now.saturating_sub(e.at) > timeout
                });
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

pub(crate) fn merge_attachments(into: &mut Attachments, from: &Attachments) {
    fn union<T: PartialEq + Clone>(into: &mut Vec<T>, from: &[T]) {
        for x in from {
            if !into.contains(x) {
                into.push(x.clone());
            }
        }
    }
    union(&mut into.controller_sigs, &from.controller_sigs);
    union(&mut into.witness_sigs, &from.witness_sigs);
    union(&mut into.nontrans_receipts, &from.nontrans_receipts);
    union(&mut into.source_seals, &from.source_seals);
    union(&mut into.trans_receipts, &from.trans_receipts);
    union(&mut into.trans_sig_groups, &from.trans_sig_groups);
}
