//! KERI v1 messages: typed bodies, strict parsing with SAID verification, and
//! SAID-making serialization.

use std::borrow::Cow;
use std::ops::Range;

use dkms_cesr::MatterCode;
use dkms_cesr::stream::{Cold, Kind, sniff, version_string};

use crate::error::{Error, Result};
use crate::primitives::{Digest, Prefix, Verkey, list, string};
use crate::seal::{Anchor, Trait};
use crate::ser;
use crate::threshold::{Threshold, parse_hex, parse_hex_u128, parse_int};
use crate::value::{self, Fields, Map, Val, Value};

/// Message type (`t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Ilk {
    /// Inception.
    Icp,
    /// Rotation.
    Rot,
    /// Interaction.
    Ixn,
    /// Delegated inception.
    Dip,
    /// Delegated rotation.
    Drt,
    /// Receipt.
    Rct,
    /// Query.
    Qry,
    /// Reply.
    Rpy,
    /// Prod.
    Pro,
    /// Bare.
    Bar,
    /// Peer exchange.
    Exn,
}

impl Ilk {
    /// Every v1 message type.
    pub const ALL: [Ilk; 11] =
        [Ilk::Icp, Ilk::Rot, Ilk::Ixn, Ilk::Dip, Ilk::Drt, Ilk::Rct, Ilk::Qry, Ilk::Rpy, Ilk::Pro, Ilk::Bar, Ilk::Exn];

    /// The three-letter type.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Ilk::Icp => "icp",
            Ilk::Rot => "rot",
            Ilk::Ixn => "ixn",
            Ilk::Dip => "dip",
            Ilk::Drt => "drt",
            Ilk::Rct => "rct",
            Ilk::Qry => "qry",
            Ilk::Rpy => "rpy",
            Ilk::Pro => "pro",
            Ilk::Bar => "bar",
            Ilk::Exn => "exn",
        }
    }

    /// Reads a type.
    #[must_use]
    pub fn parse(s: &str) -> Option<Ilk> {
        Ilk::ALL.into_iter().find(|i| i.as_str() == s)
    }

    /// The exact labels of this type, in order (keripy 1.1.17, KERI 1.0).
    #[must_use]
    pub const fn fields(self) -> &'static [&'static str] {
        match self {
            Ilk::Icp => &["v", "t", "d", "i", "s", "kt", "k", "nt", "n", "bt", "b", "c", "a"],
            Ilk::Rot | Ilk::Drt => &["v", "t", "d", "i", "s", "p", "kt", "k", "nt", "n", "bt", "br", "ba", "a"],
            Ilk::Ixn => &["v", "t", "d", "i", "s", "p", "a"],
            Ilk::Dip => &["v", "t", "d", "i", "s", "kt", "k", "nt", "n", "bt", "b", "c", "a", "di"],
            Ilk::Rct => &["v", "t", "d", "i", "s"],
            Ilk::Qry | Ilk::Pro => &["v", "t", "d", "dt", "r", "rr", "q"],
            Ilk::Rpy | Ilk::Bar => &["v", "t", "d", "dt", "r", "a"],
            Ilk::Exn => &["v", "t", "d", "i", "p", "dt", "r", "q", "a", "e"],
        }
    }

    /// Labels holding this message's own SAID (dummied while hashing).
    #[must_use]
    pub const fn said_fields(self) -> &'static [&'static str] {
        match self {
            Ilk::Icp | Ilk::Dip => &["d", "i"],
            Ilk::Rct => &[],
            _ => &["d"],
        }
    }

    /// Key events: `icp rot ixn dip drt`.
    #[must_use]
    pub const fn is_key_event(self) -> bool {
        matches!(self, Ilk::Icp | Ilk::Rot | Ilk::Ixn | Ilk::Dip | Ilk::Drt)
    }

    /// Establishment events: `icp rot dip drt`.
    #[must_use]
    pub const fn is_establishment(self) -> bool {
        matches!(self, Ilk::Icp | Ilk::Rot | Ilk::Dip | Ilk::Drt)
    }
}

