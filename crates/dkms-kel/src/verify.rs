//! Signature checks against a key list, as the engine applies them: the shared check of
//! `dkms-event` ([`dkms_event::verify::check_indexed`]) with the verdicts computed ahead, and
//! keripy's rule that an index beyond the list fails a key event's signatures.

use dkms_cesr::Indexer;
use dkms_crypto::Verfer;

use crate::error::{Error, Result};

/// Verifies indexed signatures over `raw` with `verfers` (by index). Returns the valid
/// signatures, de-duplicated, in attachment order.
///
/// An index beyond the list is an error for the whole message, as in keripy 1.1 (reference
/// §6.3): for controller signatures and for the witness signatures attached to an event.
pub(crate) fn indexed(
    raw: &[u8],
    verfers: &[Verfer],
    sigs: &[Indexer],
    prefix: &str,
    sn: u128,
    what: &'static str,
    pre: Option<&crate::pipeline::Preverified>,
) -> Result<Vec<Indexer>> {
    let checked = dkms_event::verify::check_indexed(raw, verfers, sigs, |position, verfer| {
        crate::pipeline::preverified(pre, position, verfer)
    });
    if let Some(&index) = checked.out_of_range.first() {
        return Err(Error::IndexOutOfRange { prefix: prefix.to_owned(), sn, index, len: verfers.len(), what });
    }
    Ok(checked.valid)
}
