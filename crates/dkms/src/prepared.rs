//! One path for making events: prepare, sign with any [`Signer`], finalize.
//!
//! A [`Prepared`] event holds the unsigned message, the keys expected to sign it and what
//! the keystore must change once the validator accepts it. [`Prepared::sign`] asks each
//! signer for an indexed signature at its key's position (a [`dkms_crypto::SoftSigner`]
//! from the keystore, or an HSM, a KMS, another device); [`crate::Controller::finalize`]
//! checks the signatures, hands the event to the validator and only then changes the
//! keystore.

use dkms_cesr::Indexer;
use dkms_crypto::{Signature, Signer, Verfer};
use dkms_event::message::{Ilk, Message};
use dkms_event::primitives::{Digest, Prefix, Verkey};
use zeroize::Zeroizing;

use crate::controller::Record;
use crate::error::{Error, Result};

/// What the keystore must change when the event is accepted (or waits in escrow).
pub(crate) enum Change {
    /// Nothing (an interaction, or a rotation of keys held elsewhere).
    Nothing,
    /// A new identifier whose seeds the keystore keeps (the record holds them).
    NewKeystore(Box<Record>),
    /// A new identifier whose keys are held elsewhere.
    NewExternal,
    /// A rotation of keystore keys: the next seeds become current and these new next
    /// seeds (qb64) are kept.
    Rotate(Zeroizing<Vec<String>>),
}

/// An event ready to be signed and then handed to [`crate::Controller::finalize`].
///
/// Made by [`crate::Controller::prepare_incept`], [`crate::Controller::prepare_rotate`],
/// [`crate::Controller::prepare_interact`] or [`crate::Controller::prepared_from_body`]
/// (after a round trip through a signer that only sees bytes). Sign it with
/// [`Prepared::sign`], or [`Prepared::attach`] signatures made elsewhere over
/// [`Prepared::body`]. For an identifier of this keystore it may hold the new next seeds,
/// wiped on drop; `Debug` shows none of them.
pub struct Prepared {
    pub(crate) alias: String,
    pub(crate) message: Message,
    /// The keys that sign this event, in order: an inception's or rotation's own keys, the
    /// current keys for an interaction.
    pub(crate) keys: Vec<Verkey>,
    /// For a rotation: the prior next-key digests (a signer's ondex is its key's place there).
    pub(crate) prior_next: Option<Vec<Digest>>,
    /// The delegator that must approve the event, if any.
    pub(crate) delegator: Option<Prefix>,
    pub(crate) change: Change,
    pub(crate) sigs: Vec<Indexer>,
}

impl core::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Prepared")
            .field("alias", &self.alias)
            .field("ilk", &self.message.ilk())
            .field("said", &self.message.said().qb64())
            .field("signed", &self.signed())
            .finish_non_exhaustive()
    }
}

/// The position of `verfer`'s key in `keys`.
fn position(keys: &[Verkey], verfer: &Verfer) -> Option<u32> {
    keys.iter().position(|k| k.matter() == verfer.matter()).and_then(|i| u32::try_from(i).ok())
}

/// An indexed signature of `raw` by `signer`, at its key's place in `keys`; for a rotation
/// the ondex is its key's place among the prior next-key digests (current-only when it is
/// not there).
pub(crate) fn sign_at(
    raw: &[u8],
    signer: &dyn Signer,
    keys: &[Verkey],
    prior_next: Option<&[Digest]>,
    prefix: &str,
) -> Result<Indexer> {
    let verfer = signer.verfer();
    let index =
        position(keys, verfer).ok_or_else(|| Error::UnknownSigner { key: verfer.qb64(), prefix: prefix.to_owned() })?;
    let (only, ondex) = match prior_next {
        None => (false, None),
        Some(next) => {
            let qb64 = verfer.qb64();
            match next.iter().position(|d| dkms_crypto::verify_digest(d.matter(), qb64.as_bytes()).is_ok()) {
                Some(o) => (false, Some(u32::try_from(o).map_err(|_| Error::invalid("key count", "too many keys"))?)),
                None => (true, None),
            }
        }
    };
    signer.sign_indexed(raw, index, only, ondex).map_err(|source| Error::Signer { index, key: verfer.qb64(), source })
}

impl Prepared {
    /// Signs the event with each signer, at its key's place among the event's signing keys
    /// (for a rotation also at its place among the prior next keys). A signature already
    /// held for the same key is replaced. Nothing is added unless every signer succeeds.
    ///
    /// # Errors
    /// [`Error::UnknownSigner`] for a signer whose key does not sign this event;
    /// [`Error::Signer`] when a signer fails (its index and key named, its error as the source).
    pub fn sign(&mut self, signers: &[&dyn Signer]) -> Result<()> {
        let prefix = self.prefix();
        let made = signers
            .iter()
            .map(|s| sign_at(self.message.raw(), *s, &self.keys, self.prior_next.as_deref(), &prefix))
            .collect::<Result<Vec<_>>>()?;
        self.attach(made);
        Ok(())
    }

    /// Adds indexed signatures made elsewhere over [`Prepared::body`]; one for an index
    /// already held replaces it. [`crate::Controller::finalize`] checks them.
    pub fn attach(&mut self, sigs: impl IntoIterator<Item = Indexer>) {
        for sig in sigs {
            self.sigs.retain(|s| s.index() != sig.index());
            self.sigs.push(sig);
        }
        self.sigs.sort_by_key(Indexer::index);
    }

    /// Checks every signature against the key at its index.
    ///
    /// # Errors
    /// [`Error::InvalidSignature`] naming the first index whose signature does not verify
    /// (or has no key).
    pub(crate) fn check_signatures(&self) -> Result<()> {
        for sig in &self.sigs {
            let index = sig.index();
            let ok = usize::try_from(index)
                .ok()
                .and_then(|i| self.keys.get(i))
                .and_then(|k| Verfer::new(k.matter().clone()).ok())
                .is_some_and(|v| Signature::from_siger(sig).is_ok_and(|s| v.verify(&s, self.message.raw()).is_ok()));
            if !ok {
                return Err(Error::InvalidSignature { index });
            }
        }
        Ok(())
    }

    /// The exact bytes to sign.
    #[must_use]
    pub fn body(&self) -> &[u8] {
        self.message.raw()
    }

    /// The event's SAID.
    #[must_use]
    pub fn said(&self) -> String {
        self.message.said().qb64()
    }

    /// The identifier.
    #[must_use]
    pub fn prefix(&self) -> String {
        self.message.prefix().map(Prefix::qb64).unwrap_or_default()
    }

    /// The event type.
    #[must_use]
    pub fn ilk(&self) -> Ilk {
        self.message.ilk()
    }

    /// The sequence number.
    #[must_use]
    pub fn sn(&self) -> u128 {
        self.message.sn().unwrap_or_default()
    }

    /// The alias it is for.
    #[must_use]
    pub fn alias(&self) -> &str {
        &self.alias
    }

    /// The keys that sign this event, in index order.
    #[must_use]
    pub fn keys(&self) -> &[Verkey] {
        &self.keys
    }

    /// The signatures held so far, by index.
    #[must_use]
    pub fn signatures(&self) -> &[Indexer] {
        &self.sigs
    }

    /// The indices signed so far.
    #[must_use]
    pub fn signed(&self) -> Vec<u32> {
        self.sigs.iter().map(Indexer::index).collect()
    }
}
