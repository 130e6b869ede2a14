//! **Your file.** A counter of calls in flight that never passes its limit.
//!
//! Discord's `Semaphore.acquire(name, max)` is one atomic step on a shared counter: add one unless
//! that would pass `max`. A caller at the limit learns it at once and bails; nobody waits for a
//! lock or queues behind a process. Write the Rust version, on one `AtomicUsize`:
//!
//! 1. [`Bounded::try_enter`]: if fewer than `limit` are in, count the caller in and return `true`;
//!    otherwise return `false` and leave the count alone. Think of two threads that both see
//!    `limit - 1` in: only one of them may get the last place. The tool is a compare-exchange
//!    loop (`AtomicUsize::compare_exchange`).
//! 2. [`Bounded::leave`]: count a caller out.
//!
//! The semaphore lab builds on this: a permit that leaves by itself when dropped, a limit that can
//! change, and the client that bails. `cargo test -p lab-bounded-counter` checks it;
//! `cargo run --release -- hint bounded-counter` helps.

use std::sync::atomic::{AtomicUsize, Ordering};

use bounded_counter_kit::Bounded;

// ANCHOR: skeleton
/// At most `limit` callers in at once; `try_enter` never waits.
pub struct BoundedCounter {
    /// Callers in right now.
    in_flight: AtomicUsize,
    /// The most that may be in at once.
    #[allow(dead_code)] // read it in `try_enter`
    limit: usize,
}

impl Bounded for BoundedCounter {
    fn with_limit(limit: usize) -> Self {
        BoundedCounter {
            in_flight: AtomicUsize::new(0),
            limit,
        }
    }

    fn try_enter(&self) -> bool {
        todo!("check the limit and count the caller in as one atomic step")
    }

    fn leave(&self) {
        todo!("count the caller out")
    }

    fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Acquire)
    }
}
// ANCHOR_END: skeleton
