//! # dkms-cesr
//!
//! CESR v1 (Composable Event Streaming Representation) for KERI, as keripy
//! 1.1.17 speaks it: the code tables, a strict primitive codec in the text
//! (qb64) and binary (qb2) domains, and an incremental stream framer that
//! splits a byte stream into message bodies and attachment groups without
//! copying. No cryptography lives here.
//!
//! ```
//! use dkms_cesr::{Counter, CounterKind, Domain, Matter, MatterCode};
//!
//! // Encode a digest primitive and a counter, then read them back in both domains.
//! let dig = Matter::new(MatterCode::Blake3_256, [7u8; 32].to_vec())?;
//! let text = dig.qb64();
//! assert_eq!(text.len(), 44);
//! assert!(text.starts_with('E'));
//! assert_eq!(Matter::from_qb2(&dig.qb2())?, dig);
//!
//! let ctr = Counter::new(CounterKind::WitnessIdxSigs, 3)?;
//! let (back, used) = Counter::parse(&ctr.qb2(), Domain::Binary)?;
//! assert_eq!((back, used), (ctr, 3));
//! # Ok::<(), dkms_cesr::Error>(())
//! ```
//!
//! Design notes:
//! * Decoding is strict: unknown codes, characters outside the alphabet,
//!   non-zero pad bits or lead bytes, indices out of range and short input each
//!   give a typed [`Error`] with the offset. Nothing here panics on any input.
//! * Tables are `'static` data with constant-time lookup from the first
//!   characters; counters are kept per [`CesrVersion`] so CESR 2.0 can be added
//!   beside 1.0.
//! * The crate builds without `std` (`default-features = false`) on `alloc`.
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod b64;
mod codec;
pub mod codes;
mod counter;
mod error;
mod indexer;
mod matter;
mod secret;
pub mod stream;

#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;

pub use codec::{Domain, binary_to_text, text_to_binary};
pub use codes::counter::{CesrVersion, CounterEntry, CounterKind, CounterTable, Element, Layout};
pub use codes::indexer::{IndexKind, IndexerCode, IndexerSizes};
pub use codes::matter::{MatterCode, MatterSizes, is_secret_code};
pub use counter::Counter;
pub use error::{Error, Result, Table};
pub use indexer::Indexer;
pub use matter::Matter;
pub use secret::SecretMatter;
