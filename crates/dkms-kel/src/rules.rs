//! The KEL rules: functions that decide over a read-only [`View`] and return a decision.
//!
//! Nothing here changes the engine or touches the store for writing; verdicts computed ahead
//! (batched or parallel signature checks) come in as an argument. The engine applies what
//! the rules decide.

use dkms_cesr::{Indexer, IndexerCode, Matter};
use dkms_crypto::{Signature, Verfer};
use dkms_event::message::{Body, Ilk, Inception, Message, Rotation};
use dkms_event::primitives::{Digest, Prefix, Verkey};
use dkms_event::signed::{SignedMessage, TransSigGroup};

use crate::error::{Error, Result, Rule};
use crate::pipeline::Preverified;
use crate::report::{Waiting, WarningKind};
use crate::state::{KeyState, verfers};
use crate::verify;
use crate::view::View;

/// The key state an accepted event leads to.
pub(crate) enum NewState {
    /// An interaction: only the latest-event fields change (updated in place, no copy of keys).
    Interaction { sn: u128, said: Digest, prior: Digest },
    /// An establishment event: a whole new state.
    Establishment(Box<KeyState>),
}

/// Everything needed to log an accepted event.
pub(crate) struct Acceptance {
    pub(crate) prefix: String,
    pub(crate) state: NewState,
    pub(crate) sigs: Vec<Indexer>,
    pub(crate) wigs: Vec<Indexer>,
    pub(crate) source: Option<(u128, Digest)>,
    /// A recovery rotation: later events at or after its sequence number are superseded.
    pub(crate) supersede: bool,
    pub(crate) receipts: Vec<(Verkey, Matter)>,
    pub(crate) trans_receipts: Vec<TransSigGroup>,
    /// Attached validator receipts whose validator's establishment event is not known yet.
    pub(crate) trans_waiting: Option<Waiting>,
}

/// What the rules decide for a key event.
pub(crate) enum Decision {
    Accept(Box<Acceptance>),
    /// The same event is already accepted: new valid witness signatures to add to it.
    Duplicate {
        said: Digest,
        wigs: Vec<Indexer>,
    },
    Escrow(Waiting),
}

/// What the rules decide for a receipt.
pub(crate) enum ReceiptDecision {
    /// Applies to the accepted event with this SAID.
    Apply(Box<ReceiptApply>),
    Escrow(Waiting),
    /// Nothing in it counts, and nothing in it is wrong enough to reject it.
    Ignore(Vec<WarningKind>),
}

pub(crate) struct ReceiptApply {
    pub(crate) said: Digest,
    pub(crate) wigs: Vec<Indexer>,
    pub(crate) receipts: Vec<(Verkey, Matter)>,
    pub(crate) trans: Vec<TransSigGroup>,
    pub(crate) warnings: Vec<WarningKind>,
}

fn prefix_of(msg: &Message) -> &str {
    msg.prefix().map_or("", Prefix::as_str)
}

/// Decides a key event (`icp`, `rot`, `ixn`, `dip`, `drt`).
pub(crate) fn key_event(view: &View<'_>, sm: &SignedMessage, pre: Option<&Preverified>) -> Result<Decision> {
    let msg = &sm.message;
    let prefix = prefix_of(msg);
    let sn = msg.sn().unwrap_or(0);
    if sm.attachments.controller_sigs.is_empty() {
        return Err(Error::Unsigned { ilk: msg.ilk().as_str(), prefix: prefix.to_owned(), sn });
    }
    let Some(state) = view.state(prefix) else {
        return match msg.body() {
            Body::Inception(icp) => incept(view, sm, icp, pre),
            _ => Ok(Decision::Escrow(Waiting::PriorEvents { latest: None })),
        };
    };
    if let Body::Inception(_) = msg.body() {
        return known_location(view, sm, prefix, 0, pre);
    }
    if sn > state.sn + 1 {
        return Ok(Decision::Escrow(Waiting::PriorEvents { latest: Some(state.sn) }));
    }
    if !state.transferable() {
        // Its events (the abandoning rotation among them) seen again are duplicates.
        if sn <= state.sn && view.at(prefix, sn)?.as_ref() == Some(msg.said()) {
            return known_location(view, sm, prefix, sn, pre);
        }
        return Err(Error::rule(prefix, sn, Rule::NotTransferable));
    }
    let next = state.sn + 1;
    let latest_is_ixn = state.ilk == Ilk::Ixn;
    let update = match msg.ilk() {
        Ilk::Ixn => sn == next,
        Ilk::Rot => sn == next || (state.last_est.sn < sn && sn <= state.sn && latest_is_ixn),
        Ilk::Drt => sn == next || (sn == state.sn && latest_is_ixn),
        _ => false,
    };
    if !update {
        return known_location(view, sm, prefix, sn, pre);
    }
    match msg.body() {
        Body::Interaction(_) => interact(view, sm, state, sn, pre),
        Body::Rotation(rot) => rotate(view, sm, rot, state, pre),
        _ => Err(Error::Event(dkms_event::Error::Field { field: "t".into(), reason: "not a key event".into() })),
    }
}