/// `icp` and `dip` content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inception {
    /// The identifier prefix `i`.
    pub prefix: Prefix,
    /// Current signing threshold `kt`.
    pub kt: Threshold,
    /// Current signing keys `k`.
    pub keys: Vec<Verkey>,
    /// Next threshold `nt`.
    pub nt: Threshold,
    /// Next key digests `n`.
    pub next: Vec<Digest>,
    /// Witness threshold `bt` (toad).
    pub toad: u64,
    /// Witnesses `b`.
    pub witnesses: Vec<Prefix>,
    /// Configuration traits `c`.
    pub config: Vec<Trait>,
    /// Anchors `a`.
    pub anchors: Vec<Anchor>,
    /// Delegator `di` (`dip` only).
    pub delegator: Option<Prefix>,
}

/// `rot` and `drt` content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rotation {
    /// The identifier prefix `i`.
    pub prefix: Prefix,
    /// Sequence number `s`.
    pub sn: u128,
    /// Prior event SAID `p`.
    pub prior: Digest,
    /// New signing threshold `kt`.
    pub kt: Threshold,
    /// New signing keys `k`.
    pub keys: Vec<Verkey>,
    /// Next threshold `nt`.
    pub nt: Threshold,
    /// Next key digests `n`.
    pub next: Vec<Digest>,
    /// Witness threshold `bt`.
    pub toad: u64,
    /// Witnesses removed `br`.
    pub cuts: Vec<Prefix>,
    /// Witnesses added `ba`.
    pub adds: Vec<Prefix>,
    /// Anchors `a`.
    pub anchors: Vec<Anchor>,
}

/// `ixn` content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interaction {
    /// The identifier prefix `i`.
    pub prefix: Prefix,
    /// Sequence number `s`.
    pub sn: u128,
    /// Prior event SAID `p`.
    pub prior: Digest,
    /// Anchors `a`.
    pub anchors: Vec<Anchor>,
}

/// `rct` content: a receipt of another event (its SAID is in `d`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// Prefix of the receipted event.
    pub prefix: Prefix,
    /// Sequence number of the receipted event.
    pub sn: u128,
    /// SAID of the receipted event.
    pub receipted: Digest,
}

/// `qry` and `pro` content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    /// Date-time `dt`.
    pub dt: String,
    /// Route `r`.
    pub route: String,
    /// Return route `rr`.
    pub return_route: String,
    /// Query parameters `q`.
    pub query: Map,
}

/// `rpy` and `bar` content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// Date-time `dt`.
    pub dt: String,
    /// Route `r`.
    pub route: String,
    /// Payload `a`.
    pub payload: Map,
}

/// `exn` content (keripy 1.1.17 field set).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    /// Sender `i`.
    pub sender: Prefix,
    /// Prior exchange SAID `p`, empty when none.
    pub prior: String,
    /// Date-time `dt`.
    pub dt: String,
    /// Route `r`.
    pub route: String,
    /// Modifiers `q`.
    pub query: Map,
    /// Payload `a`.
    pub payload: Map,
    /// Embedded messages `e`.
    pub embeds: Map,
}

/// The typed content of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Body {
    /// `icp`, `dip`.
    Inception(Inception),
    /// `rot`, `drt`.
    Rotation(Rotation),
    /// `ixn`.
    Interaction(Interaction),
    /// `rct`.
    Receipt(Receipt),
    /// `qry`, `pro`.
    Query(Query),
    /// `rpy`, `bar`.
    Reply(Reply),
    /// `exn`.
    Exchange(Exchange),
}

impl Body {
    /// True for an establishment event (`icp`, `dip`, `rot`, `drt`).
    #[must_use]
    pub fn is_establishment(&self) -> bool {
        matches!(self, Body::Inception(_) | Body::Rotation(_))
    }

    /// True for a key event (`icp`, `dip`, `rot`, `drt`, `ixn`).
    #[must_use]
    pub fn is_key_event(&self) -> bool {
        matches!(self, Body::Inception(_) | Body::Rotation(_) | Body::Interaction(_))
    }

    /// The signing keys `k` of an establishment event.
    #[must_use]
    pub fn keys(&self) -> Option<&[Verkey]> {
        match self {
            Body::Inception(b) => Some(&b.keys),
            Body::Rotation(b) => Some(&b.keys),
            _ => None,
        }
    }

    /// The signing threshold `kt` of an establishment event.
    #[must_use]
    pub fn kt(&self) -> Option<&Threshold> {
        match self {
            Body::Inception(b) => Some(&b.kt),
            Body::Rotation(b) => Some(&b.kt),
            _ => None,
        }
    }

