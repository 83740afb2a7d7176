//! Persistence of the validator's state through the `dkms-store` traits.
//!
//! The validator works on in-memory maps and records every change as an [`Op`];
//! [`Kevery::commit`] applies the recorded changes in one write transaction
//! (a group commit). [`Kevery::open`] loads what a store holds.

use std::sync::Arc;

use dkms_cesr::stream::Framer;
use dkms_cesr::{Domain, Indexer, Matter};
use dkms_event::primitives::{Digest, Verkey};
use dkms_event::signed::{SignedMessage, TransSigGroup};
use dkms_store::{AttachmentKind, Durability, EscrowKey, Store};

use crate::error::{Error, Result};
use crate::kevery::{Config, EscrowKind, Kevery};
use crate::state::KeyState;

/// One recorded change.
#[derive(Clone, Debug)]
pub(crate) enum Op {
    /// A newly accepted event: its body, its place in the KEL and the complete lists of
    /// its attachments (written without reading old lists). The event is shared with the
    /// validator's memory, and its records are encoded by the writer.
    Accepted {
        prefix: String,
        sn: u128,
        /// First-seen time.
        at: u64,
        event: Arc<crate::kevery::Logged>,
    },
    Attach {
        kind: AttachmentKind,
        said: String,
        items: Vec<String>,
    },
    PutState {
        prefix: String,
        blob: Vec<u8>,
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

pub(crate) fn store_err(e: impl std::fmt::Display) -> Error {
    Error::Store(e.to_string())
}

/// The escrow key of a message.
pub(crate) fn escrow_key(kind: EscrowKind, signed: &SignedMessage) -> EscrowKey {
    let prefix = signed.message.prefix().map(|p| p.qb64()).unwrap_or_default();
    EscrowKey::new(kind, prefix, signed.message.sn().unwrap_or(0), signed.message.said().qb64())
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

pub(crate) fn parse_couple(item: &str) -> Option<(Verkey, Matter)> {
    let (k, n) = Matter::parse(item.as_bytes(), Domain::Text).ok()?;
    let c = Matter::decode(item.as_bytes().get(n..)?, Domain::Text).ok()?;
    Some((Verkey::new(k).ok()?, c))
}

pub(crate) fn parse_quadruple(item: &str) -> Option<TransSigGroup> {
    let b = item.as_bytes();
    let (p, a) = Matter::parse(b, Domain::Text).ok()?;
    let (s, c) = Matter::parse(b.get(a..)?, Domain::Text).ok()?;
    let (d, e) = Matter::parse(b.get(a + c..)?, Domain::Text).ok()?;
    let sig = Indexer::decode(b.get(a + c + e..)?, Domain::Text).ok()?;
    let sn = u128::from_be_bytes(s.raw().try_into().ok()?);
    Some(TransSigGroup {
        prefix: dkms_event::primitives::Prefix::new(p).ok()?,
        sn,
        said: Digest::new(d).ok()?,
        sigs: vec![sig],
    })
}

pub(crate) fn sigs(items: Vec<String>) -> Vec<Indexer> {
    items.iter().filter_map(|s| Indexer::from_qb64(s).ok()).collect()
}

impl Kevery {
    /// A validator over `store`: key states and escrows are loaded; events are read
    /// back from the store when a rule needs them (a duplicate, a receipt of an older
    /// event, a recovery, a delegation), so memory does not grow with the KELs.
    ///
    /// # Errors
    /// [`Error::Store`] when the store cannot be read, or holds a record that does not parse.
    pub fn open(store: Arc<dyn Store>, config: Config) -> Result<Self> {
        let mut k = Kevery::new(config);
        {
            let r = store.read().map_err(store_err)?;
            // Key states only: events are read back from the store when needed.
            for prefix in r.prefixes().map_err(store_err)? {
                let Some(blob) = r.state(&prefix).map_err(store_err)? else { continue };
                k.restore_state(prefix, KeyState::from_blob(&blob)?);
            }
            for kind in dkms_store::EscrowKind::ALL {
                for e in r.escrow(kind).map_err(store_err)? {
                    let Some(Ok(framed)) = Framer::new().messages(&e.blob).next() else { continue };
                    let Ok(signed) = SignedMessage::from_framed(&framed) else { continue };
                    k.restore_escrow(kind, signed, e.inserted_micros);
                }
            }
        }
        k.attach_store(store);
        Ok(k)
    }

    /// Writes every change recorded since the last commit in one transaction.
    /// Without a store this only clears the record.
    ///
    /// # Errors
    /// [`Error::Store`]; the changes stay recorded and a later commit retries them.
    pub fn commit(&mut self) -> Result<()> {
        self.wait_inflight()?;
        let Some(store) = self.store().cloned() else {
            self.take_ops();
            return Ok(());
        };
        let ops = self.take_ops();
        if ops.is_empty() {
            return Ok(());
        }
        let res = apply(store.as_ref(), &ops, self.durability());
        match res {
            Ok(()) => self.forget_committed(),
            Err(_) => self.restore_ops(ops),
        }
        res
    }
}

/// A group of changes being written on a background thread. The thread owns the changes:
/// they are dropped there once written, and handed back only when the write failed.
pub(crate) struct Inflight {
    changes: usize,
    writer: std::thread::JoinHandle<std::result::Result<(), (Error, Vec<Op>)>>,
}

impl core::fmt::Debug for Inflight {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Inflight({} changes)", self.changes)
    }
}

impl Inflight {
    /// Starts writing `ops`; `garbage` (what the validator no longer needs) is dropped on the
    /// writer's thread too, after the write.
    pub(crate) fn start<G: Send + 'static>(
        store: Arc<dyn Store>,
        ops: Vec<Op>,
        durability: Durability,
        garbage: G,
    ) -> Self {
        let changes = ops.len();
        let writer = std::thread::spawn(move || {
            let res = apply(store.as_ref(), &ops, durability);
            // Freeing cannot fail in a way that matters; it must not lose the changes either.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(garbage)));
            res.map_err(|e| (e, ops))
        });
        Self { changes, writer }
    }

    /// Whether the write has ended (successfully or not): waiting for it is then immediate.
    pub(crate) fn is_finished(&self) -> bool {
        self.writer.is_finished()
    }

    /// Waits for the write; on failure returns the error and the changes, to be retried.
    pub(crate) fn wait(self) -> std::result::Result<(), (Error, Vec<Op>)> {
        // The thread catches panics, so joining fails only if it could not even run.
        self.writer.join().unwrap_or_else(|_| Err((Error::Store("the background writer failed".into()), Vec::new())))
    }
}

/// Writes `ops` in one transaction. A store that panics is an error like any other: the
/// changes stay recorded for a retry, and the validator goes on.
fn apply(store: &dyn Store, ops: &[Op], durability: Durability) -> Result<()> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| write_all(store, ops, durability)))
        .unwrap_or_else(|_| Err(Error::Store("the store panicked while writing".into())))
}

fn write_all(store: &dyn Store, ops: &[Op], durability: Durability) -> Result<()> {
    let mut w = store.write_with(durability).map_err(store_err)?;
    for op in ops {
        match op {
            Op::Accepted { prefix, sn, at, event } => write_accepted(w.as_mut(), prefix, *sn, *at, event)?,
            Op::Attach { kind, said, items } => {
                w.add_attachments(*kind, said, items).map_err(store_err)?;
            }
            Op::PutState { prefix, blob } => w.put_state(prefix, blob).map_err(store_err)?,
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

/// The records of a newly accepted event.
fn write_accepted(
    w: &mut (dyn dkms_store::WriteTxn + '_),
    prefix: &str,
    sn: u128,
    at: u64,
    event: &crate::kevery::Logged,
) -> Result<()> {
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
    Ok(())
}

/// The message as stored in an escrow: body and attachments, text domain.
pub(crate) fn escrow_blob(signed: &SignedMessage) -> Result<Vec<u8>> {
    Ok(signed.to_cesr(Domain::Text, false)?)
}