/// An event at a location already accepted: a duplicate (with possibly new witness
/// signatures), a superseded event seen again, or likely duplicity.
fn known_location(
    view: &View<'_>,
    sm: &SignedMessage,
    prefix: &str,
    sn: u128,
    pre: Option<&Preverified>,
) -> Result<Decision> {
    let said = sm.message.said();
    match view.at(prefix, sn)? {
        Some(d) if &d == said => {
            let wigs = match view.logged(said)? {
                Some(logged) => {
                    // New witness signatures count only if they verify for this event.
                    let sn = logged.message.sn().unwrap_or(0);
                    verify::indexed(
                        logged.message.raw(),
                        &logged.witness_verfers,
                        &sm.attachments.witness_sigs,
                        prefix,
                        sn,
                        "witnesses",
                        None,
                    )
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|w| !logged.wigs.iter().any(|x| x.index() == w.index()))
                    .collect()
                }
                None => Vec::new(),
            };
            Ok(Decision::Duplicate { said: d, wigs })
        }
        Some(accepted) => {
            // A superseded event seen again is a duplicate of history, not duplicity.
            if view.message(said)?.is_some() {
                Ok(Decision::Duplicate { said: said.clone(), wigs: Vec::new() })
            } else {
                // Evidence of duplicity only when those in control at that place signed it:
                // anyone can make an unsigned (or self-signed) conflicting event.
                conflict_signed(view, sm, prefix, sn, pre)?;
                Ok(Decision::Escrow(Waiting::Duplicity { accepted }))
            }
        }
        None if view.message(said)?.is_some() => Ok(Decision::Duplicate { said: said.clone(), wigs: Vec::new() }),
        None => Ok(Decision::Escrow(Waiting::PriorEvents { latest: view.state(prefix).map(|s| s.sn) })),
    }
}

/// The keys, thresholds and next-key digests in force just before a sequence number: those of
/// the latest establishment event before it.
struct Authority {
    verfers: std::sync::Arc<[Verfer]>,
    kt: dkms_event::threshold::Threshold,
    next: Vec<Digest>,
    nt: dkms_event::threshold::Threshold,
}

fn authority_before(view: &View<'_>, state: &KeyState, prefix: &str, sn: u128) -> Result<Option<Authority>> {
    if sn == 0 {
        return Ok(None);
    }
    if state.last_est.sn < sn {
        return Ok(Some(Authority {
            verfers: state.verfers.clone(),
            kt: state.kt.clone(),
            next: state.next.clone(),
            nt: state.nt.clone(),
        }));
    }
    // Walk back through the accepted events to the establishment event before `sn`.
    let mut at = sn - 1;
    loop {
        let Some(d) = view.at(prefix, at)? else { return Ok(None) };
        let Some(m) = view.message(&d)? else { return Ok(None) };
        let b = m.body();
        if let (Some(keys), Some(kt), Some(next), Some(nt)) = (b.keys(), b.kt(), b.next(), b.nt()) {
            return Ok(Some(Authority { verfers: verfers(keys), kt: kt.clone(), next: next.to_vec(), nt: nt.clone() }));
        }
        if at == 0 {
            return Ok(None);
        }
        at -= 1;
    }
}

