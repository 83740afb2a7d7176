//! Incremental framing of KERI message streams.
//!
//! A stream is a sequence of message bodies (JSON, CBOR or MGPK, each carrying
//! a version string with its length), each followed by zero or more attachment
//! groups (a counter and what it counts, in the text or the binary domain). The
//! [`Framer`] splits a buffer into these items and returns borrowed slices; it
//! never decodes a body or a signature, and never copies.
//!
//! It is incremental: when the buffer ends inside an item it answers
//! [`Status::Incomplete`] with the number of bytes it needs at least, so a
//! socket reader can append and call again. It keeps no state between calls,
//! so memory does not grow with the stream.
//!
//! ```
//! use dkms_cesr::stream::{Framer, Status};
//! use dkms_cesr::{Counter, CounterKind, Indexer, IndexerCode};
//!
//! let body = br#"{"v":"KERI10JSON00002b_","t":"ixn","x":"y"}"#;
//! # assert_eq!(body.len(), 0x2b);
//! let mut stream = body.to_vec();
//! stream.extend(Counter::new(CounterKind::ControllerIdxSigs, 1)?.qb64b());
//! stream.extend(Indexer::new(IndexerCode::Ed25519Sig, 0, None, vec![0u8; 64])?.qb64b());
//!
//! let framer = Framer::new();
//! // With only part of the stream, the framer asks for more bytes.
//! assert!(matches!(framer.next_message(&stream[..20], false)?, Status::Incomplete(_)));
//! // With all of it (and end of input), it returns the message and what it used.
//! let Status::Done(msg, used) = framer.next_message(&stream, true)? else { panic!() };
//! assert_eq!(used, stream.len());
//! assert_eq!(msg.body.raw, &body[..]);
//! assert_eq!(msg.attachments.len(), 1);
//! assert_eq!(msg.attachments[0].counter.count(), 1);
//! # Ok::<(), dkms_cesr::Error>(())
//! ```

use alloc::vec::Vec;

use crate::codec::Domain;
use crate::codes::counter::{CounterKind, CounterTable, Element, Layout};
use crate::counter::Counter;
use crate::error::{Error, Result};
use crate::{indexer, matter};

/// Serialization kind of a message body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// JSON.
    Json,
    /// CBOR.
    Cbor,
    /// MessagePack.
    Mgpk,
}

impl Kind {
    /// The four-character name used in version strings.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Json => "JSON",
            Kind::Cbor => "CBOR",
            Kind::Mgpk => "MGPK",
        }
    }
}

/// A v1 version string: `PPPPMmKKKKSSSSSS_`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VersionString {
    /// Protocol, e.g. `KERI` or `ACDC`.
    pub protocol: [u8; 4],
    /// Major version (hex digit value).
    pub major: u8,
    /// Minor version (hex digit value).
    pub minor: u8,
    /// Serialization kind.
    pub kind: Kind,
    /// Total body size in bytes, version string included.
    pub size: usize,
    /// Offset of the version string inside the body.
    pub offset: usize,
}

/// Length of a v1 version string.
pub const VERSION_STRING_LEN: usize = 17;
/// Largest offset of the version string inside a body (keripy `MaxVSOffset`).
pub const MAX_VERSION_OFFSET: usize = 12;

/// What the first three bits of an item's first byte announce (keripy's "cold start" tritet).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cold {
    /// A message body of this kind.
    Message(Kind),
    /// A counter or op code in the text domain.
    Text,
    /// A counter or op code in the binary domain.
    Binary,
    /// Annotated CESR (v2 only); an error in v1.
    Annotated,
}

/// Classifies an item by its first byte.
#[must_use]
pub const fn sniff(first: u8) -> Cold {
    match first >> 5 {
        0b001 | 0b010 => Cold::Text,
        0b011 => Cold::Message(Kind::Json),
        0b100 | 0b110 => Cold::Message(Kind::Mgpk),
        0b101 => Cold::Message(Kind::Cbor),
        0b111 => Cold::Binary,
        _ => Cold::Annotated,
    }
}

/// A message body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Body<'a> {
    /// The serialized body, exactly `version.size` bytes.
    pub raw: &'a [u8],
    /// Its version string.
    pub version: VersionString,
    /// Offset from the start of the buffer given to the framer.
    pub offset: usize,
}

