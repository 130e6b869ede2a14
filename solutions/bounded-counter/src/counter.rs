//! A counter of calls in flight that never passes its limit.

use std::sync::atomic::{AtomicUsize, Ordering};

use bounded_counter_kit::Bounded;

/// At most `limit` callers in at once; `try_enter` never waits.
pub struct BoundedCounter {
    /// Callers in right now.
    in_flight: AtomicUsize,
    /// The most that may be in at once.
    limit: usize,
}

impl Bounded for BoundedCounter {
    fn with_limit(limit: usize) -> Self {
        BoundedCounter {
            in_flight: AtomicUsize::new(0),
            limit,
        }
    }

    // ANCHOR: try_enter
    fn try_enter(&self) -> bool {
        let mut current = self.in_flight.load(Ordering::Relaxed);
        loop {
            if current >= self.limit {
                return false; // full: bail at once, count untouched
            }
            // Swaps in current + 1 only if nobody moved the count since we read it.
            match self.in_flight.compare_exchange_weak(
                current,
                current + 1,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(now) => current = now, // someone else moved it: judge the new count
            }
        }
    }
    // ANCHOR_END: try_enter

    fn leave(&self) {
        self.in_flight.fetch_sub(1, Ordering::Release);
    }

    fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Acquire)
    }
}