/// Whether an event that conflicts with the accepted one at its place is signed by those in
/// control there: an interaction by the keys in force, a rotation by its own keys that the
/// prior next-key digests commit to, an inception by its own keys (each meeting its threshold).
fn conflict_signed(
    view: &View<'_>,
    sm: &SignedMessage,
    prefix: &str,
    sn: u128,
    pre: Option<&Preverified>,
) -> Result<()> {
    let unsigned = || Error::NoValidSignature { prefix: prefix.to_owned(), sn, what: "controller" };
    let Some(state) = view.state(prefix) else { return Err(unsigned()) };
    let ok = match sm.message.body() {
        Body::Inception(icp) => {
            let sigs = verify_controller(sm, &verfers(&icp.keys), prefix, sn, pre)?;
            icp.kt.satisfied_by(sigs.iter().map(Indexer::index))
        }
        Body::Interaction(_) => {
            let Some(a) = authority_before(view, state, prefix, sn)? else { return Err(unsigned()) };
            let sigs = verify_controller(sm, &a.verfers, prefix, sn, pre)?;
            a.kt.satisfied_by(sigs.iter().map(Indexer::index))
        }
        Body::Rotation(rot) => {
            let Some(a) = authority_before(view, state, prefix, sn)? else { return Err(unsigned()) };
            let sigs = verify_controller(sm, &verfers(&rot.keys), prefix, sn, pre)?;
            rot.kt.satisfied_by(sigs.iter().map(Indexer::index))
                && a.nt.satisfied_by(dkms_event::verify::exposed(&a.next, &rot.keys, &sigs))
        }
        _ => false,
    };
    if ok { Ok(()) } else { Err(unsigned()) }
}

/// What an event whose valid controller signatures do not meet `kt` waits for (`None`: met).
fn short_of(sigs: &[Indexer], kt: &dkms_event::threshold::Threshold) -> Option<Waiting> {
    (!kt.satisfied_by(sigs.iter().map(Indexer::index)))
        .then(|| Waiting::Signatures { valid: sigs.iter().map(Indexer::index).collect(), threshold: kt.clone() })
}

fn verify_controller(
    sm: &SignedMessage,
    verfers: &[Verfer],
    prefix: &str,
    sn: u128,
    pre: Option<&Preverified>,
) -> Result<Vec<Indexer>> {
    let valid = verify::indexed(sm.message.raw(), verfers, &sm.attachments.controller_sigs, prefix, sn, "keys", pre)?;
    if valid.is_empty() {
        return Err(Error::NoValidSignature { prefix: prefix.to_owned(), sn, what: "controller" });
    }
    Ok(valid)
}

/// Witness signatures valid for `witnesses` — the event's own (an index beyond the list is an
/// error, as in keripy), its witnesses' receipt couples, and those of receipts escrowed for it
/// (ignored when they cannot count) — and whether they meet `toad`.
fn witnessed(
    view: &View<'_>,
    sm: &SignedMessage,
    prefix: &Prefix,
    sn: u128,
    witnesses: &[Prefix],
    verfers: &[Verfer],
    toad: u64,
) -> Result<(Vec<Indexer>, Option<Waiting>)> {
    let raw = sm.message.raw();
    let mut wigs = verify::indexed(raw, verfers, &sm.attachments.witness_sigs, prefix.as_str(), sn, "witnesses", None)?;
    let add = |sig: Indexer, wigs: &mut Vec<Indexer>| {
        if !wigs.iter().any(|w| w.index() == sig.index()) {
            wigs.push(sig);
        }
    };
    for (key, cigar) in &sm.attachments.nontrans_receipts {
        if let Some(i) = witnesses.iter().position(|w| w.matter() == key.matter())
            && let Some(sig) = couple_as_wig(raw, key, cigar, i)
        {
            add(sig, &mut wigs);
        }
    }
    if !witnesses.is_empty() {
        for atts in view.escrows.early_receipts(prefix.as_str(), sm.message.said().as_str()) {
            for sig in &atts.witness_sigs {
                if let Some(verfer) = verfers.get(sig.index() as usize)
                    && !wigs.iter().any(|w| w.index() == sig.index())
                    && Signature::from_siger(sig).is_ok_and(|s| verfer.verify(&s, raw).is_ok())
                {
                    add(sig.clone(), &mut wigs);
                }
            }
            for (key, cigar) in &atts.nontrans_receipts {
                if let Some(i) = witnesses.iter().position(|w| w.matter() == key.matter())
                    && let Some(sig) = couple_as_wig(raw, key, cigar, i)
                {
                    add(sig, &mut wigs);
                }
            }
        }
    }
    let mut distinct: Vec<u32> = wigs.iter().map(Indexer::index).collect();
    distinct.sort_unstable();
    distinct.dedup();
    if witnesses.is_empty() || view.is_local(prefix) || distinct.len() as u64 >= toad {
        Ok((wigs, None))
    } else {
        Ok((wigs, Some(Waiting::WitnessReceipts { have: distinct.len(), toad, witnesses: witnesses.len() })))
    }
}

