//! Key state: what an identifier's KEL establishes at its latest event.

use std::sync::Arc;

use dkms_crypto::Verfer;
use dkms_event::message::{Ilk, Inception, Rotation};
use dkms_event::primitives::{Digest, Prefix, Verkey};
use dkms_event::seal::Trait;
use dkms_event::threshold::Threshold;
use dkms_event::value::{Map, Value};

/// The latest establishment event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastEstablishment {
    /// Its sequence number.
    pub sn: u128,
    /// Its SAID.
    pub said: Digest,
    /// Witnesses it removed.
    pub cuts: Vec<Prefix>,
    /// Witnesses it added.
    pub adds: Vec<Prefix>,
}

/// Key state of one identifier.
///
/// Verification keys are decoded once, when the state is established, and
/// reused for every event until the next rotation.
#[derive(Clone)]
pub struct KeyState {
    /// Identifier.
    pub(crate) prefix: Prefix,
    /// Sequence number of the latest event.
    pub(crate) sn: u128,
    /// SAID of the latest event.
    pub(crate) said: Digest,
    /// Prior SAID of the latest event (`None` at inception).
    pub(crate) prior: Option<Digest>,
    /// Type of the latest event.
    pub(crate) ilk: Ilk,
    /// Current signing threshold.
    pub(crate) kt: Threshold,
    /// Current signing keys.
    pub(crate) keys: Vec<Verkey>,
    /// Next threshold.
    pub(crate) nt: Threshold,
    /// Next key digests.
    pub(crate) next: Vec<Digest>,
    /// Witness threshold.
    pub(crate) toad: u64,
    /// Current witnesses.
    pub(crate) witnesses: Vec<Prefix>,
    /// Configuration traits from inception.
    pub(crate) config: Vec<Trait>,
    /// Delegator, for delegated identifiers.
    pub(crate) delegator: Option<Prefix>,
    /// Latest establishment event.
    pub(crate) last_est: LastEstablishment,
    /// First-seen ordinal of the latest event.
    pub(crate) first_seen: u64,
    /// First-seen time of the latest event, microseconds since the Unix epoch.
    pub(crate) first_seen_at: u64,
    /// Decoded keys, shared by every event until the next rotation.
    pub(crate) verfers: Arc<[Verfer]>,
    /// The witness list and its decoded keys, shared with the events logged under it.
    pub(crate) witness_list: Arc<[Prefix]>,
    pub(crate) witness_verfers: Arc<[Verfer]>,
}

impl KeyState {
    /// Identifier.
    #[must_use]
    pub fn prefix(&self) -> &Prefix {
        &self.prefix
    }

    /// Sequence number of the latest event.
    #[must_use]
    pub fn sn(&self) -> u128 {
        self.sn
    }

    /// SAID of the latest event.
    #[must_use]
    pub fn said(&self) -> &Digest {
        &self.said
    }

    /// Prior SAID of the latest event (`None` at inception).
    #[must_use]
    pub fn prior(&self) -> Option<&Digest> {
        self.prior.as_ref()
    }

    /// Type of the latest event.
    #[must_use]
    pub fn ilk(&self) -> Ilk {
        self.ilk
    }

    /// Current signing threshold.
    #[must_use]
    pub fn kt(&self) -> &Threshold {
        &self.kt
    }

    /// Current signing keys.
    #[must_use]
    pub fn keys(&self) -> &[Verkey] {
        &self.keys
    }

    /// Next threshold.
    #[must_use]
    pub fn nt(&self) -> &Threshold {
        &self.nt
    }

    /// Next key digests.
    #[must_use]
    pub fn next(&self) -> &[Digest] {
        &self.next
    }

    /// Witness threshold.
    #[must_use]
    pub fn toad(&self) -> u64 {
        self.toad
    }

    /// Current witnesses.
    #[must_use]
    pub fn witnesses(&self) -> &[Prefix] {
        &self.witnesses
    }

    /// Configuration traits from inception.
    #[must_use]
    pub fn config(&self) -> &[Trait] {
        &self.config
    }

    /// Delegator, for delegated identifiers.
    #[must_use]
    pub fn delegator(&self) -> Option<&Prefix> {
        self.delegator.as_ref()
    }

    /// Latest establishment event.
    #[must_use]
    pub fn last_est(&self) -> &LastEstablishment {
        &self.last_est
    }

    /// First-seen ordinal of the latest event.
    #[must_use]
    pub fn first_seen(&self) -> u64 {
        self.first_seen
    }

    /// First-seen time of the latest event, microseconds since the Unix epoch.
    #[must_use]
    pub fn first_seen_at(&self) -> u64 {
        self.first_seen_at
    }
}