/// An attachment group: a counter and everything it counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Group<'a> {
    /// The counter.
    pub counter: Counter,
    /// Domain of the counter and its content.
    pub domain: Domain,
    /// The whole group, counter included.
    pub raw: &'a [u8],
    /// Offset from the start of the buffer given to the framer.
    pub offset: usize,
}

/// One element of a group's content, as a slice in the group's domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Part<'a> {
    /// A Matter primitive (decode with [`crate::Matter::decode`]).
    Matter(&'a [u8]),
    /// An indexed signature (decode with [`crate::Indexer::decode`]).
    Indexer(&'a [u8]),
    /// A nested group.
    Group(Group<'a>),
    /// Material a quadlet-counted group carries without further framing here.
    Opaque(&'a [u8]),
}

/// A top-level stream item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Item<'a> {
    /// A message body.
    Body(Body<'a>),
    /// An attachment group (or a protocol-stack version code).
    Group(Group<'a>),
}

/// A message body with the attachment groups that follow it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message<'a> {
    /// The body.
    pub body: Body<'a>,
    /// The top-level attachment groups, in stream order (a slice through `Deref`).
    pub attachments: Groups<'a>,
}

/// The attachment groups of a [`Message`]: a list that holds one group in place and more
/// on the heap, so framing the common message (one signature group) does not allocate.
/// It dereferences to `[Group]` (`len`, `iter`, indexing, `first`, …) and iterates like a
/// `Vec`.
///
/// One group, not two, is kept in place: a second one would make [`Message`] larger than
/// the compiler moves inline, and the `memcpy` calls on every return cost more per
/// message than the allocation they save on two-group messages (callgrind).
#[derive(Clone)]
pub struct Groups<'a> {
    repr: GroupsRepr<'a>,
}

#[derive(Clone)]
enum GroupsRepr<'a> {
    /// Exactly one group.
    One(Group<'a>),
    /// No group (an empty `Vec` does not allocate), or more than one.
    Heap(Vec<Group<'a>>),
}

impl<'a> Groups<'a> {
    /// An empty list (no allocation).
    #[must_use]
    pub const fn new() -> Self {
        Self { repr: GroupsRepr::Heap(Vec::new()) }
    }

    /// Appends a group.
    pub fn push(&mut self, group: Group<'a>) {
        match &mut self.repr {
            GroupsRepr::Heap(v) if v.capacity() == 0 => self.repr = GroupsRepr::One(group),
            GroupsRepr::Heap(v) => v.push(group),
            GroupsRepr::One(first) => {
                let mut v = Vec::with_capacity(4);
                v.push(*first);
                v.push(group);
                self.repr = GroupsRepr::Heap(v);
            }
        }
    }

    /// The groups as a slice.
    #[must_use]
    pub fn as_slice(&self) -> &[Group<'a>] {
        match &self.repr {
            GroupsRepr::One(g) => core::slice::from_ref(g),
            GroupsRepr::Heap(v) => v,
        }
    }

    /// The groups as a mutable slice.
    #[must_use]
    pub fn as_mut_slice(&mut self) -> &mut [Group<'a>] {
        match &mut self.repr {
            GroupsRepr::One(g) => core::slice::from_mut(g),
            GroupsRepr::Heap(v) => v,
        }
    }

    /// The groups in a `Vec`.
    #[must_use]
    pub fn into_vec(self) -> Vec<Group<'a>> {
        match self.repr {
            GroupsRepr::One(g) => alloc::vec![g],
            GroupsRepr::Heap(v) => v,
        }
    }
}

impl Default for Groups<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a> core::ops::Deref for Groups<'a> {
    type Target = [Group<'a>];

    fn deref(&self) -> &Self::Target {
        self.as_slice()
    }
}

impl core::ops::DerefMut for Groups<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.as_mut_slice()
    }
}

impl<'a> AsRef<[Group<'a>]> for Groups<'a> {
    fn as_ref(&self) -> &[Group<'a>] {
        self.as_slice()
    }
}

impl core::fmt::Debug for Groups<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl PartialEq for Groups<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Groups<'_> {}

impl<'a> PartialEq<[Group<'a>]> for Groups<'a> {
    fn eq(&self, other: &[Group<'a>]) -> bool {
        self.as_slice() == other
    }
}

