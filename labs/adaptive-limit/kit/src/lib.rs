//! Lab "Beyond a fixed limit": a concurrency limit that finds its own value, and the other ways
//! of keeping a stampede from collapsing a server.
//!
//! Discord's fix for the stampede was a semaphore per (session node, registry) with a limit
//! sized by hand. A fixed limit is right for one capacity: when a registry slows down (a GC, a
//! noisy neighbour, a bad deploy), a limit tuned for yesterday either queues too much or turns
//! away work it could serve. The field has since learned to set the limit from what calls
//! measure, and to act at the server and in the retry loop too:
//!
//! - **Adaptive limits** (Netflix's `concurrency-limits`, 2018): *AIMD*, TCP's rule (add about one
//!   per round trip while calls succeed, halve on a drop); *Vegas*, which estimates the queue as
//!   `limit × (1 − minRTT ÷ RTT)` and moves the limit by one to keep it between α and β;
//!   *Gradient2*, which scales the limit by `clamp(longRTT ÷ RTT, 0.5, 1)` and adds a little
//!   headroom. Envoy's adaptive concurrency filter is a gradient on a periodically re-measured
//!   minRTT. Netflix's *partitioned* limiter reserves part of the limit for the traffic that
//!   matters, which kept user-initiated requests above 99.4 % available through a 12× spike of
//!   prefetches.
//! - **Server-side queue discipline** (Facebook, "Fail at Scale", ACM Queue 2015): CoDel turns
//!   away what waited too long once a queue stands, and adaptive LIFO serves the newest first.
//!   **Deadlines** travel with the request, so a server skips work nobody waits for.
//! - **Client-side throttling and retry budgets** (Google SRE book, "Handling Overload"): reject
//!   locally with probability `max(0, (requests − K × accepts) ÷ (requests + 1))`, and cap
//!   retries at a fraction of calls, since retries are what keep a *metastable failure* going
//!   after its trigger is gone (Bronson et al., HotOS 2021; Huang et al., OSDI 2022).
//!
//! Known failure of adaptive limiters: a limit stuck at 1 after the load subsided (a Vegas limit
//! in go-concurrency-limits, its issue #117). The lab's suite hunts for that, and for the others
//! an AIMD limiter can have.
//!
//! | file | what |
//! | --- | --- |
//! | this file | the [`AdaptiveLimiter`] trait, its [`Settings`] and [`Sample`] |
//! | [`gate`] | the in-flight counter and permits around any limiter (Netflix's `SimpleLimiter`) |
//! | [`fixed`] | [`Fixed`](fixed::Fixed): the blog's semaphore, as a limiter that never moves |
//! | [`vegas`], [`gradient2`] | Netflix's two latency-based limiters |
//! | [`clients`] | the admission clients: unguarded, limited, SRE throttle, retry budget |
//! | [`tower_client`] | tower's `ConcurrencyLimit` + `LoadShed`, composed as a user would |
//! | [`cases`], [`strategies`], [`figures`] | the scenario "admission": four cases, ten strategies |
//! | `labs/adaptive-limit/src/aimd.rs` (crate `lab-adaptive-limit`) | **yours**: the AIMD limiter |
//! | [`check`] | the suite your limiter must pass ([`suite!`]; `cargo test -p lab-adaptive-limit`) |
//! | [`bar`] | the bar: your limiter serves the `slowdown` case within 1.5 × the ideal |

pub mod bar;
pub mod cases;
pub mod check;
pub mod clients;
pub mod figures;
pub mod fixed;
pub mod gate;
pub mod gradient2;
pub mod strategies;
pub mod tower_client;
pub mod vegas;

use std::time::Duration;

use serde::Serialize;

pub use semaphore_kit::model::{Ended, Priority};

/// How a call that held a permit ended, as a limiter learns it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Outcome {
    /// The registry replied in time. Its latency says how long it took.
    Ok,
    /// No reply within the caller's timeout: the registry is overloaded, or stopped.
    TimedOut,
    /// The registry turned the call away at once, unserved (CoDel's fast failure, an HTTP 503).
    Rejected,
    /// The call ended without telling anything about the registry (it was cancelled): count it
    /// out, learn nothing.
    Ignored,
}

// ANCHOR: sample
/// What one call measured, reported to its limiter when it ends.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Sample {
    /// When the call started, on the limiter's clock (any fixed origin: only differences and
    /// order matter).
    pub started: Duration,
    /// How long it took, from its permit to its end.
    pub latency: Duration,
    /// How it ended.
    pub outcome: Outcome,
    /// Calls in flight through the same gate when it ended, itself included.
    pub in_flight: usize,
}

impl Sample {
    /// When the call ended, on the limiter's clock.
    pub fn ended(&self) -> Duration {
        self.started + self.latency
    }
}
// ANCHOR_END: sample

// ANCHOR: settings
/// What every limiter is built from. The scenario uses one set for every limiter in every case
/// ([`strategies::ADAPTIVE`]): none is tuned per case.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Settings {
    /// The limit before any sample.
    pub initial: f64,
    /// The limit never goes below this (at least 1: a gate with a limit under 1 lets no call in,
    /// so no call ends and nothing can raise the limit again).
    pub min: f64,
    /// The limit never goes above this.
    pub max: f64,
    /// A reply slower than this counts as a drop (AIMD; Netflix's `AIMDLimit` calls it its
    /// timeout).
    pub slow: Duration,
    /// What a decrease multiplies the limit by (AIMD: one half, as TCP).
    pub backoff: f64,
}
// ANCHOR_END: settings

// ANCHOR: limiter
/// A concurrency limit that sets itself from what calls measure: Netflix's `Limit`.
///
/// The successor of the semaphore lab's `Limiter`. Counting calls in and out is the
/// [`gate::Gate`]'s job, the same for every limiter: it lets a call in while fewer than
/// `limit()` (rounded down) are in flight, hands out a permit, and when the call ends reports a
/// [`Sample`] here. A limiter only decides what the limit is. It is shared by every session of a
/// node, so `on_sample` runs on many threads at once: every change of the limit must be one
/// atomic step (or happen under a lock), or concurrent updates are lost.
pub trait AdaptiveLimiter: Send + Sync + 'static {
    /// A limiter starting at `settings.initial`.
    fn new(settings: &Settings) -> Self;

    /// The current limit on calls in flight. Fractional: the gate lets `limit().floor()` in.
    fn limit(&self) -> f64;

    /// Learns from one call that ended.
    fn on_sample(&self, sample: &Sample);
}
// ANCHOR_END: limiter
