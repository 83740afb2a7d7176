//! The change journal and both halves of the record codec.
//!
//! The engine records every change as an [`Op`]; a commit writes a list of them in one
//! transaction ([`write_all`]). An accepted event's attachments are stored as lists of qb64
//! items per [`AttachmentKind`]; [`encode`] and [`Records::decode`] are the two directions.

use std::sync::Arc;

use dkms_cesr::{Domain, Indexer, Matter};
use dkms_event::primitives::{Digest, Prefix, Verkey};
use dkms_event::signed::{SignedMessage, TransSigGroup};
use dkms_store::{AttachmentKind, Durability, EscrowKey, EscrowKind, Store, WriteTxn};

use crate::error::{Error, Result, store_err};
use crate::logged::Logged;

/// One recorded change.
#[derive(Clone, Debug)]
pub(crate) enum Op {
    /// A newly accepted event: its body, its place in the KEL and the complete lists of its
    /// attachments (written without reading old lists). Shared with the engine's memory;
    /// the writer encodes its records.
    Accepted {
        prefix: String,
        sn: u128,
        at: u64,
        event: Arc<Logged>,
    },
    /// Items added to a stored event's attachment list.
    Attach {
        kind: AttachmentKind,
        said: String,
        items: Vec<String>,
    },
    /// The latest key state of an identifier; the writer encodes it (off the validating thread).
    PutState {
        prefix: String,
        state: Box<crate::state::KeyState>,
    },
    PutEscrow {
        key: EscrowKey,
        at: u64,
        blob: Vec<u8>,
    },
    DeleteEscrow {
        key: EscrowKey,
    },
    PutDuplicate {
        prefix: String,
        sn: u128,
        said: String,
        event: Vec<u8>,
        attachments: Vec<u8>,
    },
}

/// The escrow key of a message.
pub(crate) fn escrow_key(kind: EscrowKind, signed: &SignedMessage) -> EscrowKey {
    let prefix = signed.message.prefix().map(Prefix::qb64).unwrap_or_default();
    EscrowKey::new(kind, prefix, signed.message.sn().unwrap_or(0), signed.message.said().qb64())
}

/// The message as stored in an escrow: body and attachments, text domain.
pub(crate) fn escrow_blob(signed: &SignedMessage) -> Result<Vec<u8>> {
    Ok(signed.to_cesr(Domain::Text, false)?)
}

pub(crate) fn digest(qb64: &str) -> Result<Digest> {
    Ok(Digest::parse(qb64, "d")?)
}

/// A non-transferable receipt couple as one stored item.
pub(crate) fn couple_item(key: &Verkey, cigar: &Matter) -> String {
    format!("{}{}", key.qb64(), cigar.qb64())
}

/// A transferable receipt quadruple as one stored item.
pub(crate) fn quadruple_item(g: &TransSigGroup, sig: &Indexer) -> Result<String> {
    let seqner = dkms_event::signed::seqner(g.sn)?;
    Ok(format!("{}{}{}{}", g.prefix.qb64(), seqner.qb64(), g.said.qb64(), sig.qb64()))
}

/// A source seal couple as one stored item.
pub(crate) fn source_item(sn: u128, said: &Digest) -> Result<String> {
    Ok(format!("{}{}", dkms_event::signed::seqner(sn)?.qb64(), said.qb64()))
}

fn bad(kind: AttachmentKind, item: &str) -> Error {
    let shown: String = item.chars().take(60).collect();
    Error::Record { what: format!("{kind:?} item {shown}"), reason: "does not decode".into() }
}

fn parse_couple(item: &str) -> Option<(Verkey, Matter)> {
    let (k, n) = Matter::parse(item.as_bytes(), Domain::Text).ok()?;
    let c = Matter::decode(item.as_bytes().get(n..)?, Domain::Text).ok()?;
    Some((Verkey::new(k).ok()?, c))
}

fn parse_quadruple(item: &str) -> Option<TransSigGroup> {
    let b = item.as_bytes();
    let (p, a) = Matter::parse(b, Domain::Text).ok()?;
    let (s, c) = Matter::parse(b.get(a..)?, Domain::Text).ok()?;
    let (d, e) = Matter::parse(b.get(a + c..)?, Domain::Text).ok()?;
    let sig = Indexer::decode(b.get(a + c + e..)?, Domain::Text).ok()?;
    let sn = u128::from_be_bytes(s.raw().try_into().ok()?);
    Some(TransSigGroup { prefix: Prefix::new(p).ok()?, sn, said: Digest::new(d).ok()?, sigs: vec![sig] })
}

fn parse_source(item: &str) -> Option<(u128, Digest)> {
    let b = item.as_bytes();
    let (s, n) = Matter::parse(b, Domain::Text).ok()?;
    let d = Matter::decode(b.get(n..)?, Domain::Text).ok()?;
    Some((u128::from_be_bytes(s.raw().try_into().ok()?), Digest::new(d).ok()?))
}

/// The stored attachment lists of one event.
#[derive(Default)]
pub(crate) struct Records {
    lists: [Vec<String>; AttachmentKind::ALL.len()],
}

