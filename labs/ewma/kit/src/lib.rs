//! Warm-up "ewma", before the adaptive-limit lab: an exponentially weighted moving average of
//! latency, the building block of every limiter that reads latency.
//!
//! A fixed limit is sized by hand for one capacity. An adaptive one watches how long calls take
//! and moves the limit: Netflix's Gradient2 compares the latest round-trip time with a *long-term
//! average* of it (`concurrency-limits`' `ExpAvgMeasurement`, over 600 samples), Vegas and
//! Envoy's adaptive concurrency filter compare it with a minimum, TCP's retransmission timer with
//! a smoothed RTT (RFC 6298). A moving average that keeps every sample is too slow and too big;
//! an exponentially weighted one keeps one number and forgets old samples geometrically:
//!
//! ```text
//! average ← average × (1 − α) + sample × α,   α = 2 ÷ (window + 1)
//! ```
//!
//! so a sample's weight halves about every `window ÷ 3` samples, and a window of `n` samples has
//! the same centre of mass as a plain average of the last `n` (the usual convention for
//! "N-period" EWMAs). Its one weakness is the start: an average that begins at zero reads low for
//! a long while, so the first `warmup` samples are averaged plainly instead.
//!
//! | file | what |
//! | --- | --- |
//! | this crate | the [`Average`] trait the moving average implements |
//! | `labs/ewma/src/ewma.rs` (crate `lab-ewma`) | **the file you edit**: `Ewma`'s methods, as `todo!()` |
//! | [`check`] | the suite ([`suite!`] declares it; `cargo test -p lab-ewma` runs it on yours) |

pub mod check;

// ANCHOR: average
/// A running average of samples (latencies in ms, say), one number of state.
pub trait Average: Send + 'static {
    /// An average over about `window` samples (`window` ≥ 1): after the warm-up, each sample
    /// weighs `α = 2 ÷ (window + 1)`. The first `max(warmup, 1)` samples are averaged plainly.
    fn new(window: usize, warmup: usize) -> Self;

    /// Adds a sample and returns the new average.
    fn add(&mut self, sample: f64) -> f64;

    /// The average so far; `None` before the first sample.
    fn get(&self) -> Option<f64>;

    /// Multiplies the average by `factor`, leaving the warm-up as it is. Gradient2 decays its
    /// long-term average this way (× 0.95) when it has drifted far above the latest samples.
    fn scale(&mut self, factor: f64);

    /// Forgets every sample: the next one starts a new warm-up.
    fn reset(&mut self);
}
// ANCHOR_END: average

/// The weight of a new sample after the warm-up: `2 ÷ (window + 1)`.
pub fn alpha(window: usize) -> f64 {
    2.0 / (window as f64 + 1.0)
}
