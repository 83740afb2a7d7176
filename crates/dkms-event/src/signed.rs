//! Signed messages: a body with its CESR attachment groups, to and from streams
//! in either domain.
//!
//! ```
//! use dkms_cesr::Domain;
//! use dkms_cesr::stream::Framer;
//! use dkms_event::signed::SignedMessage;
//!
//! // Reference §12.1: the canonical inception signed at index 0, plain and pipelined.
//! let wire = br#"{"v":"KERI10JSON00012b_","t":"icp","d":"EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C","i":"EAKCxMOuoRzREVHsHCkLilBrUXTvyenBiuM2QtV8BB0C","s":"0","kt":"1","k":["DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH"],"nt":"1","n":["EIf-ENw7PrM52w4H-S7NGU2qVIfraXVIlV9hEAaMHg7W"],"bt":"0","b":[],"c":[],"a":[]}-AABAAAPitVKfl6dG9dY4-7Ppg5tAANHsqEUptTfR05wLb0fbmKFt4DbZdBNjJaCDrEc7kAIqbLsCMCKf26-Onxz-DoP"#;
//! let framed = Framer::new().messages(wire).next().unwrap()?;
//! let signed = SignedMessage::from_framed(&framed)?;
//! assert_eq!(signed.attachments.controller_sigs.len(), 1);
//! assert_eq!(signed.to_cesr(Domain::Text, false)?, wire.to_vec());
//! # Ok::<(), dkms_event::Error>(())
//! ```

use dkms_cesr::stream::{self, Part};
use dkms_cesr::{Counter, CounterKind, Domain, Indexer, Matter, MatterCode};

use crate::error::{Error, Result};
use crate::message::{Ilk, Message};
use crate::primitives::{Digest, Prefix, Verkey};

/// A transferable signer's signatures pinned to one of its establishment events (`-F`, `-D`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransSigGroup {
    /// Signer's identifier.
    pub prefix: Prefix,
    /// Sequence number of the signer's establishment event.
    pub sn: u128,
    /// SAID of that event.
    pub said: Digest,
    /// Indexed signatures by its keys at that event.
    pub sigs: Vec<Indexer>,
}

/// Everything a message can carry after its body (CESR v1 groups).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attachments {
    /// `-F`: transferable indexed signature groups.
    pub trans_sig_groups: Vec<TransSigGroup>,
    /// `-H`: signatures by a transferable signer's latest keys.
    pub last_sig_groups: Vec<(Prefix, Vec<Indexer>)>,
    /// `-A`: controller indexed signatures.
    pub controller_sigs: Vec<Indexer>,
    /// `-B`: witness indexed signatures.
    pub witness_sigs: Vec<Indexer>,
    /// `-G`: seal source couples (sn, SAID) of the anchoring event.
    pub source_seals: Vec<(u128, Digest)>,
    /// `-I`: seal source triples (prefix, sn, SAID).
    pub source_triples: Vec<(Prefix, u128, Digest)>,
    /// `-D`: transferable receipt quadruples, each with one signature.
    pub trans_receipts: Vec<TransSigGroup>,
    /// `-C`: non-transferable receipt couples (signer key, signature).
    pub nontrans_receipts: Vec<(Verkey, Matter)>,
    /// `-E`: first-seen replay couples (ordinal, RFC-3339 date-time).
    pub first_seen: Vec<(u128, String)>,
    /// Groups carried through unchanged (`-J`, `-K`, `-L`), in their domain.
    pub other: Vec<(Domain, Vec<u8>)>,
    /// The order in which group kinds arrived; encoding follows it, then keripy's
    /// order for kinds not listed. Empty for messages built here.
    pub order: Vec<CounterKind>,
}

/// keripy's order: `messagize` (`-F`/`-H`, `-A`, `-B`, `-C`) merged with replay
/// cloning (`-A -B -G -D -C -E`).
const KERIPY_ORDER: [CounterKind; 9] = [
    CounterKind::TransIdxSigGroups,
    CounterKind::TransLastIdxSigGroups,
    CounterKind::ControllerIdxSigs,
    CounterKind::WitnessIdxSigs,
    CounterKind::SealSourceCouples,
    CounterKind::SealSourceTriples,
    CounterKind::TransReceiptQuadruples,
    CounterKind::NonTransReceiptCouples,
    CounterKind::FirstSeenReplayCouples,
];

