//! What happened to each message: outcomes, escrow reasons, warnings and the run report.
//!
//! Every message given to the engine ends in exactly one disposition: accepted, duplicate,
//! escrowed (still waiting, with the reason), rejected (with the rule and the byte offset), or
//! ignored (a message a KEL validator does not act on). An escrowed message keeps its place in
//! the count until it leaves the escrow by acceptance, rejection or expiry; then its count moves.

use dkms_event::primitives::{Digest, Prefix};
use dkms_event::threshold::Threshold;
use dkms_event::value::Value;
use dkms_store::EscrowKind;

use crate::error::Error;

/// What happened to one message.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Accepted into a KEL (an event) or applied (a receipt).
    Accepted,
    /// Already known; any new valid signatures were kept.
    Duplicate,
    /// Held until what it waits for arrives.
    Escrowed(Waiting),
    /// Not a key event or receipt: nothing to do for a KEL validator.
    Ignored,
    /// Dropped.
    Rejected(Error),
}

impl Outcome {
    /// The escrow of an escrowed message.
    #[must_use]
    pub fn escrow_kind(&self) -> Option<EscrowKind> {
        match self {
            Outcome::Escrowed(w) => Some(w.kind()),
            _ => None,
        }
    }
}

/// What an escrowed message waits for.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Waiting {
    /// Earlier events of its KEL (out of order).
    PriorEvents {
        /// Sequence number of the latest accepted event, if the identifier is known.
        latest: Option<u128>,
    },
    /// More valid controller signatures.
    Signatures {
        /// Indices of the valid signatures present.
        valid: Vec<u32>,
        /// The threshold they must meet.
        threshold: Threshold,
    },
    /// More signatures by keys committed in the prior next-key digests (a rotation).
    PriorNextKeys {
        /// Ondices of the valid signatures whose keys were committed.
        exposed: Vec<u32>,
        /// The prior next threshold they must meet.
        threshold: Threshold,
    },
    /// More witness receipts.
    WitnessReceipts {
        /// Distinct witnesses that receipted.
        have: usize,
        /// The witness threshold (`bt`).
        toad: u64,
        /// The witnesses.
        witnesses: usize,
    },
    /// The delegator's approval (an anchoring seal in its KEL).
    Delegation {
        /// The delegator.
        delegator: Prefix,
        /// The sequence number of the delegating event, when a source seal names it.
        at: Option<u128>,
    },
    /// The receipted event (a receipt that arrived before it).
    ReceiptedEvent {
        /// Identifier of the receipted event.
        prefix: Prefix,
        /// Its sequence number.
        sn: u128,
        /// Its SAID.
        said: Digest,
    },
    /// A validator's establishment event (a transferable receipt).
    Validator {
        /// The validator.
        prefix: Prefix,
        /// Its establishment event's sequence number.
        sn: u128,
        /// Its SAID.
        said: Digest,
    },
    /// Resolution of a conflict with the accepted event at the same location.
    Duplicity {
        /// SAID of the accepted event.
        accepted: Digest,
    },
}

impl Waiting {
    /// The escrow this reason puts a message in.
    #[must_use]
    pub fn kind(&self) -> EscrowKind {
        match self {
            Waiting::PriorEvents { .. } => EscrowKind::OutOfOrder,
            Waiting::Signatures { .. } | Waiting::PriorNextKeys { .. } => EscrowKind::PartiallySigned,
            Waiting::WitnessReceipts { .. } => EscrowKind::PartiallyWitnessed,
            Waiting::Delegation { .. } => EscrowKind::Delegation,
            Waiting::ReceiptedEvent { .. } => EscrowKind::UnverifiedReceipt,
            Waiting::Validator { .. } => EscrowKind::UnverifiedTransReceipt,
            Waiting::Duplicity { .. } => EscrowKind::LikelyDuplicitous,
        }
    }

    /// The identifier whose progress can end the wait (the retry trigger): the delegator for
    /// a delegation, the validator for a transferable receipt, else `own`.
    pub(crate) fn trigger<'a>(&'a self, own: &'a str) -> &'a str {
        match self {
            Waiting::Delegation { delegator, .. } => delegator.as_str(),
            Waiting::Validator { prefix, .. } => prefix.as_str(),
            _ => own,
        }
    }
}

