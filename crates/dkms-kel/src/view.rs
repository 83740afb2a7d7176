//! What the rules read: key states and accepted events, looked up in one place — memory
//! (the uncommitted group), the group being written in the background, then the store.
//!
//! [`View`] is read-only. The engine ([`crate::Kevery`]) owns a [`Memory`] and the store and
//! lends both out as a `View` to the rules; only the engine changes them.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use dkms_event::message::Message;
use dkms_event::primitives::{Digest, Prefix};
use dkms_store::{AttachmentKind, Store};

use crate::error::{Result, store_err};
use crate::escrow::Escrows;
use crate::journal;
use crate::logged::Logged;
use crate::state::{KeyState, witness_verfers};

/// A KEL's index. Without a store it is the whole KEL; with a store it holds only what
/// was accepted since the last commit (the store has the rest).
#[derive(Clone, Debug, Default)]
pub(crate) struct Kel {
    /// Accepted events in first-seen order (superseded ones included).
    pub(crate) log: Vec<Digest>,
    /// The authoritative event at each sequence number.
    pub(crate) at: BTreeMap<u128, Digest>,
}

/// Events and KEL indexes of one commit group.
#[derive(Debug, Default)]
pub(crate) struct Group {
    pub(crate) events: HashMap<String, Arc<Logged>>,
    pub(crate) kels: HashMap<String, Kel>,
}

impl Group {
    /// Puts `older` (a group whose write failed) back before this one.
    pub(crate) fn prepend(&mut self, older: Group) {
        for (k, v) in older.events {
            self.events.entry(k).or_insert(v);
        }
        for (prefix, old) in older.kels {
            let cur = self.kels.entry(prefix).or_default();
            let mut log = old.log;
            log.append(&mut cur.log);
            cur.log = log;
            for (sn, d) in old.at {
                cur.at.entry(sn).or_insert(d);
            }
        }
    }
}

/// What the engine holds in memory: every key state, the uncommitted group and the group
/// being written.
#[derive(Debug, Default)]
pub(crate) struct Memory {
    pub(crate) states: HashMap<String, KeyState>,
    pub(crate) current: Group,
    pub(crate) inflight: Group,
}

/// A read-only view over memory and the store.
#[derive(Clone, Copy)]
pub(crate) struct View<'a> {
    pub(crate) mem: &'a Memory,
    pub(crate) store: Option<&'a dyn Store>,
    pub(crate) escrows: &'a Escrows,
    pub(crate) local: &'a [Prefix],
}

impl<'a> View<'a> {
    pub(crate) fn state(&self, prefix: &str) -> Option<&'a KeyState> {
        self.mem.states.get(prefix)
    }

    pub(crate) fn is_local(&self, prefix: &Prefix) -> bool {
        self.local.contains(prefix)
    }

    /// The authoritative event at `(prefix, sn)`: from memory, else (with a store) from the
    /// store, up to the key state's sequence number (later store entries are superseded).
    pub(crate) fn at(&self, prefix: &str, sn: u128) -> Result<Option<Digest>> {
        if let Some(d) = self.mem.current.kels.get(prefix).and_then(|k| k.at.get(&sn)) {
            return Ok(Some(d.clone()));
        }
        let (Some(store), Some(state)) = (self.store, self.state(prefix)) else { return Ok(None) };
        if sn > state.sn {
            return Ok(None);
        }
        if let Some(d) = self.mem.inflight.kels.get(prefix).and_then(|k| k.at.get(&sn)) {
            return Ok(Some(d.clone()));
        }
        let r = store.read().map_err(store_err)?;
        match r.kel_entry(prefix, sn).map_err(store_err)? {
            Some(e) => Ok(Some(journal::digest(&e.said)?)),
            None => Ok(None),
        }
    }

    fn in_memory(&self, said: &str) -> Option<&'a Arc<Logged>> {
        self.mem.current.events.get(said).or_else(|| self.mem.inflight.events.get(said))
    }

    /// An accepted event's message only (no attachments, no witness list).
    pub(crate) fn message(&self, said: &Digest) -> Result<Option<Message>> {
        if let Some(l) = self.in_memory(said.as_str()) {
            return Ok(Some(l.message.clone()));
        }
        let Some(store) = self.store else { return Ok(None) };
        let r = store.read().map_err(store_err)?;
        match r.event(said.as_str()).map_err(store_err)? {
            Some(raw) => Ok(Some(Message::parse(&raw)?)),
            None => Ok(None),
        }
    }

    /// An accepted event: from memory, else (with a store) read back with its attachments.
    pub(crate) fn logged(&self, said: &Digest) -> Result<Option<Cow<'a, Logged>>> {
        if let Some(l) = self.in_memory(said.as_str()) {
            return Ok(Some(Cow::Borrowed(&**l)));
        }
        let Some(store) = self.store else { return Ok(None) };
        let r = store.read().map_err(store_err)?;
        let Some(record) = r.event_record(said.as_str()).map_err(store_err)? else { return Ok(None) };
        let message = Message::parse(&record.body)?;
        let mut records = journal::Records::default();
        for kind in AttachmentKind::ALL {
            records.set(kind, record.attachments(kind).to_vec());
        }
        // First-seen data: the entry of the first-seen log that names this event.
        let (first_seen, first_seen_at) = (record.entry.ordinal, record.entry.first_seen_micros);
        drop(r);
        let witnesses = self.witnesses_for(&message)?;
        let witness_verfers = witness_verfers(&witnesses);
        let (sigs, wigs, receipts, trans_receipts, source) = records.decode()?;
        Ok(Some(Cow::Owned(Logged {
            message,
            sigs,
            wigs,
            receipts,
            trans_receipts,
            first_seen,
            first_seen_at,
            source,
            witnesses: witnesses.into(),
            witness_verfers,
        })))
    }

    /// The witness list in force for an event: the chain's list before it, then its own
    /// cuts and adds (an inception sets the list).
    pub(crate) fn witnesses_for(&self, message: &Message) -> Result<Vec<Prefix>> {
        let prefix = message.prefix().map(|p| p.as_str().to_owned()).unwrap_or_default();
        let sn = message.sn().unwrap_or(0);
        if let Some(state) = self.state(&prefix)
            && (sn > state.last_est.sn || (sn == state.last_est.sn && *message.said() == state.last_est.said))
        {
            // Events after the latest establishment event live under the current list.
            return Ok(state.witnesses.clone());
        }
        let mut list: Vec<Prefix> = Vec::new();
        let mut s = 0u128;
        while s < sn {
            let Some(d) = self.at(&prefix, s)? else { break };
            let Some(m) = self.message(&d)? else { break };
            apply_witness_changes(&mut list, &m);
            s += 1;
        }
        apply_witness_changes(&mut list, message);
        Ok(list)
    }
}

/// Applies an establishment event's witness changes to `list` (an inception sets it). Only
/// for events already accepted, whose changes were checked when they were.
fn apply_witness_changes(list: &mut Vec<Prefix>, message: &Message) {
    let body = message.body();
    if let Some(w) = body.witnesses() {
        list.clone_from(&w.to_vec());
    } else if let (Some(cuts), Some(adds)) = (body.cuts(), body.adds()) {
        list.retain(|w| !cuts.contains(w));
        list.extend(adds.iter().cloned());
    }
}
