//! The admission clients: how a session's call gets to a registry, or does not.
//!
//! Every one implements the model's [`Admission`] trait, so the same sessions, registries,
//! timeouts and retries run under each:
//!
//! - [`Unguarded`]: always calls (the blog's "before"; also the client of the server-side
//!   strategies, whose registries do the deciding);
//! - [`Limited`]: one [`Gate`] per (session node, registry) in front of any [`AdaptiveLimiter`]
//!   (the blog's fixed semaphore, AIMD, Vegas, Gradient2, yours);
//! - [`SreThrottle`]: Google's client-side throttling, per (session node, registry);
//! - [`RetryBudget`]: retries capped at a fraction of first attempts, per session node.

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use cluster::{Node, Pid};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use semaphore_kit::model::{Admission, Admit, Call, Config, Job, call_admit};
use tokio::time::Instant;

use crate::gate::Gate;
use crate::{AdaptiveLimiter, Ended, Outcome, Settings};

/// Always calls.
#[derive(Clone, Copy, Debug, Default)]
pub struct Unguarded;

impl Admission for Unguarded {
    async fn call(
        &self,
        node: &Node,
        to: Pid<Admit>,
        _: Call,
        job: Job,
        timeout: Duration,
    ) -> Ended {
        call_admit(node, to, job, timeout).await
    }
}

/// Which gate of a `nodes × registries` grid guards calls from `node` to `registry`.
pub(crate) fn pair(node: &Node, registry: usize, registries: usize) -> usize {
    node.id().index() * registries + registry
}

// ANCHOR: limited
/// One gate per (session node, registry), each in front of its own limiter.
pub struct Limited<L> {
    /// `gates[node × registries + registry]`, for every node of the cluster.
    gates: Vec<Gate<L>>,
    registries: usize,
    /// Gates from this index on belong to session nodes (the limit's timeline averages them).
    first_session_gate: usize,
}

impl<L: AdaptiveLimiter> Limited<L> {
    /// Gates for every (node, registry) pair of `config`'s cluster, each with a limiter built from
    /// `settings`; `partitioned` keeps part of each limit for high priority.
    pub fn new(config: &Config, settings: &Settings, partitioned: bool) -> Self {
        let gates = (0..config.nodes() * config.registries)
            .map(|_| {
                let limiter = L::new(settings);
                if partitioned {
                    Gate::partitioned(limiter)
                } else {
                    Gate::new(limiter)
                }
            })
            .collect();
        Limited {
            gates,
            registries: config.registries,
            first_session_gate: config.guild_nodes() * config.registries,
        }
    }

    /// The gate guarding calls from `node` to `registry`.
    pub fn gate(&self, node: &Node, registry: usize) -> &Gate<L> {
        &self.gates[pair(node, registry, self.registries)]
    }
}

impl<L: AdaptiveLimiter> Admission for Limited<L> {
    async fn call(
        &self,
        node: &Node,
        to: Pid<Admit>,
        call: Call,
        job: Job,
        timeout: Duration,
    ) -> Ended {
        let Some(permit) = self.gate(node, call.registry).try_acquire(call.priority) else {
            return Ended::Rejected; // at the limit: bail, send nothing
        };
        let ended = call_admit(node, to, job, timeout).await;
        permit.finish(match ended {
            Ended::Replied => Outcome::Ok,
            Ended::TimedOut => Outcome::TimedOut,
            Ended::Shed => Outcome::Rejected,
            Ended::Rejected => Outcome::Ignored,
        });
        ended
    }

    fn limit(&self) -> Option<f64> {
        let gates = &self.gates[self.first_session_gate..];
        let sum: f64 = gates.iter().map(|gate| gate.limiter().limit()).sum();
        Some(sum / gates.len().max(1) as f64)
    }
}
// ANCHOR_END: limited

/// Counts per second over a sliding window of whole seconds: `(requests, accepts)` for the
/// throttle, `(first attempts, retries)` for the budget.
struct Window {
    /// `(second, a, b)` per slot; a slot holds the counts of the second it names.
    slots: Vec<(u64, u64, u64)>,
}

impl Window {
    fn new(seconds: usize) -> Window {
        Window {
            slots: vec![(u64::MAX, 0, 0); seconds],
        }
    }

    fn add(&mut self, second: u64, a: u64, b: u64) {
        let len = self.slots.len() as u64;
        let slot = &mut self.slots[(second % len) as usize];
        if slot.0 != second {
            *slot = (second, 0, 0);
        }
        slot.1 += a;
        slot.2 += b;
    }

    /// The sums over the window ending at `second`.
    fn sums(&self, second: u64) -> (u64, u64) {
        let len = self.slots.len() as u64;
        self.slots
            .iter()
            .filter(|(at, _, _)| *at != u64::MAX && *at + len > second)
            .fold((0, 0), |(a, b), (_, x, y)| (a + x, b + y))
    }
}

