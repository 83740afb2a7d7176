//! Witness list arithmetic of a rotation: cuts (`br`) and adds (`ba`) against the
//! current witnesses, and the new witness threshold (`bt`) against the result.
//!
//! One function, [`rotate_witnesses`], with keripy 1.1.17's rules in keripy's order
//! (`Kever.rotate` in `eventing.py`), used by the builders, the facade, the CLI and the
//! validation engine.
//!
//! ```
//! use dkms_event::primitives::Prefix;
//! use dkms_event::witness::{WitnessError, rotate_witnesses};
//!
//! let w = |c: char| Prefix::parse(&format!("B{}", c.to_string().repeat(43)), "b").unwrap();
//! let now = [w('A'), w('B'), w('C')];
//! assert_eq!(rotate_witnesses(&now, &[w('B')], &[w('D')], 2)?, vec![w('A'), w('C'), w('D')]);
//! assert!(matches!(
//!     rotate_witnesses(&now, &[w('D')], &[], 1),
//!     Err(WitnessError::CutNotWitness { .. })
//! ));
//! # Ok::<(), WitnessError>(())
//! ```

use crate::primitives::Prefix;

/// A rotation's witness changes that keripy 1.1.17 refuses: which rule, and which witness.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WitnessError {
    /// The current list holds a witness twice (keripy's builder checks its input; a key
    /// state never holds one).
    #[error("witness {witness} is listed twice in the current witnesses")]
    DuplicateWitness {
        /// The witness.
        witness: String,
    },
    /// `br` lists a witness twice.
    #[error("cut {witness} is listed twice in `br`")]
    DuplicateCut {
        /// The witness.
        witness: String,
    },
    /// `br` lists a witness that is not a current witness.
    #[error("cut {witness} is not a current witness")]
    CutNotWitness {
        /// The witness.
        witness: String,
    },
    /// `ba` lists a witness twice.
    #[error("add {witness} is listed twice in `ba`")]
    DuplicateAdd {
        /// The witness.
        witness: String,
    },
    /// A witness is both cut and added.
    #[error("{witness} is both cut (`br`) and added (`ba`)")]
    CutAndAdded {
        /// The witness.
        witness: String,
    },
    /// `ba` lists a witness that is already a current witness.
    #[error("add {witness} is already a current witness")]
    AddAlreadyWitness {
        /// The witness.
        witness: String,
    },
    /// The witness threshold does not fit the new list: `1 ≤ bt ≤ n` with `n` witnesses,
    /// `bt = 0` without.
    #[error("witness threshold {toad} is out of range for {witnesses} witnesses")]
    Toad {
        /// `bt`.
        toad: u64,
        /// The number of witnesses after the rotation.
        witnesses: usize,
    },
}

fn first_duplicate(list: &[Prefix]) -> Option<&Prefix> {
    list.iter().enumerate().find(|(i, p)| list.iter().take(*i).any(|q| q == *p)).map(|(_, p)| p)
}

/// Checks a witness threshold against a number of witnesses: `1 ≤ toad ≤ n` with
/// witnesses, `0` without (keripy `incept`, `Kever.incept`, `Kever.rotate`).
///
/// # Errors
/// [`WitnessError::Toad`].
pub fn check_toad(toad: u64, witnesses: usize) -> Result<(), WitnessError> {
    let n = u64::try_from(witnesses).unwrap_or(u64::MAX);
    let ok = if n == 0 { toad == 0 } else { (1..=n).contains(&toad) };
    if ok { Ok(()) } else { Err(WitnessError::Toad { toad, witnesses }) }
}

/// The witness list after a rotation: the current witnesses without the cuts, in their
/// order, then the adds, in theirs (keripy `(witset - cutset) | addset`), with the
/// witness threshold `toad` checked against it.
///
/// The rules, checked in keripy 1.1.17's order (`Kever.rotate`), the first failure
/// reported: no duplicate in `current`; no duplicate cut; every cut is a current
/// witness; no duplicate add; no witness both cut and added; no add already a witness;
/// `toad` fits the new count ([`check_toad`]). keripy's last list check, that the new
/// count is `current - cuts + adds`, follows from the others and needs no test of its own.
///
/// # Errors
/// The [`WitnessError`] naming the rule and the witness.
pub fn rotate_witnesses(
    current: &[Prefix],
    cuts: &[Prefix],
    adds: &[Prefix],
    toad: u64,
) -> Result<Vec<Prefix>, WitnessError> {
    let next = witness_changes(current, cuts, adds)?;
    check_toad(toad, next.len())?;
    Ok(next)
}

/// As [`rotate_witnesses`] without the threshold: for a builder that picks the default
/// threshold from the new count.
///
/// # Errors
/// The [`WitnessError`] naming the rule and the witness.
pub fn witness_changes(current: &[Prefix], cuts: &[Prefix], adds: &[Prefix]) -> Result<Vec<Prefix>, WitnessError> {
    let name = |p: &Prefix| p.as_str().to_owned();
    if let Some(p) = first_duplicate(current) {
        return Err(WitnessError::DuplicateWitness { witness: name(p) });
    }
    if let Some(p) = first_duplicate(cuts) {
        return Err(WitnessError::DuplicateCut { witness: name(p) });
    }
    if let Some(p) = cuts.iter().find(|c| !current.contains(c)) {
        return Err(WitnessError::CutNotWitness { witness: name(p) });
    }
    if let Some(p) = first_duplicate(adds) {
        return Err(WitnessError::DuplicateAdd { witness: name(p) });
    }
    if let Some(p) = adds.iter().find(|a| cuts.contains(a)) {
        return Err(WitnessError::CutAndAdded { witness: name(p) });
    }
    if let Some(p) = adds.iter().find(|a| current.contains(a)) {
        return Err(WitnessError::AddAlreadyWitness { witness: name(p) });
    }
    let mut next = Vec::with_capacity(current.len().saturating_sub(cuts.len()).saturating_add(adds.len()));
    next.extend(current.iter().filter(|w| !cuts.contains(w)).cloned());
    next.extend(adds.iter().cloned());
    Ok(next)
}