    /// The next threshold `nt` of an establishment event.
    #[must_use]
    pub fn nt(&self) -> Option<&Threshold> {
        match self {
            Body::Inception(b) => Some(&b.nt),
            Body::Rotation(b) => Some(&b.nt),
            _ => None,
        }
    }

    /// The next-key digests `n` of an establishment event.
    #[must_use]
    pub fn next(&self) -> Option<&[Digest]> {
        match self {
            Body::Inception(b) => Some(&b.next),
            Body::Rotation(b) => Some(&b.next),
            _ => None,
        }
    }

    /// The witness threshold `bt` of an establishment event.
    #[must_use]
    pub fn toad(&self) -> Option<u64> {
        match self {
            Body::Inception(b) => Some(b.toad),
            Body::Rotation(b) => Some(b.toad),
            _ => None,
        }
    }

    /// The witnesses `b` of an inception (a rotation lists changes: [`Body::cuts`],
    /// [`Body::adds`], applied with [`crate::witness::rotate_witnesses`]).
    #[must_use]
    pub fn witnesses(&self) -> Option<&[Prefix]> {
        match self {
            Body::Inception(b) => Some(&b.witnesses),
            _ => None,
        }
    }

    /// The witnesses a rotation removes (`br`).
    #[must_use]
    pub fn cuts(&self) -> Option<&[Prefix]> {
        match self {
            Body::Rotation(b) => Some(&b.cuts),
            _ => None,
        }
    }

    /// The witnesses a rotation adds (`ba`).
    #[must_use]
    pub fn adds(&self) -> Option<&[Prefix]> {
        match self {
            Body::Rotation(b) => Some(&b.adds),
            _ => None,
        }
    }

    /// The configuration traits `c` of an inception.
    #[must_use]
    pub fn config(&self) -> Option<&[Trait]> {
        match self {
            Body::Inception(b) => Some(&b.config),
            _ => None,
        }
    }

    /// The anchors `a` of a key event (empty for other messages).
    #[must_use]
    pub fn anchors(&self) -> &[Anchor] {
        match self {
            Body::Inception(b) => &b.anchors,
            Body::Rotation(b) => &b.anchors,
            Body::Interaction(b) => &b.anchors,
            _ => &[],
        }
    }

    /// The delegator `di` of a delegated inception. A delegated rotation names none:
    /// its delegator is the key state's.
    #[must_use]
    pub fn delegator(&self) -> Option<&Prefix> {
        match self {
            Body::Inception(b) => b.delegator.as_ref(),
            _ => None,
        }
    }

    /// The prior event's SAID `p` of a rotation or interaction.
    #[must_use]
    pub fn prior(&self) -> Option<&Digest> {
        match self {
            Body::Rotation(b) => Some(&b.prior),
            Body::Interaction(b) => Some(&b.prior),
            _ => None,
        }
    }

    /// Whether this key event anchors the event seal `{i, s, d}` of the event `said` at
    /// `sn` of `prefix`: an entry of `a` whose keys are exactly `i`, `s`, `d` in that
    /// order, with `i` and `d` the same text and `s` the canonical lowercase hex of
    /// `sn` (keripy 1.1.17 `validateDelegation` and `findAnchoringSealEvent` compare
    /// the three as text with `serder.pre`, `serder.sner.numh`, `serder.said`; so
    /// `"s":"01"` anchors nothing). Malformed seal-shaped entries, kept as data, never match.
    #[must_use]
    pub fn anchors_event_seal(&self, prefix: &Prefix, sn: u128, said: &Digest) -> bool {
        self.anchors().iter().any(
            |a| matches!(a, Anchor::Seal(crate::seal::Seal::Event { i, s, d }) if i == prefix && *s == sn && d == said),
        )
    }
}

/// A KERI v1 message: its exact bytes, kind, type, SAID and typed content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    raw: Vec<u8>,
    kind: Kind,
    ilk: Ilk,
    said: Digest,
    body: Body,
}

/// The v1 version string for `kind` and `size`.
#[must_use]
pub fn version_text(kind: Kind, size: usize) -> String {
    format!("KERI10{}{size:06x}_", kind.as_str())
}