fn incept(view: &View<'_>, sm: &SignedMessage, icp: &Inception, pre: Option<&Preverified>) -> Result<Decision> {
    let prefix = icp.prefix.as_str();
    let state = KeyState::incept(icp, sm.message.said(), sm.message.ilk(), 0);
    let sigs = verify_controller(sm, &state.verfers, prefix, 0, pre)?;
    if let Some(w) = short_of(&sigs, &icp.kt) {
        return Ok(Decision::Escrow(w));
    }
    let source = match &icp.delegator {
        Some(delegator) => match delegation(view, sm, delegator, &icp.prefix, 0)? {
            Ok(s) => Some(s),
            Err(w) => return Ok(Decision::Escrow(w)),
        },
        None => None,
    };
    let (wigs, waiting) = witnessed(view, sm, &icp.prefix, 0, &icp.witnesses, &state.witness_verfers, icp.toad)?;
    if let Some(w) = waiting {
        return Ok(Decision::Escrow(w));
    }
    accept(view, sm, prefix, NewState::Establishment(Box::new(state)), sigs, wigs, source, false, &icp.witnesses)
}

fn interact(
    view: &View<'_>,
    sm: &SignedMessage,
    state: &KeyState,
    sn: u128,
    pre: Option<&Preverified>,
) -> Result<Decision> {
    let prefix = state.prefix.as_str();
    let Body::Interaction(ixn) = sm.message.body() else {
        return Err(Error::Event(dkms_event::Error::Field { field: "t".into(), reason: "not an interaction".into() }));
    };
    if state.establishment_only() {
        return Err(Error::rule(prefix, sn, Rule::EstablishmentOnly));
    }
    if ixn.prior != state.said {
        return Err(Error::rule(prefix, sn, Rule::WrongPrior));
    }
    let sigs = verify_controller(sm, &state.verfers, prefix, sn, pre)?;
    if let Some(w) = short_of(&sigs, &state.kt) {
        return Ok(Decision::Escrow(w));
    }
    let (wigs, waiting) = witnessed(view, sm, &state.prefix, sn, &state.witnesses, &state.witness_verfers, state.toad)?;
    if let Some(w) = waiting {
        return Ok(Decision::Escrow(w));
    }
    let new = NewState::Interaction { sn, said: sm.message.said().clone(), prior: ixn.prior.clone() };
    accept(view, sm, prefix, new, sigs, wigs, None, false, &state.witnesses)
}

