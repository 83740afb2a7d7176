//! Signature checks shared by every rule: controller signatures, exposure of
//! prior next keys, witness signatures.

use dkms_cesr::Indexer;
use dkms_crypto::{Signature, Verfer};
use dkms_event::primitives::{Digest, Verkey};

use crate::error::{Error, Result};

/// Verifies indexed signatures over `raw` with `verfers` (by index). Returns the
/// valid signatures, de-duplicated, in attachment order.
///
/// An index beyond the list is an error for the whole message, as in keripy 1.1
/// (reference §6.3).
pub(crate) fn indexed(
    raw: &[u8],
    verfers: &[Verfer],
    sigs: &[Indexer],
    prefix: &str,
    sn: u128,
    what: &'static str,
    pre: Option<&crate::pipeline::Preverified>,
) -> Result<Vec<Indexer>> {
    let mut valid: Vec<Indexer> = Vec::with_capacity(sigs.len());
    for (i, sig) in sigs.iter().enumerate() {
        if sigs.iter().take(i).any(|s| s == sig) {
            continue;
        }
        let index = sig.index();
        let Some(verfer) = verfers.get(index as usize) else {
            return Err(Error::IndexOutOfRange { prefix: prefix.to_owned(), sn, index, len: verfers.len(), what });
        };
        // A verdict computed ahead counts only if it was computed with this very key.
        let ok = match crate::pipeline::preverified(pre, i, verfer) {
            Some(ok) => ok,
            None => Signature::from_siger(sig).is_ok_and(|s| verfer.verify(&s, raw).is_ok()),
        };
        if ok {
            valid.push(sig.clone());
        }
    }
    Ok(valid)
}

/// The ondices of valid signatures whose key at `index` is committed in `prior_next[ondex]`
/// (keripy `Kever.exposeds`): the digest of the key's qb64 text with the code of the commitment.
pub(crate) fn exposed(prior_next: &[Digest], new_keys: &[Verkey], valid: &[Indexer]) -> Vec<u32> {
    valid
        .iter()
        .filter_map(|sig| {
            let ondex = sig.ondex()?;
            let commitment = prior_next.get(ondex as usize)?;
            let key = new_keys.get(sig.index() as usize)?;
            let d = dkms_crypto::digest(commitment.code(), key.qb64().as_bytes()).ok()?;
            (&d == commitment.matter()).then_some(ondex)
        })
        .collect()
}
