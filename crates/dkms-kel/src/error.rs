//! Why a message was not accepted: typed to the end, so callers match on the rule.

use std::sync::Arc;

use dkms_store::EscrowKind;

/// A KEL rule an event (or receipt) breaks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rule {
    /// The identifier is non-transferable, or its last rotation abandoned it (empty `n`).
    #[error("identifier is non-transferable or abandoned")]
    NotTransferable,
    /// An interaction of an establishment-only (`EO`) identifier.
    #[error("interaction events are forbidden by EO")]
    EstablishmentOnly,
    /// The prior event digest `p` is not the SAID of the event before it.
    #[error("prior event digest `p` does not match the KEL")]
    WrongPrior,
    /// A delegated identifier rotated with `rot` instead of `drt`.
    #[error("a delegated identifier rotates with drt")]
    RotInsteadOfDrt,
    /// A `drt` of an identifier that is not delegated.
    #[error("drt on an identifier that is not delegated")]
    DrtNotDelegated,
    /// The rotation's witness changes break keripy's witness arithmetic.
    #[error("witness change: {0}")]
    Witnesses(#[from] dkms_event::witness::WitnessError),
    /// The delegator's configuration forbids delegation (`DND`).
    #[error("the delegator does not delegate (DND)")]
    DelegatorDoesNotDelegate,
    /// The `-G` source seal names an event that is not in the delegator's KEL.
    #[error("delegating event named by the source seal is not in the delegator's KEL")]
    SourceSealNotInKel,
    /// The delegating event named by the source seal does not anchor this event.
    #[error("the delegating event does not anchor this event")]
    NotAnchored,
    /// A receipt of an event other than the one accepted at that location.
    #[error("receipt of an event that is not the accepted one")]
    ReceiptOfOtherEvent,
    /// Every escrow slot is taken.
    #[error("escrow is full ({limit} items)")]
    EscrowFull {
        /// The limit.
        limit: usize,
    },
    /// Every escrow slot of this identifier is taken.
    #[error("escrow for this identifier is full ({limit} items)")]
    EscrowFullForPrefix {
        /// The limit.
        limit: usize,
    },
    /// The item waited in escrow longer than its timeout.
    #[error("waited in escrow ({}) longer than {timeout_secs} s", kind.as_str())]
    Expired {
        /// The escrow it waited in.
        kind: EscrowKind,
        /// The timeout.
        timeout_secs: u64,
    },
}

/// A store failure, shared (store errors are not `Clone`) and compared by message.
#[derive(Clone, Debug)]
pub struct StoreFailure(pub Arc<dkms_store::Error>);

impl StoreFailure {
    /// The store's error, with its kind (`StoreInUse`, `Damaged`, …).
    #[must_use]
    pub fn error(&self) -> &dkms_store::Error {
        &self.0
    }
}

impl PartialEq for StoreFailure {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.to_string() == other.0.to_string()
    }
}

impl Eq for StoreFailure {}

impl core::fmt::Display for StoreFailure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.0.fmt(f)
    }
}

/// A reason to reject a message (it is dropped, not escrowed).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The body or attachments did not parse.
    #[error(transparent)]
    Event(#[from] dkms_event::Error),
    /// Framing of the stream failed.
    #[error(transparent)]
    Cesr(#[from] dkms_cesr::Error),
    /// A key event without any controller signature.
    #[error("{ilk} {prefix} sn {sn}: no controller signatures attached")]
    Unsigned {
        /// Message type.
        ilk: &'static str,
        /// Identifier.
        prefix: String,
        /// Sequence number.
        sn: u128,
    },
    /// No attached signature verified.
    #[error("{prefix} sn {sn}: no valid {what} signature")]
    NoValidSignature {
        /// Identifier.
        prefix: String,
        /// Sequence number.
        sn: u128,
        /// `controller` or `receipt`.
        what: &'static str,
    },
    /// A signature index beyond the key (or witness) list.
    #[error("{prefix} sn {sn}: signature index {index} beyond the {len} {what}")]
    IndexOutOfRange {
        /// Identifier.
        prefix: String,
        /// Sequence number.
        sn: u128,
        /// The index.
        index: u32,
        /// List length.
        len: usize,
        /// `keys` or `witnesses`.
        what: &'static str,
    },
    /// The store failed (the message's effects are not durable).
    #[error("store: {0}")]
    Store(StoreFailure),
    /// A record read back from the store does not decode.
    #[error("store record {what}: {reason}")]
    Record {
        /// Which record.
        what: String,
        /// Why it does not decode.
        reason: String,
    },
    /// The store's background writer could not run or panicked.
    #[error("store writer: {0}")]
    Writer(&'static str),
    /// The stream holds no message at all (it proves nothing).
    #[error("the stream holds no messages")]
    EmptyStream,
    /// The event breaks a KEL rule.
    #[error("{prefix} sn {sn}: {rule}")]
    Rule {
        /// Identifier.
        prefix: String,
        /// Sequence number.
        sn: u128,
        /// The rule broken.
        rule: Rule,
    },
}

impl From<dkms_store::Error> for Error {
    fn from(e: dkms_store::Error) -> Self {
        Error::Store(StoreFailure(Arc::new(e)))
    }
}

pub(crate) fn store_err(e: dkms_store::Error) -> Error {
    Error::from(e)
}

impl Error {
    pub(crate) fn rule(prefix: &str, sn: u128, rule: impl Into<Rule>) -> Self {
        Error::Rule { prefix: prefix.to_owned(), sn, rule: rule.into() }
    }

    /// A short machine-readable name of the kind of error.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Event(_) => "invalid_message",
            Error::Cesr(_) => "invalid_stream",
            Error::Unsigned { .. } => "unsigned",
            Error::NoValidSignature { .. } => "bad_signature",
            Error::IndexOutOfRange { .. } => "index_out_of_range",
            Error::Rule { rule: Rule::Expired { .. }, .. } => "expired",
            Error::Rule { rule: Rule::EscrowFull { .. } | Rule::EscrowFullForPrefix { .. }, .. } => "escrow_full",
            Error::Rule { .. } => "rule_violation",
            Error::Store(_) | Error::Record { .. } | Error::Writer(_) => "store",
            Error::EmptyStream => "empty",
        }
    }

    /// The rule broken, when this is a rule violation.
    #[must_use]
    pub fn broken_rule(&self) -> Option<&Rule> {
        match self {
            Error::Rule { rule, .. } => Some(rule),
            _ => None,
        }
    }
}

/// Result alias of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