fn field<'m, 'a>(map: &'m Fields<'a>, label: &str) -> Result<&'m Val<'a>> {
    value::get(map, label).ok_or_else(|| Error::field(label, "missing"))
}

/// The witness threshold `bt`: a canonical hex string, or a non-negative integer as
/// keripy 1.1.17 writes it with `intive=True` and reads it (`Number(num=…)`).
fn toad(map: &Fields<'_>, label: &str) -> Result<u64> {
    match field(map, label)? {
        Val::Str(s) => parse_hex(s, label),
        Val::Int(i) => parse_int(*i, label),
        other => Err(Error::field(label, format!("must be a hex string or an integer, not {}", other.type_name()))),
    }
}

fn sn(map: &Fields<'_>, label: &str) -> Result<u128> {
    let v = field(map, label)?;
    parse_hex_u128(v.as_str().ok_or_else(|| Error::field(label, "must be a hex string"))?, label)
}

fn submap(map: &Fields<'_>, label: &str) -> Result<Map> {
    field(map, label)?.as_map().map(value::map_to_owned).ok_or_else(|| Error::field(label, "must be a map"))
}

/// The entries of `a`: every entry is accepted, well-formed seals are offered as seals
/// (see [`Anchor::from_value`]); only `a` itself must be a list.
fn anchors(map: &Fields<'_>, label: &str) -> Result<Vec<Anchor>> {
    list(field(map, label)?, label, |v, _| Ok(Anchor::from_val(v)))
}

/// A list of identifiers without duplicates (`b` of an inception). The witness changes
/// of a rotation (`br`, `ba`) are read with [`list`] alone: their rules need the key
/// state and are in [`crate::witness::rotate_witnesses`].
fn prefixes(map: &Fields<'_>, label: &str) -> Result<Vec<Prefix>> {
    let l = list(field(map, label)?, label, Prefix::from_val)?;
    for (i, p) in l.iter().enumerate() {
        if l.iter().take(i).any(|q| q == p) {
            return Err(Error::field(format!("{label}[{i}]"), "duplicate identifier"));
        }
    }
    Ok(l)
}

/// Checks `kt` against the keys, `nt` against the next digests, and toad against witnesses.
pub(crate) fn check_thresholds(kt: &Threshold, keys: usize, nt: &Threshold, next: usize) -> Result<()> {
    if keys == 0 {
        return Err(Error::field("k", "at least one signing key is required"));
    }
    if let Threshold::Numeric(0) = kt {
        return Err(Error::field("kt", "a signing threshold of 0 can never be met"));
    }
    if kt.size() > keys {
        return Err(Error::field("kt", format!("threshold needs {} keys but {keys} are listed", kt.size())));
    }
    if nt.size() > next {
        return Err(Error::field(
            "nt",
            format!("threshold needs {} next keys but {next} digests are listed", nt.size()),
        ));
    }
    Ok(())
}

/// Checks a witness threshold against the number of witnesses: `1 ≤ toad ≤ n`
/// with witnesses, `0` without (reference §8.1).
///
/// # Errors
/// [`Error::Field`] naming `bt` when out of range.
pub fn check_toad_public(toad: u64, witnesses: usize) -> Result<()> {
    check_toad(toad, witnesses, "bt")
}

pub(crate) fn check_toad(toad: u64, witnesses: usize, label: &str) -> Result<()> {
    crate::witness::check_toad(toad, witnesses).map_err(|e| Error::field(label, e.to_string()))
}

fn inception(ilk: Ilk, map: &Fields<'_>) -> Result<Inception> {
    let prefix = Prefix::from_val(field(map, "i")?, "i")?;
    if sn(map, "s")? != 0 {
        return Err(Error::field("s", "an inception has sequence number 0"));
    }
    let kt = Threshold::parse_val(field(map, "kt")?, "kt")?;
    let keys = list(field(map, "k")?, "k", Verkey::from_val)?;
    let nt = Threshold::parse_val(field(map, "nt")?, "nt")?;
    let next = list(field(map, "n")?, "n", Digest::from_val)?;
    let toad = toad(map, "bt")?;
    let witnesses = prefixes(map, "b")?;
    // keripy 1.1.17 tests traits by membership (`"EO" in cnfg`), so an entry that is
    // not a string is accepted and means nothing; it is kept as data.
    let config = list(field(map, "c")?, "c", |v, _| {
        Ok(match v {
            Val::Str(t) => Trait::parse(t),
            other => Trait::Data(other.to_value()),
        })
    })?;
    let anchors = anchors(map, "a")?;
    let delegator = match ilk {
        Ilk::Dip => Some(Prefix::from_val(field(map, "di")?, "di")?),
        _ => None,
    };
    check_thresholds(&kt, keys.len(), &nt, next.len())?;
    check_toad(toad, witnesses.len(), "bt")?;
    let icp = Inception { prefix, kt, keys, nt, next, toad, witnesses, config, anchors, delegator };
    check_prefix(ilk, &icp)?;
    Ok(icp)
}