impl<'a> PartialEq<Vec<Group<'a>>> for Groups<'a> {
    fn eq(&self, other: &Vec<Group<'a>>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<'a> From<Vec<Group<'a>>> for Groups<'a> {
    fn from(v: Vec<Group<'a>>) -> Self {
        Self { repr: GroupsRepr::Heap(v) }
    }
}

impl<'a> From<Groups<'a>> for Vec<Group<'a>> {
    fn from(g: Groups<'a>) -> Self {
        g.into_vec()
    }
}

impl<'a> FromIterator<Group<'a>> for Groups<'a> {
    fn from_iter<I: IntoIterator<Item = Group<'a>>>(iter: I) -> Self {
        let mut out = Self::new();
        out.extend(iter);
        out
    }
}

impl<'a> Extend<Group<'a>> for Groups<'a> {
    fn extend<I: IntoIterator<Item = Group<'a>>>(&mut self, iter: I) {
        for g in iter {
            self.push(g);
        }
    }
}

impl<'a, 'b> IntoIterator for &'b Groups<'a> {
    type Item = &'b Group<'a>;
    type IntoIter = core::slice::Iter<'b, Group<'a>>;

    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<'a, 'b> IntoIterator for &'b mut Groups<'a> {
    type Item = &'b mut Group<'a>;
    type IntoIter = core::slice::IterMut<'b, Group<'a>>;

    fn into_iter(self) -> Self::IntoIter {
        self.as_mut_slice().iter_mut()
    }
}

impl<'a> IntoIterator for Groups<'a> {
    type Item = Group<'a>;
    type IntoIter = GroupsIntoIter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        GroupsIntoIter { groups: self, next: 0 }
    }
}

/// Owning iterator over [`Groups`].
#[derive(Clone, Debug)]
pub struct GroupsIntoIter<'a> {
    groups: Groups<'a>,
    next: usize,
}

impl<'a> Iterator for GroupsIntoIter<'a> {
    type Item = Group<'a>;

    fn next(&mut self) -> Option<Group<'a>> {
        let g = self.groups.as_slice().get(self.next).copied()?;
        self.next += 1;
        Some(g)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.groups.len().saturating_sub(self.next);
        (n, Some(n))
    }
}

impl ExactSizeIterator for GroupsIntoIter<'_> {}

/// Result of framing on a buffer that may hold only part of the stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status<T> {
    /// A complete item and the number of bytes it took from the buffer start.
    Done(T, usize),
    /// The buffer ends inside the item: at least this many more bytes are needed.
    Incomplete(usize),
}

/// Resource bounds of the framer. Input that exceeds them is an error, never an allocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest message body in bytes (the v1 version string allows up to 0xffffff).
    pub max_body: usize,
    /// Largest attachment group in bytes (bounds what `-V`/`-0V`/`-L` can ask a reader to buffer).
    pub max_group: usize,
    /// Most top-level attachment groups after one message.
    pub max_groups: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_body: 0x00ff_ffff, max_group: 16 << 20, max_groups: 256 }
    }
}

/// Splits a byte stream into bodies and attachment groups. Stateless and cheap to copy.
#[derive(Clone, Copy, Debug)]
pub struct Framer {
    table: &'static CounterTable,
    limits: Limits,
}

impl Default for Framer {
    fn default() -> Self {
        Self::new()
    }
}

/// Most nesting of groups inside groups (v1 needs 3: `-V` › `-K` › `-J` › `-F` › `-A`).
const MAX_DEPTH: usize = 6;

impl Framer {
    /// A CESR 1.0 framer with default [`Limits`].
    #[must_use]
    pub fn new() -> Self {
        Self { table: CounterTable::V1, limits: Limits::default() }
    }

