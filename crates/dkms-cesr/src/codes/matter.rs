//! The Matter code table (keripy 1.1 `MatterCodex` with `Matter.Sizes`).

use super::{const_sextet, sextet_index};

/// Sizes of one code, in Base64 characters except `ls` (bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MatterSizes {
    /// Hard size: characters of the stable type code.
    pub hs: u8,
    /// Soft size: characters holding the length (variable-size codes only).
    pub ss: u8,
    /// Lead size: zero bytes prepended to the raw value before encoding.
    pub ls: u8,
    /// Full size in characters; `None` for variable-size codes.
    pub fs: Option<u32>,
}

impl MatterSizes {
    /// Code size `hs + ss` in characters.
    #[must_use]
    pub const fn cs(&self) -> usize {
        self.hs as usize + self.ss as usize
    }

    /// Raw size in bytes for fixed-size codes: `(fs - cs) * 3 / 4 - ls`.
    #[must_use]
    pub const fn raw_size(&self) -> Option<usize> {
        match self.fs {
            Some(fs) => Some((fs as usize - self.cs()) * 3 / 4 - self.ls as usize),
            None => None,
        }
    }

    /// True for codes whose length is carried in the soft part.
    #[must_use]
    pub const fn is_variable(&self) -> bool {
        self.fs.is_none()
    }
}

macro_rules! matter_table {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $name:literal, $hs:literal, $ss:literal, $fs:tt, $ls:literal; )*) => {
        /// A Matter (primitive) code of the CESR v1 table as keripy 1.1.17 defines it.
        ///
        /// ```
        /// use dkms_cesr::MatterCode;
        /// let code = MatterCode::from_code("E").unwrap();
        /// assert_eq!(code, MatterCode::Blake3_256);
        /// assert_eq!(code.sizes().fs, Some(44));
        /// assert_eq!(code.raw_size(), Some(32));
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        #[allow(non_camel_case_types, reason = "digest names keep keripy's spelling, e.g. Blake2b_256")]
        pub enum MatterCode {
            $( $(#[$doc])* $variant, )*
        }

        impl MatterCode {
            /// Every code of the table, in table order.
            pub const ALL: &'static [MatterCode] = &[ $( MatterCode::$variant, )* ];

            /// The code's text (its hard part, e.g. `"E"`, `"0B"`, `"1AAA"`, `"4B"`).
            #[must_use]
            pub const fn code(self) -> &'static str {
                match self { $( MatterCode::$variant => $code, )* }
            }

            /// keripy's name for the code (e.g. `"Blake3_256"`).
            #[must_use]
            pub const fn name(self) -> &'static str {
                match self { $( MatterCode::$variant => $name, )* }
            }

            /// The code's sizes.
            #[must_use]
            pub const fn sizes(self) -> MatterSizes {
                match self { $( MatterCode::$variant => MatterSizes { hs: $hs, ss: $ss, ls: $ls, fs: matter_table!(@fs $fs) }, )* }
            }
        }
    };
    (@fs var) => { None };
    (@fs $fs:literal) => { Some($fs) };
}

