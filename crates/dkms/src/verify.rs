//! Stateless verification of a CESR stream, and the `-A` signature group text.
//!
//! A stream is read through a bounded buffer. A short one is verified in memory; past
//! [`VerifyOptions::memory_limit`] bytes the validator works over a temporary store on disk
//! instead, so memory stays bounded however long the stream is. Both give the same verdict.

use std::io::Read;
#[cfg(feature = "redb")]
use std::path::{Path, PathBuf};

use dkms_cesr::{Counter, CounterKind, Domain, Indexer};
use dkms_kel::{Config, Kevery, KeyState, Report};

use crate::error::{Error, Result};

/// What a stream establishes on its own, in a fresh validator.
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

/// Bytes of a stream [`verify_reader`] verifies in memory by default (4 MiB); a longer
/// stream is verified over a temporary store on disk.
pub const DEFAULT_MEMORY_LIMIT: usize = 4 << 20;

/// Page cache of the temporary store (16 MiB): the bound on the memory the store uses.
pub const DEFAULT_SPILL_CACHE_BYTES: usize = 16 << 20;

/// How [`verify_reader`] verifies a stream.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct VerifyOptions {
    /// Threads verifying controller signatures ahead of the ordered checks (see
    /// [`Kevery::ingest`]); 0 or 1 verifies on the calling thread.
    /// The verdict does not depend on it.
    pub threads: usize,
    /// A stream of fewer bytes is verified in memory; a longer one over a temporary store
    /// (when the `redb` feature is on; without it, always in memory). 0: always the store.
    pub memory_limit: usize,
    /// Page cache of the temporary store, in bytes.
    pub cache_bytes: usize,
    /// Where the temporary store's private directory is made (default: [`std::env::temp_dir`]).
    #[cfg(feature = "redb")]
    pub temp_dir: Option<PathBuf>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self {
            threads: 1,
            memory_limit: DEFAULT_MEMORY_LIMIT,
            cache_bytes: DEFAULT_SPILL_CACHE_BYTES,
            #[cfg(feature = "redb")]
            temp_dir: None,
        }
    }
}

/// Verifies `bytes` statelessly: a fresh validator over a fresh store (nothing is
/// persisted, nothing known before counts). A stream longer than [`DEFAULT_MEMORY_LIMIT`]
/// is verified over a temporary store on disk (in memory if that store cannot be made).
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

/// As [`verify_stream`], calling `progress(done_bytes, total_bytes)` as the stream is read.
#[must_use]
pub fn verify_stream_with_progress(bytes: &[u8], progress: &mut (dyn FnMut(usize, usize) + Send)) -> StreamVerdict {
    let total = bytes.len();
    let mut progress = |done: u64| progress(usize::try_from(done).unwrap_or(usize::MAX), total);
    let options = VerifyOptions::default();
    verify_reader(bytes, &options, &mut progress).unwrap_or_else(|_| {
        // Reading a slice cannot fail: only the temporary store can. Verify in memory.
        let mut kevery = fresh_kevery();
        let mut each = |p: dkms_kel::Progress| progress(u64::try_from(p.bytes).unwrap_or(u64::MAX));
        let report = kevery.ingest(bytes, dkms_kel::Options::default().progress(&mut each)).unwrap_or_default();
        verdict(report, u64::try_from(bytes.len()).unwrap_or(u64::MAX), &kevery)
    })
}