    /// The same framer with other limits.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The limits in force.
    #[must_use]
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Frames the item at the start of `buf`.
    ///
    /// # Errors
    /// A typed [`Error`] with the offset of the first bad byte. A short buffer is
    /// not an error: it gives [`Status::Incomplete`].
    pub fn next_item<'a>(&self, buf: &'a [u8]) -> Result<Status<Item<'a>>> {
        let Some(&first) = buf.first() else { return Ok(Status::Incomplete(1)) };
        let res = match sniff(first) {
            Cold::Message(kind) => self.body(buf, kind).map(|(b, n)| (Item::Body(b), n)),
            Cold::Text => self.group(buf, Domain::Text, 0, None).map(|(g, n)| (Item::Group(g), n)),
            Cold::Binary => self.group(buf, Domain::Binary, 0, None).map(|(g, n)| (Item::Group(g), n)),
            Cold::Annotated => Err(Error::ColdStart { offset: 0, byte: first }),
        };
        incomplete_ok(res)
    }

    /// Frames the message at the start of `buf` with all the attachment groups
    /// that follow it. `eof` says that no more input will come: without it a
    /// message that ends exactly at the end of `buf` is `Incomplete(1)`, because
    /// more attachment groups may still arrive.
    ///
    /// A protocol-stack code (`--AAABAA`, CESR 1.0) before the message is accepted
    /// and skipped; any other version is an error.
    ///
    /// # Errors
    /// As [`Framer::next_item`]; also [`Error::OrphanAttachment`] when the stream
    /// holds an attachment group where a message should start.
    pub fn next_message<'a>(&self, buf: &'a [u8], eof: bool) -> Result<Status<Message<'a>>> {
        let mut pos = 0;
        // Skip protocol-stack version codes.
        let body = loop {
            let rest = buf.get(pos..).unwrap_or_default();
            match self.next_item(rest).map_err(|e| e.shifted(pos))? {
                Status::Incomplete(n) => return Ok(Status::Incomplete(n)),
                Status::Done(Item::Body(mut b), n) => {
                    b.offset += pos;
                    pos += n;
                    break b;
                }
                Status::Done(Item::Group(g), n) if g.counter.kind() == CounterKind::KeriProtocolStack => {
                    if g.counter.genus_version() != Some((1, 0)) {
                        return Err(Error::UnexpectedGroup {
                            code: g.counter.code(),
                            offset: pos,
                            context: "unsupported protocol stack version (only CESR 1.00)",
                        });
                    }
                    pos += n;
                }
                Status::Done(Item::Group(_), _) => return Err(Error::OrphanAttachment { offset: pos }),
            }
        };
        let mut attachments = Groups::new();
        loop {
            let rest = buf.get(pos..).unwrap_or_default();
            let Some(&first) = rest.first() else {
                if eof {
                    return Ok(Status::Done(Message { body, attachments }, pos));
                }
                return Ok(Status::Incomplete(1));
            };
            let domain = match sniff(first) {
                Cold::Message(_) => return Ok(Status::Done(Message { body, attachments }, pos)),
                Cold::Text => Domain::Text,
                Cold::Binary => Domain::Binary,
                Cold::Annotated => return Err(Error::ColdStart { offset: pos, byte: first }),
            };
            if attachments.len() >= self.limits.max_groups {
                return Err(Error::LimitExceeded {
                    what: "attachment groups after one message",
                    limit: self.limits.max_groups,
                    offset: pos,
                });
            }
            match incomplete_ok(self.group(rest, domain, 0, None)).map_err(|e| e.shifted(pos))? {
                Status::Incomplete(n) => return Ok(Status::Incomplete(n)),
                Status::Done(mut g, n) => {
                    if g.counter.kind() == CounterKind::KeriProtocolStack {
                        return Err(Error::UnexpectedGroup {
                            code: g.counter.code(),
                            offset: pos,
                            context: "protocol stack code inside attachments",
                        });
                    }
                    g.offset = pos;
                    attachments.push(g);
                    pos += n;
                }
            }
        }
    }

    /// Iterates over the messages of a complete buffer. After an error the
    /// iterator skips to the next byte where a message body can start, so one
    /// bad message does not hide the rest of the stream.
    #[must_use]
    pub fn messages<'a>(&self, buf: &'a [u8]) -> Messages<'a> {
        Messages { framer: *self, buf, pos: 0 }
    }

    /// Offset of the next position at or after `from` where a message body with a
    /// well-formed version string starts (or may start: the buffer ends before its
    /// version string can be read), or `buf.len()` when there is none.
    #[must_use]
    pub fn resync(&self, buf: &[u8], from: usize) -> usize {
        let mut i = from;
        while let Some(rest) = buf.get(i..) {
            if rest.is_empty() {
                break;
            }
            if let Some(&b) = rest.first()
                && let Cold::Message(kind) = sniff(b)
                && starts_body(b, kind)
                // `Ok(None)`: too few bytes to tell yet — keep them for a streaming reader.
                && version_string(rest, kind).is_ok()
            {
                return i;
            }
            i += 1;
        }
        buf.len()
    }

    fn body<'a>(&self, buf: &'a [u8], kind: Kind) -> Result<(Body<'a>, usize)> {
        let Some(version) = version_string(buf, kind)? else {
            let needed = (MAX_VERSION_OFFSET + VERSION_STRING_LEN).saturating_sub(buf.len()).max(1);
            return Err(Error::Incomplete { offset: 0, needed });
        };
        if version.size > self.limits.max_body {
            return Err(Error::LimitExceeded { what: "message body", limit: self.limits.max_body, offset: 0 });
        }
        let raw = buf
            .get(..version.size)
            .ok_or_else(|| Error::Incomplete { offset: 0, needed: version.size.saturating_sub(buf.len()) })?;
        Ok((Body { raw, version, offset: 0 }, version.size))
    }

    /// Frames one group at the start of `buf`. `allowed` restricts its kind.
    fn group<'a>(
        &self,
        buf: &'a [u8],
        domain: Domain,
        depth: usize,
        allowed: Option<&'static [CounterKind]>,
    ) -> Result<(Group<'a>, usize)> {
        self.group_visit(buf, domain, depth, allowed, &mut |_| {})
    }

    fn group_visit<'a, S: FnMut(Part<'a>)>(
        &self,
        buf: &'a [u8],
        domain: Domain,
        depth: usize,
        allowed: Option<&'static [CounterKind]>,
        sink: &mut S,
    ) -> Result<(Group<'a>, usize)> {
        let (counter, mut pos) = Counter::parse_with(self.table, buf, domain)?;
        let entry = counter.entry();
        if let Some(allowed) = allowed
            && !allowed.contains(&entry.kind)
        {
            return Err(Error::UnexpectedGroup { code: entry.code, offset: 0, context: "inside this group" });
        }
        if depth > MAX_DEPTH {
            return Err(Error::LimitExceeded { what: "group nesting", limit: MAX_DEPTH, offset: 0 });
        }
        match entry.layout {
            Layout::Items(item) => {
                for done in 0..counter.count() {
                    let remaining = usize::try_from(counter.count() - done).unwrap_or(usize::MAX);
                    pos = self.item(buf, pos, domain, depth, item, remaining, sink)?;
                }
            }
            Layout::RootThenItems { root, item } => {
                pos = self.item(buf, pos, domain, depth, root, 1, sink)?;
                for done in 0..counter.count() {
                    let remaining = usize::try_from(counter.count() - done).unwrap_or(usize::MAX);
                    pos = self.item(buf, pos, domain, depth, item, remaining, sink)?;
                }
            }
            Layout::Quadlets | Layout::OpaqueQuadlets => {
                let quads = usize::try_from(counter.count()).unwrap_or(usize::MAX);
                let size = domain.bytes_for_chars(quads.saturating_mul(4));
                if size > self.limits.max_group {
                    return Err(Error::LimitExceeded {
                        what: "attachment group",
                        limit: self.limits.max_group,
                        offset: 0,
                    });
                }
                let end = pos + size;
                let content = buf
                    .get(pos..end)
                    .ok_or_else(|| Error::Incomplete { offset: 0, needed: end.saturating_sub(buf.len()) })?;
                if entry.layout == Layout::OpaqueQuadlets {
                    sink(Part::Opaque(content));
                } else {
                    let mut inner = 0;
                    while inner < content.len() {
                        let rest = content.get(inner..).unwrap_or_default();
                        let at = pos + inner;
                        let res = self.group(rest, domain, depth + 1, Some(PIPELINED));
                        let (mut g, n) = res.map_err(|e| match e {
                            Error::Incomplete { .. } => {
                                Error::GroupSizeMismatch { code: entry.code, offset: 0, declared: size }
                            }
                            e => e.shifted(at),
                        })?;
                        g.offset = at;
                        sink(Part::Group(g));
                        inner += n;
                    }
                }
                pos = end;
            }
            Layout::Version => {}
        }
        let raw = buf.get(..pos).unwrap_or_default();
        Ok((Group { counter, domain, raw, offset: 0 }, pos))
    }

    /// Frames one item (a sequence of elements) at `pos`; returns the new position.
    /// `remaining` (items left, this one included) sharpens the `Incomplete` estimate.
    #[allow(clippy::too_many_arguments, reason = "internal recursion helper")]
    fn item<'a, S: FnMut(Part<'a>)>(
        &self,
        buf: &'a [u8],
        mut pos: usize,
        domain: Domain,
        depth: usize,
        elements: &'static [Element],
        remaining: usize,
        sink: &mut S,
    ) -> Result<usize> {
        for (i, element) in elements.iter().enumerate() {
            let rest = buf.get(pos..).unwrap_or_default();
            let res = match element {
                Element::Matter => matter::header(rest, domain).map(|(_, fs)| fs).and_then(|fs| {
                    let n = domain.bytes_for_chars(fs);
                    let s = rest
                        .get(..n)
                        .ok_or_else(|| Error::Incomplete { offset: 0, needed: n.saturating_sub(rest.len()) })?;
                    sink(Part::Matter(s));
                    Ok(n)
                }),
                Element::Indexer => indexer::full_size(rest, domain).and_then(|fs| {
                    let n = domain.bytes_for_chars(fs);
                    let s = rest
                        .get(..n)
                        .ok_or_else(|| Error::Incomplete { offset: 0, needed: n.saturating_sub(rest.len()) })?;
                    sink(Part::Indexer(s));
                    Ok(n)
                }),
                Element::Group(kinds) => self.group(rest, domain, depth + 1, Some(kinds)).map(|(mut g, n)| {
                    g.offset = pos;
                    sink(Part::Group(g));
                    n
                }),
            };
            match res {
                Ok(n) => pos += n,
                Err(Error::Incomplete { needed, .. }) => {
                    // Every element still to come takes at least one quadlet.
                    let later = elements.len() - i - 1 + (remaining - 1) * elements.len();
                    let floor = domain.bytes_for_chars(later.saturating_mul(4));
                    return Err(Error::Incomplete { offset: 0, needed: needed.saturating_add(floor) });
                }
                Err(e) => return Err(e.shifted(pos)),
            }
        }
        Ok(pos)
    }
}