matter_table! {
    /// Ed25519 private key seed.
    Ed25519Seed = "A", "Ed25519_Seed", 1, 0, 44, 0;
    /// Ed25519 public key, non-transferable.
    Ed25519N = "B", "Ed25519N", 1, 0, 44, 0;
    /// X25519 public encryption key.
    X25519 = "C", "X25519", 1, 0, 44, 0;
    /// Ed25519 public key, transferable.
    Ed25519 = "D", "Ed25519", 1, 0, 44, 0;
    /// Blake3-256 digest.
    Blake3_256 = "E", "Blake3_256", 1, 0, 44, 0;
    /// Blake2b-256 digest.
    Blake2b_256 = "F", "Blake2b_256", 1, 0, 44, 0;
    /// Blake2s-256 digest.
    Blake2s_256 = "G", "Blake2s_256", 1, 0, 44, 0;
    /// SHA3-256 digest.
    Sha3_256 = "H", "SHA3_256", 1, 0, 44, 0;
    /// SHA2-256 digest.
    Sha2_256 = "I", "SHA2_256", 1, 0, 44, 0;
    /// ECDSA secp256k1 private key seed.
    Ecdsa256k1Seed = "J", "ECDSA_256k1_Seed", 1, 0, 44, 0;
    /// Ed448 private key seed (tabled at 56 bytes by keripy 1.1).
    Ed448Seed = "K", "Ed448_Seed", 1, 0, 76, 0;
    /// X448 public encryption key.
    X448 = "L", "X448", 1, 0, 76, 0;
    /// Short number, 2 bytes.
    Short = "M", "Short", 1, 0, 4, 0;
    /// Big number, 8 bytes.
    Big = "N", "Big", 1, 0, 12, 0;
    /// X25519 private decryption key.
    X25519Private = "O", "X25519_Private", 1, 0, 44, 0;
    /// X25519 sealed-box cipher of a qb64 seed.
    X25519CipherSeed = "P", "X25519_Cipher_Seed", 1, 0, 124, 0;
    /// ECDSA secp256r1 private key seed.
    Ecdsa256r1Seed = "Q", "ECDSA_256r1_Seed", 1, 0, 44, 0;
    /// Tall number, 5 bytes.
    Tall = "R", "Tall", 1, 0, 8, 0;
    /// Large number, 11 bytes.
    Large = "S", "Large", 1, 0, 16, 0;
    /// Great number, 14 bytes.
    Great = "T", "Great", 1, 0, 20, 0;
    /// Vast number, 17 bytes.
    Vast = "U", "Vast", 1, 0, 24, 0;
    /// One-byte label (lead 1).
    Label1 = "V", "Label1", 1, 0, 4, 1;
    /// Two-byte label.
    Label2 = "W", "Label2", 1, 0, 4, 0;
    /// Three-character tag.
    Tag3 = "X", "Tag3", 1, 0, 4, 0;
    /// Seven-character tag.
    Tag7 = "Y", "Tag7", 1, 0, 8, 0;
    /// 128-bit salt, seed, nonce or huge number (also the `Seqner` code).
    Salt128 = "0A", "Salt_128", 2, 0, 24, 0;
    /// Ed25519 signature (not indexed).
    Ed25519Sig = "0B", "Ed25519_Sig", 2, 0, 88, 0;
    /// ECDSA secp256k1 signature, r‖s.
    Ecdsa256k1Sig = "0C", "ECDSA_256k1_Sig", 2, 0, 88, 0;
    /// Blake3-512 digest.
    Blake3_512 = "0D", "Blake3_512", 2, 0, 88, 0;
    /// Blake2b-512 digest.
    Blake2b_512 = "0E", "Blake2b_512", 2, 0, 88, 0;
    /// SHA3-512 digest.
    Sha3_512 = "0F", "SHA3_512", 2, 0, 88, 0;
    /// SHA2-512 digest.
    Sha2_512 = "0G", "SHA2_512", 2, 0, 88, 0;
    /// Long number, 4 bytes.
    Long = "0H", "Long", 2, 0, 8, 0;
    /// ECDSA secp256r1 signature, r‖s.
    Ecdsa256r1Sig = "0I", "ECDSA_256r1_Sig", 2, 0, 88, 0;
    /// One-character tag.
    Tag1 = "0J", "Tag1", 2, 0, 4, 0;
    /// Two-character tag.
    Tag2 = "0K", "Tag2", 2, 0, 4, 0;
    /// Five-character tag.
    Tag5 = "0L", "Tag5", 2, 0, 8, 0;
    /// Six-character tag.
    Tag6 = "0M", "Tag6", 2, 0, 8, 0;
    /// ECDSA secp256k1 public key (compressed SEC1), non-transferable.
    Ecdsa256k1N = "1AAA", "ECDSA_256k1N", 4, 0, 48, 0;
    /// ECDSA secp256k1 public key (compressed SEC1), transferable.
    Ecdsa256k1 = "1AAB", "ECDSA_256k1", 4, 0, 48, 0;
    /// Ed448 public key, non-transferable.
    Ed448N = "1AAC", "Ed448N", 4, 0, 80, 0;
    /// Ed448 public key, transferable.
    Ed448 = "1AAD", "Ed448", 4, 0, 80, 0;
    /// Ed448 signature (keripy 1.1 sizes it at 39 bytes, too small for a real signature).
    Ed448Sig = "1AAE", "Ed448_Sig", 4, 0, 56, 0;
    /// Four-character tag.
    Tag4 = "1AAF", "Tag4", 4, 0, 8, 0;
    /// RFC-3339 date-time with `:` `.` `+` mapped to `c` `d` `p`.
    DateTime = "1AAG", "DateTime", 4, 0, 36, 0;
    /// X25519 sealed-box cipher of a qb64 salt.
    X25519CipherSalt = "1AAH", "X25519_Cipher_Salt", 4, 0, 100, 0;
    /// ECDSA secp256r1 public key (compressed SEC1), non-transferable.
    Ecdsa256r1N = "1AAI", "ECDSA_256r1N", 4, 0, 48, 0;
    /// ECDSA secp256r1 public key (compressed SEC1), transferable.
    Ecdsa256r1 = "1AAJ", "ECDSA_256r1", 4, 0, 48, 0;
    /// Null value.
    Null = "1AAK", "Null", 4, 0, 4, 0;
    /// Boolean yes (keripy 1.1 assignment; swapped with `No` in CESR 2.0).
    Yes = "1AAL", "Yes", 4, 0, 4, 0;
    /// Boolean no (keripy 1.1 assignment; swapped with `Yes` in CESR 2.0).
    No = "1AAM", "No", 4, 0, 4, 0;
    /// Test-only fixed code with one lead byte.
    Tbd1 = "2AAA", "TBD1", 4, 0, 8, 1;
    /// Test-only fixed code with two lead bytes.
    Tbd2 = "3AAA", "TBD2", 4, 0, 8, 2;
    /// Base64-only string, small, lead 0.
    StrB64L0 = "4A", "StrB64_L0", 2, 2, var, 0;
    /// Base64-only string, small, lead 1.
    StrB64L1 = "5A", "StrB64_L1", 2, 2, var, 1;
    /// Base64-only string, small, lead 2.
    StrB64L2 = "6A", "StrB64_L2", 2, 2, var, 2;
    /// Base64-only string, big, lead 0.
    StrB64BigL0 = "7AAA", "StrB64_Big_L0", 4, 4, var, 0;
    /// Base64-only string, big, lead 1.
    StrB64BigL1 = "8AAA", "StrB64_Big_L1", 4, 4, var, 1;
    /// Base64-only string, big, lead 2.
    StrB64BigL2 = "9AAA", "StrB64_Big_L2", 4, 4, var, 2;
    /// Byte string, small, lead 0.
    BytesL0 = "4B", "Bytes_L0", 2, 2, var, 0;
    /// Byte string, small, lead 1.
    BytesL1 = "5B", "Bytes_L1", 2, 2, var, 1;
    /// Byte string, small, lead 2.
    BytesL2 = "6B", "Bytes_L2", 2, 2, var, 2;
    /// Byte string, big, lead 0.
    BytesBigL0 = "7AAB", "Bytes_Big_L0", 4, 4, var, 0;
    /// Byte string, big, lead 1.
    BytesBigL1 = "8AAB", "Bytes_Big_L1", 4, 4, var, 1;
    /// Byte string, big, lead 2.
    BytesBigL2 = "9AAB", "Bytes_Big_L2", 4, 4, var, 2;
    /// X25519 cipher of sniffable plaintext, small, lead 0.
    X25519CipherL0 = "4C", "X25519_Cipher_L0", 2, 2, var, 0;
    /// X25519 cipher of sniffable plaintext, small, lead 1.
    X25519CipherL1 = "5C", "X25519_Cipher_L1", 2, 2, var, 1;
    /// X25519 cipher of sniffable plaintext, small, lead 2.
    X25519CipherL2 = "6C", "X25519_Cipher_L2", 2, 2, var, 2;
    /// X25519 cipher of sniffable plaintext, big, lead 0.
    X25519CipherBigL0 = "7AAC", "X25519_Cipher_Big_L0", 4, 4, var, 0;
    /// X25519 cipher of sniffable plaintext, big, lead 1.
    X25519CipherBigL1 = "8AAC", "X25519_Cipher_Big_L1", 4, 4, var, 1;
    /// X25519 cipher of sniffable plaintext, big, lead 2.
    X25519CipherBigL2 = "9AAC", "X25519_Cipher_Big_L2", 4, 4, var, 2;
    /// X25519 cipher of qb64 plaintext, small, lead 0.
    X25519CipherQb64L0 = "4D", "X25519_Cipher_QB64_L0", 2, 2, var, 0;
    /// X25519 cipher of qb64 plaintext, small, lead 1.
    X25519CipherQb64L1 = "5D", "X25519_Cipher_QB64_L1", 2, 2, var, 1;
    /// X25519 cipher of qb64 plaintext, small, lead 2.
    X25519CipherQb64L2 = "6D", "X25519_Cipher_QB64_L2", 2, 2, var, 2;
    /// X25519 cipher of qb64 plaintext, big, lead 0.
    X25519CipherQb64BigL0 = "7AAD", "X25519_Cipher_QB64_Big_L0", 4, 4, var, 0;
    /// X25519 cipher of qb64 plaintext, big, lead 1.
    X25519CipherQb64BigL1 = "8AAD", "X25519_Cipher_QB64_Big_L1", 4, 4, var, 1;
    /// X25519 cipher of qb64 plaintext, big, lead 2.
    X25519CipherQb64BigL2 = "9AAD", "X25519_Cipher_QB64_Big_L2", 4, 4, var, 2;
    /// X25519 cipher of qb2 plaintext, small, lead 0 (in keripy 1.1's size table only).
    X25519CipherQb2L0 = "4E", "X25519_Cipher_QB2_L0", 2, 2, var, 0;
    /// X25519 cipher of qb2 plaintext, small, lead 1 (size table only).
    X25519CipherQb2L1 = "5E", "X25519_Cipher_QB2_L1", 2, 2, var, 1;
    /// X25519 cipher of qb2 plaintext, small, lead 2 (size table only).
    X25519CipherQb2L2 = "6E", "X25519_Cipher_QB2_L2", 2, 2, var, 2;
    /// X25519 cipher of qb2 plaintext, big, lead 0 (size table only).
    X25519CipherQb2BigL0 = "7AAE", "X25519_Cipher_QB2_Big_L0", 4, 4, var, 0;
    /// X25519 cipher of qb2 plaintext, big, lead 1 (size table only).
    X25519CipherQb2BigL1 = "8AAE", "X25519_Cipher_QB2_Big_L1", 4, 4, var, 1;
    /// X25519 cipher of qb2 plaintext, big, lead 2 (size table only).
    X25519CipherQb2BigL2 = "9AAE", "X25519_Cipher_QB2_Big_L2", 4, 4, var, 2;
}