/// Whole seconds since the first call through a client (virtual in a simulation).
fn second(origin: &OnceLock<Instant>) -> u64 {
    origin.get_or_init(Instant::now).elapsed().as_secs()
}

// ANCHOR: sre_throttle
/// Google's adaptive client-side throttling ("Handling Overload", the SRE book): each client
/// keeps, per backend, the requests it attempted and those the backend accepted over the last
/// two minutes, and rejects a new one locally with probability
/// `max(0, (requests − K × accepts) ÷ (requests + 1))`. With K = 2 it lets through about twice
/// what the backend accepts, so a backend that accepts nothing soon receives almost nothing.
pub struct SreThrottle {
    /// `(window, rng)` per (node, registry).
    pairs: Vec<Mutex<(Window, SmallRng)>>,
    registries: usize,
    origin: OnceLock<Instant>,
}

/// The SRE book's multiplier: accept up to twice what the backend accepted.
pub const SRE_K: f64 = 2.0;
/// The SRE book's history: two minutes.
pub const SRE_WINDOW_S: usize = 120;

impl SreThrottle {
    /// A throttle for every (node, registry) pair of `config`'s cluster.
    pub fn new(config: &Config) -> Self {
        let pairs = (0..config.nodes() * config.registries)
            .map(|i| {
                let rng = SmallRng::seed_from_u64(config.seed ^ (0x5EE0_0000 + i as u64));
                Mutex::new((Window::new(SRE_WINDOW_S), rng))
            })
            .collect();
        SreThrottle {
            pairs,
            registries: config.registries,
            origin: OnceLock::new(),
        }
    }
}

impl Admission for SreThrottle {
    async fn call(
        &self,
        node: &Node,
        to: Pid<Admit>,
        call: Call,
        job: Job,
        timeout: Duration,
    ) -> Ended {
        let pair = &self.pairs[pair(node, call.registry, self.registries)];
        let now = second(&self.origin);
        let throttled = {
            let mut guard = lock(pair);
            let (window, rng) = &mut *guard;
            window.add(now, 1, 0);
            let (requests, accepts) = window.sums(now);
            let p = (requests as f64 - SRE_K * accepts as f64) / (requests as f64 + 1.0);
            rng.random::<f64>() < p.max(0.0)
        };
        if throttled {
            return Ended::Rejected;
        }
        let ended = call_admit(node, to, job, timeout).await;
        if ended == Ended::Replied {
            lock(pair).0.add(second(&self.origin), 0, 1);
        }
        ended
    }
}
// ANCHOR_END: sre_throttle

// ANCHOR: retry_budget
/// A retry budget (Finagle's `RetryBudget`, the SRE book's "per-client retry budget"): a
/// retry goes out only while retries over the last [`BUDGET_WINDOW_S`] seconds stay under
/// [`BUDGET_RATIO`] of first attempts plus [`BUDGET_MIN_PER_S`] a second. First attempts always
/// go out; a retry over the budget is refused locally and waits for the session's next backoff.
pub struct RetryBudget {
    /// One window of `(first attempts, retries sent)` per session node.
    nodes: Vec<Mutex<Window>>,
    origin: OnceLock<Instant>,
}

/// Retries allowed per first attempt (Finagle: 20 %).
pub const BUDGET_RATIO: f64 = 0.2;
/// Retries always allowed per second per client (Finagle: 10).
pub const BUDGET_MIN_PER_S: f64 = 10.0;
/// The budget's memory (Finagle: 10 s).
pub const BUDGET_WINDOW_S: usize = 10;

impl RetryBudget {
    /// A budget for every node of `config`'s cluster.
    pub fn new(config: &Config) -> Self {
        RetryBudget {
            nodes: (0..config.nodes())
                .map(|_| Mutex::new(Window::new(BUDGET_WINDOW_S)))
                .collect(),
            origin: OnceLock::new(),
        }
    }
}

impl Admission for RetryBudget {
    async fn call(
        &self,
        node: &Node,
        to: Pid<Admit>,
        call: Call,
        job: Job,
        timeout: Duration,
    ) -> Ended {
        let now = second(&self.origin);
        {
            let mut window = lock(&self.nodes[node.id().index()]);
            if call.retry {
                let (firsts, retries) = window.sums(now);
                let allowed =
                    BUDGET_RATIO * firsts as f64 + BUDGET_MIN_PER_S * BUDGET_WINDOW_S as f64;
                if retries as f64 + 1.0 > allowed {
                    return Ended::Rejected;
                }
                window.add(now, 0, 1);
            } else {
                window.add(now, 1, 0);
            }
        }
        call_admit(node, to, job, timeout).await
    }
}
// ANCHOR_END: retry_budget

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
