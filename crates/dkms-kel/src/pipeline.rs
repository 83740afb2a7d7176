//! Streaming input and the parallel ingest pipeline.
//!
//! [`Source`] frames and parses a stream read through a bounded buffer. In the parallel
//! pipeline each worker thread takes the next batch of the stream under a lock (framing,
//! parsing, and predicting in stream order which keys each message's controller
//! signatures will be checked against), then verifies those signatures while the other
//! workers read or verify theirs; the caller's thread applies the messages in stream
//! order, using a worker's verdict only where the key it checked is exactly the key the
//! rules pick.
//! A wrong prediction costs a second verification, never a different outcome.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};

use dkms_cesr::stream::{Framer, Status};
use dkms_crypto::{Signature, Verfer};
use dkms_event::message::Body;
use dkms_event::signed::SignedMessage;

use crate::error::Error;

/// One item of a stream: a parsed message, a message that did not parse, or a framing error.
#[allow(
    clippy::large_enum_variant,
    reason = "items are moved a batch at a time; boxing would add an allocation per message"
)]
pub(crate) enum Item {
    /// A message at stream offset `offset`.
    Message { offset: usize, parsed: Result<SignedMessage, Error> },
    /// A framing error at stream offset `base` plus the error's own offset.
    Framing { error: dkms_cesr::Error, base: usize },
}

/// Parses a framed message found at stream offset `base` + its body offset.
pub(crate) fn parse(framed: &dkms_cesr::stream::Message<'_>, base: usize) -> Item {
    let offset = base + framed.body.offset;
    Item::Message { offset, parsed: SignedMessage::from_framed(framed).map_err(Error::from) }
}

/// Frames and parses a stream from a reader through a bounded buffer: memory for the
/// stream stays within the framer's limits however long it is. After a framing error,
/// bytes are skipped up to the next place a message body starts.
pub(crate) struct Source<R> {
    reader: R,
    framer: Framer,
    buf: Vec<u8>,
    /// Bytes of `buf` before `start` are consumed (compacted away before the next read).
    start: usize,
    chunk: Vec<u8>,
    /// Stream offset of `buf[start]`.
    base: usize,
    eof: bool,
    resyncing: bool,
    done: bool,
}

impl<R: Read> Source<R> {
    pub(crate) fn new(reader: R) -> Self {
        Self {
            reader,
            framer: Framer::new(),
            buf: Vec::with_capacity(1 << 16),
            start: 0,
            chunk: vec![0u8; 1 << 16],
            base: 0,
            eof: false,
            resyncing: false,
            done: false,
        }
    }

    /// Stream offset of the first byte not consumed yet.
    pub(crate) fn offset(&self) -> usize {
        self.base
    }

    fn fill(&mut self) -> std::io::Result<()> {
        self.buf.drain(..self.start);
        self.start = 0;
        let n = self.reader.read(&mut self.chunk)?;
        self.eof = n == 0;
        self.buf.extend_from_slice(self.chunk.get(..n).unwrap_or_default());
        Ok(())
    }

    fn consume(&mut self, n: usize) {
        self.start = (self.start + n).min(self.buf.len());
        self.base += n;
    }

    /// The bytes not consumed yet.
    fn rest(&self) -> &[u8] {
        self.buf.get(self.start..).unwrap_or_default()
    }

    /// The next item, or `None` at the end of the stream.
    ///
    /// # Errors
    /// Only I/O errors of the reader.
    pub(crate) fn next_item(&mut self) -> std::io::Result<Option<Item>> {
        loop {
            if self.done {
                return Ok(None);
            }
            if self.resyncing {
                let next = self.framer.resync(self.rest(), 0);
                self.consume(next);
                if self.rest().is_empty() {
                    if self.eof {
                        self.done = true;
                        return Ok(None);
                    }
                    self.fill()?;
                    continue;
                }
                self.resyncing = false;
            }
            let (framer, rest) = (&self.framer, self.buf.get(self.start..).unwrap_or_default());
            match framer.next_message(rest, self.eof) {
                Ok(Status::Done(m, used)) => {
                    let item = parse(&m, self.base);
                    self.consume(used);
                    return Ok(Some(item));
                }
                Ok(Status::Incomplete(_)) if !self.eof => self.fill()?,
                Ok(Status::Incomplete(needed)) => {
                    self.done = true;
                    if self.rest().is_empty() {
                        return Ok(None);
                    }
                    let error = dkms_cesr::Error::Incomplete { offset: 0, needed };
                    return Ok(Some(Item::Framing { error, base: self.base }));
                }
                Err(error) => {
                    let at = error.offset().unwrap_or(0);
                    let base = self.base;
                    // Skip past the error, then to the next real message start.
                    let skip = at.max(1).min(self.rest().len());
                    self.consume(skip);
                    self.resyncing = true;
                    return Ok(Some(Item::Framing { error, base }));
                }
            }
        }
    }
}

