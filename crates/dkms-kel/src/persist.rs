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
    AppendKel {
        prefix: String,
        sn: u128,
        said: String,
        at: u64,
    },
    PutEvent {
        said: String,
        raw: Vec<u8>,
    },
    Attach {
        kind: AttachmentKind,
        said: String,
        items: Vec<String>,
    },
    /// The complete list of a newly accepted event (no read of an old list).
    SetAttach {
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

/// A group of changes being written on a background thread.
pub(crate) struct Inflight {
    ops: Arc<Vec<Op>>,
    writer: std::thread::JoinHandle<Result<()>>,
}

impl core::fmt::Debug for Inflight {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Inflight({} changes)", self.ops.len())
    }
}

impl Inflight {
    pub(crate) fn start(store: Arc<dyn Store>, ops: Vec<Op>, durability: Durability) -> Self {
        let ops = Arc::new(ops);
        let theirs = Arc::clone(&ops);
        let writer = std::thread::spawn(move || apply(store.as_ref(), &theirs, durability));
        Self { ops, writer }
    }

    /// Whether the write has ended (successfully or not): waiting for it is then immediate.
    pub(crate) fn is_finished(&self) -> bool {
        self.writer.is_finished()
    }

    /// Waits for the write; on failure returns the error and the changes, to be retried.
    pub(crate) fn wait(self) -> std::result::Result<(), (Error, Vec<Op>)> {
        let res = self.writer.join().unwrap_or_else(|_| Err(Error::Store("the background writer failed".into())));
        match res {
            Ok(()) => Ok(()),
            Err(e) => Err((e, Arc::try_unwrap(self.ops).unwrap_or_else(|shared| (*shared).clone()))),
        }
    }
}

fn apply(store: &dyn Store, ops: &[Op], durability: Durability) -> Result<()> {
    let mut w = store.write_with(durability).map_err(store_err)?;
    for op in ops {
        match op {
            Op::AppendKel { prefix, sn, said, at } => {
                w.append_kel(prefix, *sn, said, *at).map_err(store_err)?;
            }
            Op::PutEvent { said, raw } => w.put_event(said, raw).map_err(store_err)?,
            Op::Attach { kind, said, items } => {
                w.add_attachments(*kind, said, items).map_err(store_err)?;
            }
            Op::SetAttach { kind, said, items } => {
                w.set_attachments(*kind, said, items).map_err(store_err)?;
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

/// The message as stored in an escrow: body and attachments, text domain.
pub(crate) fn escrow_blob(signed: &SignedMessage) -> Result<Vec<u8>> {
    Ok(signed.to_cesr(Domain::Text, false)?)
}