/// A message and its attachments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedMessage {
    /// The body.
    pub message: Message,
    /// The attachments.
    pub attachments: Attachments,
}

/// Sequence numbers and ordinals travel as `0A` + 16 bytes (keripy `Seqner`).
///
/// # Errors
/// Never in practice (16 bytes always fit code `0A`).
pub fn seqner(sn: u128) -> Result<Matter> {
    Ok(Matter::new(MatterCode::Salt128, sn.to_be_bytes().to_vec())?)
}

fn read_seqner(m: &Matter, what: &str) -> Result<u128> {
    if m.code() != MatterCode::Salt128 {
        return Err(Error::field(what, format!("sequence number must have code 0A, not {}", m.code())));
    }
    let raw: [u8; 16] = m.raw().try_into().map_err(|_| Error::field(what, "sequence number must be 16 bytes"))?;
    Ok(u128::from_be_bytes(raw))
}

/// `1AAG` date-time: RFC-3339 with `:` `.` `+` written as `c` `d` `p` (keripy `Dater`).
///
/// # Errors
/// [`Error::Field`] when `dt` is not a 32-character date-time.
pub fn dater(dt: &str) -> Result<Matter> {
    let text: String = dt
        .chars()
        .map(|c| match c {
            ':' => 'c',
            '.' => 'd',
            '+' => 'p',
            c => c,
        })
        .collect();
    let mut qb64 = String::from("1AAG");
    qb64.push_str(&text);
    Matter::from_qb64(&qb64).map_err(|e| Error::field("dt", format!("not a 32-character date-time: {e}")))
}

fn read_dater(m: &Matter) -> Result<String> {
    if m.code() != MatterCode::DateTime {
        return Err(Error::field("-E", format!("date-time must have code 1AAG, not {}", m.code())));
    }
    let q = m.qb64();
    Ok(q.get(4..)
        .unwrap_or_default()
        .chars()
        .map(|c| match c {
            'c' => ':',
            'd' => '.',
            'p' => '+',
            c => c,
        })
        .collect())
}

fn matter(part: &Part<'_>, domain: Domain) -> Result<Matter> {
    match part {
        Part::Matter(b) => Ok(Matter::decode(b, domain)?),
        _ => Err(Error::invalid("expected a primitive in the attachment group")),
    }
}

fn indexer(part: &Part<'_>, domain: Domain) -> Result<Indexer> {
    match part {
        Part::Indexer(b) => Ok(Indexer::decode(b, domain)?),
        _ => Err(Error::invalid("expected an indexed signature in the attachment group")),
    }
}

fn sigs_of(part: &Part<'_>) -> Result<Vec<Indexer>> {
    let Part::Group(g) = part else { return Err(Error::invalid("expected a nested signature group")) };
    g.parts()?.iter().map(|p| indexer(p, g.domain)).collect()
}

fn prefix_of(m: Matter) -> Result<Prefix> {
    Prefix::new(m).map_err(|_| Error::invalid("attachment: not an identifier prefix"))
}

fn digest_of(m: Matter) -> Result<Digest> {
    Digest::new(m).map_err(|_| Error::invalid("attachment: not a digest"))
}