/// keripy's prefix derivation rules (reference §5), short of the SAID itself.
pub(crate) fn check_prefix(ilk: Ilk, icp: &Inception) -> Result<()> {
    let p = &icp.prefix;
    if p.is_self_addressing() {
        return Ok(());
    }
    if ilk == Ilk::Dip {
        return Err(Error::field("i", "a delegated identifier must be self-addressing"));
    }
    match icp.keys.as_slice() {
        [k] if k.matter() == p.matter() => {}
        _ => return Err(Error::field("i", "a basic prefix must be the one and only signing key")),
    }
    if p.is_non_transferable() {
        if !icp.next.is_empty() {
            return Err(Error::field("n", "a non-transferable prefix cannot commit to next keys"));
        }
        if !icp.witnesses.is_empty() {
            return Err(Error::field("b", "a non-transferable prefix cannot have witnesses"));
        }
        if !icp.anchors.is_empty() {
            return Err(Error::field("a", "a non-transferable prefix cannot anchor data"));
        }
    }
    Ok(())
}

fn rotation(map: &Fields<'_>) -> Result<Rotation> {
    let rot = Rotation {
        prefix: Prefix::from_val(field(map, "i")?, "i")?,
        sn: sn(map, "s")?,
        prior: Digest::from_val(field(map, "p")?, "p")?,
        kt: Threshold::parse_val(field(map, "kt")?, "kt")?,
        keys: list(field(map, "k")?, "k", Verkey::from_val)?,
        nt: Threshold::parse_val(field(map, "nt")?, "nt")?,
        next: list(field(map, "n")?, "n", Digest::from_val)?,
        toad: toad(map, "bt")?,
        cuts: list(field(map, "br")?, "br", Prefix::from_val)?,
        adds: list(field(map, "ba")?, "ba", Prefix::from_val)?,
        anchors: anchors(map, "a")?,
    };
    if rot.sn == 0 {
        return Err(Error::field("s", "a rotation cannot have sequence number 0"));
    }
    if rot.prefix.is_non_transferable() {
        return Err(Error::field("i", "a non-transferable identifier cannot rotate"));
    }
    check_thresholds(&rot.kt, rot.keys.len(), &rot.nt, rot.next.len())?;
    Ok(rot)
}

