//! Pacing for the checks that must catch a race (the ring's stale cached read, the semaphore's
//! last permit taken twice): a race shows only while two threads run at the same moment, one per
//! core, and on a busy machine that has to be arranged.
//!
//! Threads work in bursts of [`BURST`] at the start of every [`PERIOD`], and sleep in between.
//! Threads that wake together after a sleep tend to be run at once, one per core, even on a busy
//! machine (the OS favours threads that have used less than their share).

use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

/// How often the threads of a race check wake together.
pub const PERIOD: Duration = Duration::from_millis(2);

/// How long they work after waking, before they sleep until the next [`PERIOD`].
pub const BURST: Duration = Duration::from_micros(500);

/// Sleeps until the start of the next [`PERIOD`] after `epoch` if this one's [`BURST`] is over;
/// whether it slept.
pub fn sleep_till_next_burst(epoch: Instant) -> bool {
    let (now, period) = (epoch.elapsed().as_nanos(), PERIOD.as_nanos());
    if now % period < BURST.as_nanos() {
        return false;
    }
    std::thread::sleep(Duration::from_nanos((period - now % period) as u64));
    true
}

/// A counter on a cache line of its own, so that threads writing theirs do not slow each other.
#[repr(align(128))]
pub struct Padded(pub AtomicU64);

impl Padded {
    /// A counter starting at `value`.
    pub fn new(value: u64) -> Padded {
        Padded(AtomicU64::new(value))
    }
}