/// Verdicts computed ahead for a message's controller signatures, by attachment position:
/// the key that was used and whether the signature verified with it.
pub(crate) type Preverified = Vec<Option<(Verfer, bool)>>;

/// The verdict for the signature at `position` if it was computed with exactly `verfer`.
pub(crate) fn preverified(pre: Option<&Preverified>, position: usize, verfer: &Verfer) -> Option<bool> {
    match pre?.get(position)? {
        Some((v, ok)) if v == verfer => Some(*ok),
        _ => None,
    }
}

/// An item with the signature checks planned for it.
pub(crate) struct Planned {
    pub(crate) item: Item,
    pub(crate) pre: Option<Preverified>,
}

/// Guesses, in stream order, the keys each message's controller signatures will be checked
/// against: an establishment event's own keys, else the keys of the latest establishment
/// event seen for its identifier (or of its key state when the run started).
pub(crate) struct Predictor {
    keys: HashMap<String, Arc<[Verfer]>>,
}

impl Predictor {
    pub(crate) fn new(keys: HashMap<String, Arc<[Verfer]>>) -> Self {
        Self { keys }
    }

    pub(crate) fn plan(&mut self, item: Item) -> Planned {
        self.plan_with(item, |_| None)
    }

    /// As [`Predictor::plan`], asking `current` for the keys of an identifier this
    /// predictor has not seen an establishment event of.
    pub(crate) fn plan_with(&mut self, item: Item, current: impl Fn(&str) -> Option<Arc<[Verfer]>>) -> Planned {
        let Item::Message { parsed: Ok(sm), .. } = &item else { return Planned { item, pre: None } };
        let prefix = sm.message.prefix().map(|p| p.as_str());
        let verfers = match (sm.message.body(), prefix) {
            (Body::Inception(b), Some(p)) => {
                let v = crate::state::verfers(&b.keys);
                self.keys.insert(p.to_owned(), v.clone());
                Some(v)
            }
            (Body::Rotation(b), Some(p)) => {
                let v = crate::state::verfers(&b.keys);
                self.keys.insert(p.to_owned(), v.clone());
                Some(v)
            }
            (Body::Interaction(_), Some(p)) => self.keys.get(p).cloned().or_else(|| current(p)),
            _ => None,
        };
        let pre = verfers.map(|v| {
            sm.attachments
                .controller_sigs
                .iter()
                .map(|sig| v.get(sig.index() as usize).map(|verfer| (verfer.clone(), false)))
                .collect()
        });
        Planned { item, pre }
    }
}

/// Computes the planned verdicts of a batch, all its signatures in one call (they share the
/// costly last step of Ed25519 verification; see [`Verfer::verify_many`]).
pub(crate) fn verify_batch(batch: &mut [Planned]) {
    // (item, signature position, the signature) of every planned check.
    let mut planned = Vec::new();
    for (i, p) in batch.iter().enumerate() {
        let (Item::Message { parsed: Ok(sm), .. }, Some(pre)) = (&p.item, p.pre.as_ref()) else { continue };
        for (j, (sig, check)) in sm.attachments.controller_sigs.iter().zip(pre).enumerate() {
            if check.is_some() {
                // A signature that does not decode as one verifies with no key.
                planned.push((i, j, Signature::from_siger(sig).ok()));
            }
        }
    }
    let verdicts = {
        let mut items = Vec::with_capacity(planned.len());
        let mut slots = Vec::with_capacity(planned.len());
        for (k, (i, j, sig)) in planned.iter().enumerate() {
            let Some(sig) = sig else { continue };
            let Some(p) = batch.get(*i) else { continue };
            let (Item::Message { parsed: Ok(sm), .. }, Some(pre)) = (&p.item, p.pre.as_ref()) else { continue };
            let Some(Some((verfer, _))) = pre.get(*j) else { continue };
            items.push((verfer, sig, sm.message.raw()));
            slots.push(k);
        }
        let mut verdicts = vec![false; planned.len()];
        for (k, ok) in slots.into_iter().zip(Verfer::verify_many(&items)) {
            if let Some(v) = verdicts.get_mut(k) {
                *v = ok;
            }
        }
        verdicts
    };
    for ((i, j, _), ok) in planned.into_iter().zip(verdicts) {
        if let Some(Some(Some((_, verdict)))) = batch.get_mut(i).and_then(|p| p.pre.as_mut()).map(|pre| pre.get_mut(j))
        {
            *verdict = ok;
        }
    }
}

