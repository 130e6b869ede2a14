//! Lab "Limited concurrency": the stampede that collapses, and the semaphore that prevents it.
//!
//! Once Discord made ring lookups fast, nearly five million sessions could reach the ten guild
//! registries at once. A session's `GenServer.call` to a registry timed out after five seconds,
//! but its request **stayed in the registry's mailbox** and was served later, for nobody. The
//! session retried after a backoff, adding a fresh request behind the stale ones. Registries spent
//! their time on requests whose callers had gone, so more calls timed out, so more retries came:
//! a *metastable failure*, one that sustains itself after its trigger is gone. Blocked sessions
//! meanwhile kept receiving presence events, their mailboxes grew, and the VM ran out of memory.
//!
//! The fix was not to make the registry faster, and not a circuit breaker (a burst of timeouts
//! must not stop every attempt for a while). It was a semaphore: an atomic counter of calls in
//! flight per registry, and a caller that finds it at the limit **bails at once** instead of
//! joining a queue it cannot win. Discord's `Semaphore` library does it with one
//! `:ets.update_counter/4`, an increment with a threshold.
//!
//! This crate holds what the lab gives; the skeleton you complete is in the lab crate:
//!
//! | file | what |
//! | --- | --- |
//! | [`model`] | registries, sessions, background load, the timeline: the stampede in virtual time |
//! | [`naive`] | the client that always calls: the blog's "before" |
//! | `labs/semaphore/src/semaphore.rs` (crate `lab-semaphore`) | **yours**: `Semaphore`, its `Permit`, and the `Guarded` client |
//! | [`check`] | the suite your code must pass ([`suite!`]; `cargo test -p lab-semaphore`) |

pub mod check;
pub mod model;
pub mod naive;

use std::fmt;
use std::future::Future;
use std::time::Duration;

use cluster::{Node, Pid, Request};

/// What a registry call asks: "where is guild `u64`?"; the reply is the guild's (made-up) pid.
pub type Lookup = Request<u64, u64>;

// ANCHOR: limiter
/// A limit on calls in flight that never blocks and never queues.
///
/// The lab's `Semaphore` (`labs/semaphore/src/semaphore.rs`) and the reference solution both implement it, so the same
/// suite checks both.
pub trait Limiter: Send + Sync + 'static {
    /// Proof of one call in flight; dropping it gives the slot back.
    type Permit<'a>: Send
    where
        Self: 'a;

    /// A limiter that lets at most `max` permits out at once.
    fn with_max(max: usize) -> Self;

    /// A permit if fewer than the limit are out, `None` at once otherwise.
    fn try_acquire(&self) -> Option<Self::Permit<'_>>;

    /// How many permits are out right now.
    fn count(&self) -> usize;

    /// Changes the limit. Permits already out stay out; new ones respect the new limit.
    fn set_max(&self, max: usize);

    /// Runs `f` under a permit (released even if `f` panics), or `Err(OverLimit)` without
    /// running it: Discord's `Semaphore.call/3`.
    fn call<T>(&self, f: impl FnOnce() -> T) -> Result<T, OverLimit>;
}
// ANCHOR_END: limiter

/// How one registry call ended, as the session sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The registry replied within the timeout.
    Replied,
    /// The client refused to call: the limit was reached. Nothing was sent.
    Rejected,
    /// No reply within the timeout. The request is still queued at the registry.
    TimedOut,
}

// ANCHOR: client
/// How a session calls a registry. The naive client always calls; the guarded one asks its
/// semaphore first.
pub trait Client: Send + Sync + 'static {
    /// One call from a session on `node` to `registry` (its index; `to` is its pid).
    fn call(
        &self,
        node: &Node,
        registry: usize,
        to: Pid<Lookup>,
        guild: u64,
        timeout: Duration,
    ) -> impl Future<Output = Outcome> + Send;
}
// ANCHOR_END: client

/// A shared client is a client: the suite runs one client over several simulations.
impl<C: Client> Client for std::sync::Arc<C> {
    fn call(
        &self,
        node: &Node,
        registry: usize,
        to: Pid<Lookup>,
        guild: u64,
        timeout: Duration,
    ) -> impl Future<Output = Outcome> + Send {
        (**self).call(node, registry, to, guild, timeout)
    }
}

/// The error of [`Limiter::call`] when every permit is out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OverLimit;

impl fmt::Display for OverLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "over the limit: every permit is out")
    }
}

impl std::error::Error for OverLimit {}

/// Makes one real call through the cluster and turns its result into an [`Outcome`]. Both clients
/// end up here; only the guarded one decides first whether to come.
pub async fn call_registry(node: &Node, to: Pid<Lookup>, guild: u64, timeout: Duration) -> Outcome {
    match node.call::<Lookup, u64, u64>(to, guild, timeout).await {
        Ok(_) => Outcome::Replied,
        Err(_) => Outcome::TimedOut,
    }
}
