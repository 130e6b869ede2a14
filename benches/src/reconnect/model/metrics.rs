//! What a run counts while it runs, and the timeline it samples.
//!
//! Everything runs on one thread (virtual time), so the atomics are plain counters that tasks
//! share through an `Arc`. Queues are counted where they can be counted exactly: a session adds
//! itself to a ring process's or a guild's queue when it sends, the process takes itself off when
//! it dequeues, so a queue is exact at any instant, stale requests included. A registry's queue
//! is read by the registry itself (the semaphore decides inside the client whether a request is
//! sent at all), as in the stampede.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering::Relaxed};

use semaphore_kit::Outcome;
use serde::Serialize;
use tokio::time::Instant;

/// One stage's calls: ring lookups, registry calls or guild joins.
#[derive(Default)]
pub(crate) struct Stage {
    attempted: AtomicU64,
    replied: AtomicU64,
    rejected: AtomicU64,
    timed_out: AtomicU64,
    in_flight: AtomicU64,
    /// Requests served for a caller still waiting, and for one that had given up.
    served_in_time: AtomicU64,
    served_for_nobody: AtomicU64,
    /// Virtual time spent serving them, ns.
    useful_ns: AtomicU64,
    wasted_ns: AtomicU64,
}

impl Stage {
    /// A session starts a call.
    pub(crate) fn begin(&self) {
        self.attempted.fetch_add(1, Relaxed);
        self.in_flight.fetch_add(1, Relaxed);
    }

    /// The call ended as `outcome`.
    pub(crate) fn end(&self, outcome: Outcome) {
        self.in_flight.fetch_sub(1, Relaxed);
        let counter = match outcome {
            Outcome::Replied => &self.replied,
            Outcome::Rejected => &self.rejected,
            Outcome::TimedOut => &self.timed_out,
        };
        counter.fetch_add(1, Relaxed);
    }

    /// The callee served one request in `seconds`; `for_nobody` when its caller had given up.
    pub(crate) fn served(&self, seconds: f64, for_nobody: bool) {
        let ns = (seconds * 1e9).round() as u64;
        if for_nobody {
            self.served_for_nobody.fetch_add(1, Relaxed);
            self.wasted_ns.fetch_add(ns, Relaxed);
        } else {
            self.served_in_time.fetch_add(1, Relaxed);
            self.useful_ns.fetch_add(ns, Relaxed);
        }
    }

    pub(crate) fn snapshot(&self) -> Calls {
        let load = |c: &AtomicU64| c.load(Relaxed);
        Calls {
            attempted: load(&self.attempted),
            replied: load(&self.replied),
            rejected: load(&self.rejected),
            timed_out: load(&self.timed_out),
            in_flight_at_end: load(&self.in_flight),
            served_in_time: load(&self.served_in_time),
            served_for_nobody: load(&self.served_for_nobody),
            useful_s: load(&self.useful_ns) as f64 / 1e9,
            wasted_s: load(&self.wasted_ns) as f64 / 1e9,
        }
    }
}

/// One stage's calls at the end of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Calls {
    /// Calls the sessions started (rejected ones included).
    pub attempted: u64,
    /// Replied within the timeout.
    pub replied: u64,
    /// Refused by the semaphore without being sent.
    pub rejected: u64,
    /// No reply within the timeout (the request stayed queued).
    pub timed_out: u64,
    /// Still waiting when the run ended.
    pub in_flight_at_end: u64,
    /// Requests the callee served while their caller still waited...
    pub served_in_time: u64,
    /// ...and after their caller had given up: work for nobody.
    pub served_for_nobody: u64,
    /// Virtual seconds the callees spent on the first kind...
    pub useful_s: f64,
    /// ...and on the second.
    pub wasted_s: f64,
}

/// Presence latencies, publish to delivery, weighted by members: a log histogram with 32 buckets
/// per doubling (each bucket ±1.1 %), from 1 ns up.
pub(crate) struct Histogram {
    counts: Vec<u64>,
    total: u64,
}

const BUCKETS_PER_DOUBLING: f64 = 32.0;

impl Histogram {
    fn new() -> Histogram {
        Histogram {
            counts: vec![0; 64 * BUCKETS_PER_DOUBLING as usize],
            total: 0,
        }
    }