/// Hard size (characters) selected by the first character of a code; 0 when the
/// character starts no code of this table.
#[must_use]
pub const fn hard_size(first: u8) -> u8 {
    match first {
        b'A'..=b'Z' | b'a'..=b'z' => 1,
        b'0' | b'4' | b'5' | b'6' => 2,
        b'1' | b'2' | b'3' | b'7' | b'8' | b'9' => 4,
        _ => 0,
    }
}

type Row = [Option<MatterCode>; 64];

/// One-character codes by sextet; two-character codes by (first, second);
/// four-character codes by (first, fourth) — every four-character v1 code is
/// `xAAy`, which [`build`] checks at compile time.
struct Index {
    one: Row,
    two: [Row; 64],
    four: [Row; 64],
}

#[allow(
    clippy::indexing_slicing,
    clippy::panic,
    reason = "compile-time table construction: an out-of-range index or a malformed code fails the build"
)]
const fn build() -> Index {
    let mut ix = Index { one: [None; 64], two: [[None; 64]; 64], four: [[None; 64]; 64] };
    let mut i = 0;
    while i < MatterCode::ALL.len() {
        let code = MatterCode::ALL[i];
        let text = code.code().as_bytes();
        let hs = code.sizes().hs as usize;
        if hs != text.len() || hard_size(text[0]) as usize != hs {
            panic!("matter table: hard size does not match code text");
        }
        match hs {
            1 => {
                let a = const_sextet(text[0]) as usize;
                if ix.one[a].is_some() {
                    panic!("matter table: duplicate code");
                }
                ix.one[a] = Some(code);
            }
            2 => {
                let (a, b) = (const_sextet(text[0]) as usize, const_sextet(text[1]) as usize);
                if ix.two[a][b].is_some() {
                    panic!("matter table: duplicate code");
                }
                ix.two[a][b] = Some(code);
            }
            4 => {
                if text[1] != b'A' || text[2] != b'A' {
                    panic!("matter table: four-character code not of the form xAAy");
                }
                let (a, d) = (const_sextet(text[0]) as usize, const_sextet(text[3]) as usize);
                if ix.four[a][d].is_some() {
                    panic!("matter table: duplicate code");
                }
                ix.four[a][d] = Some(code);
            }
            _ => panic!("matter table: unsupported hard size"),
        }
        i += 1;
    }
    ix
}

