//! Signature rules on a message's content: indexed signatures against a list of keys,
//! and the commitment of a rotation's new keys to the prior next-key digests.
//!
//! ```
//! use dkms_event::primitives::{Digest, Verkey};
//! use dkms_event::verify::commits;
//!
//! // Reference §7.1 and §12.1: the next-key digest of the canonical inception
//! // commits to the key of `seed1`, and to no other.
//! let next = Digest::parse("EIf-ENw7PrM52w4H-S7NGU2qVIfraXVIlV9hEAaMHg7W", "n")?;
//! let key1 = Verkey::parse("DB4GWvru73jWZKpNgMQp8ayDRin0NG0Ymn_RXQP_v-PQ", "k")?;
//! let key0 = Verkey::parse("DFs8BBx86uytIM0D2BhsE5rrqVIT8ef8mflpNceHo4XH", "k")?;
//! assert!(commits(&next, &key1));
//! assert!(!commits(&next, &key0));
//! # Ok::<(), dkms_event::Error>(())
//! ```

use dkms_cesr::Indexer;
use dkms_crypto::{Signature, Verfer};

use crate::primitives::{Digest, Verkey};

/// Whether `key` is the key `commitment` commits to: the digest of the key's qb64 text,
/// computed with the commitment's own digest code (keripy `Kever.exposeds`,
/// `Diger(ser=verfer.qb64b, code=diger.code)`). False for a code that is not a digest.
#[must_use]
pub fn commits(commitment: &Digest, key: &Verkey) -> bool {
    dkms_crypto::digest_raw(commitment.code(), key.as_str().as_bytes())
        .is_ok_and(|d| d.as_bytes() == commitment.matter().raw())
}

/// The ondices of the prior next-key digests that a rotation's verified signatures
/// expose (keripy `Kever.exposeds`): for each signature with an ondex, the new key at
/// its index must be committed to by `prior_next[ondex]`. Signatures without an ondex,
/// or whose index or ondex is beyond its list, expose nothing (as in keripy).
///
/// `valid` must hold only signatures already verified with `new_keys` (by index).
pub fn exposed<'a>(
    prior_next: &'a [Digest],
    new_keys: &'a [Verkey],
    valid: impl IntoIterator<Item = &'a Indexer> + 'a,
) -> impl Iterator<Item = u32> + 'a {
    valid.into_iter().filter_map(move |sig| {
        let ondex = sig.ondex()?;
        let commitment = prior_next.get(usize::try_from(ondex).ok()?)?;
        let key = new_keys.get(usize::try_from(sig.index()).ok()?)?;
        commits(commitment, key).then_some(ondex)
    })
}

/// Indexed signatures checked against a list of keys ([`check_indexed`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexedSigs {
    /// The signatures that verify with the key at their index, each once, in
    /// attachment order.
    pub valid: Vec<Indexer>,
    /// The indices beyond the list of keys, in attachment order. keripy 1.1.17 fails
    /// the whole message for one on a key event's controller signatures
    /// (`verifySigs` indexes past the list) and skips it on witness signatures of a
    /// receipt: the caller decides.
    pub out_of_range: Vec<u32>,
    /// The indices of signatures that do not verify with the key at their index
    /// (a signature that does not decode as one counts here too).
    pub invalid: Vec<u32>,
}

impl IndexedSigs {
    /// The indices of the valid signatures, in attachment order.
    pub fn indices(&self) -> impl Iterator<Item = u32> + '_ {
        self.valid.iter().map(Indexer::index)
    }
}

/// Checks indexed signatures over `raw` with the key at each signature's index.
///
/// A signature identical to an earlier one is skipped (keripy de-duplicates by qb64).
/// `ahead` may hold a verdict computed before (e.g. by batched verification): it is
/// asked with the signature's position in `sigs` and the key it would be checked
/// with, and a `Some` verdict is taken as it is; `None` verifies here. Pass
/// `|_, _| None` to verify everything. Nothing is allocated beyond the lists returned,
/// which stay unallocated while empty.
pub fn check_indexed(
    raw: &[u8],
    keys: &[Verfer],
    sigs: &[Indexer],
    mut ahead: impl FnMut(usize, &Verfer) -> Option<bool>,
) -> IndexedSigs {
    let mut out = IndexedSigs { valid: Vec::with_capacity(sigs.len()), ..IndexedSigs::default() };
    for (position, sig) in sigs.iter().enumerate() {
        if sigs.iter().take(position).any(|s| s == sig) {
            continue;
        }
        let index = sig.index();
        let Some(key) = usize::try_from(index).ok().and_then(|i| keys.get(i)) else {
            out.out_of_range.push(index);
            continue;
        };
        let ok = match ahead(position, key) {
            Some(ok) => ok,
            None => Signature::from_siger(sig).is_ok_and(|s| key.verify(&s, raw).is_ok()),
        };
        if ok {
            out.valid.push(sig.clone());
        } else {
            out.invalid.push(index);
        }
    }
    out
}
