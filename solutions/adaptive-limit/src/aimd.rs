//! An AIMD concurrency limit on two atomics: the limit (the bits of an `f64`) and the moment of
//! the last decrease.
//!
//! - **Additive increase**: a reply within `slow` adds `1 / limit`, about one per window of
//!   `limit` replies: TCP's congestion avoidance, where a window of packets adds one packet.
//! - **Multiplicative decrease**: a drop (a timeout, a rejection, a reply slower than `slow`)
//!   multiplies the limit by `backoff`, at most once per window. The window is claimed first, on
//!   `last_decrease_ns`: a drop whose call started before the last decrease saw the same overload
//!   and is ignored, and of two threads with fresh drops only the one whose compare-exchange
//!   lands decreases. Without the window, one burst of timeouts (every call in flight at once)
//!   would halve the limit once per call, down to its minimum.
//! - **Bounds**: never above `max`, never below `min` (at least 1: a gate lets `floor(limit)`
//!   calls in, so a limit under 1 would let nobody in, and nothing could raise it again).
//!
//! Every change is one `fetch_update`: a load and a separate store would lose the updates other
//! threads made in between.

use std::sync::atomic::{AtomicU64, Ordering};

use adaptive_limit_kit::{AdaptiveLimiter, Outcome, Sample, Settings};

// ANCHOR: state
/// An AIMD limit on calls in flight, shared by every thread of a session node.
pub struct Aimd {
    /// Initial limit, bounds, `slow` and `backoff`.
    settings: Settings,
    /// The limit, as the bits of an `f64`.
    limit: AtomicU64,
    /// When the last decrease happened, in ns on the samples' clock (0: none yet).
    last_decrease_ns: AtomicU64,
}
// ANCHOR_END: state

impl Aimd {
    // ANCHOR: update
    /// Applies `change` to the limit as one atomic step.
    fn update(&self, change: impl Fn(f64) -> f64) {
        let _ = self
            .limit
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |bits| {
                Some(change(f64::from_bits(bits)).to_bits())
            });
    }
    // ANCHOR_END: update

    // ANCHOR: claim_window
    /// Claims the window of a drop that started at `started_ns` and ended at `ended_ns`: true if
    /// no decrease happened since it started, and this one is now the last.
    fn claim_window(&self, started_ns: u64, ended_ns: u64) -> bool {
        self.last_decrease_ns
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |last| {
                (started_ns >= last).then_some(ended_ns.max(last))
            })
            .is_ok()
    }
    // ANCHOR_END: claim_window
}

// ANCHOR: solution
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

    // ANCHOR: on_sample
    fn on_sample(&self, sample: &Sample) {
        let Settings {
            min,
            max,
            slow,
            backoff,
            ..
        } = self.settings;
        let dropped = match sample.outcome {
            Outcome::Ok => sample.latency > slow,
            Outcome::TimedOut | Outcome::Rejected => true,
            Outcome::Ignored => return,
        };
        if !dropped {
            self.update(|limit| (limit + 1.0 / limit).min(max));
        } else if self.claim_window(
            sample.started.as_nanos() as u64,
            sample.ended().as_nanos() as u64,
        ) {
            self.update(|limit| (limit * backoff).max(min));
        }
    }
    // ANCHOR_END: on_sample
}
// ANCHOR_END: solution
