//! The Indexer code table (keripy 1.1 `IndexerCodex` with `Indexer.Sizes`): indexed signatures.

use super::{const_sextet, sextet_index};

/// Which key lists an indexed signature counts for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IndexKind {
    /// Counts for the current keys (by index) and the prior next digests (by ondex).
    Both,
    /// Counts for the current keys only; the ondex is absent (and zero when it has characters).
    CurrentOnly,
    /// keripy's test-only codes (`0z 1z 4z`); never produced by a KERI peer.
    TestOnly,
}

/// Sizes of one indexer code, in Base64 characters except `ls` (bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IndexerSizes {
    /// Hard size.
    pub hs: u8,
    /// Soft size: index plus ondex characters.
    pub ss: u8,
    /// Ondex ("other index") characters; the main index has `ss - os`.
    pub os: u8,
    /// Lead size in bytes.
    pub ls: u8,
    /// Full size in characters; `None` when the index is a length in quadlets.
    pub fs: Option<u32>,
}

impl IndexerSizes {
    /// Code size `hs + ss`.
    #[must_use]
    pub const fn cs(&self) -> usize {
        self.hs as usize + self.ss as usize
    }

    /// Main index characters `ss - os`.
    #[must_use]
    pub const fn ms(&self) -> usize {
        self.ss as usize - self.os as usize
    }

    /// Largest main index, `64^ms - 1`.
    #[must_use]
    pub const fn max_index(&self) -> u32 {
        (1u32 << (6 * self.ms())) - 1
    }

    /// Largest ondex, `64^os - 1` (0 when the ondex has no characters).
    #[must_use]
    pub const fn max_ondex(&self) -> u32 {
        (1u32 << (6 * self.os as usize)) - 1
    }

    /// Raw size in bytes for fixed-size codes.
    #[must_use]
    pub const fn raw_size(&self) -> Option<usize> {
        match self.fs {
            Some(fs) => Some((fs as usize - self.cs()) * 3 / 4 - self.ls as usize),
            None => None,
        }
    }
}

macro_rules! indexer_table {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $name:literal, $hs:literal, $ss:literal, $os:literal, $fs:tt, $ls:literal, $kind:ident; )*) => {
        /// An Indexer (indexed signature) code of the CESR v1 table, keripy 1.1.17.
        ///
        /// ```
        /// use dkms_cesr::{IndexerCode, IndexKind};
        /// let code = IndexerCode::from_code("2A").unwrap();
        /// assert_eq!(code, IndexerCode::Ed25519BigSig);
        /// assert_eq!(code.kind(), IndexKind::Both);
        /// assert_eq!(code.sizes().max_index(), 4095);
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum IndexerCode {
            $( $(#[$doc])* $variant, )*
        }

        impl IndexerCode {
            /// Every code of the table, in table order.
            pub const ALL: &'static [IndexerCode] = &[ $( IndexerCode::$variant, )* ];

            /// The code's text.
            #[must_use]
            pub const fn code(self) -> &'static str {
                match self { $( IndexerCode::$variant => $code, )* }
            }

            /// keripy's name for the code.
            #[must_use]
            pub const fn name(self) -> &'static str {
                match self { $( IndexerCode::$variant => $name, )* }
            }

            /// The code's sizes.
            #[must_use]
            pub const fn sizes(self) -> IndexerSizes {
                match self { $( IndexerCode::$variant => IndexerSizes { hs: $hs, ss: $ss, os: $os, ls: $ls, fs: indexer_table!(@fs $fs) }, )* }
            }

            /// Which lists the signature counts for.
            #[must_use]
            pub const fn kind(self) -> IndexKind {
                match self { $( IndexerCode::$variant => IndexKind::$kind, )* }
            }
        }
    };
    (@fs var) => { None };
    (@fs $fs:literal) => { Some($fs) };
}