impl Message {
    /// Parses exactly one body: version string and size, canonical encoding, exact
    /// labels in order, every field's type, prefix rules, and the SAID.
    ///
    /// # Errors
    /// A typed [`Error`] naming the field (or byte offset) at fault.
    pub fn parse(raw: &[u8]) -> Result<Self> {
        let first = *raw.first().ok_or_else(|| Error::Version { reason: "empty body".into() })?;
        let Cold::Message(kind) = sniff(first) else {
            return Err(Error::Version { reason: format!("byte 0x{first:02x} does not start a body") });
        };
        let vs = version_string(raw, kind)?.ok_or_else(|| Error::Version { reason: "body too short".into() })?;
        if &vs.protocol != b"KERI" || vs.major != 1 || vs.minor != 0 {
            return Err(Error::Version {
                reason: format!(
                    "{}{:x}{:x}: only KERI 1.0 messages are supported",
                    String::from_utf8_lossy(&vs.protocol),
                    vs.major,
                    vs.minor
                ),
            });
        }
        if vs.size != raw.len() {
            return Err(Error::Version {
                reason: format!("declares {} bytes but the body has {}", vs.size, raw.len()),
            });
        }
        let view = ser::decode_view(raw, kind)?;
        let map = view.fields.as_slice();
        // The version string found in the raw bytes was checked above (protocol, version,
        // kind, size); the first field must hold exactly it.
        let located = raw.get(vs.offset..vs.offset + dkms_cesr::stream::VERSION_STRING_LEN);
        if value::get(map, "v").and_then(Val::as_str).map(str::as_bytes) != located
            || map.first().map(|(k, _)| k.as_ref()) != Some("v")
        {
            return Err(Error::Version { reason: "the version string must be the first field, `v`".into() });
        }
        let t = field(map, "t")?.as_str().ok_or_else(|| Error::field("t", "must be a string"))?;
        let ilk = Ilk::parse(t).ok_or_else(|| Error::UnknownIlk { ilk: t.to_owned() })?;
        if !map.iter().map(|(k, _)| k.as_ref()).eq(ilk.fields().iter().copied()) {
            let labels: Vec<&str> = map.iter().map(|(k, _)| k.as_ref()).collect();
            return Err(Error::Fields { ilk: ilk.as_str(), expected: ilk.fields().join(" "), found: labels.join(" ") });
        }
        let said = Digest::from_val(field(map, "d")?, "d")?;
        let body = match ilk {
            Ilk::Icp | Ilk::Dip => Body::Inception(inception(ilk, map)?),
            Ilk::Rot | Ilk::Drt => Body::Rotation(rotation(map)?),
            Ilk::Ixn => {
                let ixn = Interaction {
                    prefix: Prefix::from_val(field(map, "i")?, "i")?,
                    sn: sn(map, "s")?,
                    prior: Digest::from_val(field(map, "p")?, "p")?,
                    anchors: anchors(map, "a")?,
                };
                if ixn.sn == 0 {
                    return Err(Error::field("s", "an interaction cannot have sequence number 0"));
                }
                if ixn.prefix.is_non_transferable() {
                    return Err(Error::field("i", "a non-transferable identifier has no interactions"));
                }
                Body::Interaction(ixn)
            }
            Ilk::Rct => Body::Receipt(Receipt {
                prefix: Prefix::from_val(field(map, "i")?, "i")?,
                sn: sn(map, "s")?,
                receipted: said.clone(),
            }),
            Ilk::Qry | Ilk::Pro => Body::Query(Query {
                dt: string(field(map, "dt")?, "dt")?,
                route: string(field(map, "r")?, "r")?,
                return_route: string(field(map, "rr")?, "rr")?,
                query: submap(map, "q")?,
            }),
            Ilk::Rpy | Ilk::Bar => Body::Reply(Reply {
                dt: string(field(map, "dt")?, "dt")?,
                route: string(field(map, "r")?, "r")?,
                payload: submap(map, "a")?,
            }),
            Ilk::Exn => {
                let prior = string(field(map, "p")?, "p")?;
                if !prior.is_empty() {
                    Digest::parse(&prior, "p")?;
                }
                verify_embeds(&submap(map, "e")?)?;
                Body::Exchange(Exchange {
                    sender: Prefix::from_val(field(map, "i")?, "i")?,
                    prior,
                    dt: string(field(map, "dt")?, "dt")?,
                    route: string(field(map, "r")?, "r")?,
                    query: submap(map, "q")?,
                    payload: submap(map, "a")?,
                    embeds: submap(map, "e")?,
                })
            }
        };
        let mut own = raw.to_vec();
        verify_saids(&mut own, raw, ilk, &view, &said, &body)?;
        Ok(Self { raw: own, kind, ilk, said, body })
    }

    /// Builds a message from its fields (everything but `v`), computing the
    /// version string and the SAID(s) with `code` the way keripy's `makify` does.
    ///
    /// # Errors
    /// Any error [`Message::parse`] would report for the result.
    pub fn from_fields(kind: Kind, fields: Map, code: MatterCode) -> Result<Self> {
        let raw = saidify(kind, fields, code)?;
        Self::parse(&raw)
    }

    /// The serialized body.
    #[must_use]
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// Serialization kind.
    #[must_use]
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Message type.
    #[must_use]
    pub fn ilk(&self) -> Ilk {
        self.ilk
    }

    /// The `d` field: this message's SAID (for `rct`, the receipted event's).
    #[must_use]
    pub fn said(&self) -> &Digest {
        &self.said
    }

    /// The typed content.
    #[must_use]
    pub fn body(&self) -> &Body {
        &self.body
    }