    /// `weight` deliveries, each `seconds` after its publish.
    pub(crate) fn record(&mut self, seconds: f64, weight: u64) {
        let ns = (seconds * 1e9).max(1.0);
        let bucket = (ns.log2() * BUCKETS_PER_DOUBLING) as usize;
        let last = self.counts.len() - 1;
        self.counts[bucket.min(last)] += weight;
        self.total += weight;
    }

    /// The `p`-th percentile (0–100) in seconds, the middle of its bucket; `None` when empty.
    pub(crate) fn percentile(&self, p: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let rank = ((p / 100.0) * self.total as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        let bucket = self.counts.iter().position(|&count| {
            seen += count;
            seen >= rank
        })?;
        Some((bucket as f64 + 0.5) / BUCKETS_PER_DOUBLING).map(|log| log.exp2() / 1e9)
    }
}

/// Live counters shared by every task of one run.
pub(crate) struct Metrics {
    start: Instant,
    pub(crate) ring: Stage,
    pub(crate) registry: Stage,
    pub(crate) join: Stage,
    pub(crate) served: AtomicU64,
    pub(crate) last_served_ns: AtomicU64,
    /// Requests waiting at all ring processes (exact: sessions add, the process takes off).
    ring_queue: AtomicU64,
    peak_ring_queue: AtomicU64,
    /// Requests at each registry (its mailbox plus the one in service), as the registry saw it.
    pub(crate) registry_queues: Vec<AtomicUsize>,
    /// Joins waiting in each guild's mailbox (exact).
    guild_queues: Vec<AtomicU32>,
    /// Guilds whose mailbox ever held two joins: the only ones a tick has to look at.
    watched: Mutex<Vec<u32>>,
    is_watched: Vec<AtomicBool>,
    peak_guild_backlog: AtomicU32,
    /// Virtual time guilds spent publishing presence events, ns.
    pub(crate) publishing_ns: AtomicU64,
    pub(crate) presence: Mutex<Histogram>,
}

impl Metrics {
    pub(crate) fn new(registries: usize, guilds: usize) -> Metrics {
        Metrics {
            start: Instant::now(),
            ring: Stage::default(),
            registry: Stage::default(),
            join: Stage::default(),
            served: AtomicU64::new(0),
            last_served_ns: AtomicU64::new(0),
            ring_queue: AtomicU64::new(0),
            peak_ring_queue: AtomicU64::new(0),
            registry_queues: (0..registries).map(|_| AtomicUsize::new(0)).collect(),
            guild_queues: (0..guilds).map(|_| AtomicU32::new(0)).collect(),
            watched: Mutex::new(Vec::new()),
            is_watched: (0..guilds).map(|_| AtomicBool::new(false)).collect(),
            peak_guild_backlog: AtomicU32::new(0),
            publishing_ns: AtomicU64::new(0),
            presence: Mutex::new(Histogram::new()),
        }
    }

    /// Virtual nanoseconds since the start.
    pub(crate) fn now_ns(&self) -> u64 {
        self.start.elapsed().as_nanos() as u64
    }

    /// A session queues a lookup at a ring process.
    pub(crate) fn ring_enqueued(&self) {
        let queued = self.ring_queue.fetch_add(1, Relaxed) + 1;
        self.peak_ring_queue.fetch_max(queued, Relaxed);
    }

    /// A ring process takes a lookup off its queue.
    pub(crate) fn ring_dequeued(&self) {
        self.ring_queue.fetch_sub(1, Relaxed);
    }

    /// A session queues a join at guild `guild`.
    pub(crate) fn guild_enqueued(&self, guild: usize) {
        let queued = self.guild_queues[guild].fetch_add(1, Relaxed) + 1;
        self.peak_guild_backlog.fetch_max(queued, Relaxed);
        if queued >= 2 && !self.is_watched[guild].swap(true, Relaxed) {
            self.watched
                .lock()
                .expect("metrics lock")
                .push(guild as u32);
        }
    }

    /// Guild `guild` takes a join off its mailbox.
    pub(crate) fn guild_dequeued(&self, guild: usize) {
        self.guild_queues[guild].fetch_sub(1, Relaxed);
    }

