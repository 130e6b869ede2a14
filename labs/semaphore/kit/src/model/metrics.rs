//! What the simulation counts, and the timeline it samples every tick.
//!
//! Everything runs on one thread (virtual time), so relaxed atomics are plain counters here; they
//! are atomics only because tasks share them through an `Arc`.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};

use serde::Serialize;
use tokio::time::Instant;

/// Live counters shared by every task of one run.
pub(crate) struct Metrics {
    start: Instant,
    pub(crate) replied: AtomicU64,
    pub(crate) rejected: AtomicU64,
    pub(crate) timed_out: AtomicU64,
    /// Sessions (stampede or background) currently blocked in a call.
    blocked: AtomicU64,
    /// Sum of the moments (ms since start) at which the blocked ones blocked.
    blocked_since_ms: AtomicU64,
    pub(crate) sessions_served: AtomicU64,
    /// When the last stampede session got served, ms since start.
    pub(crate) last_served_ms: AtomicU64,
    /// Requests waiting at each registry (its mailbox plus the one in service).
    pub(crate) queues: Vec<AtomicUsize>,
    /// Background calls that did not happen because every connected session was blocked.
    pub(crate) background_suppressed: AtomicU64,
    /// Admission runs only (zero otherwise): calls a registry turned away at once (`Ended::Shed`).
    pub(crate) shed: AtomicU64,
    /// Calls of high priority (a session's own joins) attempted, and replied in time.
    pub(crate) high_attempted: AtomicU64,
    pub(crate) high_replied: AtomicU64,
    /// Admission runs only: what the registries did. Requests served (each one's full service
    /// time), served for a caller that had given up, and dropped unserved past their deadline.
    pub(crate) served: AtomicU64,
    pub(crate) served_for_nobody: AtomicU64,
    pub(crate) expired: AtomicU64,
    /// Admission runs only: requests the registries turned away unserved (a `Reply::Shed` sent,
    /// whether or not its caller still waited).
    pub(crate) shed_sent: AtomicU64,
    /// Admission runs only: how long each served request waited at its registry, in µs.
    pub(crate) waits_us: Mutex<Vec<u32>>,
}

impl Metrics {
    pub(crate) fn new(registries: usize) -> Metrics {
        Metrics {
            start: Instant::now(),
            replied: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
            timed_out: AtomicU64::new(0),
            blocked: AtomicU64::new(0),
            blocked_since_ms: AtomicU64::new(0),
            sessions_served: AtomicU64::new(0),
            last_served_ms: AtomicU64::new(0),
            queues: (0..registries).map(|_| AtomicUsize::new(0)).collect(),
            background_suppressed: AtomicU64::new(0),
            shed: AtomicU64::new(0),
            high_attempted: AtomicU64::new(0),
            high_replied: AtomicU64::new(0),
            served: AtomicU64::new(0),
            served_for_nobody: AtomicU64::new(0),
            expired: AtomicU64::new(0),
            shed_sent: AtomicU64::new(0),
            waits_us: Mutex::new(Vec::new()),
        }
    }

    /// Microseconds since the start of the run.
    pub(crate) fn now_us(&self) -> u64 {
        self.start.elapsed().as_micros() as u64
    }

    pub(crate) fn now_ms(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    /// A session starts waiting in a call; returns the moment, for [`Metrics::unblock`].
    pub(crate) fn block(&self) -> u64 {
        let now = self.now_ms();
        self.blocked.fetch_add(1, Relaxed);
        self.blocked_since_ms.fetch_add(now, Relaxed);
        now
    }

    /// The call returned: the session reads the presence events that piled up meanwhile.
    pub(crate) fn unblock(&self, since_ms: u64) {
        self.blocked.fetch_sub(1, Relaxed);
        self.blocked_since_ms.fetch_sub(since_ms, Relaxed);
    }

    pub(crate) fn blocked(&self) -> u64 {
        self.blocked.load(Relaxed)
    }

    /// Presence events waiting in blocked sessions' mailboxes: each blocked session has received
    /// `rate × (now − blocked since)` events it could not read.
    fn mailbox_backlog(&self, presence_rate: f64) -> f64 {
        let blocked = self.blocked.load(Relaxed) as f64;
        let waited_ms = blocked * self.now_ms() as f64 - self.blocked_since_ms.load(Relaxed) as f64;
        presence_rate * waited_ms / 1000.0
    }

    fn queued(&self) -> usize {
        self.queues.iter().map(|q| q.load(Relaxed)).sum()
    }

    /// Samples one tick of the timeline; `previous` holds the cumulative counts of the last one.
    pub(crate) fn sample(&self, previous: &mut [u64; 3], tick_s: f64, presence_rate: f64) -> Tick {
        let now = [
            self.replied.load(Relaxed),
            self.timed_out.load(Relaxed),
            self.rejected.load(Relaxed),
        ];
        let per_s = |i: usize| (now[i] - previous[i]) as f64 / tick_s;
        let tick = Tick {
            t_s: self.now_ms() as f64 / 1000.0,
            goodput_per_s: per_s(0),
            timeouts_per_s: per_s(1),
            rejections_per_s: per_s(2),
            registry_queue: self.queued(),
            mailbox_backlog: self.mailbox_backlog(presence_rate).round() as u64,
        };
        *previous = now;
        tick
    }
}

/// What an admission run samples every tick beside the [`Tick`]; `previous` holds the
/// cumulative counts (shed, high replied) of the last one.
pub(crate) fn sample_extra(
    metrics: &Metrics,
    previous: &mut [u64; 2],
    tick_s: f64,
    limit: Option<f64>,
) -> Extra {
    let now = [
        metrics.shed.load(Relaxed),
        metrics.high_replied.load(Relaxed),
    ];
    let per_s = |i: usize| (now[i] - previous[i]) as f64 / tick_s;
    let extra = Extra {
        shed_per_s: per_s(0),
        high_goodput_per_s: per_s(1),
        limit,
    };
    *previous = now;
    extra
}

/// What an admission run's timeline adds to a [`Tick`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Extra {
    /// Calls the registries turned away at once, per second.
    pub shed_per_s: f64,
    /// High-priority calls replied in time, per second.
    pub high_goodput_per_s: f64,
    /// The client's limit on calls in flight per (session node, registry), averaged over them;
    /// `None` for a client without one.
    pub limit: Option<f64>,
}

/// One point of the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Tick {
    /// Virtual seconds since the start.
    pub t_s: f64,
    /// Calls replied in time, per second, over the last tick.
    pub goodput_per_s: f64,
    /// Calls timed out, per second.
    pub timeouts_per_s: f64,
    /// Calls rejected by the client, per second.
    pub rejections_per_s: f64,
    /// Requests waiting at all registries.
    pub registry_queue: usize,
    /// Presence events waiting in all blocked sessions' mailboxes.
    pub mailbox_backlog: u64,
}
