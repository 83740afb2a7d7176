//! Counter (group framing) codes, kept per CESR version.
//!
//! Callers name a group by its meaning ([`CounterKind`]) and a [`CesrVersion`];
//! the version's [`CounterTable`] gives the code. CESR 2.0 moves the same
//! meanings to other codes (`-K` for controller signatures, quadlet counts for
//! every group), so a v2 table can be added beside [`CounterTable::V1`] without
//! any caller that works with kinds changing.

use super::{const_sextet, sextet_index};

/// A CESR code-table generation (genus version of the KERI/ACDC protocol stack).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum CesrVersion {
    /// CESR 1.0, as implemented by keripy 1.1.
    V1,
}

/// What a counter counts, independent of the code a version gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum CounterKind {
    /// Controller indexed signatures on the message.
    ControllerIdxSigs,
    /// Witness indexed signatures.
    WitnessIdxSigs,
    /// Non-transferable receipt couples: verifier prefix + signature.
    NonTransReceiptCouples,
    /// Transferable receipt quadruples: prefix + sn + digest + indexed signature.
    TransReceiptQuadruples,
    /// First-seen replay couples: first-seen ordinal + date-time.
    FirstSeenReplayCouples,
    /// Transferable indexed signature groups: prefix + sn + digest + controller signatures.
    TransIdxSigGroups,
    /// Seal source couples: sn + digest of the anchoring (delegating/issuing) event.
    SealSourceCouples,
    /// Transferable last-establishment signature groups: prefix + controller signatures.
    TransLastIdxSigGroups,
    /// Seal source triples: prefix + sn + digest of the anchoring event.
    SealSourceTriples,
    /// A signature on a path of a self-addressing document: path + signature group.
    SadPathSig,
    /// Several path signatures under a root path.
    SadPathSigGroup,
    /// Pathed material, counted in quadlets.
    PathedMaterialQuadlets,
    /// All attachments of a message in one group, counted in quadlets ("pipelined").
    AttachedMaterialQuadlets,
    /// As [`CounterKind::AttachedMaterialQuadlets`] with a five-character count.
    BigAttachedMaterialQuadlets,
    /// Protocol stack genus and version (not a count).
    KeriProtocolStack,
}

/// One element of a counted item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Element {
    /// A Matter primitive.
    Matter,
    /// An indexed signature.
    Indexer,
    /// A nested counted group whose kind must be one of these.
    Group(&'static [CounterKind]),
}

/// How the content of a group is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Layout {
    /// `count` items, each the elements in order.
    Items(&'static [Element]),
    /// One root element, then `count` items.
    RootThenItems {
        /// The elements before the items.
        root: &'static [Element],
        /// One item.
        item: &'static [Element],
    },
    /// `count` quadlets (text) or triplets (binary) of nested groups.
    Quadlets,
    /// `count` quadlets or triplets of material not framed further here.
    OpaqueQuadlets,
    /// The soft part is a version, not a count; no content follows.
    Version,
}

/// One code of a counter table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CounterEntry {
    /// The meaning.
    pub kind: CounterKind,
    /// The hard part of the code, e.g. `"-A"`.
    pub code: &'static str,
    /// keripy's name.
    pub name: &'static str,
    /// Hard size in characters.
    pub hs: u8,
    /// Soft size (count characters).
    pub ss: u8,
    /// The content layout.
    pub layout: Layout,
    /// The table this entry belongs to.
    pub version: CesrVersion,
}

impl CounterEntry {
    /// Full size of the counter itself, `hs + ss` characters.
    #[must_use]
    pub const fn fs(&self) -> usize {
        self.hs as usize + self.ss as usize
    }

    /// Largest count the soft part holds, `64^ss - 1`.
    #[must_use]
    pub const fn max_count(&self) -> u64 {
        (1u64 << (6 * self.ss as u32)) - 1
    }
}

/// A counter table for one CESR version.
#[derive(Debug)]
pub struct CounterTable {
    version: CesrVersion,
    entries: &'static [CounterEntry],
    /// `-X` codes by the sextet of X: index into `entries`.
    two: [Option<u8>; 64],
    /// `-0X` codes by the sextet of X.
    three: [Option<u8>; 64],
}

const SIGS: &[Element] = &[Element::Indexer];
const COUPLE: &[Element] = &[Element::Matter, Element::Matter];
const TRIPLE: &[Element] = &[Element::Matter, Element::Matter, Element::Matter];
const QUADRUPLE: &[Element] = &[Element::Matter, Element::Matter, Element::Matter, Element::Indexer];
const CTRL_SIGS: &[CounterKind] = &[CounterKind::ControllerIdxSigs];
const TRANS_GROUP: &[Element] = &[Element::Matter, Element::Matter, Element::Matter, Element::Group(CTRL_SIGS)];
const LAST_GROUP: &[Element] = &[Element::Matter, Element::Group(CTRL_SIGS)];
const PATH_SIG_CONTENT: &[CounterKind] =
    &[CounterKind::TransIdxSigGroups, CounterKind::ControllerIdxSigs, CounterKind::NonTransReceiptCouples];
const PATH_SIG: &[Element] = &[Element::Matter, Element::Group(PATH_SIG_CONTENT)];
const ONE_MATTER: &[Element] = &[Element::Matter];
const PATH_SIGS: &[CounterKind] = &[CounterKind::SadPathSig];
const PATH_SIG_GROUP_ITEM: &[Element] = &[Element::Group(PATH_SIGS)];

macro_rules! v1 {
    ($kind:ident, $code:literal, $name:literal, $hs:literal, $ss:literal, $layout:expr) => {
        CounterEntry {
            kind: CounterKind::$kind,
            code: $code,
            name: $name,
            hs: $hs,
            ss: $ss,
            layout: $layout,
            version: CesrVersion::V1,
        }
    };
}

