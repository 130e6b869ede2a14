//! A semaphore that never blocks and never queues: one compare-exchange on one counter.
//!
//! Discord's `Semaphore.acquire/2` is `:ets.update_counter(t, name, {2, 1, max, max})`: add one
//! unless that passes `max`. The Rust counterpart is a compare-exchange loop: read the count,
//! refuse if it is at or above the limit, otherwise try to swap in count + 1, and retry only if
//! another thread changed the count in between. Nobody ever waits for a lock or a turn; a caller
//! at the limit learns it after one load.
//!
//! Two details that the original gets wrong or leaves to the caller:
//! - **A lowered limit** (Discord's issue #6): checking `current >= max` before incrementing means
//!   a count above a new, lower `max` refuses, and leaves the count alone.
//! - **Leaks**: the permit gives its slot back in `Drop`, which also runs while a panic unwinds.
//!   That is what `Semaphore.call_linksafe` and its sweeper process exist for on the BEAM.

use crossbeam_utils::CachePadded;

// std's atomics, or loom's under `--cfg loom`: the kit picks, as it does for the lab's file.
pub use semaphore_kit::OverLimit;
use semaphore_kit::sync::atomic::{AtomicUsize, Ordering};

/// At most `max` permits out at once; `try_acquire` never waits.
pub struct Semaphore {
    /// Permits out, on a cache line of its own: every caller writes it.
    in_flight: CachePadded<AtomicUsize>,
    /// The limit; may change while permits are out.
    max: AtomicUsize,
}

/// One permit; dropping it gives it back.
#[must_use = "a permit is given back as soon as it is dropped"]
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    /// A semaphore with `max` permits, none out.
    pub fn new(max: usize) -> Self {
        Semaphore {
            in_flight: CachePadded::new(AtomicUsize::new(0)),
            max: AtomicUsize::new(max),
        }
    }

    // ANCHOR: try_acquire
    /// A permit, or `None` at once if `max` are already out.
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let max = self.max.load(Ordering::Relaxed);
        let mut current = self.in_flight.load(Ordering::Relaxed);
        loop {
            if current >= max {
                return None; // at (or, after a lowered limit, above) the limit: bail, no queue
            }
            // Acquire pairs with the Release of the last permit given back, so whatever its
            // holder did happens-before what this holder does.
            match self.in_flight.compare_exchange_weak(
                current,
                current + 1,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Some(Permit { semaphore: self }),
                Err(now) => current = now, // someone else moved it: look again
            }
        }
    }
    // ANCHOR_END: try_acquire

    /// Runs `f` under a permit (given back even if `f` panics), or `Err(OverLimit)` without running it.
    pub fn call<T>(&self, f: impl FnOnce() -> T) -> Result<T, OverLimit> {
        let _permit = self.try_acquire().ok_or(OverLimit)?;
        Ok(f())
    }

    /// Permits out right now.
    pub fn count(&self) -> usize {
        self.in_flight.load(Ordering::Acquire)
    }

    /// The current limit.
    pub fn max(&self) -> usize {
        self.max.load(Ordering::Acquire)
    }

    /// Changes the limit. Permits already out stay out; new ones respect the new limit.
    pub fn set_max(&self, max: usize) {
        self.max.store(max, Ordering::Release);
    }
}

// ANCHOR: release
impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.semaphore.in_flight.fetch_sub(1, Ordering::Release);
    }
}
// ANCHOR_END: release

impl semaphore_kit::Limiter for Semaphore {
    type Permit<'a> = Permit<'a>;

    fn with_max(max: usize) -> Self {
        Semaphore::new(max)
    }

    fn try_acquire(&self) -> Option<Permit<'_>> {
        Semaphore::try_acquire(self)
    }

    fn count(&self) -> usize {
        Semaphore::count(self)
    }

    fn set_max(&self, max: usize) {
        Semaphore::set_max(self, max)
    }

    fn call<T>(&self, f: impl FnOnce() -> T) -> Result<T, OverLimit> {
        Semaphore::call(self, f)
    }
}

// The guarded client: a semaphore in front of every (session node, registry) pair. It runs on the
// cluster, which loom cannot build, so it is left out of the loom build (`--cfg loom`).
//
// Why per pair and not one global counter: each session node decides locally, with no
// cross-node coordination (Discord's Semaphore is an ETS table on one node), and each registry
// gets its own budget, so one slow registry cannot eat the permits meant for the others. With
// `limit` per pair, a registry never has more than `limit × session nodes` requests queued,
// which is what keeps every queued request young enough to be worth serving.
#[cfg(not(loom))]
pub use guarded::Guarded;

#[cfg(not(loom))]
mod guarded {
    use std::time::Duration;

    use cluster::{Node, Pid};
    use semaphore_kit::{Client, Limiter, Lookup, Outcome, call_registry};

    use super::Semaphore;

    /// The guarded client: one semaphore per (session node, registry), `limit` calls in flight each.
    pub struct Guarded<S = Semaphore> {
        /// `semaphores[node * registries + registry]`.
        semaphores: Vec<S>,
        registries: usize,
    }

    impl<S: Limiter> Guarded<S> {
        /// Semaphores for every node of a `nodes`-node cluster and every one of `registries`.
        pub fn new(nodes: usize, registries: usize, limit: usize) -> Self {
            let semaphores = (0..nodes * registries)
                .map(|_| S::with_max(limit))
                .collect();
            Guarded {
                semaphores,
                registries,
            }
        }

        /// The semaphore guarding calls from `node` to `registry`.
        pub fn semaphore(&self, node: &Node, registry: usize) -> &S {
            &self.semaphores[node.id().index() * self.registries + registry]
        }
    }

    // ANCHOR: guarded
    impl<S: Limiter> Client for Guarded<S> {
        async fn call(
            &self,
            node: &Node,
            registry: usize,
            to: Pid<Lookup>,
            guild: u64,
            timeout: Duration,
        ) -> Outcome {
            let Some(_permit) = self.semaphore(node, registry).try_acquire() else {
                return Outcome::Rejected; // at the limit: do not join a queue we cannot win
            };
            call_registry(node, to, guild, timeout).await
            // `_permit` is dropped here, after the reply or the timeout: the slot comes back.
        }
    }
    // ANCHOR_END: guarded
}