/// What a pipelined (`-V`) group may hold: every v1 attachment group but another pipeline.
const PIPELINED: &[CounterKind] = &[
    CounterKind::ControllerIdxSigs,
    CounterKind::WitnessIdxSigs,
    CounterKind::NonTransReceiptCouples,
    CounterKind::TransReceiptQuadruples,
    CounterKind::FirstSeenReplayCouples,
    CounterKind::TransIdxSigGroups,
    CounterKind::SealSourceCouples,
    CounterKind::TransLastIdxSigGroups,
    CounterKind::SealSourceTriples,
    CounterKind::SadPathSig,
    CounterKind::SadPathSigGroup,
    CounterKind::PathedMaterialQuadlets,
];

impl<'a> Group<'a> {
    /// The content after the counter.
    #[must_use]
    pub fn content(&self) -> &'a [u8] {
        let n = self.domain.bytes_for_chars(self.counter.full_size());
        self.raw.get(n..).unwrap_or_default()
    }

    /// The group's immediate elements, in order (nested groups are not expanded).
    /// Offsets of nested groups are relative to this group's start.
    ///
    /// # Errors
    /// Never for a group the framer produced; an [`Error`] for a malformed one.
    pub fn parts(&self) -> Result<Vec<Part<'a>>> {
        let mut parts = Vec::new();
        self.for_each_part(|p| parts.push(p))?;
        Ok(parts)
    }

    /// Calls `f` with each of the group's immediate elements, in order, as
    /// [`Group::parts`] lists them, without allocating. On an error `f` has seen the
    /// elements before the bad one.
    ///
    /// # Errors
    /// As [`Group::parts`].
    pub fn for_each_part<F: FnMut(Part<'a>)>(&self, mut f: F) -> Result<()> {
        Framer::new()
            .with_limits(Limits { max_group: usize::MAX, ..Limits::default() })
            .group_visit(self.raw, self.domain, 0, None, &mut f)
            .map(|_| ())
    }
}