/// An event's attachments, decoded: controller and witness signatures, receipt couples,
/// transferable receipts and its source seal.
pub(crate) type Decoded =
    (Vec<Indexer>, Vec<Indexer>, Vec<(Verkey, Matter)>, Vec<TransSigGroup>, Option<(u128, Digest)>);

impl Records {
    pub(crate) fn set(&mut self, kind: AttachmentKind, items: Vec<String>) {
        if let Some(i) = AttachmentKind::ALL.iter().position(|k| *k == kind)
            && let Some(slot) = self.lists.get_mut(i)
        {
            *slot = items;
        }
    }

    fn get(&self, kind: AttachmentKind) -> &[String] {
        AttachmentKind::ALL.iter().position(|k| *k == kind).and_then(|i| self.lists.get(i)).map_or(&[], |v| v)
    }

    /// Decodes every list; an item that does not decode is a [`Error::Record`].
    pub(crate) fn decode(&self) -> Result<Decoded> {
        let sigs = |kind| {
            self.get(kind).iter().map(|s| Indexer::from_qb64(s).map_err(|_| bad(kind, s))).collect::<Result<Vec<_>>>()
        };
        let controller = sigs(AttachmentKind::ControllerSigs)?;
        let witness = sigs(AttachmentKind::WitnessSigs)?;
        let receipts = self
            .get(AttachmentKind::Receipts)
            .iter()
            .map(|s| parse_couple(s).ok_or_else(|| bad(AttachmentKind::Receipts, s)))
            .collect::<Result<Vec<_>>>()?;
        let mut trans: Vec<TransSigGroup> = Vec::new();
        for s in self.get(AttachmentKind::TransReceipts) {
            let q = parse_quadruple(s).ok_or_else(|| bad(AttachmentKind::TransReceipts, s))?;
            // Quadruples of one validator event form one group again.
            match trans.iter_mut().find(|g| g.prefix == q.prefix && g.sn == q.sn && g.said == q.said) {
                Some(g) => g.sigs.extend(q.sigs),
                None => trans.push(q),
            }
        }
        let source = match self.get(AttachmentKind::SourceSeals).last() {
            Some(s) => Some(parse_source(s).ok_or_else(|| bad(AttachmentKind::SourceSeals, s))?),
            None => None,
        };
        Ok((controller, witness, receipts, trans, source))
    }
}

/// The records of a newly accepted event.
fn write_accepted(w: &mut (dyn WriteTxn + '_), prefix: &str, sn: u128, at: u64, event: &Logged) -> Result<()> {
    let said = event.message.said().qb64();
    w.append_kel(prefix, sn, &said, at, event.message.raw()).map_err(store_err)?;
    let items = |v: &[Indexer]| v.iter().map(Indexer::qb64).collect::<Vec<_>>();
    w.set_attachments(AttachmentKind::ControllerSigs, &said, &items(&event.sigs)).map_err(store_err)?;
    if !event.wigs.is_empty() {
        w.set_attachments(AttachmentKind::WitnessSigs, &said, &items(&event.wigs)).map_err(store_err)?;
    }
    if !event.receipts.is_empty() {
        let r: Vec<String> = event.receipts.iter().map(|(k, c)| couple_item(k, c)).collect();
        w.set_attachments(AttachmentKind::Receipts, &said, &r).map_err(store_err)?;
    }
    let t: Vec<String> =
        event.trans_receipts.iter().flat_map(|g| g.sigs.iter().filter_map(|s| quadruple_item(g, s).ok())).collect();
    if !t.is_empty() {
        w.set_attachments(AttachmentKind::TransReceipts, &said, &t).map_err(store_err)?;
    }
    if let Some((dsn, dsaid)) = &event.source {
        w.set_attachments(AttachmentKind::SourceSeals, &said, &[source_item(*dsn, dsaid)?]).map_err(store_err)?;
    }
    Ok(())
}

/// Writes `ops` in one transaction.
pub(crate) fn write_all(store: &dyn Store, ops: &[Op], durability: Durability) -> Result<()> {
    let mut w = store.write_with(durability).map_err(store_err)?;
    for op in ops {
        match op {
            Op::Accepted { prefix, sn, at, event } => write_accepted(w.as_mut(), prefix, *sn, *at, event)?,
            Op::Attach { kind, said, items } => {
                w.add_attachments(*kind, said, items).map_err(store_err)?;
            }
            Op::PutState { prefix, state } => w.put_state(prefix, &state.to_blob()?).map_err(store_err)?,
            Op::PutEscrow { key, at, blob } => w.put_escrow(key, *at, blob).map_err(store_err)?,
            Op::DeleteEscrow { key } => {
                w.delete_escrow(key).map_err(store_err)?;
            }
            Op::PutDuplicate { prefix, sn, said, event, attachments } => {
                w.put_duplicate(prefix, *sn, said, event, attachments).map_err(store_err)?;
            }
        }
    }
    w.commit().map_err(store_err)
}
