//! # dkms-kel
//!
//! The KERI v1 key event log validator: given messages in any order, it
//! accepts exactly the events keripy 1.1.17 accepts (stricter where keripy is
//! unsafe — see `docs/interop.md`), escrows what waits for something, rejects
//! the rest with a reason, and keeps every identifier's key state.
//!
//! See [`Kevery`] for an example.

mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod kevery;
mod persist;
mod pipeline;
mod state;
mod verify;

pub use dkms_store::Durability;
pub use error::{Error, Result};
pub use kevery::{Config, Duplicity, EscrowKind, Kevery, Logged, Outcome, Report};
pub use state::{KeyState, LastEstablishment};