fn rotate(
    view: &View<'_>,
    sm: &SignedMessage,
    rot: &Rotation,
    state: &KeyState,
    pre: Option<&Preverified>,
) -> Result<Decision> {
    let prefix = state.prefix.as_str();
    let sn = rot.sn;
    let ilk = sm.message.ilk();
    match (ilk, state.delegator.is_some()) {
        (Ilk::Rot, true) => return Err(Error::rule(prefix, sn, Rule::RotInsteadOfDrt)),
        (Ilk::Drt, false) => return Err(Error::rule(prefix, sn, Rule::DrtNotDelegated)),
        _ => {}
    }
    let recovery = sn <= state.sn;
    let expected_prior = if recovery { view.at(prefix, sn.saturating_sub(1))? } else { Some(state.said.clone()) };
    if expected_prior.as_ref() != Some(&rot.prior) {
        return Err(Error::rule(prefix, sn, Rule::WrongPrior));
    }
    let witnesses = dkms_event::witness::rotate_witnesses(&state.witnesses, &rot.cuts, &rot.adds, rot.toad)
        .map_err(|e| Error::rule(prefix, sn, e))?;
    let next_state = state.rotate(rot, sm.message.said(), ilk, witnesses.clone());
    let sigs = verify_controller(sm, &next_state.verfers, prefix, sn, pre)?;
    if let Some(w) = short_of(&sigs, &rot.kt) {
        return Ok(Decision::Escrow(w));
    }
    let exposed: Vec<u32> = dkms_event::verify::exposed(&state.next, &rot.keys, &sigs).collect();
    if !state.nt.satisfied_by(exposed.iter().copied()) {
        return Ok(Decision::Escrow(Waiting::PriorNextKeys { exposed, threshold: state.nt.clone() }));
    }
    let source = if ilk == Ilk::Drt {
        let Some(delegator) = state.delegator.as_ref() else {
            return Err(Error::rule(prefix, sn, Rule::DrtNotDelegated));
        };
        match delegation(view, sm, delegator, &state.prefix, sn)? {
            Ok(s) => Some(s),
            Err(w) => return Ok(Decision::Escrow(w)),
        }
    } else {
        None
    };
    let (wigs, waiting) = witnessed(view, sm, &state.prefix, sn, &witnesses, &next_state.witness_verfers, rot.toad)?;
    if let Some(w) = waiting {
        return Ok(Decision::Escrow(w));
    }
    accept(view, sm, prefix, NewState::Establishment(Box::new(next_state)), sigs, wigs, source, recovery, &witnesses)
}

#[allow(clippy::too_many_arguments, reason = "the parts of an acceptance")]
fn accept(
    view: &View<'_>,
    sm: &SignedMessage,
    prefix: &str,
    state: NewState,
    sigs: Vec<Indexer>,
    wigs: Vec<Indexer>,
    source: Option<(u128, Digest)>,
    supersede: bool,
    witnesses: &[Prefix],
) -> Result<Decision> {
    let (trans_receipts, trans_waiting) = trans_receipts(view, sm.message.raw(), &sm.attachments.trans_receipts)?;
    let receipts = nontrans_receipts(sm, witnesses);
    Ok(Decision::Accept(Box::new(Acceptance {
        prefix: prefix.to_owned(),
        state,
        sigs,
        wigs,
        source,
        supersede,
        receipts,
        trans_receipts,
        trans_waiting,
    })))
}

/// Finds the delegator's approval: the event named by the `-G` couple (or, without one, any
/// accepted delegator event) whose anchors hold the seal `{i, s, d}` of this event.
/// `Ok(Err(waiting))`: not there yet.
fn delegation(
    view: &View<'_>,
    sm: &SignedMessage,
    delegator: &Prefix,
    delegate: &Prefix,
    sn: u128,
) -> Result<std::result::Result<(u128, Digest), Waiting>> {
    let dpre = delegator.as_str();
    let said = sm.message.said();
    let couple = sm.attachments.source_seals.last();
    let waiting = || Waiting::Delegation { delegator: delegator.clone(), at: couple.map(|(s, _)| *s) };
    let Some(dstate) = view.state(dpre) else { return Ok(Err(waiting())) };
    if dstate.does_not_delegate() {
        return Err(Error::rule(delegate.as_str(), sn, Rule::DelegatorDoesNotDelegate));
    }
    let holds = |message: &Message| message.body().anchors_event_seal(delegate, sn, said);
    if let Some((dsn, dsaid)) = couple {
        let Some(at) = view.at(dpre, *dsn)? else { return Ok(Err(waiting())) };
        if &at != dsaid {
            return Err(Error::rule(delegate.as_str(), sn, Rule::SourceSealNotInKel));
        }
        if !view.message(&at)?.as_ref().is_some_and(holds) {
            return Err(Error::rule(delegate.as_str(), sn, Rule::NotAnchored));
        }
        return Ok(Ok((*dsn, dsaid.clone())));
    }
    // No couple: search the delegator's KEL for the anchoring seal.
    for dsn in 0..=dstate.sn {
        let Some(d) = view.at(dpre, dsn)? else { break };
        if view.message(&d)?.as_ref().is_some_and(holds) {
            return Ok(Ok((dsn, d)));
        }
    }
    Ok(Err(waiting()))
}

