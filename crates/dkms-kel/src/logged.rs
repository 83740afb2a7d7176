//! An accepted event with what was verified for it.

use std::sync::Arc;

use dkms_cesr::{Indexer, Matter};
use dkms_crypto::Verfer;
use dkms_event::message::Message;
use dkms_event::primitives::{Digest, Prefix, Verkey};
use dkms_event::signed::TransSigGroup;

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
    /// Source seal of the delegating event (`-G`: its sequence number and SAID), when delegated.
    pub source: Option<(u128, Digest)>,
    pub(crate) witnesses: Arc<[Prefix]>,
    pub(crate) witness_verfers: Arc<[Verfer]>,
}

impl Logged {
    /// The witnesses in force for this event (after its own cuts and adds).
    #[must_use]
    pub fn witnesses(&self) -> &[Prefix] {
        &self.witnesses
    }
}
