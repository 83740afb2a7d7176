//! # dkms-event
//!
//! KERI v1 messages as keripy 1.1.17 builds and reads them: the value model
//! and its byte-exact JSON, CBOR and MessagePack serializations, version
//! strings, SAIDs, thresholds, seals, builders for every message type, and
//! the signed-message codec (a body plus its CESR attachments).
//!
//! ```
//! use dkms_event::ser::{self, Kind};
//! use dkms_event::value::{Map, Value};
//!
//! let mut m = Map::new();
//! m.push("t", "ixn");
//! m.push("a", Value::List(vec![]));
//! let json = ser::encode(&Value::Map(m.clone()), Kind::Json)?;
//! assert_eq!(json, br#"{"t":"ixn","a":[]}"#);
//! // Parsing is strict: only the canonical bytes are accepted.
//! assert_eq!(ser::decode(&json, Kind::Json)?.map, m);
//! assert!(ser::decode(br#"{"t": "ixn","a":[]}"#, Kind::Json).is_err());
//! # Ok::<(), dkms_event::Error>(())
//! ```
#![allow(clippy::cast_possible_truncation, reason = "serializers cast only after range checks")]

pub mod builder;
mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod message;
pub mod primitives;
pub mod seal;
pub mod ser;
pub mod signed;
pub mod threshold;
pub mod value;
pub mod verify;
pub mod witness;

pub use error::{Error, Result};
pub use message::{Body, Ilk, Message};
