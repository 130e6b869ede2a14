//! Netflix's Gradient2 limit: compare the latest latency with its long-term average.
//!
//! Vegas needs the latency of an empty queue, which is hard to know. Gradient2 uses what it can
//! measure: a long-term average of latency (an exponentially weighted one over 600 samples, the
//! warm-up "ewma") and the latest sample. Their ratio is the *gradient*: 1 while latency holds, a
//! half when it doubles. Each sample moves the limit to
//!
//! ```text
//! gradient = clamp(TOLERANCE × longRTT ÷ RTT, 0.5, 1)
//! new      = gradient × limit + QUEUE
//! limit    = limit × (1 − SMOOTHING) + new × SMOOTHING
//! ```
//!
//! so a rising latency shrinks the limit within a few samples, and a steady one lets it creep up
//! by `QUEUE` (headroom to notice when the server could do more). When the long-term average has
//! drifted to over twice the latest sample, it is pulled down by 5 % a sample, so it recovers
//! from a long overload. Envoy's adaptive concurrency filter is the same idea with a minRTT it
//! re-measures every few seconds.
//!
//! Like Netflix's, it leaves the limit alone while less than half of it is in use.

use std::sync::Mutex;

use crate::{AdaptiveLimiter, Outcome, Sample, Settings};

/// Netflix's defaults: how far above the long-term average a sample may be before the limit
/// shrinks, the headroom added each sample, the smoothing, and the long-term window.
pub const TOLERANCE: f64 = 1.5;
/// See [`TOLERANCE`].
pub const QUEUE: f64 = 4.0;
/// See [`TOLERANCE`].
pub const SMOOTHING: f64 = 0.2;
/// See [`TOLERANCE`].
pub const LONG_WINDOW: usize = 600;
/// Samples averaged plainly before the long-term average starts to weigh them.
pub const WARMUP: usize = 10;

/// The Gradient2 limit.
pub struct Gradient2 {
    settings: Settings,
    state: Mutex<State>,
}

struct State {
    limit: f64,
    /// The long-term average latency, in µs, and how many samples it holds (up to the warm-up).
    long_us: f64,
    count: usize,
}

impl State {
    /// Netflix's `ExpAvgMeasurement`: a plain mean over the warm-up, then a weight of
    /// `2 ÷ (window + 1)` per sample.
    fn add(&mut self, rtt_us: f64) -> f64 {
        if self.count < WARMUP {
            self.long_us = (self.long_us * self.count as f64 + rtt_us) / (self.count as f64 + 1.0);
            self.count += 1;
        } else {
            let alpha = 2.0 / (LONG_WINDOW as f64 + 1.0);
            self.long_us = self.long_us * (1.0 - alpha) + rtt_us * alpha;
        }
        self.long_us
    }
}

impl AdaptiveLimiter for Gradient2 {
    fn new(settings: &Settings) -> Self {
        Gradient2 {
            settings: *settings,
            state: Mutex::new(State {
                limit: settings.initial,
                long_us: 0.0,
                count: 0,
            }),
        }
    }

    fn limit(&self) -> f64 {
        lock(&self.state).limit
    }

    // ANCHOR: gradient2
    fn on_sample(&self, sample: &Sample) {
        if sample.outcome == Outcome::Ignored {
            return;
        }
        let short = (sample.latency.as_micros() as f64).max(1.0);
        let mut state = lock(&self.state);
        let long = state.add(short);
        if long / short > 2.0 {
            state.long_us *= 0.95; // drifted far above the present: let it come down
        }
        let limit = state.limit;
        if (sample.in_flight as f64) < limit / 2.0 {
            return; // app-limited
        }
        let gradient = (TOLERANCE * long / short).clamp(0.5, 1.0);
        let new = gradient * limit + QUEUE;
        let smoothed = limit * (1.0 - SMOOTHING) + new * SMOOTHING;
        state.limit = smoothed.clamp(self.settings.min, self.settings.max);
    }
    // ANCHOR_END: gradient2
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
