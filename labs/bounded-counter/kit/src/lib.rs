//! Warm-up "bounded counter", before the semaphore lab: a counter of calls in flight that never
//! passes its limit, however many threads race for the last place.
//!
//! Discord's `Semaphore` is one shared counter: a caller counts itself in if fewer than `max` are
//! in, and otherwise bails at once, without waiting or queueing. On the BEAM that is one
//! `:ets.update_counter/4` with a threshold; in Rust it is an atomic compare-exchange loop. This
//! warm-up is that counter alone, without the permits and the guarded client the lab adds.
//!
//! | file | what |
//! | --- | --- |
//! | this crate | the [`Bounded`] trait the counter implements |
//! | `labs/bounded-counter/src/counter.rs` (crate `lab-bounded-counter`) | **the file you edit**: `BoundedCounter`'s `try_enter` and `leave`, as `todo!()` |
//! | [`check`] | the suite ([`suite!`] declares it; `cargo test -p lab-bounded-counter` runs it on yours) |

pub mod check;

// ANCHOR: bounded
/// A count of callers in flight that never passes a limit, shared by every thread.
pub trait Bounded: Send + Sync + 'static {
    /// A counter that lets at most `limit` callers in at once; nobody is in yet.
    fn with_limit(limit: usize) -> Self;

    /// Counts the caller in and returns `true` if fewer than the limit are in; otherwise returns
    /// `false` at once and leaves the count as it was. Never waits.
    fn try_enter(&self) -> bool;

    /// Counts out a caller that entered (one `leave` per `true` from [`Bounded::try_enter`]).
    fn leave(&self);

    /// How many callers are in right now.
    fn in_flight(&self) -> usize;
}
// ANCHOR_END: bounded