impl Attachments {
    /// Reads one top-level group (a `-V` group is read through).
    ///
    /// # Errors
    /// A typed error for a group whose parts are not what its code announces.
    pub fn add_group(&mut self, g: &stream::Group<'_>) -> Result<()> {
        let d = g.domain;
        let parts = g.parts()?;
        let kind = g.counter.kind();
        if KERIPY_ORDER.contains(&kind) && !self.order.contains(&kind) {
            self.order.push(kind);
        }
        match kind {
            CounterKind::AttachedMaterialQuadlets | CounterKind::BigAttachedMaterialQuadlets => {
                for p in &parts {
                    if let Part::Group(inner) = p {
                        self.add_group(inner)?;
                    }
                }
            }
            CounterKind::ControllerIdxSigs => {
                for p in &parts {
                    self.controller_sigs.push(indexer(p, d)?);
                }
            }
            CounterKind::WitnessIdxSigs => {
                for p in &parts {
                    self.witness_sigs.push(indexer(p, d)?);
                }
            }
            CounterKind::NonTransReceiptCouples => {
                for c in parts.chunks(2) {
                    let [k, s] = c else { return Err(Error::invalid("-C couple incomplete")) };
                    let key = Verkey::new(matter(k, d)?).map_err(|_| Error::invalid("-C: not a public key"))?;
                    self.nontrans_receipts.push((key, matter(s, d)?));
                }
            }
            CounterKind::TransReceiptQuadruples => {
                for c in parts.chunks(4) {
                    let [p, s, dg, sig] = c else { return Err(Error::invalid("-D quadruple incomplete")) };
                    self.trans_receipts.push(TransSigGroup {
                        prefix: prefix_of(matter(p, d)?)?,
                        sn: read_seqner(&matter(s, d)?, "-D")?,
                        said: digest_of(matter(dg, d)?)?,
                        sigs: vec![indexer(sig, d)?],
                    });
                }
            }
            CounterKind::FirstSeenReplayCouples => {
                for c in parts.chunks(2) {
                    let [f, t] = c else { return Err(Error::invalid("-E couple incomplete")) };
                    self.first_seen.push((read_seqner(&matter(f, d)?, "-E")?, read_dater(&matter(t, d)?)?));
                }
            }
            CounterKind::TransIdxSigGroups => {
                for c in parts.chunks(4) {
                    let [p, s, dg, sigs] = c else { return Err(Error::invalid("-F group incomplete")) };
                    self.trans_sig_groups.push(TransSigGroup {
                        prefix: prefix_of(matter(p, d)?)?,
                        sn: read_seqner(&matter(s, d)?, "-F")?,
                        said: digest_of(matter(dg, d)?)?,
                        sigs: sigs_of(sigs)?,
                    });
                }
            }
            CounterKind::SealSourceCouples => {
                for c in parts.chunks(2) {
                    let [s, dg] = c else { return Err(Error::invalid("-G couple incomplete")) };
                    self.source_seals.push((read_seqner(&matter(s, d)?, "-G")?, digest_of(matter(dg, d)?)?));
                }
            }
            CounterKind::TransLastIdxSigGroups => {
                for c in parts.chunks(2) {
                    let [p, sigs] = c else { return Err(Error::invalid("-H group incomplete")) };
                    self.last_sig_groups.push((prefix_of(matter(p, d)?)?, sigs_of(sigs)?));
                }
            }
            CounterKind::SealSourceTriples => {
                for c in parts.chunks(3) {
                    let [p, s, dg] = c else { return Err(Error::invalid("-I triple incomplete")) };
                    self.source_triples.push((
                        prefix_of(matter(p, d)?)?,
                        read_seqner(&matter(s, d)?, "-I")?,
                        digest_of(matter(dg, d)?)?,
                    ));
                }
            }
            _ => self.other.push((d, g.raw.to_vec())),
        }
        Ok(())
    }