indexer_table! {
    /// Ed25519 signature, index = ondex (small).
    Ed25519Sig = "A", "Ed25519_Sig", 1, 1, 0, 88, 0, Both;
    /// Ed25519 signature, current keys only (small).
    Ed25519CrtSig = "B", "Ed25519_Crt_Sig", 1, 1, 0, 88, 0, CurrentOnly;
    /// ECDSA secp256k1 signature, both lists (small).
    Ecdsa256k1Sig = "C", "ECDSA_256k1_Sig", 1, 1, 0, 88, 0, Both;
    /// ECDSA secp256k1 signature, current only (small).
    Ecdsa256k1CrtSig = "D", "ECDSA_256k1_Crt_Sig", 1, 1, 0, 88, 0, CurrentOnly;
    /// ECDSA secp256r1 signature, both lists (small).
    Ecdsa256r1Sig = "E", "ECDSA_256r1_Sig", 1, 1, 0, 88, 0, Both;
    /// ECDSA secp256r1 signature, current only (small).
    Ecdsa256r1CrtSig = "F", "ECDSA_256r1_Crt_Sig", 1, 1, 0, 88, 0, CurrentOnly;
    /// Ed448 signature, both lists.
    Ed448Sig = "0A", "Ed448_Sig", 2, 2, 1, 156, 0, Both;
    /// Ed448 signature, current only.
    Ed448CrtSig = "0B", "Ed448_Crt_Sig", 2, 2, 1, 156, 0, CurrentOnly;
    /// Ed25519 signature, both lists, explicit ondex (big).
    Ed25519BigSig = "2A", "Ed25519_Big_Sig", 2, 4, 2, 92, 0, Both;
    /// Ed25519 signature, current only (big).
    Ed25519BigCrtSig = "2B", "Ed25519_Big_Crt_Sig", 2, 4, 2, 92, 0, CurrentOnly;
    /// ECDSA secp256k1 signature, both lists (big).
    Ecdsa256k1BigSig = "2C", "ECDSA_256k1_Big_Sig", 2, 4, 2, 92, 0, Both;
    /// ECDSA secp256k1 signature, current only (big).
    Ecdsa256k1BigCrtSig = "2D", "ECDSA_256k1_Big_Crt_Sig", 2, 4, 2, 92, 0, CurrentOnly;
    /// ECDSA secp256r1 signature, both lists (big).
    Ecdsa256r1BigSig = "2E", "ECDSA_256r1_Big_Sig", 2, 4, 2, 92, 0, Both;
    /// ECDSA secp256r1 signature, current only (big).
    Ecdsa256r1BigCrtSig = "2F", "ECDSA_256r1_Big_Crt_Sig", 2, 4, 2, 92, 0, CurrentOnly;
    /// Ed448 signature, both lists (big).
    Ed448BigSig = "3A", "Ed448_Big_Sig", 2, 6, 3, 160, 0, Both;
    /// Ed448 signature, current only (big).
    Ed448BigCrtSig = "3B", "Ed448_Big_Crt_Sig", 2, 6, 3, 160, 0, CurrentOnly;
    /// keripy test code: variable size, the index is the length in quadlets.
    Tbd0 = "0z", "TBD0", 2, 2, 0, var, 0, TestOnly;
    /// keripy test code with one lead byte.
    Tbd1 = "1z", "TBD1", 2, 2, 1, 76, 1, TestOnly;
    /// keripy test code with one lead byte and big indices.
    Tbd4 = "4z", "TBD4", 2, 6, 3, 80, 1, TestOnly;
}

/// Hard size (characters) selected by the first character of a code; 0 when the
/// character starts no code of this table.
#[must_use]
pub const fn hard_size(first: u8) -> u8 {
    match first {
        b'A'..=b'Z' | b'a'..=b'z' => 1,
        b'0'..=b'4' => 2,
        _ => 0,
    }
}

type Row = [Option<IndexerCode>; 64];

struct Index {
    one: Row,
    two: [Row; 64],
}

#[allow(
    clippy::indexing_slicing,
    clippy::panic,
    reason = "compile-time table construction: a malformed table fails the build"
)]
const fn build() -> Index {
    let mut ix = Index { one: [None; 64], two: [[None; 64]; 64] };
    let mut i = 0;
    while i < IndexerCode::ALL.len() {
        let code = IndexerCode::ALL[i];
        let text = code.code().as_bytes();
        let hs = code.sizes().hs as usize;
        if hs != text.len() || hard_size(text[0]) as usize != hs {
            panic!("indexer table: hard size does not match code text");
        }
        if hs == 1 {
            let a = const_sextet(text[0]) as usize;
            if ix.one[a].is_some() {
                panic!("indexer table: duplicate");
            }
            ix.one[a] = Some(code);
        } else {
            let (a, b) = (const_sextet(text[0]) as usize, const_sextet(text[1]) as usize);
            if ix.two[a][b].is_some() {
                panic!("indexer table: duplicate");
            }
            ix.two[a][b] = Some(code);
        }
        i += 1;
    }
    ix
}

static INDEX: Index = build();

impl IndexerCode {
    /// Looks a code up by its hard part.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::from_hard(code.as_bytes())
    }

    /// Looks a code up by its hard part given as bytes.
    #[must_use]
    pub fn from_hard(hard: &[u8]) -> Option<Self> {
        let s = sextet_index;
        match hard {
            [a] => INDEX.one.get(s(a)?).copied().flatten(),
            [a, b] => INDEX.two.get(s(a)?)?.get(s(b)?).copied().flatten(),
            _ => None,
        }
        .filter(|c| usize::from(c.sizes().hs) == hard.len())
    }

    /// The current-only code of the same algorithm and size class (`A`→`B`, `2C`→`2D`…).
    #[must_use]
    pub const fn current_only(self) -> Self {
        match self {
            Self::Ed25519Sig => Self::Ed25519CrtSig,
            Self::Ecdsa256k1Sig => Self::Ecdsa256k1CrtSig,
            Self::Ecdsa256r1Sig => Self::Ecdsa256r1CrtSig,
            Self::Ed448Sig => Self::Ed448CrtSig,
            Self::Ed25519BigSig => Self::Ed25519BigCrtSig,
            Self::Ecdsa256k1BigSig => Self::Ecdsa256k1BigCrtSig,
            Self::Ecdsa256r1BigSig => Self::Ecdsa256r1BigCrtSig,
            Self::Ed448BigSig => Self::Ed448BigCrtSig,
            other => other,
        }
    }
}

impl core::fmt::Display for IndexerCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.code())
    }
}