    /// True for an establishment event ([`Body::is_establishment`]).
    #[must_use]
    pub fn is_establishment(&self) -> bool {
        self.body.is_establishment()
    }

    /// The identifier a key event or receipt is about.
    #[must_use]
    pub fn prefix(&self) -> Option<&Prefix> {
        match &self.body {
            Body::Inception(b) => Some(&b.prefix),
            Body::Rotation(b) => Some(&b.prefix),
            Body::Interaction(b) => Some(&b.prefix),
            Body::Receipt(b) => Some(&b.prefix),
            Body::Exchange(b) => Some(&b.sender),
            _ => None,
        }
    }

    /// The sequence number of a key event or receipt.
    #[must_use]
    pub fn sn(&self) -> Option<u128> {
        match &self.body {
            Body::Inception(_) => Some(0),
            Body::Rotation(b) => Some(b.sn),
            Body::Interaction(b) => Some(b.sn),
            Body::Receipt(b) => Some(b.sn),
            _ => None,
        }
    }

    /// The field map, decoded again from the raw bytes.
    ///
    /// # Errors
    /// Never for a parsed message.
    pub fn fields(&self) -> Result<Map> {
        Ok(ser::decode(&self.raw, self.kind)?.map)
    }
}

/// The `e` map of an `exn` with its own SAID `d` appended last (keripy `exchange`);
/// an empty map stays empty.
///
/// # Errors
/// [`Error::Crypto`] only if hashing fails.
pub fn saidify_embeds(mut e: Map) -> Result<Map> {
    if e.is_empty() {
        return Ok(e);
    }
    e.0.retain(|(k, _)| k != "d");
    e.push("d", dummy(44));
    let raw = ser::encode(&Value::Map(e.clone()), Kind::Json)?;
    let said = dkms_crypto::digest(MatterCode::Blake3_256, &raw).map_err(|err| Error::Crypto(err.to_string()))?;
    e.insert("d", said.qb64());
    Ok(e)
}

/// Checks the SAID `d` of an `exn`'s non-empty `e` map.
fn verify_embeds(e: &Map) -> Result<()> {
    if e.is_empty() {
        return Ok(());
    }
    let d = e.get("d").and_then(Value::as_str).ok_or_else(|| Error::field("e.d", "embeds need their own SAID"))?;
    let m = dkms_cesr::Matter::from_qb64(d).map_err(|err| Error::field("e.d", err.to_string()))?;
    let mut dummied = e.clone();
    dummied.insert("d", dummy(d.len()));
    let raw = ser::encode(&Value::Map(dummied), Kind::Json)?;
    dkms_crypto::verify_digest(&m, &raw).map_err(|_| Error::Said { field: "e.d" })
}

fn dummy(len: usize) -> String {
    "#".repeat(len)
}

/// Serializes `fields` (all labels but `v`) with a version string and SAIDs.
fn saidify(kind: Kind, mut fields: Map, code: MatterCode) -> Result<Vec<u8>> {
    let ilk = fields
        .get("t")
        .and_then(Value::as_str)
        .and_then(Ilk::parse)
        .ok_or_else(|| Error::invalid("fields need a known message type `t`"))?;
    let fs = code
        .sizes()
        .fs
        .map(|f| f as usize)
        .filter(|_| code.is_digest())
        .ok_or_else(|| Error::invalid("SAID code must be a digest code"))?;
    // Dummy every SAID field that is empty or already a digest (a basic prefix in `i` stays).
    let mut dummied: Vec<&'static str> = Vec::new();
    for label in ilk.said_fields() {
        let current = fields.get(label).and_then(Value::as_str).unwrap_or("");
        let is_digest = dkms_cesr::Matter::from_qb64(current).map(|m| m.code().is_digest()).unwrap_or(false);
        if current.is_empty() || is_digest {
            fields.insert(label, dummy(fs));
            dummied.push(label);
        }
    }
    let mut map = Map::new();
    map.push("v", version_text(kind, 0));
    for (k, v) in fields.0 {
        if k != "v" {
            map.push(k, v);
        }
    }
    // One serialization: the version string has a fixed length, so the real size is
    // written over the placeholder, and the SAIDs over their dummies, in place.
    let mut raw = ser::encode(&Value::Map(map), kind)?;
    let placeholder = version_text(kind, 0);
    let at = find(&raw, placeholder.as_bytes(), 0).ok_or_else(|| Error::invalid("version string not found"))?;
    let real = version_text(kind, raw.len());
    raw.get_mut(at..at + real.len()).ok_or_else(|| Error::invalid("version string"))?.copy_from_slice(real.as_bytes());
    if !dummied.is_empty() {
        let said = dkms_crypto::digest(code, &raw).map_err(|e| Error::Crypto(e.to_string()))?.qb64();
        // The SAID fields precede every field a caller fills with free data, so the
        // first runs of `#` are exactly the dummies.
        let run = dummy(fs);
        let mut from = 0;
        for _ in &dummied {
            let pos = find(&raw, run.as_bytes(), from).ok_or_else(|| Error::invalid("SAID dummy not found"))?;
            raw.get_mut(pos..pos + fs).ok_or_else(|| Error::invalid("SAID dummy"))?.copy_from_slice(said.as_bytes());
            from = pos + fs;
        }
    }
    Ok(raw)
}