static INDEX: Index = build();

impl MatterCode {
    /// Looks a code up by its hard part (exactly `hs` characters).
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
            [a, b'A', b'A', d] => INDEX.four.get(s(a)?)?.get(s(d)?).copied().flatten(),
            _ => None,
        }
        .filter(|c| usize::from(c.sizes().hs) == hard.len())
    }

    /// The code's raw size in bytes, `None` for variable-size codes.
    #[must_use]
    pub const fn raw_size(self) -> Option<usize> {
        self.sizes().raw_size()
    }

    /// For a variable-size code: the code of the same family chosen for a raw value
    /// of `raw_len` bytes — the lead size follows from the length, and the small
    /// (`4`–`6`) form is promoted to the big (`7`–`9`) form above 4095 quadlets, as
    /// keripy does. Fixed-size codes are returned unchanged.
    #[must_use]
    pub fn for_raw_len(self, raw_len: usize) -> Option<Self> {
        let sizes = self.sizes();
        if !sizes.is_variable() {
            return Some(self);
        }
        let ls = (3 - raw_len % 3) % 3;
        let quadlets = (raw_len + ls) / 3;
        let text = self.code().as_bytes();
        // The family's type character is the last one of the hard part.
        let ty = *text.last()?;
        let lead_char = |small: bool| -> u8 {
            let base = if small { b'4' } else { b'7' };
            // ls is 0..=2
            base + u8::try_from(ls).unwrap_or(0)
        };
        if quadlets <= 4095 {
            Self::from_hard(&[lead_char(true), ty])
        } else if quadlets < 64usize.pow(4) {
            Self::from_hard(&[lead_char(false), b'A', b'A', ty])
        } else {
            None
        }
    }

    /// True for codes of public keys whose prefix is non-transferable (`B 1AAA 1AAC 1AAI`).
    #[must_use]
    pub const fn is_non_transferable(self) -> bool {
        matches!(self, Self::Ed25519N | Self::Ecdsa256k1N | Self::Ed448N | Self::Ecdsa256r1N)
    }

    /// True for digest codes (`E F G H I 0D 0E 0F 0G`).
    #[must_use]
    pub const fn is_digest(self) -> bool {
        matches!(
            self,
            Self::Blake3_256
                | Self::Blake2b_256
                | Self::Blake2s_256
                | Self::Sha3_256
                | Self::Sha2_256
                | Self::Blake3_512
                | Self::Blake2b_512
                | Self::Sha3_512
                | Self::Sha2_512
        )
    }

    /// True for codes that may be identifier prefixes (keripy `PreDex`).
    #[must_use]
    pub const fn is_prefix(self) -> bool {
        self.is_digest()
            || matches!(
                self,
                Self::Ed25519N
                    | Self::Ed25519
                    | Self::Ecdsa256k1N
                    | Self::Ecdsa256k1
                    | Self::Ecdsa256r1N
                    | Self::Ecdsa256r1
            )
    }
}

impl core::fmt::Display for MatterCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.code())
    }
}

/// True for the codes whose value is a private key or a private key seed:
/// `A` Ed25519 seed, `J` secp256k1 seed, `Q` secp256r1 seed, `K` Ed448 seed,
/// `O` X25519 private key.
///
/// Salts (`0A`) are not listed: the same code carries public 128-bit numbers
/// (sequence numbers, ordinals). A salt is secret by its use, not by its code,
/// so salts are encoded with [`SecretMatter`](crate::SecretMatter) by the code that knows they are salts.
#[must_use]
pub const fn is_secret_code(code: MatterCode) -> bool {
    matches!(
        code,
        MatterCode::Ed25519Seed
            | MatterCode::Ecdsa256k1Seed
            | MatterCode::Ecdsa256r1Seed
            | MatterCode::Ed448Seed
            | MatterCode::X25519Private
    )
}