impl core::fmt::Debug for KeyState {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KeyState")
            .field("prefix", &self.prefix.qb64())
            .field("sn", &self.sn)
            .field("said", &self.said.qb64())
            .field("keys", &self.keys.iter().map(Verkey::qb64).collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

pub(crate) fn verfers(keys: &[Verkey]) -> Arc<[Verfer]> {
    keys.iter().map(|k| Verfer::new(k.matter().clone()).unwrap_or_else(|_| invalid_verfer(k))).collect()
}

pub(crate) fn witness_verfers(wits: &[Prefix]) -> Arc<[Verfer]> {
    wits.iter().map(|w| Verfer::new(w.matter().clone()).unwrap_or_else(|_| invalid_from(w.matter()))).collect()
}

/// A verfer that verifies nothing, for a key whose code is not a key (cannot happen for parsed `Verkey`s).
fn invalid_verfer(k: &Verkey) -> Verfer {
    invalid_from(k.matter())
}

fn invalid_from(m: &dkms_cesr::Matter) -> Verfer {
    // An all-zero Ed25519 key is of small order: it never verifies a signature.
    Verfer::from_raw(dkms_crypto::Algorithm::Ed25519, !m.code().is_non_transferable(), &[0u8; 32])
        .or_else(|_| Verfer::from_raw(dkms_crypto::Algorithm::Ed25519, true, &[0u8; 32]))
        .unwrap_or_else(|_| unreachable_verfer())
}

#[allow(clippy::panic, reason = "32 bytes always make an Ed25519 verfer")]
fn unreachable_verfer() -> Verfer {
    panic!("an Ed25519 verfer can always be built from 32 bytes")
}

impl KeyState {
    /// State after an inception.
    pub(crate) fn incept(icp: &Inception, said: &Digest, ilk: Ilk, first_seen_at: u64) -> Self {
        KeyState {
            prefix: icp.prefix.clone(),
            sn: 0,
            said: said.clone(),
            prior: None,
            ilk,
            kt: icp.kt.clone(),
            keys: icp.keys.clone(),
            nt: icp.nt.clone(),
            next: icp.next.clone(),
            toad: icp.toad,
            witnesses: icp.witnesses.clone(),
            config: icp.config.clone(),
            delegator: icp.delegator.clone(),
            last_est: LastEstablishment { sn: 0, said: said.clone(), cuts: vec![], adds: vec![] },
            first_seen: 0,
            first_seen_at,
            verfers: verfers(&icp.keys),
            witness_list: icp.witnesses.clone().into(),
            witness_verfers: witness_verfers(&icp.witnesses),
        }
    }

    /// State after a rotation with the new witness list.
    pub(crate) fn rotate(&self, rot: &Rotation, said: &Digest, ilk: Ilk, witnesses: Vec<Prefix>) -> Self {
        KeyState {
            sn: rot.sn,
            said: said.clone(),
            prior: Some(rot.prior.clone()),
            ilk,
            kt: rot.kt.clone(),
            keys: rot.keys.clone(),
            nt: rot.nt.clone(),
            next: rot.next.clone(),
            toad: rot.toad,
            witness_verfers: witness_verfers(&witnesses),
            witness_list: witnesses.clone().into(),
            witnesses,
            last_est: LastEstablishment {
                sn: rot.sn,
                said: said.clone(),
                cuts: rot.cuts.clone(),
                adds: rot.adds.clone(),
            },
            verfers: verfers(&rot.keys),
            ..self.clone()
        }
    }

    /// True while the identifier can still rotate: transferable prefix and non-empty next digests.
    #[must_use]
    pub fn transferable(&self) -> bool {
        !self.prefix.is_non_transferable() && !self.next.is_empty()
    }

    /// True when configured establishment-only.
    #[must_use]
    pub fn establishment_only(&self) -> bool {
        self.config.contains(&Trait::EstablishmentOnly)
    }

    /// True when the identifier refuses to delegate.
    #[must_use]
    pub fn does_not_delegate(&self) -> bool {
        self.config.contains(&Trait::DoNotDelegate)
    }

    /// The key state notice map (keripy `KeyStateRecord`, fields in its order).
    #[must_use]
    pub fn notice(&self, dt: &str) -> Map {
        let list = |v: Vec<String>| Value::List(v.into_iter().map(Value::Str).collect());
        let mut ee = Map::new();
        ee.push("s", format!("{:x}", self.last_est.sn));
        ee.push("d", self.last_est.said.qb64());
        ee.push("br", list(self.last_est.cuts.iter().map(Prefix::qb64).collect()));
        ee.push("ba", list(self.last_est.adds.iter().map(Prefix::qb64).collect()));
        let mut m = Map::new();
        m.push("vn", Value::List(vec![Value::Int(1), Value::Int(0)]));
        m.push("i", self.prefix.qb64());
        m.push("s", format!("{:x}", self.sn));
        m.push("p", self.prior.as_ref().map(Digest::qb64).unwrap_or_default());
        m.push("d", self.said.qb64());
        m.push("f", format!("{:x}", self.first_seen));
        m.push("dt", dt);
        m.push("et", self.ilk.as_str());
        m.push("kt", self.kt.to_value());
        m.push("k", list(self.keys.iter().map(Verkey::qb64).collect()));
        m.push("nt", self.nt.to_value());
        m.push("n", list(self.next.iter().map(Digest::qb64).collect()));
        m.push("bt", format!("{:x}", self.toad));
        m.push("b", list(self.witnesses.iter().map(Prefix::qb64).collect()));
        let traits = self
            .config
            .iter()
            .filter(|t| matches!(t, Trait::EstablishmentOnly | Trait::DoNotDelegate))
            .map(|t| t.as_str().to_owned())
            .collect();
        m.push("c", list(traits));
        m.push("ee", ee);
        m.push("di", self.delegator.as_ref().map(Prefix::qb64).unwrap_or_default());
        m
    }
}

fn err(what: &str) -> dkms_event::Error {
    dkms_event::Error::Field { field: format!("key state.{what}"), reason: "missing or malformed".into() }
}

impl KeyState {
    /// The state as a storable blob: the key state notice (JSON) plus the full
    /// configuration and the first-seen time.
    ///
    /// # Errors
    /// Only if serialization fails.
    pub fn to_blob(&self) -> dkms_event::Result<Vec<u8>> {
        let mut m = self.notice("");
        m.push("dtm", Value::Int(i128::from(self.first_seen_at)));
        m.push("cfg", Value::List(self.config.iter().map(|t| Value::Str(t.as_str().to_owned())).collect()));
        dkms_event::ser::encode(&Value::Map(m), dkms_event::ser::Kind::Json)
    }

    /// Reads a blob written by [`KeyState::to_blob`].
    ///
    /// # Errors
    /// [`dkms_event::Error`] naming the field that is missing or malformed.
    pub fn from_blob(blob: &[u8]) -> dkms_event::Result<Self> {
        use dkms_event::primitives::{Digest as D, Prefix as P, Verkey as K};
        let m = dkms_event::ser::decode(blob, dkms_event::ser::Kind::Json)?.map;
        let s = |k: &str| m.get(k).and_then(Value::as_str).ok_or_else(|| err(k));
        let hex = |k: &str| -> dkms_event::Result<u128> { u128::from_str_radix(s(k)?, 16).map_err(|_| err(k)) };
        let list = |k: &str| m.get(k).and_then(Value::as_list).ok_or_else(|| err(k));
        let prefixes = |v: &[Value]| v.iter().map(|x| P::from_value(x, "b")).collect::<dkms_event::Result<Vec<_>>>();
        let keys = list("k")?.iter().map(|x| K::from_value(x, "k")).collect::<dkms_event::Result<Vec<_>>>()?;
        let next = list("n")?.iter().map(|x| D::from_value(x, "n")).collect::<dkms_event::Result<Vec<_>>>()?;
        let witnesses = prefixes(list("b")?)?;
        let ee = m.get("ee").and_then(Value::as_map).ok_or_else(|| err("ee"))?;
        let ees = |k: &str| ee.get(k).ok_or_else(|| err(k));
        let prior = s("p")?;
        let di = s("di")?;
        let ilk = Ilk::parse(s("et")?).ok_or_else(|| err("et"))?;
        let state = KeyState {
            prefix: P::parse(s("i")?, "i")?,
            sn: hex("s")?,
            said: D::parse(s("d")?, "d")?,
            prior: if prior.is_empty() { None } else { Some(D::parse(prior, "p")?) },
            ilk,
            kt: Threshold::parse(m.get("kt").ok_or_else(|| err("kt"))?, "kt")?,
            nt: Threshold::parse(m.get("nt").ok_or_else(|| err("nt"))?, "nt")?,
            toad: u64::try_from(hex("bt")?).map_err(|_| err("bt"))?,
            config: list("cfg")?.iter().filter_map(Value::as_str).map(Trait::parse).collect(),
            delegator: if di.is_empty() { None } else { Some(P::parse(di, "di")?) },
            last_est: LastEstablishment {
                sn: ees("s")?.as_str().and_then(|x| u128::from_str_radix(x, 16).ok()).ok_or_else(|| err("ee.s"))?,
                said: D::from_value(ees("d")?, "ee.d")?,
                cuts: prefixes(ees("br")?.as_list().ok_or_else(|| err("ee.br"))?)?,
                adds: prefixes(ees("ba")?.as_list().ok_or_else(|| err("ee.ba"))?)?,
            },
            first_seen: u64::try_from(hex("f")?).map_err(|_| err("f"))?,
            first_seen_at: match m.get("dtm") {
                Some(Value::Int(i)) => u64::try_from(*i).map_err(|_| err("dtm"))?,
                _ => return Err(err("dtm")),
            },
            verfers: verfers(&keys),
            witness_verfers: witness_verfers(&witnesses),
            witness_list: witnesses.clone().into(),
            keys,
            next,
            witnesses,
        };
        Ok(state)
    }
}
