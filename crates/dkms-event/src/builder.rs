//! Builders for every v1 message type, with keripy 1.1.17's defaults, that
//! refuse to produce an invalid event.
//!
//! ```
//! use dkms_cesr::{Matter, MatterCode};
//! use dkms_event::builder::Incept;
//! use dkms_event::primitives::{Digest, Verkey};
//!
//! // Reference §12.1: the canonical self-addressing inception.
//! let key = Verkey::parse("DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH", "k")?;
//! let next = Digest::parse("EIf-ENw7PrM52w4H-S7NGU2qVIfraXVIlV9hEAaMHg7W", "n")?;
//! let icp = Incept {
//!     keys: vec![key],
//!     next: vec![next],
//!     prefix_code: Some(MatterCode::Blake3_256),
//!     ..Incept::default()
//! }
//! .build()?;
//! assert_eq!(icp.said().qb64(), "EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C");
//! # Ok::<(), dkms_event::Error>(())
//! ```

use dkms_cesr::MatterCode;
use dkms_cesr::stream::Kind;

use crate::error::{Error, Result};
use crate::message::{Ilk, Message, check_toad};
use crate::primitives::{Digest, Prefix, Verkey};
use crate::seal::{Anchor, Trait};
use crate::threshold::Threshold;
use crate::value::{Map, Value};

/// keripy's default witness threshold for `n` witnesses (`eventing.ample`).
#[must_use]
pub fn ample(n: usize) -> u64 {
    let n = n as u64;
    if n == 0 {
        return 0;
    }
    let f1 = ((n - 1) / 3).max(1);
    let f2 = (n - 1).div_ceil(3).max(1);
    n.min((n + f1 + 1).div_ceil(2)).min((n + f2 + 1).div_ceil(2))
}

/// keripy's default signing threshold for `n` keys: `max(1, ceil(n / 2))`.
#[must_use]
pub fn default_kt(n: usize) -> Threshold {
    Threshold::Numeric((n as u64).div_ceil(2).max(1))
}

/// keripy's default next threshold for `n` next digests: `max(0, ceil(n / 2))`.
#[must_use]
pub fn default_nt(n: usize) -> Threshold {
    Threshold::Numeric((n as u64).div_ceil(2))
}

fn qb64_list<'a, T: 'a>(items: impl IntoIterator<Item = &'a T>, f: impl Fn(&T) -> String) -> Value {
    Value::List(items.into_iter().map(|x| Value::Str(f(x))).collect())
}

fn thold(t: &Threshold, intive: bool) -> Value {
    if intive { t.to_int_value() } else { t.to_value() }
}

fn toad_value(toad: u64, intive: bool) -> Value {
    if intive && toad <= crate::threshold::MAX_INT_THOLD { Value::from(toad) } else { Value::Str(format!("{toad:x}")) }
}

fn anchors_value(a: &[Anchor]) -> Value {
    Value::List(a.iter().map(Anchor::to_value).collect())
}

/// Inception (`icp`), or delegated inception (`dip`) when `delegator` is set.
#[derive(Clone, Debug, Default)]
pub struct Incept {
    /// Signing keys (at least one).
    pub keys: Vec<Verkey>,
    /// Signing threshold; default `max(1, ceil(keys/2))`.
    pub kt: Option<Threshold>,
    /// Next key digests (empty: non-transferable or abandoned).
    pub next: Vec<Digest>,
    /// Next threshold; default `ceil(next/2)`.
    pub nt: Option<Threshold>,
    /// Witness threshold; default [`ample`] of the witness count.
    pub toad: Option<u64>,
    /// Witnesses.
    pub witnesses: Vec<Prefix>,
    /// Configuration traits.
    pub config: Vec<Trait>,
    /// Anchors.
    pub anchors: Vec<Anchor>,
    /// Delegator: makes this a `dip`.
    pub delegator: Option<Prefix>,
    /// Prefix derivation: `None` is keripy's rule (one key and no delegator: basic
    /// prefix from the key; otherwise self-addressing Blake3); a digest code makes it
    /// self-addressing with that code (for `d` too); a key code must be the key's own.
    pub prefix_code: Option<MatterCode>,
    /// Serialization kind; default JSON.
    pub kind: Option<Kind>,
    /// Write numeric `kt`, `nt` and `bt` up to `2^32 - 1` as integers instead of hex
    /// strings (keripy's `intive=True`); default false.
    pub intive: bool,
}