    /// The longest guild mailbox right now.
    fn longest_guild_backlog(&self) -> u32 {
        let watched = self.watched.lock().expect("metrics lock");
        watched
            .iter()
            .map(|&g| self.guild_queues[g as usize].load(Relaxed))
            .max()
            .unwrap_or(0)
    }

    pub(crate) fn peak_ring_queue(&self) -> u64 {
        self.peak_ring_queue.load(Relaxed)
    }

    pub(crate) fn peak_guild_backlog(&self) -> u64 {
        u64::from(self.peak_guild_backlog.load(Relaxed))
    }

    fn registry_queue(&self) -> u64 {
        self.registry_queues
            .iter()
            .map(|q| q.load(Relaxed) as u64)
            .sum()
    }

    /// The cumulative counts a tick's rates are differences of.
    fn counts(&self) -> [u64; 4] {
        let load = |c: &AtomicU64| c.load(Relaxed);
        [
            load(&self.registry.replied),
            load(&self.join.replied),
            load(&self.ring.timed_out)
                + load(&self.registry.timed_out)
                + load(&self.join.timed_out),
            load(&self.registry.rejected),
        ]
    }
}

/// Samples the metrics every `tick` and keeps one point of the timeline every `keep` ticks.
pub(crate) struct Sampler {
    sessions: u64,
    keep: usize,
    ticks: usize,
    last: [u64; 4],
    last_s: f64,
    /// Peaks over every tick, kept or not.
    pub(crate) peak_registry_queue: u64,
    pub(crate) timeline: Vec<Tick>,
}

impl Sampler {
    pub(crate) fn new(sessions: usize, keep: usize) -> Sampler {
        Sampler {
            sessions: sessions as u64,
            keep: keep.max(1),
            ticks: 0,
            last: [0; 4],
            last_s: 0.0,
            peak_registry_queue: 0,
            timeline: Vec::new(),
        }
    }

    pub(crate) fn sample(&mut self, metrics: &Metrics) {
        self.ticks += 1;
        let registry_queue = metrics.registry_queue();
        self.peak_registry_queue = self.peak_registry_queue.max(registry_queue);
        if !self.ticks.is_multiple_of(self.keep) {
            return;
        }
        let t_s = metrics.now_ns() as f64 / 1e9;
        let now = metrics.counts();
        let span = (t_s - self.last_s).max(1e-9);
        let rate = |i: usize| ((now[i] - self.last[i]) as f64 / span * 10.0).round() / 10.0;
        self.timeline.push(Tick {
            t_s: (t_s * 1000.0).round() / 1000.0,
            served_fraction: metrics.served.load(Relaxed) as f64 / self.sessions as f64,
            goodput_per_s: rate(0),
            joins_per_s: rate(1),
            timeouts_per_s: rate(2),
            rejections_per_s: rate(3),
            ring_queue: metrics.ring_queue.load(Relaxed),
            registry_queue,
            guild_backlog: u64::from(metrics.longest_guild_backlog()),
        });
        self.last = now;
        self.last_s = t_s;
    }
}

/// One point of a timeline.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Tick {
    /// Virtual seconds since the start.
    pub t_s: f64,
    /// Sessions served so far (all five guilds joined), as a fraction of all.
    pub served_fraction: f64,
    /// Registry calls replied in time, per second, since the last point (the stampede's goodput).
    pub goodput_per_s: f64,
    /// Guild joins replied in time, per second.
    pub joins_per_s: f64,
    /// Calls timed out per second, every stage together.
    pub timeouts_per_s: f64,
    /// Registry calls the semaphore refused, per second.
    pub rejections_per_s: f64,
    /// Lookups waiting at the ring processes.
    pub ring_queue: u64,
    /// Requests waiting at the registries.
    pub registry_queue: u64,
    /// Joins waiting in the longest guild mailbox.
    pub guild_backlog: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_come_from_weighted_buckets() {
        let mut histogram = Histogram::new();
        assert_eq!(histogram.percentile(99.0), None);
        histogram.record(0.001, 98);
        histogram.record(2.0, 2);
        let p50 = histogram.percentile(50.0).unwrap();
        let p99 = histogram.percentile(99.0).unwrap();
        assert!((p50 / 0.001 - 1.0).abs() < 0.03, "{p50}");
        assert!((p99 / 2.0 - 1.0).abs() < 0.03, "{p99}");
    }
}