/// Messages per batch handed to a worker (and verified together on one thread).
const BATCH: usize = 64;

/// Reads up to [`BATCH`] items from `next`, planning each with `plan`. The second value is
/// `Some` when the stream ended (`Ok`) or a read failed (`Err`); the items read before are
/// in the batch either way.
pub(crate) fn read_batch(
    mut next: impl FnMut() -> std::io::Result<Option<Item>>,
    mut plan: impl FnMut(Item) -> Planned,
) -> (Vec<Planned>, Option<std::io::Result<()>>) {
    let mut batch = Vec::with_capacity(BATCH);
    while batch.len() < BATCH {
        match next() {
            Ok(Some(item)) => batch.push(plan(item)),
            Ok(None) => return (batch, Some(Ok(()))),
            Err(e) => return (batch, Some(Err(e))),
        }
    }
    (batch, None)
}

/// Batches per worker read but not yet applied, at most.
const IN_FLIGHT: usize = 4;

/// What the workers share: the stream, read one batch at a time by whichever worker is
/// free, with the key predictions made in stream order under the same lock.
struct Feed<R> {
    source: Source<R>,
    predictor: Predictor,
    /// Sequence number of the next batch.
    seq: usize,
    /// Set when the stream has ended (its length) or a read failed.
    end: Option<std::io::Result<usize>>,
    /// One token per batch that may be read: the applying thread returns one for every batch
    /// it has applied, so at most `IN_FLIGHT` batches per worker exist at any time.
    tokens: Receiver<()>,
}

impl<R: Read> Feed<R> {
    /// The next batch and its sequence number, or `None` once the stream has ended.
    fn next_batch(&mut self) -> Option<(usize, Vec<Planned>)> {
        if self.end.is_some() {
            return None;
        }
        // No token: the applying thread is gone, nothing more can be applied.
        self.tokens.recv().ok()?;
        let (source, predictor) = (&mut self.source, &mut self.predictor);
        let (batch, end) = read_batch(|| source.next_item(), |item| predictor.plan(item));
        if let Some(end) = end {
            self.end = Some(end.map(|()| self.source.offset()));
        }
        if batch.is_empty() {
            return None;
        }
        let seq = self.seq;
        self.seq += 1;
        Some((seq, batch))
    }
}

/// Runs `threads` workers, each of which reads the next batch of the stream (framing,
/// parsing and key predictions stay in stream order, under a lock) and verifies it while
/// the others read or verify theirs; calls `apply` on the caller's thread for every
/// planned item, in stream order. Returns the stream length consumed.
///
/// # Errors
/// Only I/O errors of the reader (items before the failing read are applied).
pub(crate) fn run<R: Read + Send>(
    reader: R,
    keys: HashMap<String, Arc<[Verfer]>>,
    threads: usize,
    mut apply: impl FnMut(Planned),
) -> std::io::Result<usize> {
    let threads = threads.max(1);
    let (token_tx, tokens) = sync_channel::<()>(IN_FLIGHT * threads);
    for _ in 0..IN_FLIGHT * threads {
        // Cannot fail: the channel has room for every token and its receiver is alive.
        let _ = token_tx.send(());
    }
    let feed =
        Mutex::new(Feed { source: Source::new(reader), predictor: Predictor::new(keys), seq: 0, end: None, tokens });
    std::thread::scope(|scope| {
        let (done_tx, done_rx) = sync_channel::<(usize, Vec<Planned>)>(threads * 2);
        for _ in 0..threads {
            let (feed, done_tx) = (&feed, done_tx.clone());
            scope.spawn(move || work(feed, &done_tx));
        }
        drop(done_tx);
        let mut next = 0usize;
        let mut waiting: BTreeMap<usize, Vec<Planned>> = BTreeMap::new();
        for (seq, batch) in done_rx {
            waiting.insert(seq, batch);
            while let Some(batch) = waiting.remove(&next) {
                batch.into_iter().for_each(&mut apply);
                next += 1;
                // The workers may be gone already (the stream has ended); then it is not needed.
                let _ = token_tx.try_send(());
            }
        }
    });
    let feed = feed.into_inner().unwrap_or_else(PoisonError::into_inner);
    match feed.end {
        Some(end) => end,
        // Every worker stopped before the stream ended: one of them failed.
        None => Err(std::io::Error::other("a stream worker thread failed")),
    }
}

fn work<R: Read>(feed: &Mutex<Feed<R>>, done: &SyncSender<(usize, Vec<Planned>)>) {
    loop {
        let next = feed.lock().unwrap_or_else(PoisonError::into_inner).next_batch();
        let Some((seq, mut batch)) = next else { return };
        verify_batch(&mut batch);
        if done.send((seq, batch)).is_err() {
            return;
        }
    }
}
