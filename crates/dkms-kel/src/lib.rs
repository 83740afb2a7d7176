//! # dkms-kel
//!
//! The KERI v1 key event log validator: given messages in any order, it
//! accepts exactly the events keripy accepts (stricter where keripy is
//! unsafe — see `docs/interop.md`), escrows what waits for something, rejects
//! the rest with a reason, and keeps every identifier's key state. Every message
//! gets exactly one disposition in the [`Report`].
//!
//! How a message flows (see `docs/architecture.md`):
//! [`Kevery::ingest`] reads a [`Source`] in batches (`pipeline`: framing, parsing,
//! signatures verified ahead) → `rules` decide over a read-only `view` → the engine
//! (`kevery`) applies the decision: logs the event, or puts it in an `escrow`, or
//! rejects it → escrows waiting on that identifier are retried → changes go to the
//! `journal`, written by the background `writer`.
//!
//! See [`Kevery`] for an example.

mod clock;
mod error;
mod escrow;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod ingest;
mod journal;
mod kevery;
mod logged;
mod pipeline;
mod report;
mod rules;
mod state;
mod verify;
mod view;
mod writer;

pub use clock::Clock;
pub use dkms_store::{Durability, EscrowKind};
pub use error::{Error, Result, Rule, StoreFailure};
pub use ingest::{Options, Progress, Source};
pub use kevery::{Config, Duplicity, Kevery};
pub use logged::Logged;
pub use report::{Earlier, Outcome, Pending, Rejection, Report, Waiting, Warning, WarningKind};
pub use state::{KeyState, LastEstablishment};
