//! **Your file.** An AIMD concurrency limit: TCP's congestion rule, for calls to a registry.
//!
//! The blog's semaphore has a limit sized by hand. An AIMD limit finds its own: while calls come
//! back fast it adds a little (*additive increase*), and when one is dropped it halves
//! (*multiplicative decrease*). Jacobson's TCP (1988) showed that this pair converges to a fair,
//! full use of a link; Netflix's `AIMDLimit` does the same for calls in flight. The kit's gate
//! counts calls in and out and reports each one that ends to your limiter as a [`Sample`]; you
//! decide what the limit is.
//!
//! Write [`AdaptiveLimiter::on_sample`] (`new` and `limit` are given):
//!
//! 1. **Increase.** A call that replied (`Outcome::Ok`) within `settings.slow` adds `1 / limit`
//!    to the limit: about one more per window of `limit` replies. Never above `settings.max`.
//! 2. **Decrease.** A drop (`TimedOut`, `Rejected`, or an `Ok` slower than `settings.slow`)
//!    multiplies the limit by `settings.backoff` (one half). Never below `settings.min`: a limit
//!    under 1 lets no call in, and then nothing can raise it again.
//! 3. **Once per window.** When a server is overloaded, every call in flight sees it: a burst of
//!    timeouts is one overload, not fifty. A drop of a call that *started* before the last
//!    decrease must be ignored; a decrease happens at the moment its call ended
//!    ([`Sample::ended`]).
//! 4. **Many threads.** Every session of a node reports to the same limiter at once. Each change
//!    of the limit must be one atomic step: a load, then a store of a new value, loses the updates
//!    other threads made in between. `Outcome::Ignored` changes nothing.
//!
//! `cargo test -p lab-adaptive-limit` checks it; `cargo run --release -- labs` measures it
//! against the bar; `cargo run --release -- hint adaptive-limit` helps.

use std::sync::atomic::{AtomicU64, Ordering};

use adaptive_limit_kit::{AdaptiveLimiter, Sample, Settings};

// ANCHOR: skeleton
/// An AIMD limit on calls in flight, shared by every thread of a session node.
pub struct Aimd {
    /// Initial limit, bounds, `slow` and `backoff`.
    #[allow(dead_code)] // read it in `on_sample`
    settings: Settings,
    /// The limit, as the bits of an `f64` (`f64::to_bits` / `f64::from_bits`): an atomic that
    /// holds a fractional limit.
    limit: AtomicU64,
    /// When the last decrease happened, in ns on the samples' clock (0: none yet).
    #[allow(dead_code)] // read and write it in `on_sample`
    last_decrease_ns: AtomicU64,
}

impl AdaptiveLimiter for Aimd {
    fn new(settings: &Settings) -> Self {
        Aimd {
            settings: *settings,
            limit: AtomicU64::new(settings.initial.to_bits()),
            last_decrease_ns: AtomicU64::new(0),
        }
    }

    fn limit(&self) -> f64 {
        f64::from_bits(self.limit.load(Ordering::Acquire))
    }

    fn on_sample(&self, sample: &Sample) {
        todo!(
            "add 1 / limit on a fast reply, halve once per window on a drop: {:?}",
            sample.outcome
        )
    }
}
// ANCHOR_END: skeleton