/// Position of `needle` in `hay` at or after `from`.
fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

/// One SAID to check: its label, its value and the span of its text in the body.
type SaidCheck<'m> = Option<(&'static str, Cow<'m, dkms_cesr::Matter>, Range<usize>)>;

/// Verifies the SAID fields of a parsed body by hashing its bytes with the
/// SAID values overwritten by `#`, without serializing anything again.
///
/// `work` holds a copy of `raw` (the message's own bytes): the dummies are written
/// into it for hashing and the original bytes put back afterwards, so no other copy
/// is made. The SAID values are those already read into `said` and the body.
fn verify_saids(work: &mut [u8], raw: &[u8], ilk: Ilk, view: &ser::View<'_>, said: &Digest, body: &Body) -> Result<()> {
    // At most two SAID fields (`d`, and `i` of an inception).
    let mut checks: [SaidCheck<'_>; 2] = [None, None];
    let mut n = 0;
    for label in ilk.said_fields() {
        let Some(pos) = view.fields.iter().position(|(k, _)| k == *label) else { continue };
        let known = match (*label, body) {
            ("d", _) => Some(said.matter()),
            ("i", Body::Inception(b)) => Some(b.prefix.matter()),
            _ => None,
        };
        let m = match known {
            Some(m) => Cow::Borrowed(m),
            None => {
                let value = view.fields.get(pos).and_then(|(_, v)| v.as_str()).unwrap_or("");
                let Ok(m) = dkms_cesr::Matter::from_qb64(value) else {
                    return Err(Error::field(*label, "not a CESR primitive"));
                };
                Cow::Owned(m)
            }
        };
        if !m.code().is_digest() {
            continue; // a basic prefix in `i`
        }
        let span = view.spans.get(pos).cloned().flatten().ok_or(Error::Said { field: label })?;
        work.get_mut(span.clone()).ok_or(Error::Said { field: label })?.fill(b'#');
        if let Some(slot) = checks.get_mut(n) {
            *slot = Some((label, m, span));
            n += 1;
        }
    }
    let result = check_digests(work, &checks);
    // Put the original bytes back where the dummies went.
    for (_, _, span) in checks.iter().flatten() {
        if let (Some(dst), Some(src)) = (work.get_mut(span.clone()), raw.get(span.clone())) {
            dst.copy_from_slice(src);
        }
    }
    result
}

/// Hashes the dummied body once per digest code and compares each SAID.
fn check_digests(buf: &[u8], checks: &[SaidCheck<'_>; 2]) -> Result<()> {
    let mut last: Option<(MatterCode, dkms_crypto::RawDigest)> = None;
    for (label, m, _) in checks.iter().flatten() {
        // `d` and a self-addressing `i` share one hash when they share a code.
        let digest = match &last {
            Some((code, d)) if *code == m.code() => *d,
            _ => dkms_crypto::digest_raw(m.code(), buf).map_err(|_| Error::Said { field: label })?,
        };
        if digest.as_bytes() != m.raw() {
            return Err(Error::Said { field: label });
        }
        last = Some((m.code(), digest));
    }
    // Self-addressing inception: `i` must be the SAID itself.
    if let [Some((_, d, _)), Some((_, i, _))] = checks
        && d != i
    {
        return Err(Error::field("i", "a self-addressing prefix must equal the SAID `d`"));
    }
    Ok(())
}
