//! **Your file.** An exponentially weighted moving average of latency.
//!
//! Netflix's Gradient2 limiter keeps a long-term average of round-trip times over 600 samples and
//! compares each new sample with it: a sample well above the average means a queue is forming.
//! Keeping 600 samples to average them would cost memory and time on every call; an exponentially
//! weighted average keeps one number:
//!
//! ```text
//! average ← average × (1 − α) + sample × α,   α = 2 ÷ (window + 1)
//! ```
//!
//! Write [`Ewma`]'s four methods (`new` is given):
//!
//! 1. [`Average::add`]: the first `max(warmup, 1)` samples are averaged plainly (a running mean:
//!    keep a count); after that, blend each sample in with weight α ([`ewma_kit::alpha`]).
//!    Return the new average.
//! 2. [`Average::get`]: the average, or `None` before the first sample.
//! 3. [`Average::scale`]: multiply the average by a factor (the warm-up count stays).
//! 4. [`Average::reset`]: forget everything; the next sample starts a new warm-up.
//!
//! `cargo test -p lab-ewma` checks it against values worked out by hand;
//! `cargo run --release -- hint ewma` helps.

use ewma_kit::Average;

// ANCHOR: skeleton
/// An exponentially weighted moving average over about `window` samples.
pub struct Ewma {
    /// The weight of a new sample once the warm-up is over: 2 ÷ (window + 1).
    #[allow(dead_code)] // read it in `add`
    alpha: f64,
    /// How many samples to average plainly first (at least 1).
    #[allow(dead_code)] // read it in `add`
    warmup: usize,
    /// Samples added so far (you may stop counting once the warm-up is over).
    #[allow(dead_code)] // read and write it in `add` and `reset`
    count: usize,
    /// The average so far (meaningless while `count` is 0).
    #[allow(dead_code)] // read and write it in `add`, `get`, `scale` and `reset`
    value: f64,
}

impl Average for Ewma {
    fn new(window: usize, warmup: usize) -> Self {
        Ewma {
            alpha: ewma_kit::alpha(window),
            warmup: warmup.max(1),
            count: 0,
            value: 0.0,
        }
    }

    fn add(&mut self, sample: f64) -> f64 {
        todo!("average the warm-up plainly, then blend {sample} in with weight alpha")
    }

    fn get(&self) -> Option<f64> {
        todo!("the average, or None before the first sample")
    }

    fn scale(&mut self, factor: f64) {
        todo!("multiply the average by {factor}")
    }

    fn reset(&mut self) {
        todo!("forget every sample")
    }
}
// ANCHOR_END: skeleton