/// Turns an `Incomplete` error into `Status::Incomplete`.
fn incomplete_ok<T>(res: Result<(T, usize)>) -> Result<Status<T>> {
    match res {
        Ok((t, n)) => Ok(Status::Done(t, n)),
        Err(Error::Incomplete { needed, .. }) => Ok(Status::Incomplete(needed.max(1))),
        Err(e) => Err(e),
    }
}

/// Whether `b` can open a body of `kind`: `{` for JSON, a map header for CBOR and
/// MGPK. Resynchronisation needs this: a tritet alone matches many bytes inside
/// other items (any lowercase letter looks like JSON).
const fn starts_body(b: u8, kind: Kind) -> bool {
    match kind {
        Kind::Json => b == b'{',
        Kind::Cbor => matches!(b, 0xa0..=0xbb),
        Kind::Mgpk => matches!(b, 0x80..=0x8f | 0xde | 0xdf),
    }
}

/// Finds the v1 version string in the first bytes of a body whose encoding
/// (from its first byte) is `kind`. `Ok(None)`: more bytes are needed to decide.
///
/// # Errors
/// [`Error::VersionString`] when there is none within the first 29 bytes, when
/// its kind differs from `kind`, or when its size cannot hold it.
pub fn version_string(buf: &[u8], kind: Kind) -> Result<Option<VersionString>> {
    // Enough bytes for every candidate offset (a v2 string is two bytes longer): the scan
    // then runs on fixed-size arrays and needs no bounds checks.
    const WINDOW: usize = MAX_VERSION_OFFSET + VERSION_STRING_LEN + 2;
    const CANDIDATES: usize = MAX_VERSION_OFFSET + 1;
    let Some(window) = buf.first_chunk::<WINDOW>() else {
        // Short buffer: offset by offset, `Ok(None)` at the first that does not fit.
        for off in 0..=MAX_VERSION_OFFSET {
            if buf.len() < off + VERSION_STRING_LEN {
                return Ok(None);
            }
            if let Some(v) = version_at(buf, off, kind)? {
                return Ok(Some(v));
            }
        }
        return Err(no_version_string());
    };
    // Cheap shape tests first: a v1 version string ends in `_`, a v2 one in `.`.
    let (Some(ends_v1), Some(ends_v2)) = (
        window.get(VERSION_STRING_LEN - 1..).and_then(<[u8]>::first_chunk::<CANDIDATES>),
        window.get(VERSION_STRING_LEN + 1..).and_then(<[u8]>::first_chunk::<CANDIDATES>),
    ) else {
        return Err(no_version_string());
    };
    for (off, (v1, v2)) in ends_v1.iter().zip(ends_v2).enumerate() {
        if (*v1 == b'_' || *v2 == b'.')
            && let Some(v) = version_at(window, off, kind)?
        {
            return Ok(Some(v));
        }
    }
    Err(no_version_string())
}

