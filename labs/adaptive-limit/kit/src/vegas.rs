//! Netflix's Vegas limit: estimate the queue from latency, keep it between α and β.
//!
//! TCP Vegas (Brakmo and Peterson, 1994) noticed that a queue shows in latency before it shows in
//! losses. With `minRTT` the latency of an empty queue, a limit of `L` calls that take `RTT` each
//! keeps about `L × (1 − minRTT ÷ RTT)` of them waiting. Vegas adds one to the limit while that
//! estimate is under α, takes one off while it is over β, and leaves it alone between: a small,
//! steady queue that keeps the server busy without making anyone wait long. A drop (a timeout, a
//! rejection) takes off more.
//!
//! `minRTT` is the smallest latency seen, but a minimum only ever goes down: if the server got
//! slower for good, or the minimum was a fluke, the estimate reads a queue that is not there and
//! the limit sinks. Netflix's implementation therefore re-measures it every `30 × limit` samples;
//! one without that ends with its limit stuck at 1 (go-concurrency-limits, issue #117).
//!
//! Like Netflix's, it does not raise the limit while less than half of it is in use
//! ("app-limited"): a limit nobody uses says nothing about the server.

use std::sync::Mutex;

use crate::{AdaptiveLimiter, Outcome, Sample, Settings};

/// The estimated queue under which the limit grows (Netflix: `3 × log10(limit)`; 3 here).
pub const ALPHA: f64 = 3.0;
/// The estimated queue over which the limit shrinks (Netflix: `6 × log10(limit)`; 6 here).
pub const BETA: f64 = 6.0;
/// `minRTT` is re-measured every `PROBE × limit` samples.
pub const PROBE: f64 = 30.0;

/// The Vegas limit.
pub struct Vegas {
    settings: Settings,
    state: Mutex<State>,
}

struct State {
    limit: f64,
    /// The smallest latency seen since the last probe, in µs; 0 before the first sample.
    min_rtt_us: u64,
    /// Samples since the last probe.
    since_probe: u64,
}

impl AdaptiveLimiter for Vegas {
    fn new(settings: &Settings) -> Self {
        Vegas {
            settings: *settings,
            state: Mutex::new(State {
                limit: settings.initial,
                min_rtt_us: 0,
                since_probe: 0,
            }),
        }
    }

    fn limit(&self) -> f64 {
        lock(&self.state).limit
    }

    // ANCHOR: vegas
    fn on_sample(&self, sample: &Sample) {
        if sample.outcome == Outcome::Ignored {
            return;
        }
        let rtt_us = (sample.latency.as_micros() as u64).max(1);
        let mut state = lock(&self.state);
        state.since_probe += 1;
        if state.since_probe as f64 >= PROBE * state.limit {
            // Re-measure minRTT from here: the next samples set it afresh.
            state.since_probe = 0;
            state.min_rtt_us = rtt_us;
            return;
        }
        if sample.outcome == Outcome::Ok && (state.min_rtt_us == 0 || rtt_us < state.min_rtt_us) {
            state.min_rtt_us = rtt_us;
            return;
        }
        let limit = state.limit;
        let next = if sample.outcome != Outcome::Ok {
            limit - limit.log10().max(1.0) // Netflix: limit − log10(limit)
        } else if (sample.in_flight as f64) * 2.0 < limit {
            return; // app-limited: the limit is not what holds calls back
        } else {
            let queue = limit * (1.0 - state.min_rtt_us as f64 / rtt_us as f64);
            if queue < ALPHA {
                limit + 1.0
            } else if queue > BETA {
                limit - 1.0
            } else {
                return;
            }
        };
        state.limit = next.clamp(self.settings.min, self.settings.max);
    }
    // ANCHOR_END: vegas
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
