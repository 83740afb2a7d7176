//! CESR code tables: data, one entry per code, with the sizes that drive the codec.
//!
//! Every table is `'static` data generated from one list per table, so the code
//! strings, names and sizes can never drift apart. Lookup from the first
//! characters (or sextets) of a primitive is a couple of array reads: no search,
//! no hashing, no allocation.

pub mod counter;
pub mod indexer;
pub mod matter;

/// Sextet value of a Base64url character in `const` context; 64 when invalid.
pub(crate) const fn const_sextet(c: u8) -> u8 {
    match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => 64,
    }
}

/// Sextet value of a Base64url character as a table index, `None` when invalid.
#[inline]
pub(crate) fn sextet_index(c: &u8) -> Option<usize> {
    let v = const_sextet(*c);
    (v < 64).then_some(usize::from(v))
}