fn threshold_text(t: &Threshold) -> String {
    fn text(v: &Value) -> String {
        match v {
            Value::Str(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            Value::List(l) => format!("[{}]", l.iter().map(text).collect::<Vec<_>>().join(",")),
            _ => String::from("?"),
        }
    }
    text(&t.to_value())
}

impl core::fmt::Display for Waiting {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Waiting::PriorEvents { latest: Some(sn) } => write!(f, "earlier events (the KEL is at sn {sn})"),
            Waiting::PriorEvents { latest: None } => f.write_str("the identifier's inception"),
            Waiting::Signatures { valid, threshold } => {
                write!(f, "{} valid controller signature(s), threshold {}", valid.len(), threshold_text(threshold))
            }
            Waiting::PriorNextKeys { exposed, threshold } => write!(
                f,
                "{} signature(s) by pre-committed next keys, prior next threshold {}",
                exposed.len(),
                threshold_text(threshold)
            ),
            Waiting::WitnessReceipts { have, toad, witnesses } => {
                write!(f, "{have} of {toad} witness receipts ({witnesses} witnesses)")
            }
            Waiting::Delegation { delegator, at: Some(sn) } => {
                write!(f, "approval by delegator {} at sn {sn}", delegator.as_str())
            }
            Waiting::Delegation { delegator, at: None } => write!(f, "approval by delegator {}", delegator.as_str()),
            Waiting::ReceiptedEvent { prefix, sn, said } => {
                write!(f, "the receipted event {} sn {sn} ({})", prefix.as_str(), said.as_str())
            }
            Waiting::Validator { prefix, sn, .. } => {
                write!(f, "the validator {}'s establishment event at sn {sn}", prefix.as_str())
            }
            Waiting::Duplicity { accepted } => {
                write!(f, "resolution of a conflict with the accepted event {}", accepted.as_str())
            }
        }
    }
}

/// A rejected message: where it was and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// Byte offset of the message in the stream (of the run that brought it).
    pub offset: usize,
    /// Why it was rejected.
    pub error: Error,
}

impl Rejection {
    /// The kind of error (`bad_signature`, `rule_violation`, …).
    #[must_use]
    pub fn kind(&self) -> &'static str {
        self.error.kind()
    }
}

/// Something that did not count but did not make a message invalid either.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WarningKind {
    /// A receipt's witness signature whose index is beyond the witness list (keripy ignores it).
    ReceiptIndexOutOfRange {
        /// The index.
        index: u32,
        /// Number of witnesses.
        witnesses: usize,
    },
    /// A receipt signature that does not verify (it counts for nothing).
    ReceiptSignatureInvalid,
    /// Attachment groups that do not belong to this message type (keripy ignores them).
    IgnoredAttachments {
        /// What was ignored.
        what: &'static str,
    },
}

/// A warning: the message it concerns and what was ignored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// Byte offset of the message in the stream.
    pub offset: usize,
    /// Identifier concerned.
    pub prefix: String,
    /// Sequence number concerned.
    pub sn: u128,
    /// What was ignored.
    pub kind: WarningKind,
}

impl Warning {
    /// A short machine-readable name.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self.kind {
            WarningKind::ReceiptIndexOutOfRange { .. } => "receipt_index_out_of_range",
            WarningKind::ReceiptSignatureInvalid => "receipt_signature_invalid",
            WarningKind::IgnoredAttachments { .. } => "ignored_attachments",
        }
    }
}

impl core::fmt::Display for Warning {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} sn {}: ", self.prefix, self.sn)?;
        match &self.kind {
            WarningKind::ReceiptIndexOutOfRange { index, witnesses } => {
                write!(f, "receipt signature index {index} beyond the {witnesses} witnesses (ignored)")
            }
            WarningKind::ReceiptSignatureInvalid => f.write_str("a receipt signature does not verify (ignored)"),
            WarningKind::IgnoredAttachments { what } => write!(f, "{what} ignored"),
        }
    }
}

/// A message of this run still waiting in escrow when the run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    /// Byte offset of the message in the stream.
    pub offset: usize,
    /// Identifier of the message.
    pub prefix: String,
    /// Its sequence number.
    pub sn: u128,
    /// Its SAID.
    pub said: String,
    /// Message type.
    pub ilk: &'static str,
    /// What it waits for.
    pub waiting: Waiting,
}

/// Items escrowed before this run (an earlier run, or a store) that left escrow during it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Earlier {
    /// Accepted.
    pub accepted: usize,
    /// Rejected (including expired).
    pub rejected: usize,
}

