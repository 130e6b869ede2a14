//! The reference answer to the bounded-counter warm-up: a compare-exchange loop that checks the
//! limit and counts the caller in as one atomic step, and a `fetch_sub` to leave. The semaphore
//! lab's reference `try_acquire` (`solutions/semaphore/src/semaphore.rs`) is the same loop.

pub mod counter;
