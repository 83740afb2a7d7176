//! The one ingest entry point: a source (bytes or a reader) and options (threads, progress,
//! clock).

use std::collections::HashMap;
use std::io::Read;

use dkms_cesr::stream::Framer;

use crate::clock::Clock;
use crate::kevery::Kevery;
use crate::pipeline::{self, Item, Planned, Predictor};
use crate::report::{Outcome, Report};

/// A stream to ingest: bytes in memory (framed in place) or a reader (read through a bounded
/// buffer, so memory does not grow with the stream).
pub enum Source<'a> {
    /// Bytes in memory.
    Bytes(&'a [u8]),
    /// A reader.
    Reader(Box<dyn Read + Send + 'a>),
}

impl<'a> Source<'a> {
    /// A reader as a source.
    pub fn reader(r: impl Read + Send + 'a) -> Self {
        Source::Reader(Box::new(r))
    }
}

impl<'a> From<&'a [u8]> for Source<'a> {
    fn from(b: &'a [u8]) -> Self {
        Source::Bytes(b)
    }
}

impl<'a, const N: usize> From<&'a [u8; N]> for Source<'a> {
    fn from(b: &'a [u8; N]) -> Self {
        Source::Bytes(b)
    }
}

impl<'a> From<&'a Vec<u8>> for Source<'a> {
    fn from(b: &'a Vec<u8>) -> Self {
        Source::Bytes(b)
    }
}

/// How far an ingest has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Bytes of the stream consumed.
    pub bytes: usize,
    /// Messages handled.
    pub messages: usize,
}

/// Ingest options.
#[derive(Default)]
pub struct Options<'a> {
    /// Threads verifying controller signatures ahead of the ordered checks (0 or 1: none; the
    /// outcome is the same either way).
    pub threads: usize,
    /// Called after each batch of messages.
    pub progress: Option<&'a mut dyn FnMut(Progress)>,
    /// The clock for this run (default: the engine's).
    pub clock: Option<Clock>,
}

impl core::fmt::Debug for Options<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Options").field("threads", &self.threads).finish_non_exhaustive()
    }
}

impl<'a> Options<'a> {
    /// With `threads` verifier threads.
    #[must_use]
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// With a progress callback.
    #[must_use]
    pub fn progress(mut self, f: &'a mut dyn FnMut(Progress)) -> Self {
        self.progress = Some(f);
        self
    }

    /// With a clock.
    #[must_use]
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = Some(clock);
        self
    }
}

impl Kevery {
    /// Frames, parses and processes a whole stream: every message gets exactly one disposition
    /// in the report (see [`Report`]). A bad message is reported with its offset and the rest of
    /// the stream is still processed. With a store, everything is committed when this returns
    /// (a commit failure is in [`Report::store_errors`]).
    ///
    /// Messages go in batches of 64: the controller signatures of a batch are verified first,
    /// together (on `options.threads` worker threads when more than one), with the keys
    /// guessed for them; the rules use a verdict only where it was computed with exactly the
    /// key they pick, so the outcome does not depend on the threads.
    ///
    /// # Errors
    /// Only I/O errors of a reader; messages read before the error have been processed and
    /// committed.
    pub fn ingest<'s>(&mut self, source: impl Into<Source<'s>>, options: Options<'_>) -> std::io::Result<Report> {
        let Options { threads, mut progress, clock } = options;
        let saved = clock.map(|c| std::mem::replace(&mut self.config.clock, c));
        self.tally.begin();
        let res = match source.into() {
            Source::Bytes(bytes) if threads <= 1 => {
                let mut messages = Framer::new().messages(bytes);
                let next = || {
                    Ok(messages.next().map(|framed| match framed {
                        Ok(f) => pipeline::parse(&f, 0),
                        Err(error) => Item::Framing { error, base: 0 },
                    }))
                };
                self.ingest_batches(next, &mut progress).map(|()| bytes.len())
            }
            Source::Bytes(bytes) => self.ingest_parallel(bytes, threads, &mut progress),
            Source::Reader(reader) if threads <= 1 => {
                let mut source = pipeline::Source::new(reader);
                let res = self.ingest_batches(|| source.next_item(), &mut progress);
                res.map(|()| source.offset())
            }
            Source::Reader(reader) => self.ingest_parallel(reader, threads, &mut progress),
        };
        let report = self.finish_run();
        if let Some(c) = saved {
            self.config.clock = c;
        }
        res.map(|_| report)
    }

    /// Applies items in batches: the controller signatures of a batch are verified first,
    /// together, with the keys guessed for them; on a read error the items read before it are
    /// applied first.
    fn ingest_batches(
        &mut self,
        mut next: impl FnMut() -> std::io::Result<Option<Item>>,
        progress: &mut Option<&mut dyn FnMut(crate::ingest::Progress)>,
    ) -> std::io::Result<()> {
        let mut predictor = Predictor::new(HashMap::new());
        loop {
            let states = &self.mem.states;
            let (mut batch, end) = pipeline::read_batch(&mut next, |item| {
                predictor.plan_with(item, |p| states.get(p).map(|s| s.verfers.clone()))
            });
            pipeline::verify_batch(&mut batch);
            for planned in batch {
                self.item(planned, progress);
            }
            if let Some(end) = end {
                return end;
            }
        }
    }

    fn ingest_parallel<R: Read + Send>(
        &mut self,
        reader: R,
        threads: usize,
        progress: &mut Option<&mut dyn FnMut(Progress)>,
    ) -> std::io::Result<usize> {
        let keys = self.mem.states.iter().map(|(p, s)| (p.clone(), s.verfers.clone())).collect();
        pipeline::run(reader, keys, threads, |planned| self.item(planned, progress))
    }

    /// Handles one planned item, then reports progress every 64 messages of the run.
    fn item(&mut self, planned: Planned, progress: &mut Option<&mut dyn FnMut(Progress)>) {
        let at = self.handle_item(planned);
        let messages = self.tally.report.messages;
        if let Some(f) = progress.as_mut()
            && messages.is_multiple_of(64)
        {
            f(Progress { bytes: at, messages });
        }
    }

    /// Handles one planned item; returns its stream offset.
    fn handle_item(&mut self, planned: Planned) -> usize {
        let Planned { item, pre } = planned;
        match item {
            Item::Framing { error, base } => {
                let e = error.shifted(base);
                let offset = e.offset().unwrap_or(base);
                self.tally.count(offset, &Outcome::Rejected(crate::Error::from(e)));
                offset
            }
            Item::Message { offset, parsed: Err(err) } => {
                self.tally.count(offset, &Outcome::Rejected(err));
                offset
            }
            Item::Message { offset, parsed: Ok(signed) } => {
                self.handle(signed, offset, pre.as_ref());
                if self.group_ready()
                    && let Err(e) = self.commit_in_background()
                {
                    self.tally.report.store_errors.push(e);
                }
                offset
            }
        }
    }
}