fn no_version_string() -> Error {
    Error::VersionString { offset: 0, reason: "no version string within the first 29 bytes" }
}

/// The version string at `off` (`buf` holds at least `off + 17` bytes): `Ok(None)` when
/// there is none there, an error for a bad v1 one or any v2 one.
#[inline]
fn version_at(buf: &[u8], off: usize, kind: Kind) -> Result<Option<VersionString>> {
    if let Some(vs) = buf.get(off..).and_then(<[u8]>::first_chunk::<VERSION_STRING_LEN>)
        && vs[VERSION_STRING_LEN - 1] == b'_'
        && let Some(v) = parse_version(vs, off)?
    {
        if v.kind != kind {
            return Err(Error::VersionString {
                offset: 0,
                reason: "serialization kind in the version string differs from the body's encoding",
            });
        }
        if v.size < off + VERSION_STRING_LEN {
            return Err(Error::VersionString { offset: 0, reason: "size smaller than the version string" });
        }
        return Ok(Some(v));
    }
    if buf.get(off + 18) == Some(&b'.') && is_v2_version(buf.get(off..off + 19).unwrap_or_default()) {
        return Err(Error::VersionString {
            offset: 0,
            reason: "KERI 2.0 / CESR 2.0 version strings are not supported yet",
        });
    }
    Ok(None)
}

fn is_upper(b: &u8) -> bool {
    b.is_ascii_uppercase()
}

/// Whether the four bytes are all in `A..=Z` (tested on them as one word).
#[inline]
const fn all_upper(w: [u8; 4]) -> bool {
    let x = u32::from_le_bytes(w);
    const HIGH: u32 = 0x8080_8080;
    // For bytes below 0x80 the additions do not carry between bytes: bit 7 of each byte
    // of `ge_a` is set when that byte is at least `A`, of `gt_z` when it is past `Z`.
    let ge_a = x.wrapping_add(0x3f3f_3f3f);
    let gt_z = x.wrapping_add(0x2525_2525);
    x & HIGH == 0 && ge_a & !gt_z & HIGH == HIGH
}