impl Incept {
    /// Builds the event.
    ///
    /// # Errors
    /// [`Error::Invalid`] or [`Error::Field`] for anything keripy would refuse or a
    /// verifier would reject: no keys, thresholds out of bounds, toad out of range,
    /// duplicate witnesses, a non-transferable prefix with next keys, witnesses or anchors…
    pub fn build(&self) -> Result<Message> {
        let ilk = if self.delegator.is_some() { Ilk::Dip } else { Ilk::Icp };
        let self_addressing = match self.prefix_code {
            None => self.keys.len() != 1 || self.delegator.is_some(),
            Some(c) if c.is_digest() => true,
            Some(c) => {
                if self.keys.len() != 1 || self.keys.first().map(Verkey::code) != Some(c) {
                    return Err(Error::invalid("a basic prefix needs exactly one key of that code"));
                }
                false
            }
        };
        let code = match self.prefix_code {
            Some(c) if c.is_digest() => c,
            _ => MatterCode::Blake3_256,
        };
        let prefix = if self_addressing {
            String::new()
        } else {
            self.keys.first().map(Verkey::qb64).ok_or_else(|| Error::invalid("at least one key is required"))?
        };
        let kt = self.kt.clone().unwrap_or_else(|| default_kt(self.keys.len()));
        let nt = self.nt.clone().unwrap_or_else(|| default_nt(self.next.len()));
        let toad = self.toad.unwrap_or_else(|| ample(self.witnesses.len()));
        check_toad(toad, self.witnesses.len(), "bt")?;
        let mut m = Map::new();
        m.push("t", ilk.as_str());
        m.push("d", "");
        m.push("i", prefix);
        m.push("s", "0");
        m.push("kt", thold(&kt, self.intive));
        m.push("k", qb64_list(&self.keys, Verkey::qb64));
        m.push("nt", thold(&nt, self.intive));
        m.push("n", qb64_list(&self.next, Digest::qb64));
        m.push("bt", toad_value(toad, self.intive));
        m.push("b", qb64_list(&self.witnesses, Prefix::qb64));
        m.push("c", Value::List(self.config.iter().map(Trait::to_value).collect()));
        m.push("a", anchors_value(&self.anchors));
        if let Some(di) = &self.delegator {
            m.push("di", di.qb64());
        }
        Message::from_fields(self.kind.unwrap_or(Kind::Json), m, code)
    }
}

/// Rotation (`rot`), or delegated rotation (`drt`) when `delegated` is set.
#[derive(Clone, Debug)]
pub struct Rotate {
    /// The identifier.
    pub prefix: Prefix,
    /// Sequence number of this event (≥ 1).
    pub sn: u128,
    /// SAID of the prior event.
    pub prior: Digest,
    /// New signing keys.
    pub keys: Vec<Verkey>,
    /// New signing threshold; default `max(1, ceil(keys/2))`.
    pub kt: Option<Threshold>,
    /// New next digests (empty abandons the identifier).
    pub next: Vec<Digest>,
    /// Next threshold; default `ceil(next/2)`.
    pub nt: Option<Threshold>,
    /// The witness list before this rotation.
    pub witnesses: Vec<Prefix>,
    /// Witnesses to remove (must be in `witnesses`).
    pub cuts: Vec<Prefix>,
    /// Witnesses to add (must not be in `witnesses`).
    pub adds: Vec<Prefix>,
    /// Witness threshold; default [`ample`] of the new witness count.
    pub toad: Option<u64>,
    /// Anchors.
    pub anchors: Vec<Anchor>,
    /// Makes this a `drt`.
    pub delegated: bool,
    /// Serialization kind; default JSON.
    pub kind: Option<Kind>,
    /// Write numeric `kt`, `nt` and `bt` up to `2^32 - 1` as integers instead of hex
    /// strings (keripy's `intive=True`); default false.
    pub intive: bool,
}

impl Rotate {
    /// A rotation with defaults for everything but what identifies it.
    #[must_use]
    pub fn new(prefix: Prefix, sn: u128, prior: Digest, keys: Vec<Verkey>, next: Vec<Digest>) -> Self {
        Self {
            prefix,
            sn,
            prior,
            keys,
            kt: None,
            next,
            nt: None,
            witnesses: Vec::new(),
            cuts: Vec::new(),
            adds: Vec::new(),
            toad: None,
            anchors: Vec::new(),
            delegated: false,
            kind: None,
            intive: false,
        }
    }

    /// The witness list after this rotation: cuts removed first, then adds appended
    /// ([`crate::witness::witness_changes`]).
    ///
    /// # Errors
    /// [`Error::Witness`] naming the rule and the witness: a duplicate cut or add, a
    /// cut not in the list, a witness both cut and added, an add already in the list.
    pub fn new_witnesses(&self) -> Result<Vec<Prefix>> {
        Ok(crate::witness::witness_changes(&self.witnesses, &self.cuts, &self.adds)?)
    }