/// Totals of one run, one disposition per message: `accepted + duplicates + escrowed + rejected
/// + ignored == messages`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Messages in the stream (a stretch of bytes that does not frame counts as one).
    pub messages: usize,
    /// Messages accepted (events and receipts), including those accepted after waiting in escrow.
    pub accepted: usize,
    /// Messages still in escrow at the end of the run (see [`Report::pending`]).
    pub escrowed: usize,
    /// Messages dropped (see [`Report::errors`]).
    pub rejected: usize,
    /// Duplicates of accepted events.
    pub duplicates: usize,
    /// Messages a KEL validator does not act on (`qry`, `rpy`, `exn`, …).
    pub ignored: usize,
    /// Each rejected message with its offset and reason, in stream order of the rejection: the
    /// first [`Config::max_report_entries`](crate::Config::max_report_entries), the rest only
    /// counted in [`Report::errors_omitted`] (`errors.len() + errors_omitted == rejected`).
    pub errors: Vec<Rejection>,
    /// Rejected messages left out of [`Report::errors`] (past the limit).
    pub errors_omitted: usize,
    /// What was ignored without rejecting a message (the first `max_report_entries`).
    pub warnings: Vec<Warning>,
    /// Warnings left out of [`Report::warnings`] (past the limit).
    pub warnings_omitted: usize,
    /// Messages of this run still waiting, with what they wait for (the first
    /// `max_report_entries` in stream order; `pending.len() + pending_omitted == escrowed`).
    pub pending: Vec<Pending>,
    /// Pending messages left out of [`Report::pending`] (past the limit).
    pub pending_omitted: usize,
    /// Items escrowed before this run that left escrow during it.
    pub earlier: Earlier,
    /// Failures of the store while committing (the changes stay recorded and are retried).
    pub store_errors: Vec<Error>,
}

impl Report {
    /// True when every message was accepted, a duplicate or ignored.
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.rejected == 0 && self.escrowed == 0 && self.store_errors.is_empty()
    }

    /// Whether the dispositions add up to the number of messages.
    #[must_use]
    pub fn balanced(&self) -> bool {
        self.accepted + self.duplicates + self.escrowed + self.rejected + self.ignored == self.messages
    }
}

/// Where a message came from: the run that brought it and its offset in that run's stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Origin {
    pub(crate) run: u64,
    pub(crate) offset: usize,
}

/// The accounting of the current run.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) run: u64,
    /// Most entries kept in each of the report's lists (0: no limit).
    pub(crate) limit: usize,
    pub(crate) report: Report,
    /// Final dispositions of this run's messages settled while handling the current message.
    recent: Vec<(Origin, Outcome)>,
}

impl Tally {
    /// Starts a new run.
    pub(crate) fn begin(&mut self) {
        self.run += 1;
        self.report = Report::default();
    }

    pub(crate) fn clear_recent(&mut self) {
        self.recent.clear();
    }

    /// The final disposition of a message of this run settled since the last call.
    pub(crate) fn last_settled(&mut self, origin: Origin) -> Option<Outcome> {
        let found = self.recent.iter().rev().find(|(o, _)| *o == origin).map(|(_, out)| out.clone());
        self.recent.clear();
        found
    }

    pub(crate) fn origin(&self, offset: usize) -> Origin {
        Origin { run: self.run, offset }
    }

    /// Counts a message's first disposition.
    pub(crate) fn count(&mut self, offset: usize, outcome: &Outcome) {
        self.report.messages += 1;
        self.add(offset, outcome);
    }

    /// Adds one message to the count of its disposition (a rejection with its error).
    fn add(&mut self, offset: usize, outcome: &Outcome) {
        let r = &mut self.report;
        match outcome {
            Outcome::Accepted => r.accepted += 1,
            Outcome::Duplicate => r.duplicates += 1,
            Outcome::Escrowed(_) => r.escrowed += 1,
            Outcome::Ignored => r.ignored += 1,
            Outcome::Rejected(e) => {
                r.rejected += 1;
                push_limited(&mut r.errors, &mut r.errors_omitted, self.limit, || Rejection {
                    offset,
                    error: e.clone(),
                });
            }
        }
    }

    /// Moves escrowed messages to their final disposition `how` (never `Escrowed`): this run's
    /// messages move from `escrowed`, earlier runs' are counted in `earlier`.
    pub(crate) fn settle(&mut self, origins: &[Origin], how: &Outcome) {
        for o in origins {
            if o.run == self.run {
                self.report.escrowed = self.report.escrowed.saturating_sub(1);
                self.add(o.offset, how);
                if self.recent.len() < 64 {
                    self.recent.push((*o, how.clone()));
                }
            } else if matches!(how, Outcome::Rejected(_)) {
                self.report.earlier.rejected += 1;
            } else {
                self.report.earlier.accepted += 1;
            }
        }
    }

    pub(crate) fn warn(&mut self, w: Warning) {
        let r = &mut self.report;
        push_limited(&mut r.warnings, &mut r.warnings_omitted, self.limit, || w);
    }
}

/// Pushes onto a report list while it is under `limit` (0: no limit), else counts the entry.
fn push_limited<T>(list: &mut Vec<T>, omitted: &mut usize, limit: usize, entry: impl FnOnce() -> T) {
    if limit == 0 || list.len() < limit {
        list.push(entry());
    } else {
        *omitted += 1;
    }
}
