//! The crate's error type.

use alloc::string::String;

/// Which table a code was looked up in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Table {
    /// Matter (primitive) codes.
    Matter,
    /// Indexer (indexed signature) codes.
    Indexer,
    /// Counter (group) codes.
    Counter,
}

impl core::fmt::Display for Table {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Table::Matter => "primitive",
            Table::Indexer => "indexed signature",
            Table::Counter => "counter",
        })
    }
}

/// Everything that can go wrong encoding, decoding or framing CESR.
///
/// Every decode error carries the byte offset (characters in the text domain,
/// bytes in the binary domain) from the start of the input it was given; the
/// stream framer reports offsets from the start of its buffer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input ends before the item does: `needed` more bytes are required.
    #[error("input ends early: {needed} more byte(s) needed for the item at offset {offset}")]
    Incomplete {
        /// Offset of the item that is cut short.
        offset: usize,
        /// How many more bytes it needs (at least).
        needed: usize,
    },
    /// A byte outside the Base64url alphabet where text-domain CESR was expected.
    #[error("invalid Base64url character 0x{byte:02x} at offset {offset}")]
    InvalidBase64 {
        /// Offset of the byte.
        offset: usize,
        /// The byte.
        byte: u8,
    },
    /// A code that the table does not hold.
    #[error("unknown {table} code {code:?} at offset {offset}")]
    UnknownCode {
        /// Table searched.
        table: Table,
        /// The code characters read (for binary input, as text).
        code: String,
        /// Offset of the code.
        offset: usize,
    },
    /// A counter (`-`) where a primitive was expected.
    #[error("expected a {expected} at offset {offset}, found a counter")]
    UnexpectedCounter {
        /// What was expected.
        expected: Table,
        /// Offset.
        offset: usize,
    },
    /// An op code (`_`) where a primitive or counter was expected.
    #[error("expected a {expected} at offset {offset}, found an op code")]
    UnexpectedOpCode {
        /// What was expected.
        expected: Table,
        /// Offset.
        offset: usize,
    },
    /// The pad bits between the code and the value are not zero.
    #[error("non-zero pad bits after code {code} at offset {offset}")]
    NonZeroPadBits {
        /// The code.
        code: &'static str,
        /// Offset of the primitive.
        offset: usize,
    },
    /// The lead bytes before the value are not zero.
    #[error("non-zero lead byte(s) after code {code} at offset {offset}")]
    NonZeroLeadBytes {
        /// The code.
        code: &'static str,
        /// Offset of the primitive.
        offset: usize,
    },
    /// A raw value whose length does not fit the code.
    #[error("raw value of {actual} bytes does not fit code {code} (expects {expected})")]
    RawSize {
        /// The code.
        code: &'static str,
        /// Required raw size (for variable codes: the largest accepted).
        expected: usize,
        /// Given size.
        actual: usize,
    },
    /// An index larger than the code can hold.
    #[error("index {index} out of range for code {code} (max {max})")]
    IndexOutOfRange {
        /// The code.
        code: &'static str,
        /// The index.
        index: u64,
        /// The largest index the code holds.
        max: u64,
    },
    /// An ondex the code cannot carry: out of range, different from the index
    /// on a code without ondex characters, or present on a current-only code.
    #[error("ondex {ondex} not allowed for code {code} with index {index}")]
    InvalidOndex {
        /// The code.
        code: &'static str,
        /// The index.
        index: u64,
        /// The ondex given or read.
        ondex: u64,
    },
    /// A current-only signature whose ondex characters are not zero.
    #[error("non-zero ondex {ondex} in current-only signature code {code} at offset {offset}")]
    NonZeroOndex {
        /// The code.
        code: &'static str,
        /// The ondex read.
        ondex: u64,
        /// Offset of the signature.
        offset: usize,
    },
    /// A count larger than the counter can hold.
    #[error("count {count} out of range for counter {code} (max {max})")]
    CountOutOfRange {
        /// The code.
        code: &'static str,
        /// The count.
        count: u64,
        /// Largest count.
        max: u64,
    },
    /// The counter kind has no code in the chosen CESR version.
    #[error("counter kind {kind} has no code in this CESR version")]
    NoCodeForKind {
        /// The kind, as debug text.
        kind: &'static str,
    },
    /// Input remains after a primitive that was expected to fill it.
    #[error("{extra} unexpected byte(s) after the item at offset {offset}")]
    TrailingBytes {
        /// Offset of the first extra byte.
        offset: usize,
        /// How many.
        extra: usize,
    },
    /// The first byte of a stream item is none of: message body, text or binary counter.
    #[error("byte 0x{byte:02x} at offset {offset} starts neither a message nor a counter")]
    ColdStart {
        /// Offset.
        offset: usize,
        /// The byte.
        byte: u8,
    },
    /// A message body whose version string is missing or malformed.
    #[error("bad version string in the message at offset {offset}: {reason}")]
    VersionString {
        /// Offset of the message.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// A group where the layout does not allow it.
    #[error("counter {code} at offset {offset} not allowed here ({context})")]
    UnexpectedGroup {
        /// The code read.
        code: &'static str,
        /// Offset.
        offset: usize,
        /// Where it appeared.
        context: &'static str,
    },
    /// A quadlet-counted group whose content does not end exactly at its boundary.
    #[error("group {code} at offset {offset} declares {declared} bytes but its content does not fit them")]
    GroupSizeMismatch {
        /// The code.
        code: &'static str,
        /// Offset.
        offset: usize,
        /// Declared size in bytes.
        declared: usize,
    },
    /// Attachments with no message before them.
    #[error("attachment group at offset {offset} has no message before it")]
    OrphanAttachment {
        /// Offset.
        offset: usize,
    },
    /// A configured resource bound was exceeded.
    #[error("{what} at offset {offset} exceeds the limit of {limit}")]
    LimitExceeded {
        /// What was too large.
        what: &'static str,
        /// The limit.
        limit: usize,
        /// Offset.
        offset: usize,
    },
}

impl Error {
    /// The offset the error names, when it names one.
    #[must_use]
    pub fn offset(&self) -> Option<usize> {
        let mut e = self.clone();
        e.offset_mut().map(|o| *o)
    }

    /// The same error with its offset moved by `base` (for items inside a larger buffer).
    #[must_use]
    pub fn shifted(mut self, base: usize) -> Self {
        if let Some(o) = self.offset_mut() {
            *o = o.saturating_add(base);
        }
        self
    }

    fn offset_mut(&mut self) -> Option<&mut usize> {
        match self {
            Error::Incomplete { offset, .. }
            | Error::InvalidBase64 { offset, .. }
            | Error::UnknownCode { offset, .. }
            | Error::UnexpectedCounter { offset, .. }
            | Error::UnexpectedOpCode { offset, .. }
            | Error::NonZeroPadBits { offset, .. }
            | Error::NonZeroLeadBytes { offset, .. }
            | Error::NonZeroOndex { offset, .. }
            | Error::TrailingBytes { offset, .. }
            | Error::ColdStart { offset, .. }
            | Error::VersionString { offset, .. }
            | Error::UnexpectedGroup { offset, .. }
            | Error::GroupSizeMismatch { offset, .. }
            | Error::OrphanAttachment { offset }
            | Error::LimitExceeded { offset, .. } => Some(offset),
            _ => None,
        }
    }
}

/// Result alias of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