/// The transferable receipt groups whose signatures verify over `raw` with the keys of the
/// validator's establishment event they name, and the first group whose validator event is
/// not known yet.
pub(crate) fn trans_receipts(
    view: &View<'_>,
    raw: &[u8],
    groups: &[TransSigGroup],
) -> Result<(Vec<TransSigGroup>, Option<Waiting>)> {
    let mut out = Vec::new();
    let mut missing = None;
    for g in groups {
        let Some(est) = view.message(&g.said)? else {
            if missing.is_none() {
                missing = Some(Waiting::Validator { prefix: g.prefix.clone(), sn: g.sn, said: g.said.clone() });
            }
            continue;
        };
        if est.prefix() != Some(&g.prefix) || est.sn() != Some(g.sn) {
            continue;
        }
        let (Some(keys), Some(kt)) = (est.body().keys(), est.body().kt()) else { continue };
        let verfers = verfers(keys);
        let Ok(valid) = verify::indexed(raw, &verfers, &g.sigs, g.prefix.as_str(), g.sn, "keys", None) else {
            continue;
        };
        if kt.satisfied_by(valid.iter().map(Indexer::index)) {
            out.push(TransSigGroup { sigs: valid, ..g.clone() });
        }
    }
    Ok((out, missing))
}

/// The event a receipt is about: `(i, s, d)` of an `rct`, or a key event itself (its
/// attached validator receipts, escrowed apart when their validator was not known).
struct Receipted<'a> {
    prefix: &'a Prefix,
    sn: u128,
    receipted: &'a Digest,
}

fn receipted(msg: &Message) -> Option<Receipted<'_>> {
    match msg.body() {
        Body::Receipt(r) => Some(Receipted { prefix: &r.prefix, sn: r.sn, receipted: &r.receipted }),
        _ if msg.ilk().is_key_event() => {
            Some(Receipted { prefix: msg.prefix()?, sn: msg.sn().unwrap_or(0), receipted: msg.said() })
        }
        _ => None,
    }
}

