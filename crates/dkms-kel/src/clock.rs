//! Where the engine's time comes from.

use std::sync::Arc;

/// Where time comes from: microseconds since the Unix epoch.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> u64 + Send + Sync>);

impl Clock {
    /// The system clock.
    #[must_use]
    pub fn system() -> Self {
        Clock(Arc::new(dkms_store::now_micros))
    }

    /// A clock stopped at `micros` (tests, replays).
    #[must_use]
    pub fn fixed(micros: u64) -> Self {
        Clock(Arc::new(move || micros))
    }

    /// Any function giving microseconds since the Unix epoch.
    pub fn from_fn(f: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        Clock(Arc::new(f))
    }

    /// Now, in microseconds since the Unix epoch.
    #[must_use]
    pub fn now(&self) -> u64 {
        (self.0)()
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system()
    }
}

impl core::fmt::Debug for Clock {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Clock")
    }
}
