//! Typed CESR values that KERI fields hold: prefixes, digests, public keys.

use dkms_cesr::{Matter, MatterCode};

use crate::error::{Error, Result};
use crate::value::{Val, Value};

macro_rules! qb64_type {
    ($(#[$doc:meta])* $name:ident, $what:literal, $allowed:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub struct $name(Matter, Box<str>);

        impl $name {
            /// Wraps a primitive, checking its code.
            ///
            /// # Errors
            /// [`Error::Field`] when the code is not allowed here.
            pub fn new(m: Matter) -> Result<Self> {
                let ok: fn(MatterCode) -> bool = $allowed;
                if ok(m.code()) {
                    let text = m.qb64().into_boxed_str();
                    Ok(Self(m, text))
                } else {
                    Err(Error::field("", format!("code {} is not a valid {}", m.code(), $what)))
                }
            }

            /// Parses qb64 text; errors name `label`.
            ///
            /// # Errors
            /// [`Error::Field`] for bad CESR or a code not allowed here.
            pub fn parse(qb64: &str, label: &str) -> Result<Self> {
                let m = Matter::from_qb64(qb64).map_err(|e| Error::field(label, format!("{}: {e}", $what)))?;
                let ok: fn(MatterCode) -> bool = $allowed;
                if !ok(m.code()) {
                    return Err(Error::field(label, format!("code {} is not a valid {}", m.code(), $what)));
                }
                // The text decoded exactly, so it is the qb64 of `m`: keep it, don't re-encode.
                Ok(Self(m, qb64.into()))
            }

            /// Parses a field value that must be a qb64 string.
            ///
            /// # Errors
            /// As [`Self::parse`], or when the value is not a string.
            pub fn from_value(v: &Value, label: &str) -> Result<Self> {
                let s = v.as_str().ok_or_else(|| Error::field(label, format!("{} must be a string", $what)))?;
                Self::parse(s, label)
            }

            /// As [`Self::from_value`], on a borrowed value.
            pub(crate) fn from_val(v: &Val<'_>, label: &str) -> Result<Self> {
                let s = v.as_str().ok_or_else(|| Error::field(label, format!("{} must be a string", $what)))?;
                Self::parse(s, label)
            }

            /// The primitive.
            #[must_use]
            pub fn matter(&self) -> &Matter {
                &self.0
            }

            /// The code.
            #[must_use]
            pub fn code(&self) -> MatterCode {
                self.0.code()
            }

            /// qb64 text.
            #[must_use]
            pub fn qb64(&self) -> String {
                self.1.to_string()
            }

            /// qb64 text, borrowed.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.1
            }
        }

        impl From<$name> for Matter {
            fn from(v: $name) -> Matter {
                v.0
            }
        }
    };
}

qb64_type!(
    /// An identifier prefix (keripy `PreDex`): a basic key prefix or a self-addressing digest.
    Prefix,
    "identifier prefix",
    |c| c.is_prefix()
);

qb64_type!(
    /// A digest (SAID, prior event digest, next-key commitment).
    Digest,
    "digest",
    |c| c.is_digest()
);

qb64_type!(
    /// A public verification key (Ed25519, secp256k1, secp256r1, Ed448; transferable or not).
    Verkey,
    "public key",
    |c| matches!(
        c,
        MatterCode::Ed25519N
            | MatterCode::Ed25519
            | MatterCode::Ecdsa256k1N
            | MatterCode::Ecdsa256k1
            | MatterCode::Ecdsa256r1N
            | MatterCode::Ecdsa256r1
            | MatterCode::Ed448N
            | MatterCode::Ed448
    )
);

impl Prefix {
    /// True for a self-addressing (digest) prefix.
    #[must_use]
    pub fn is_self_addressing(&self) -> bool {
        self.code().is_digest()
    }

    /// True for a non-transferable basic prefix (`B`, `1AAA`, `1AAI`).
    #[must_use]
    pub fn is_non_transferable(&self) -> bool {
        self.code().is_non_transferable()
    }
}

/// Parses a list of values with `one`, which names an item `label[i]` in its errors.
///
/// The item labels are only needed for an error, so an item is read with the list's
/// label first and, when that fails, read again with its own label for the error
/// (the readers are deterministic): no label is formatted for a valid list.
pub(crate) fn list<T>(v: &Val<'_>, label: &str, one: impl Fn(&Val<'_>, &str) -> Result<T>) -> Result<Vec<T>> {
    let items = v.as_list().ok_or_else(|| Error::field(label, format!("must be a list, not {}", v.type_name())))?;
    let mut out = Vec::with_capacity(items.len());
    for (i, x) in items.iter().enumerate() {
        match one(x, label) {
            Ok(t) => out.push(t),
            Err(first) => {
                return Err(match one(x, &format!("{label}[{i}]")) {
                    Err(e) => e,
                    Ok(_) => first,
                });
            }
        }
    }
    Ok(out)
}

/// A string field.
pub(crate) fn string(v: &Val<'_>, label: &str) -> Result<String> {
    v.as_str().map(str::to_owned).ok_or_else(|| Error::field(label, format!("must be a string, not {}", v.type_name())))
}
