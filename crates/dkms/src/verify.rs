//! Stateless verification of a CESR stream, and the `-A` signature group text.

use dkms_cesr::{Counter, CounterKind, Domain, Indexer};
use dkms_kel::{Config, Kevery, KeyState, Report};

use crate::error::{Error, Result};

/// What a stream establishes on its own, in a fresh in-memory validator.
#[derive(Clone, Debug)]
pub struct StreamVerdict {
    /// Every event in the stream was accepted, nothing is left in escrow, nothing was
    /// rejected, and the stream held at least one message.
    pub valid: bool,
    /// The validator's report (offsets are from the start of the stream).
    pub report: Report,
    /// Key state of every identifier the stream established, sorted by prefix.
    pub states: Vec<KeyState>,
}

/// Verifies `bytes` statelessly: a fresh validator over a fresh in-memory store
/// (nothing is persisted, nothing known before counts).
///
/// An empty stream is not valid: it proves nothing (reported as an `empty` error at offset 0).
///
/// ```
/// let verdict = dkms::verify_stream(b"not a stream");
/// assert!(!verdict.valid);
/// assert_eq!(verdict.report.rejected, 1);
/// ```
#[must_use]
pub fn verify_stream(bytes: &[u8]) -> StreamVerdict {
    verify_stream_with_progress(bytes, &mut |_, _| {})
}

/// As [`verify_stream`], calling `progress(done_bytes, total_bytes)` between batches.
#[must_use]
pub fn verify_stream_with_progress(bytes: &[u8], progress: &mut dyn FnMut(usize, usize)) -> StreamVerdict {
    let mut kevery = fresh_kevery();
    let mut report = crate::controller::ingest_in_batches(&mut kevery, bytes, progress);
    let left: usize = kevery.escrowed().values().sum();
    if bytes.is_empty() {
        report.errors.push(dkms_kel::Rejection { offset: 0, error: dkms_kel::Error::EmptyStream });
    }
    let valid = !bytes.is_empty() && report.rejected == 0 && left == 0 && report.errors.is_empty();
    let states = kevery.prefixes().iter().filter_map(|p| kevery.state(p).cloned()).collect();
    StreamVerdict { valid, report, states }
}

#[cfg(feature = "memory")]
fn fresh_kevery() -> Kevery {
    let store: std::sync::Arc<dyn dkms_store::Store> = std::sync::Arc::new(dkms_store::MemoryStore::new());
    Kevery::open(store, Config::default()).unwrap_or_else(|_| Kevery::new(Config::default()))
}

#[cfg(not(feature = "memory"))]
fn fresh_kevery() -> Kevery {
    // Without the `memory` feature the validator keeps its state in memory without a store.
    Kevery::new(Config::default())
}

/// Indexed signatures as one CESR controller-signature group (`-A##` then each signature), text domain.
///
/// # Errors
/// [`Error::Cesr`] for more signatures than a counter holds.
pub fn signatures_to_cesr(sigs: &[Indexer]) -> Result<String> {
    let mut out = Vec::new();
    Counter::new(CounterKind::ControllerIdxSigs, sigs.len() as u64)?.encode_into(Domain::Text, &mut out);
    for s in sigs {
        s.encode_into(Domain::Text, &mut out);
    }
    String::from_utf8(out).map_err(|_| Error::invalid("signatures", "not text"))
}

/// Reads signatures written by [`signatures_to_cesr`] (surrounding whitespace is ignored).
/// A bare list of indexed signatures, whitespace-separated, is read too.
///
/// ```
/// use dkms::cesr::{Indexer, IndexerCode};
/// let sig = Indexer::new(IndexerCode::Ed25519Sig, 1, None, vec![7u8; 64])?;
/// let text = dkms::signatures_to_cesr(&[sig.clone()])?;
/// assert!(text.starts_with("-AAB"));
/// assert_eq!(dkms::signatures_from_cesr(&text)?, vec![sig]);
/// # Ok::<(), dkms::Error>(())
/// ```
///
/// # Errors
/// [`Error::Cesr`] for malformed text, [`Error::Invalid`] for a group of another kind,
/// a count that differs from the signatures present, or trailing bytes.
pub fn signatures_from_cesr(text: &str) -> Result<Vec<Indexer>> {
    let text = text.trim();
    if !text.starts_with('-') {
        return text.split_whitespace().map(|s| Ok(Indexer::from_qb64(s)?)).collect();
    }
    let bytes = text.as_bytes();
    let (counter, mut pos) = Counter::parse(bytes, Domain::Text)?;
    if counter.kind() != CounterKind::ControllerIdxSigs {
        return Err(Error::invalid("signatures", format!("expected a -A group, found {}", counter.code())));
    }
    let mut out = Vec::new();
    for _ in 0..counter.count() {
        let rest = bytes.get(pos..).unwrap_or_default();
        let (sig, used) = Indexer::parse(rest, Domain::Text).map_err(|e| Error::Cesr(e.shifted(pos)))?;
        out.push(sig);
        pos += used;
    }
    if pos != bytes.len() {
        return Err(Error::invalid("signatures", format!("unexpected bytes at offset {pos}")));
    }
    Ok(out)
}