/// Decides a receipt (`rct`): witness signatures (`-B`), non-transferable couples (`-C`) or
/// validator signatures (`-F`) over the accepted event at `(i, s)` with SAID `d`.
pub(crate) fn receipt(view: &View<'_>, sm: &SignedMessage) -> Result<ReceiptDecision> {
    let Some(r) = receipted(&sm.message) else { return Ok(ReceiptDecision::Ignore(Vec::new())) };
    let prefix = r.prefix.as_str();
    let mut warnings = Vec::new();
    let a = &sm.attachments;
    if sm.message.ilk() == Ilk::Rct
        && a.witness_sigs.is_empty()
        && a.nontrans_receipts.is_empty()
        && a.trans_sig_groups.is_empty()
    {
        // Nothing a receipt is read for (keripy stores nothing for it either).
        return Err(Error::Unsigned { ilk: "rct", prefix: prefix.to_owned(), sn: r.sn });
    }
    if sm.message.ilk() == Ilk::Rct && !sm.attachments.controller_sigs.is_empty() {
        warnings.push(WarningKind::IgnoredAttachments { what: "controller signatures on a receipt" });
    }
    let Some(at) = view.at(prefix, r.sn)? else {
        return Ok(ReceiptDecision::Escrow(Waiting::ReceiptedEvent {
            prefix: r.prefix.clone(),
            sn: r.sn,
            said: r.receipted.clone(),
        }));
    };
    if at != *r.receipted {
        return Err(Error::rule(prefix, r.sn, Rule::ReceiptOfOtherEvent));
    }
    let r = Receipted { prefix: r.prefix, sn: r.sn, receipted: &at };
    let Some(logged) = view.logged(&at)? else {
        return Ok(ReceiptDecision::Escrow(Waiting::ReceiptedEvent {
            prefix: r.prefix.clone(),
            sn: r.sn,
            said: r.receipted.clone(),
        }));
    };
    let raw = logged.message.raw();
    // An `rct` carries validator signatures as `-F` groups (keripy reads no `-D` on it); a key
    // event escrowed for its attached validator receipts carries them as `-D` quadruples.
    let groups: &[TransSigGroup] = if sm.message.ilk() == Ilk::Rct {
        if !sm.attachments.trans_receipts.is_empty() {
            warnings
                .push(WarningKind::IgnoredAttachments { what: "transferable receipt quadruples (-D) on a receipt" });
        }
        &sm.attachments.trans_sig_groups
    } else {
        &sm.attachments.trans_receipts
    };
    let (trans, missing) = trans_receipts(view, raw, groups)?;
    if trans.is_empty()
        && let Some(w) = missing
    {
        // The validator's establishment event has not arrived yet.
        return Ok(ReceiptDecision::Escrow(w));
    }
    let mut valid_count = trans.len();
    let mut invalid = !groups.is_empty() && trans.is_empty();
    // Witness signatures: one beyond the list is ignored (keripy), one that does not verify counts
    // for nothing.
    let mut wigs = Vec::new();
    for sig in &sm.attachments.witness_sigs {
        let Some(verfer) = logged.witness_verfers.get(sig.index() as usize) else {
            warnings
                .push(WarningKind::ReceiptIndexOutOfRange { index: sig.index(), witnesses: logged.witnesses.len() });
            continue;
        };
        if Signature::from_siger(sig).is_ok_and(|s| verfer.verify(&s, raw).is_ok()) {
            if !wigs.iter().any(|w: &Indexer| w.index() == sig.index()) {
                wigs.push(sig.clone());
            }
            valid_count += 1;
        } else {
            invalid = true;
        }
    }
    let mut receipts = Vec::new();
    for (key, cigar) in &sm.attachments.nontrans_receipts {
        if let Some(i) = logged.witnesses.iter().position(|w| w.matter() == key.matter()) {
            match couple_as_wig(raw, key, cigar, i) {
                Some(sig) => {
                    if !wigs.iter().any(|w| w.index() == sig.index()) {
                        wigs.push(sig);
                    }
                    valid_count += 1;
                }
                None => invalid = true,
            }
        } else if verify_couple(raw, key, cigar) {
            receipts.push((key.clone(), cigar.clone()));
            valid_count += 1;
        } else {
            invalid = true;
        }
    }
    if valid_count > 0 {
        if invalid {
            warnings.push(WarningKind::ReceiptSignatureInvalid);
        }
        return Ok(ReceiptDecision::Apply(Box::new(ReceiptApply { said: at, wigs, receipts, trans, warnings })));
    }
    if invalid {
        return Err(Error::NoValidSignature { prefix: prefix.to_owned(), sn: r.sn, what: "receipt" });
    }
    // Nothing in it counts and nothing in it is wrong (an index beyond the witness list is
    // skipped, as keripy skips it): processed, with the warnings.
    Ok(ReceiptDecision::Apply(Box::new(ReceiptApply { said: at, wigs, receipts, trans, warnings })))
}

pub(crate) fn verify_couple(raw: &[u8], key: &Verkey, cigar: &Matter) -> bool {
    let Ok(verfer) = Verfer::new(key.matter().clone()) else { return false };
    Signature::from_cigar(cigar).is_ok_and(|s| verfer.verify(&s, raw).is_ok())
}

/// A witness's receipt couple as its indexed signature (keripy converts them the same way).
fn couple_as_wig(raw: &[u8], key: &Verkey, cigar: &Matter, index: usize) -> Option<Indexer> {
    if !verify_couple(raw, key, cigar) {
        return None;
    }
    let index = u32::try_from(index).ok()?;
    let code = if index < 64 { IndexerCode::Ed25519Sig } else { IndexerCode::Ed25519BigSig };
    let sig = Signature::from_cigar(cigar).ok()?;
    sig.to_siger(index, false, None).ok().or_else(|| Indexer::new(code, index, None, cigar.raw().to_vec()).ok())
}

/// Valid receipt couples of non-witnesses attached to an event.
fn nontrans_receipts(sm: &SignedMessage, witnesses: &[Prefix]) -> Vec<(Verkey, Matter)> {
    sm.attachments
        .nontrans_receipts
        .iter()
        .filter(|(k, c)| !witnesses.iter().any(|w| w.matter() == k.matter()) && verify_couple(sm.message.raw(), k, c))
        .cloned()
        .collect()
}