    /// True when nothing is attached.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Attachments::default()
    }

    /// Encodes the groups: in the order they arrived, else keripy's order
    /// (`-F -H -A -B -G -I -D -C -E`), then the groups carried through.
    ///
    /// # Errors
    /// [`Error::Cesr`] when a count exceeds what a counter can hold.
    pub fn encode(&self, domain: Domain) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        for kind in self.order.iter().chain(KERIPY_ORDER.iter().filter(|k| !self.order.contains(k))) {
            self.encode_kind(*kind, domain, &mut out)?;
        }
        for (d, raw) in &self.other {
            if *d == domain {
                out.extend_from_slice(raw);
            } else if domain == Domain::Text {
                out.extend(dkms_cesr::binary_to_text(raw)?);
            } else {
                out.extend(dkms_cesr::text_to_binary(raw)?);
            }
        }
        Ok(out)
    }

    fn encode_kind(&self, kind: CounterKind, domain: Domain, out: &mut Vec<u8>) -> Result<()> {
        let counter = |kind: CounterKind, n: usize, out: &mut Vec<u8>| -> Result<()> {
            Counter::new(kind, n as u64)?.encode_into(domain, out);
            Ok(())
        };
        let sigs = |kind: CounterKind, s: &[Indexer], out: &mut Vec<u8>| -> Result<()> {
            if !s.is_empty() {
                counter(kind, s.len(), out)?;
                for x in s {
                    x.encode_into(domain, out);
                }
            }
            Ok(())
        };
        match kind {
            CounterKind::TransIdxSigGroups if !self.trans_sig_groups.is_empty() => {
                counter(kind, self.trans_sig_groups.len(), out)?;
                for g in &self.trans_sig_groups {
                    g.prefix.matter().encode_into(domain, out);
                    seqner(g.sn)?.encode_into(domain, out);
                    g.said.matter().encode_into(domain, out);
                    sigs(CounterKind::ControllerIdxSigs, &g.sigs, out)?;
                }
            }
            CounterKind::TransLastIdxSigGroups if !self.last_sig_groups.is_empty() => {
                counter(kind, self.last_sig_groups.len(), out)?;
                for (p, s) in &self.last_sig_groups {
                    p.matter().encode_into(domain, out);
                    sigs(CounterKind::ControllerIdxSigs, s, out)?;
                }
            }
            CounterKind::ControllerIdxSigs => sigs(kind, &self.controller_sigs, out)?,
            CounterKind::WitnessIdxSigs => sigs(kind, &self.witness_sigs, out)?,
            CounterKind::SealSourceCouples if !self.source_seals.is_empty() => {
                counter(kind, self.source_seals.len(), out)?;
                for (sn, d) in &self.source_seals {
                    seqner(*sn)?.encode_into(domain, out);
                    d.matter().encode_into(domain, out);
                }
            }
            CounterKind::SealSourceTriples if !self.source_triples.is_empty() => {
                counter(kind, self.source_triples.len(), out)?;
                for (p, sn, d) in &self.source_triples {
                    p.matter().encode_into(domain, out);
                    seqner(*sn)?.encode_into(domain, out);
                    d.matter().encode_into(domain, out);
                }
            }
            CounterKind::TransReceiptQuadruples if !self.trans_receipts.is_empty() => {
                counter(kind, self.trans_receipts.iter().map(|r| r.sigs.len()).sum(), out)?;
                for r in &self.trans_receipts {
                    for s in &r.sigs {
                        r.prefix.matter().encode_into(domain, out);
                        seqner(r.sn)?.encode_into(domain, out);
                        r.said.matter().encode_into(domain, out);
                        s.encode_into(domain, out);
                    }
                }
            }
            CounterKind::NonTransReceiptCouples if !self.nontrans_receipts.is_empty() => {
                counter(kind, self.nontrans_receipts.len(), out)?;
                for (k, s) in &self.nontrans_receipts {
                    k.matter().encode_into(domain, out);
                    s.encode_into(domain, out);
                }
            }
            CounterKind::FirstSeenReplayCouples if !self.first_seen.is_empty() => {
                counter(kind, self.first_seen.len(), out)?;
                for (f, dt) in &self.first_seen {
                    seqner(*f)?.encode_into(domain, out);
                    dater(dt)?.encode_into(domain, out);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// An attachment group that keripy 1.1.17 does not read for the message's type, and
/// where it is: a caller may report it; the message is read as if it were absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IgnoredGroup {
    /// The group's kind.
    pub kind: CounterKind,
    /// The group's offset from the start of the buffer given to the framer (a group
    /// inside `-V` counts from there too).
    pub offset: usize,
}

/// The attachment groups keripy 1.1.17's parser hands on for a message type
/// (`Parser.msgParsator`); it drops the others without a word. Key events: `-A` controller
/// signatures, `-B` witness signatures, `-C` and `-D` receipts, `-G` delegation source
/// seal, `-E` first-seen replay couple. `rct`: `-C`, `-B`, `-F`. `rpy`: `-C`, `-F`.
/// `qry`: `-H`, `-C`. `exn`: `-C`, `-F`, `-L` (path groups). `-V` is read through.
/// Other types (`pro`, `bar`) are not handled by keripy 1.1.17: every group is listed.
#[must_use]
pub const fn groups_read_for(ilk: Ilk) -> &'static [CounterKind] {
    use CounterKind as K;
    match ilk {
        Ilk::Icp | Ilk::Rot | Ilk::Ixn | Ilk::Dip | Ilk::Drt => &[
            K::ControllerIdxSigs,
            K::WitnessIdxSigs,
            K::NonTransReceiptCouples,
            K::TransReceiptQuadruples,
            K::SealSourceCouples,
            K::FirstSeenReplayCouples,
        ],
        Ilk::Rct => &[K::NonTransReceiptCouples, K::WitnessIdxSigs, K::TransIdxSigGroups],
        Ilk::Rpy => &[K::NonTransReceiptCouples, K::TransIdxSigGroups],
        Ilk::Qry => &[K::TransLastIdxSigGroups, K::NonTransReceiptCouples],
        Ilk::Exn => &[K::NonTransReceiptCouples, K::TransIdxSigGroups, K::PathedMaterialQuadlets],
        Ilk::Pro | Ilk::Bar => &[],
    }
}

/// The groups of a framed message's attachments that keripy 1.1.17 ignores for `ilk`
/// ([`groups_read_for`]), in stream order; `-V` groups are looked into. Allocates only
/// when there is one.
///
/// # Errors
/// Never for groups the framer produced (reading a `-V` group's parts).
pub fn ignored_groups(ilk: Ilk, groups: &[stream::Group<'_>]) -> Result<Vec<IgnoredGroup>> {
    fn walk(read: &[CounterKind], g: &stream::Group<'_>, base: usize, out: &mut Vec<IgnoredGroup>) -> Result<()> {
        let kind = g.counter.kind();
        let at = base + g.offset;
        if matches!(kind, CounterKind::AttachedMaterialQuadlets | CounterKind::BigAttachedMaterialQuadlets) {
            for p in g.parts()? {
                if let Part::Group(inner) = p {
                    walk(read, &inner, at, out)?;
                }
            }
        } else if !read.contains(&kind) {
            out.push(IgnoredGroup { kind, offset: at });
        }
        Ok(())
    }
    let read = groups_read_for(ilk);
    let mut out = Vec::new();
    for g in groups {
        walk(read, g, 0, &mut out)?;
    }
    Ok(out)
}

impl SignedMessage {
    /// Parses a framed message: the body strictly (SAID included) and every group.
    ///
    /// # Errors
    /// Any body error, or a group whose content does not match its code.
    pub fn from_framed(m: &stream::Message<'_>) -> Result<Self> {
        let message = Message::parse(m.body.raw)?;
        let mut attachments = Attachments::default();
        for g in &m.attachments {
            attachments.add_group(g)?;
        }
        Ok(Self { message, attachments })
    }

    /// The message as a CESR stream item: body, then attachments in `domain`,
    /// wrapped in one `-V` group when `pipelined`.
    ///
    /// # Errors
    /// [`Error::Cesr`] when a count does not fit its counter.
    pub fn to_cesr(&self, domain: Domain, pipelined: bool) -> Result<Vec<u8>> {
        let mut out = self.message.raw().to_vec();
        let atc = self.attachments.encode(domain)?;
        if pipelined && !atc.is_empty() {
            let unit = if domain == Domain::Text { 4 } else { 3 };
            let quads = (atc.len() / unit) as u64;
            let kind = if quads < 4096 {
                CounterKind::AttachedMaterialQuadlets
            } else {
                CounterKind::BigAttachedMaterialQuadlets
            };
            Counter::new(kind, quads)?.encode_into(domain, &mut out);
        }
        out.extend(atc);
        Ok(out)
    }
}
