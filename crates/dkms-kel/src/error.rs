//! Why an event was not accepted.

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
    #[error("{prefix} sn {sn}: no valid controller signature")]
    NoValidSignature {
        /// Identifier.
        prefix: String,
        /// Sequence number.
        sn: u128,
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
    Store(String),
    /// The event breaks a KEL rule.
    #[error("{prefix} sn {sn}: {rule}")]
    Rule {
        /// Identifier.
        prefix: String,
        /// Sequence number.
        sn: u128,
        /// The rule broken.
        rule: String,
    },
}

impl Error {
    pub(crate) fn rule(prefix: &str, sn: u128, rule: impl Into<String>) -> Self {
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
            Error::Rule { .. } => "rule_violation",
            Error::Store(_) => "store",
        }
    }
}

/// Result alias of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
