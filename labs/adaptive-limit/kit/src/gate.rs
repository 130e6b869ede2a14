//! The gate around a limiter: the in-flight counter, the permits, and the share of the limit
//! kept for high-priority calls.
//!
//! Netflix's library splits a limiter in two: a `Limit` that computes the limit from samples (the
//! [`AdaptiveLimiter`] here), and a `Limiter` that counts calls in and out against it (this gate;
//! their `SimpleLimiter`). The counting is the semaphore lab's compare-exchange loop; what is new
//! is that every permit measures its call and reports it when it ends.
//!
//! **Priority.** A gate made with [`Gate::partitioned`] lets low-priority calls fill only part of
//! the limit ([`LOW_SHARE`]); the rest is kept for high-priority ones, which may use all of it.
//! This is the simplest form of Netflix's partitioned limiter, which kept user-initiated requests
//! available through a 12× spike of prefetch traffic.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use crossbeam_utils::CachePadded;
use tokio::time::Instant;

use crate::{AdaptiveLimiter, Outcome, Priority, Sample};

/// The share of the limit low-priority calls may fill in a partitioned gate.
pub const LOW_SHARE: f64 = 0.5;

/// An in-flight counter in front of a limiter.
pub struct Gate<L> {
    limiter: L,
    in_flight: CachePadded<AtomicUsize>,
    /// The share of the limit low-priority calls may fill: 1 unless partitioned.
    low_share: f64,
    /// The origin of the samples' clock, set by the first permit (inside the runtime, so that in
    /// virtual time it is virtual too).
    origin: OnceLock<Instant>,
}

/// One call in flight through a gate. [`Permit::finish`] reports how it ended; dropping it
/// unfinished reports [`Outcome::Ignored`].
#[must_use = "a permit is given back as soon as it is dropped"]
pub struct Permit<'a, L: AdaptiveLimiter> {
    gate: &'a Gate<L>,
    acquired: Instant,
    finished: bool,
}

impl<L: AdaptiveLimiter> Gate<L> {
    /// A gate in front of `limiter`, blind to priority.
    pub fn new(limiter: L) -> Self {
        Gate {
            limiter,
            in_flight: CachePadded::new(AtomicUsize::new(0)),
            low_share: 1.0,
            origin: OnceLock::new(),
        }
    }

    /// A gate in front of `limiter` that keeps `1 − LOW_SHARE` of the limit for high priority.
    pub fn partitioned(limiter: L) -> Self {
        Gate {
            low_share: LOW_SHARE,
            ..Gate::new(limiter)
        }
    }

    /// The limiter behind the gate.
    pub fn limiter(&self) -> &L {
        &self.limiter
    }

    /// Calls in flight right now.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Acquire)
    }

    // ANCHOR: try_acquire
    /// A permit if fewer calls than this priority may have are in flight; `None` at once
    /// otherwise. Never waits.
    pub fn try_acquire(&self, priority: Priority) -> Option<Permit<'_, L>> {
        let limit = match priority {
            Priority::High => self.limiter.limit(),
            Priority::Low => self.limiter.limit() * self.low_share,
        };
        // `as` saturates: a negative or NaN limit lets nobody in.
        let cap = limit.floor() as usize;
        let mut current = self.in_flight.load(Ordering::Relaxed);
        loop {
            if current >= cap {
                return None;
            }
            match self.in_flight.compare_exchange_weak(
                current,
                current + 1,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => break,
                Err(now) => current = now,
            }
        }
        let acquired = Instant::now();
        self.origin.get_or_init(|| acquired);
        Some(Permit {
            gate: self,
            acquired,
            finished: false,
        })
    }
    // ANCHOR_END: try_acquire

    /// Counts a call out and reports it to the limiter.
    fn release(&self, acquired: Instant, outcome: Outcome) {
        let origin = *self.origin.get_or_init(|| acquired);
        let in_flight = self.in_flight.fetch_sub(1, Ordering::Release);
        self.limiter.on_sample(&Sample {
            started: acquired.saturating_duration_since(origin),
            latency: acquired.elapsed(),
            outcome,
            in_flight,
        });
    }
}

impl<L: AdaptiveLimiter> Permit<'_, L> {
    /// Ends the call: gives the permit back and tells the limiter how it went.
    pub fn finish(mut self, outcome: Outcome) {
        self.finished = true;
        self.gate.release(self.acquired, outcome);
    }
}

impl<L: AdaptiveLimiter> Drop for Permit<'_, L> {
    fn drop(&mut self) {
        if !self.finished {
            self.gate.release(self.acquired, Outcome::Ignored);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Settings;
    use crate::fixed::Fixed;
    use std::time::Duration;

    fn fixed(limit: f64) -> Fixed {
        Fixed::new(&Settings {
            initial: limit,
            min: limit,
            max: limit,
            slow: Duration::from_secs(1),
            backoff: 0.5,
        })
    }

    #[test]
    fn a_partitioned_gate_keeps_part_of_the_limit_for_high_priority() {
        let gate = Gate::partitioned(fixed(4.0));
        let low: Vec<_> = (0..4)
            .filter_map(|_| gate.try_acquire(Priority::Low))
            .collect();
        assert_eq!(low.len(), 2, "low priority fills half of a limit of 4");
        let high: Vec<_> = (0..4)
            .filter_map(|_| gate.try_acquire(Priority::High))
            .collect();
        assert_eq!(high.len(), 2, "high priority takes the rest");
        assert_eq!(gate.in_flight(), 4);
        drop(low);
        assert_eq!(gate.in_flight(), 2, "dropped permits come back");
    }

    #[test]
    fn a_gate_blind_to_priority_lets_low_priority_fill_the_limit() {
        let gate = Gate::new(fixed(3.0));
        let low: Vec<_> = (0..5)
            .filter_map(|_| gate.try_acquire(Priority::Low))
            .collect();
        assert_eq!(low.len(), 3);
    }

    #[test]
    fn a_limit_under_one_lets_nobody_in() {
        let gate = Gate::new(fixed(0.9));
        assert!(gate.try_acquire(Priority::High).is_none());
    }
}