/// Verifies the stream read from `reader` statelessly, as [`verify_stream`], in bounded
/// memory: the stream is read through a bounded buffer, and one of more than
/// `options.memory_limit` bytes is verified over a temporary store in a private directory
/// (`0700`, a random name, under `options.temp_dir`), removed when the verification ends
/// (on Unix the store's file is unlinked as soon as it is open, so nothing is left behind
/// even if the process is killed). `progress(bytes_read)` is called as the stream is read.
///
/// The verdict is the one the in-memory validator gives.
///
/// # Errors
/// [`Error::Read`] when reading fails; [`Error::Io`] / [`Error::Store`] / [`Error::Kel`]
/// when the temporary store cannot be made or written.
pub fn verify_reader<R: Read + Send>(
    reader: R,
    options: &VerifyOptions,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<StreamVerdict> {
    let mut input = Counting::new(reader, progress);
    let mut head = Vec::new();
    let limit = u64::try_from(options.memory_limit).unwrap_or(u64::MAX);
    (&mut input).take(limit).read_to_end(&mut head).map_err(Error::Read)?;
    #[cfg(feature = "redb")]
    if u64::try_from(head.len()).unwrap_or(u64::MAX) >= limit {
        let parent = options.temp_dir.clone().unwrap_or_else(std::env::temp_dir);
        // Declared first, dropped last: the validator lets go of the store before its
        // directory is removed.
        let (_spill, store) = TempStore::create(&parent, options.cache_bytes)?;
        let mut kevery = Kevery::open(store, Config::default())?;
        // Nothing needs to survive a crash: commits are not synced.
        kevery.set_durability(dkms_store::Durability::Deferred);
        let report = ingest(&mut kevery, Prefixed::new(head, &mut input), options.threads)?;
        return Ok(verdict(report, input.done, &kevery));
    }
    let mut kevery = fresh_kevery();
    let report = ingest(&mut kevery, Prefixed::new(head, &mut input), options.threads)?;
    Ok(verdict(report, input.done, &kevery))
}

fn ingest(kevery: &mut Kevery, reader: impl Read + Send, threads: usize) -> Result<Report> {
    kevery.ingest(dkms_kel::Source::reader(reader), dkms_kel::Options::default().threads(threads)).map_err(Error::Read)
}

fn verdict(mut report: Report, read: u64, kevery: &Kevery) -> StreamVerdict {
    let left: usize = kevery.escrowed().values().sum();
    if read == 0 {
        report.errors.push(dkms_kel::Rejection { offset: 0, error: dkms_kel::Error::EmptyStream });
    }
    let valid = read > 0 && report.rejected == 0 && left == 0 && report.errors.is_empty();
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

/// A reader that counts the bytes read through it and reports the count.
pub(crate) struct Counting<'p, R> {
    inner: R,
    /// Bytes read so far.
    pub(crate) done: u64,
    progress: &'p mut (dyn FnMut(u64) + Send),
}

impl<'p, R: Read> Counting<'p, R> {
    pub(crate) fn new(inner: R, progress: &'p mut (dyn FnMut(u64) + Send)) -> Self {
        Self { inner, done: 0, progress }
    }
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.done = self.done.saturating_add(u64::try_from(n).unwrap_or(u64::MAX));
            (self.progress)(self.done);
        }
        Ok(n)
    }
}

/// `head` (bytes already read), then the rest of the stream; `head` is freed once read.
struct Prefixed<R> {
    head: Vec<u8>,
    pos: usize,
    rest: R,
}

impl<R: Read> Prefixed<R> {
    fn new(head: Vec<u8>, rest: R) -> Self {
        Self { head, pos: 0, rest }
    }
}

impl<R: Read> Read for Prefixed<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.head.get(self.pos..).unwrap_or_default();
        if left.is_empty() {
            if self.head.capacity() > 0 {
                self.head = Vec::new();
                self.pos = 0;
            }
            return self.rest.read(buf);
        }
        let n = left.len().min(buf.len());
        buf.get_mut(..n).unwrap_or_default().copy_from_slice(left.get(..n).unwrap_or_default());
        self.pos += n;
        Ok(n)
    }
}

/// A store in a private temporary directory (`0700`, a random name), removed on drop. On
/// Unix the file and the directory are unlinked as soon as the store is open: the open
/// handle keeps the data reachable for this process only, and nothing is left behind
/// whatever way the process ends.
#[cfg(feature = "redb")]
struct TempStore {
    dir: PathBuf,
}

#[cfg(feature = "redb")]
impl TempStore {
    /// The directory's guard and the store (to be dropped before the guard).
    fn create(parent: &Path, cache_bytes: usize) -> Result<(Self, std::sync::Arc<dyn dkms_store::Store>)> {
        let mut name = [0u8; 12];
        getrandom::fill(&mut name).map_err(|e| Error::io(parent, std::io::Error::other(e.to_string())))?;
        let dir = parent.join(format!("dkms-verify-{}", hex::encode(name)));
        let mut b = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt as _;
            b.mode(0o700);
        }
        // Not recursive: the directory must be new (an existing one is an error).
        b.create(&dir).map_err(|e| Error::io(&dir, e))?;
        let file = dir.join("kel.redb");
        let store = match dkms_store::RedbStore::open_with_cache(&file, cache_bytes) {
            Ok(s) => s,
            Err(e) => {
                remove(&dir);
                return Err(e.into());
            }
        };
        #[cfg(unix)]
        remove(&dir);
        Ok((Self { dir }, std::sync::Arc::new(store)))
    }
}

/// Removes the temporary store's directory and its file (errors are ignored: it may be gone).
#[cfg(feature = "redb")]
fn remove(dir: &Path) {
    let _ = std::fs::remove_file(dir.join("kel.redb"));
    let _ = std::fs::remove_dir(dir);
}

#[cfg(feature = "redb")]
impl Drop for TempStore {
    fn drop(&mut self) {
        remove(&self.dir);
    }
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
