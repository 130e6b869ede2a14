//! An exponentially weighted moving average of latency, as Netflix's `concurrency-limits` keeps
//! it (`ExpAvgMeasurement`): a plain mean over a short warm-up, then each sample blended in with
//! weight `α = 2 ÷ (window + 1)`.
//!
//! One difference from the original: Netflix's starts from 0.0, so with a warm-up of 0 its first
//! average is `α × sample`, far too low. Here the warm-up is at least one sample, so the first
//! sample is always the average.

use ewma_kit::Average;

/// An exponentially weighted moving average over about `window` samples.
pub struct Ewma {
    /// The weight of a new sample once the warm-up is over: 2 ÷ (window + 1).
    alpha: f64,
    /// How many samples to average plainly first (at least 1).
    warmup: usize,
    /// Samples added so far, counted up to `warmup` only.
    count: usize,
    /// The average so far (meaningless while `count` is 0).
    value: f64,
}

// ANCHOR: solution
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
        if self.count < self.warmup {
            // A running mean: the old mean weighs as many samples as it stands for.
            let n = self.count as f64;
            self.value = (self.value * n + sample) / (n + 1.0);
            self.count += 1;
        } else {
            self.value = self.value * (1.0 - self.alpha) + sample * self.alpha;
        }
        self.value
    }

    fn get(&self) -> Option<f64> {
        (self.count > 0).then_some(self.value)
    }

    fn scale(&mut self, factor: f64) {
        self.value *= factor;
    }

    fn reset(&mut self) {
        self.count = 0;
        self.value = 0.0;
    }
}
// ANCHOR_END: solution