/// Value of each lowercase hex digit; `0xff` for every other byte.
const HEX: [u8; 256] = build_hex();

#[allow(clippy::indexing_slicing, reason = "const table builder; indices below 256 by construction")]
const fn build_hex() -> [u8; 256] {
    let mut t = [0xffu8; 256];
    let mut i = 0;
    while i < 16 {
        let c = if i < 10 { b'0' + i } else { b'a' + i - 10 };
        t[c as usize] = i;
        i += 1;
    }
    t
}

#[inline]
fn hex_digit(b: u8) -> u8 {
    HEX.get(usize::from(b)).copied().unwrap_or(0xff)
}

/// `[A-Z]{4}[0-9a-f]{2}[A-Z]{4}[0-9a-f]{6}_`; `Ok(None)` when the bytes do not have that shape.
#[inline]
fn parse_version(vs: &[u8; VERSION_STRING_LEN], offset: usize) -> Result<Option<VersionString>> {
    let [p0, p1, p2, p3, ma, mi, k0, k1, k2, k3, s0, s1, s2, s3, s4, s5, term] = *vs;
    let protocol = [p0, p1, p2, p3];
    let kind = [k0, k1, k2, k3];
    if term != b'_' || !all_upper(protocol) || !all_upper(kind) {
        return Ok(None);
    }
    let (major, minor) = (hex_digit(ma), hex_digit(mi));
    let [s0, s1, s2, s3, s4, s5] =
        [hex_digit(s0), hex_digit(s1), hex_digit(s2), hex_digit(s3), hex_digit(s4), hex_digit(s5)];
    // Every digit is below 16, an invalid byte is 0xff: one OR tells them apart.
    if major | minor | s0 | s1 | s2 | s3 | s4 | s5 > 0x0f {
        return Ok(None);
    }
    let s = [s0, s1, s2, s3, s4, s5].map(usize::from);
    let size = s[0] << 20 | s[1] << 16 | s[2] << 12 | s[3] << 8 | s[4] << 4 | s[5];
    const JSON: u32 = u32::from_le_bytes(*b"JSON");
    const CBOR: u32 = u32::from_le_bytes(*b"CBOR");
    const MGPK: u32 = u32::from_le_bytes(*b"MGPK");
    let kind = match u32::from_le_bytes(kind) {
        JSON => Kind::Json,
        CBOR => Kind::Cbor,
        MGPK => Kind::Mgpk,
        _ => return Err(Error::VersionString { offset: 0, reason: "unknown serialization kind" }),
    };
    Ok(Some(VersionString { protocol, major, minor, kind, size, offset }))
}

/// `PPPP` + 3 Base64 + 3 Base64 + kind + 4 Base64 + `.` (KERI 2.0).
fn is_v2_version(vs: &[u8]) -> bool {
    vs.len() == 19
        && vs.iter().take(4).all(is_upper)
        && vs.get(18) == Some(&b'.')
        && vs.iter().skip(10).take(4).all(is_upper)
}

/// Iterator over the messages of a complete buffer; see [`Framer::messages`].
#[derive(Debug)]
pub struct Messages<'a> {
    framer: Framer,
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Messages<'a> {
    /// Offset of the next unread byte.
    #[must_use]
    pub fn position(&self) -> usize {
        self.pos
    }
}

impl<'a> Iterator for Messages<'a> {
    type Item = Result<Message<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.buf.get(self.pos..)?;
        if rest.is_empty() {
            return None;
        }
        let at = self.pos;
        match self.framer.next_message(rest, true) {
            Ok(Status::Done(mut m, n)) => {
                m.body.offset += at;
                for g in &mut m.attachments {
                    g.offset += at;
                }
                self.pos += n;
                Some(Ok(m))
            }
            Ok(Status::Incomplete(needed)) => {
                self.pos = self.buf.len();
                Some(Err(Error::Incomplete { offset: at, needed }))
            }
            Err(e) => {
                let e = e.shifted(at);
                let bad = e.offset().unwrap_or(at).max(at);
                self.pos = self.framer.resync(self.buf, bad.max(at + 1));
                Some(Err(e))
            }
        }
    }
}
