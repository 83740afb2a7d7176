//! The crate's error type.

/// Everything that can go wrong building, serializing or parsing a KERI message.
///
/// Variants name the field (label) and, for parse errors, the byte offset in the body.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The body bytes are not the canonical encoding of a map.
    #[error("{kind} syntax error at byte {offset}: {reason}")]
    Syntax {
        /// Serialization kind.
        kind: &'static str,
        /// Byte offset in the body.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// Something this implementation does not support.
    #[error("unsupported: {what}")]
    Unsupported {
        /// What.
        what: &'static str,
    },
    /// The version string is missing, malformed, or disagrees with the body.
    #[error("version string: {reason}")]
    Version {
        /// What is wrong.
        reason: String,
    },
    /// An unknown message type.
    #[error("unknown message type {ilk:?}")]
    UnknownIlk {
        /// The `t` value.
        ilk: String,
    },
    /// The body's labels differ from the exact list for its message type.
    #[error("fields of {ilk} must be {expected}; found {found}")]
    Fields {
        /// Message type.
        ilk: &'static str,
        /// The required labels, in order.
        expected: String,
        /// The labels found.
        found: String,
    },
    /// A field whose value is not valid for it.
    #[error("field {field:?}: {reason}")]
    Field {
        /// The label (dotted for nested values, e.g. `a[0].s`).
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// A self-addressing identifier (SAID) that does not match the body.
    #[error("SAID in field {field:?} does not match the body")]
    Said {
        /// The label.
        field: &'static str,
    },
    /// A threshold that is malformed or can never be met.
    #[error("threshold: {reason}")]
    Threshold {
        /// What is wrong.
        reason: String,
    },
    /// A builder input that would make an invalid event.
    #[error("invalid event: {reason}")]
    Invalid {
        /// What is wrong.
        reason: String,
    },
    /// An error from the CESR layer (primitives, framing), with its offset.
    #[error(transparent)]
    Cesr(#[from] dkms_cesr::Error),
    /// A rotation's witness changes break a rule.
    #[error(transparent)]
    Witness(#[from] crate::witness::WitnessError),
    /// An error from the crypto layer.
    #[error("{0}")]
    Crypto(String),
}

impl Error {
    pub(crate) fn field(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Field { field: field.into(), reason: reason.into() }
    }

    pub(crate) fn invalid(reason: impl Into<String>) -> Self {
        Error::Invalid { reason: reason.into() }
    }
}

/// Result alias of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
