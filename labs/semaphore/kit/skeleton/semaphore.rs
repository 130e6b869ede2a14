//! **Your file.** A semaphore that never blocks and never queues, and the client that uses it.
//!
//! Discord's `Semaphore.acquire(name, max)` is one atomic operation on a shared counter:
//! `:ets.update_counter(table, name, {2, 1, max, max})` adds one *unless that would pass `max`*, in
//! which case it leaves the counter at `max`, and the caller compares the result with `max` to
//! know whether it got in. There is no queue and no coordinating process: a caller at the limit
//! learns it in a few nanoseconds and goes on with its life.
//!
//! Write the Rust version:
//!
//! 1. [`Semaphore::try_acquire`]: take a permit if fewer than `max` are out, or return `None`
//!    at once. Think about two threads that both see `max - 1` permits out. And about a `max` that
//!    was lowered below the current count: Discord's library has an open bug there (its issue #6:
//!    it clamps the counter down and lets the caller in). Yours must refuse.
//! 2. `Drop for Permit`: give the permit back. Drop runs on unwinding too, so a call that panics
//!    cannot leak its permit: the Rust answer to `Semaphore.call_linksafe`.
//! 3. [`Semaphore::call`]: run `f` under a permit, or `Err(OverLimit)`.
//! 4. [`Guarded`]'s `Client::call`: one semaphore per (session node, registry); a call that
//!    cannot get a permit is `Outcome::Rejected` without sending anything.
//!
//! `cargo test -p lab-semaphore` checks it; `cargo run --release -- labs` measures it.
//!
//! The atomics come from the kit (`semaphore_kit::sync`): they are std's, except under
//! `--cfg loom`, where they are loom's and `tests/loom.rs` tries every interleaving of a few
//! callers on your semaphore. That build has no cluster, so the guarded client sits in a module
//! it leaves out (`#[cfg(not(loom))]`); write it there as if the attribute were not there.

use crossbeam_utils::CachePadded;

use semaphore_kit::sync::atomic::{AtomicUsize, Ordering};
use semaphore_kit::{Limiter, OverLimit};

/// At most `max` permits out at once; `try_acquire` never waits.
pub struct Semaphore {
    /// Permits out. Padded to its own cache line: every caller on every core writes it, and it
    /// must not share a line with anything else they read.
    in_flight: CachePadded<AtomicUsize>,
    /// The limit; may change while permits are out.
    max: AtomicUsize,
}

/// One permit; dropping it gives it back.
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

    /// A permit, or `None` at once if `max` are already out.
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        todo!("take a permit without ever letting more than max out")
    }

    /// Runs `f` under a permit, or returns `Err(OverLimit)` without running it.
    pub fn call<T>(&self, f: impl FnOnce() -> T) -> Result<T, OverLimit> {
        let _ = f;
        todo!("acquire, run f, release (even if f panics)")
    }

    /// Permits out right now.
    pub fn count(&self) -> usize {
        self.in_flight.load(Ordering::Acquire)
    }

    /// The current limit.
    pub fn max(&self) -> usize {
        self.max.load(Ordering::Acquire)
    }

    /// Changes the limit. Permits already out stay out.
    pub fn set_max(&self, max: usize) {
        self.max.store(max, Ordering::Release);
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        todo!(
            "give the permit back to the semaphore at {:p}",
            self.semaphore
        )
    }
}

impl Limiter for Semaphore {
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

// The guarded client runs on the cluster, which a loom build (`--cfg loom`) cannot build: it is
// left out of that build, and only of that one.
#[cfg(not(loom))]
pub use guarded::Guarded;

#[cfg(not(loom))]
mod guarded {
    use std::time::Duration;

    use cluster::{Node, Pid};
    use semaphore_kit::{Client, Limiter, Lookup, Outcome};

    use super::Semaphore;

    /// The guarded client: a semaphore per (session node, registry), `limit` calls in flight each.
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
            let _ = (self.semaphore(node, registry), to, guild, timeout);
            todo!("call the registry under a permit of this (node, registry), or reject at once")
        }
    }
    // ANCHOR_END: guarded
}