    /// Builds the event.
    ///
    /// # Errors
    /// As [`Incept::build`], plus the witness-list rules of [`Rotate::new_witnesses`].
    pub fn build(&self) -> Result<Message> {
        if self.sn == 0 {
            return Err(Error::invalid("a rotation has a sequence number of at least 1"));
        }
        let witnesses = self.new_witnesses()?;
        let kt = self.kt.clone().unwrap_or_else(|| default_kt(self.keys.len()));
        let nt = self.nt.clone().unwrap_or_else(|| default_nt(self.next.len()));
        let toad = self.toad.unwrap_or_else(|| ample(witnesses.len()));
        crate::witness::check_toad(toad, witnesses.len())?;
        let mut m = Map::new();
        m.push("t", if self.delegated { Ilk::Drt.as_str() } else { Ilk::Rot.as_str() });
        m.push("d", "");
        m.push("i", self.prefix.qb64());
        m.push("s", format!("{:x}", self.sn));
        m.push("p", self.prior.qb64());
        m.push("kt", thold(&kt, self.intive));
        m.push("k", qb64_list(&self.keys, Verkey::qb64));
        m.push("nt", thold(&nt, self.intive));
        m.push("n", qb64_list(&self.next, Digest::qb64));
        m.push("bt", toad_value(toad, self.intive));
        m.push("br", qb64_list(&self.cuts, Prefix::qb64));
        m.push("ba", qb64_list(&self.adds, Prefix::qb64));
        m.push("a", anchors_value(&self.anchors));
        Message::from_fields(self.kind.unwrap_or(Kind::Json), m, MatterCode::Blake3_256)
    }
}

/// Interaction (`ixn`).
#[derive(Clone, Debug)]
pub struct Interact {
    /// The identifier.
    pub prefix: Prefix,
    /// Sequence number (≥ 1).
    pub sn: u128,
    /// SAID of the prior event.
    pub prior: Digest,
    /// Anchors.
    pub anchors: Vec<Anchor>,
    /// Serialization kind; default JSON.
    pub kind: Option<Kind>,
}

impl Interact {
    /// Builds the event.
    ///
    /// # Errors
    /// [`Error::Invalid`] for sequence number 0 or a non-transferable prefix.
    pub fn build(&self) -> Result<Message> {
        let mut m = Map::new();
        m.push("t", "ixn");
        m.push("d", "");
        m.push("i", self.prefix.qb64());
        m.push("s", format!("{:x}", self.sn));
        m.push("p", self.prior.qb64());
        m.push("a", anchors_value(&self.anchors));
        Message::from_fields(self.kind.unwrap_or(Kind::Json), m, MatterCode::Blake3_256)
    }
}

/// A receipt (`rct`) of the event `said` at `sn` of `prefix`.
///
/// # Errors
/// Never for valid inputs; see [`Message::parse`].
pub fn receipt(prefix: &Prefix, sn: u128, said: &Digest, kind: Kind) -> Result<Message> {
    let mut m = Map::new();
    m.push("t", "rct");
    m.push("d", said.qb64());
    m.push("i", prefix.qb64());
    m.push("s", format!("{sn:x}"));
    Message::from_fields(kind, m, MatterCode::Blake3_256)
}

/// A routed request: `qry` (or `pro` with `prod`) with route, return route and query map.
///
/// # Errors
/// See [`Message::parse`].
pub fn query(route: &str, return_route: &str, query: Map, dt: &str, prod: bool, kind: Kind) -> Result<Message> {
    let mut m = Map::new();
    m.push("t", if prod { "pro" } else { "qry" });
    m.push("d", "");
    m.push("dt", dt);
    m.push("r", route);
    m.push("rr", return_route);
    m.push("q", query);
    Message::from_fields(kind, m, MatterCode::Blake3_256)
}

/// A routed reply: `rpy` (or `bar` with `bare`) with route and payload map.
///
/// # Errors
/// See [`Message::parse`].
pub fn reply(route: &str, payload: Map, dt: &str, bare: bool, kind: Kind) -> Result<Message> {
    let mut m = Map::new();
    m.push("t", if bare { "bar" } else { "rpy" });
    m.push("d", "");
    m.push("dt", dt);
    m.push("r", route);
    m.push("a", payload);
    Message::from_fields(kind, m, MatterCode::Blake3_256)
}

/// A peer exchange (`exn`, keripy 1.1.17 fields).
#[derive(Clone, Debug)]
pub struct Exchange {
    /// Sender.
    pub sender: Prefix,
    /// Recipient: keripy 1.1.17 puts it first in the payload, as `a.i`.
    pub recipient: Option<Prefix>,
    /// Prior exchange SAID, or empty.
    pub prior: String,
    /// Date-time.
    pub dt: String,
    /// Route.
    pub route: String,
    /// Modifiers `q`.
    pub modifiers: Map,
    /// Payload `a`.
    pub payload: Map,
    /// Embeds `e`.
    pub embeds: Map,
}

impl Exchange {
    /// Builds the message (JSON).
    ///
    /// # Errors
    /// See [`Message::parse`].
    pub fn build(&self) -> Result<Message> {
        let mut m = Map::new();
        m.push("t", "exn");
        m.push("d", "");
        m.push("i", self.sender.qb64());
        m.push("p", self.prior.as_str());
        m.push("dt", self.dt.as_str());
        m.push("r", self.route.as_str());
        m.push("q", self.modifiers.clone());
        let mut payload = Map::new();
        if let Some(r) = &self.recipient {
            payload.push("i", r.qb64());
        }
        payload.0.extend(self.payload.0.iter().filter(|(k, _)| self.recipient.is_none() || k != "i").cloned());
        m.push("a", payload);
        m.push("e", crate::message::saidify_embeds(self.embeds.clone())?);
        Message::from_fields(Kind::Json, m, MatterCode::Blake3_256)
    }
}