const V1_ENTRIES: &[CounterEntry] = &[
    v1!(ControllerIdxSigs, "-A", "ControllerIdxSigs", 2, 2, Layout::Items(SIGS)),
    v1!(WitnessIdxSigs, "-B", "WitnessIdxSigs", 2, 2, Layout::Items(SIGS)),
    v1!(NonTransReceiptCouples, "-C", "NonTransReceiptCouples", 2, 2, Layout::Items(COUPLE)),
    v1!(TransReceiptQuadruples, "-D", "TransReceiptQuadruples", 2, 2, Layout::Items(QUADRUPLE)),
    v1!(FirstSeenReplayCouples, "-E", "FirstSeenReplayCouples", 2, 2, Layout::Items(COUPLE)),
    v1!(TransIdxSigGroups, "-F", "TransIdxSigGroups", 2, 2, Layout::Items(TRANS_GROUP)),
    v1!(SealSourceCouples, "-G", "SealSourceCouples", 2, 2, Layout::Items(COUPLE)),
    v1!(TransLastIdxSigGroups, "-H", "TransLastIdxSigGroups", 2, 2, Layout::Items(LAST_GROUP)),
    v1!(SealSourceTriples, "-I", "SealSourceTriples", 2, 2, Layout::Items(TRIPLE)),
    v1!(SadPathSig, "-J", "SadPathSig", 2, 2, Layout::Items(PATH_SIG)),
    v1!(
        SadPathSigGroup,
        "-K",
        "SadPathSigGroup",
        2,
        2,
        Layout::RootThenItems { root: ONE_MATTER, item: PATH_SIG_GROUP_ITEM }
    ),
    v1!(PathedMaterialQuadlets, "-L", "PathedMaterialQuadlets", 2, 2, Layout::OpaqueQuadlets),
    v1!(AttachedMaterialQuadlets, "-V", "AttachedMaterialQuadlets", 2, 2, Layout::Quadlets),
    v1!(BigAttachedMaterialQuadlets, "-0V", "BigAttachedMaterialQuadlets", 3, 5, Layout::Quadlets),
    v1!(KeriProtocolStack, "--AAA", "KERIProtocolStack", 5, 3, Layout::Version),
];

#[allow(
    clippy::indexing_slicing,
    clippy::panic,
    reason = "compile-time table construction: a malformed table fails the build"
)]
const fn build(version: CesrVersion, entries: &'static [CounterEntry]) -> CounterTable {
    let mut two = [None; 64];
    let mut three = [None; 64];
    let mut i = 0;
    while i < entries.len() {
        let e = &entries[i];
        let text = e.code.as_bytes();
        if text.len() != e.hs as usize || text[0] != b'-' {
            panic!("counter table: malformed code");
        }
        if i > u8::MAX as usize {
            panic!("counter table: too many entries");
        }
        match e.hs {
            2 => {
                let s = const_sextet(text[1]) as usize;
                if two[s].is_some() {
                    panic!("counter table: duplicate");
                }
                two[s] = Some(i as u8);
            }
            3 => {
                if text[1] != b'0' {
                    panic!("counter table: three-character code must start -0");
                }
                let s = const_sextet(text[2]) as usize;
                if three[s].is_some() {
                    panic!("counter table: duplicate");
                }
                three[s] = Some(i as u8);
            }
            5 => {
                if text[1] != b'-' {
                    panic!("counter table: five-character code must start --");
                }
            }
            _ => panic!("counter table: unsupported hard size"),
        }
        i += 1;
    }
    CounterTable { version, entries, two, three }
}

static V1_TABLE: CounterTable = build(CesrVersion::V1, V1_ENTRIES);

impl CounterTable {
    /// The CESR 1.0 table (keripy 1.1.17).
    pub const V1: &'static CounterTable = &V1_TABLE;

    /// The table of a version.
    #[must_use]
    pub const fn for_version(version: CesrVersion) -> &'static CounterTable {
        match version {
            CesrVersion::V1 => Self::V1,
        }
    }

    /// This table's version.
    #[must_use]
    pub const fn version(&self) -> CesrVersion {
        self.version
    }

    /// Every entry, in table order.
    #[must_use]
    pub const fn entries(&self) -> &'static [CounterEntry] {
        self.entries
    }

    /// Hard size selected by the first two characters (`-X` → 2, `-0` → 3, `--` → 5), if any.
    #[must_use]
    pub const fn hard_size(&self, first_two: [u8; 2]) -> Option<usize> {
        match first_two {
            [b'-', b'-'] => Some(5),
            [b'-', b'0'] => Some(3),
            [b'-', c] if c.is_ascii_alphabetic() => Some(2),
            _ => None,
        }
    }

    /// The entry for a hard code, e.g. `b"-A"`.
    #[must_use]
    pub fn lookup(&self, hard: &[u8]) -> Option<&'static CounterEntry> {
        let sx = sextet_index;
        let idx = match hard {
            [b'-', b'-', ..] => {
                return self.entries.iter().find(|e| e.code.as_bytes() == hard);
            }
            [b'-', b'0', c] => self.three.get(sx(c)?).copied().flatten(),
            [b'-', c] => self.two.get(sx(c)?).copied().flatten(),
            _ => None,
        }?;
        self.entries.get(usize::from(idx))
    }

    /// The entry for a kind, `None` when this version has no code for it.
    #[must_use]
    pub fn entry(&self, kind: CounterKind) -> Option<&'static CounterEntry> {
        self.entries.iter().find(|e| e.kind == kind)
    }
}
