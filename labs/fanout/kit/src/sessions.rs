//! Member sessions that check what they receive.
//!
//! Every member is a cluster process that remembers the last sequence number it saw. An event whose
//! number is not strictly greater than the last one is a duplicate or arrived out of order: a
//! *violation*. Each member also counts its events, so a lost event shows up as a member that has
//! fewer than it should. Both are shared with the test (or the scenario) through a [`Tally`].
//!
//! The tally can also tell when a given number of deliveries has happened, and *when*: the member
//! whose delivery reaches the target stamps the time itself, so "until the last member has it"
//! is measured where it happens, not when a waiting thread gets around to noticing. For events
//! published back to back it can do the same per event ([`Tally::time_events`]): each timed event
//! counts down its deliveries, and the member that takes the last one stamps the time.

use std::sync::atomic::{AtomicU64, Ordering::AcqRel, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use cluster::{Cluster, Pid, Process};

use crate::Event;

/// How many events of one burst [`Tally::time_events`] can time to their last delivery.
pub const TIMED_EVENTS: usize = 4_096;

/// Which events are being timed: sequence numbers `first..first + len` (`len` 0: none). On a
/// cache line of its own, so that the members' reads of it, on every delivery, do not collide
/// with their writes to the counters.
#[repr(align(64))]
#[derive(Default)]
struct Window {
    first: AtomicU64,
    len: AtomicU64,
}

/// What the members of one guild have received, shared by all of them.
pub struct Tally {
    delivered: AtomicU64,
    violations: AtomicU64,
    received: Vec<AtomicU64>,
    target: AtomicU64,
    reached_at: Mutex<Option<Instant>>,
    waiter: Mutex<Option<Thread>>,
    window: Window,
    /// Per timed event: deliveries still to come.
    remaining: Vec<AtomicU64>,
    /// Per timed event: when its last delivery came, in ns since `epoch`, plus one (0: not yet).
    done_at: Vec<AtomicU64>,
    epoch: Instant,
}

impl Tally {
    fn new(members: usize) -> Tally {
        let slots = || (0..TIMED_EVENTS).map(|_| AtomicU64::new(0)).collect();
        Tally {
            delivered: AtomicU64::new(0),
            violations: AtomicU64::new(0),
            received: (0..members).map(|_| AtomicU64::new(0)).collect(),
            target: AtomicU64::new(u64::MAX),
            reached_at: Mutex::new(None),
            waiter: Mutex::new(None),
            window: Window::default(),
            remaining: slots(),
            done_at: slots(),
            epoch: Instant::now(),
        }
    }

    /// Times the events numbered `first`, `first + 1`, ..., one per entry of `deliveries` (how
    /// many deliveries each will have; at most [`TIMED_EVENTS`]) until their last delivery. Call
    /// it *before* their deliveries can start; read the times with [`Tally::timed_events`].
    pub fn time_events(&self, first: u64, deliveries: &[u64]) {
        let len = deliveries.len().min(TIMED_EVENTS);
        for (slot, &n) in deliveries[..len].iter().enumerate() {
            self.remaining[slot].store(n, Relaxed);
            self.done_at[slot].store(0, Relaxed);
        }
        self.window.first.store(first, Relaxed);
        self.window.len.store(len as u64, Relaxed);
    }

    /// When each event given to [`Tally::time_events`] had its last delivery (`None`: not yet,
    /// or it had none to have), in order; stops timing them.
    pub fn timed_events(&self) -> Vec<Option<Instant>> {
        let len = self.window.len.swap(0, Relaxed) as usize;
        self.done_at[..len]
            .iter()
            .map(|at| match at.load(Relaxed) {
                0 => None,
                ns => Some(self.epoch + Duration::from_nanos(ns - 1)),
            })
            .collect()
    }

    /// Counts one delivery of event `seq` if it is timed; the last one stamps the time.
    fn count_down(&self, seq: u64) {
        let offset = seq.wrapping_sub(self.window.first.load(Relaxed));
        if offset < self.window.len.load(Relaxed) {
            let slot = offset as usize;
            if self.remaining[slot].fetch_sub(1, Relaxed) == 1 {
                let ns = self.epoch.elapsed().as_nanos() as u64 + 1;
                self.done_at[slot].store(ns, Relaxed);
            }
        }
    }

    /// Deliveries so far, all members together.
    pub fn delivered(&self) -> u64 {
        self.delivered.load(Relaxed)
    }

    /// Deliveries that were duplicates or out of order.
    pub fn violations(&self) -> u64 {
        self.violations.load(Relaxed)
    }

    /// Events member `index` has received.
    pub fn received(&self, index: usize) -> u64 {
        self.received[index].load(Relaxed)
    }

    fn record(&self, index: usize, seq: u64, in_order: bool) {
        if !in_order {
            self.violations.fetch_add(1, Relaxed);
        }
        self.count_down(seq);
        self.received[index].fetch_add(1, Relaxed);
        // AcqRel: the member that reaches the target (and wakes the waiter) has seen every earlier
        // member's writes, the stamps of timed events included.
        let total = self.delivered.fetch_add(1, AcqRel) + 1;
        if total == self.target.load(Relaxed) {
            *self.reached_at.lock().expect("tally lock") = Some(Instant::now());
            if let Some(waiter) = self.waiter.lock().expect("tally lock").as_ref() {
                waiter.unpark();
            }
        }
    }

    /// Sets the total to wait for. Call it *before* the deliveries it waits for can start.
    pub fn expect_total(&self, total: u64) {
        *self.reached_at.lock().expect("tally lock") = None;
        self.target.store(total, Relaxed);
    }

    /// Waits until the total set by [`expect_total`](Tally::expect_total) is reached and returns
    /// the moment it was, or `None` after `patience`.
    pub fn wait(&self, patience: Duration) -> Option<Instant> {
        let deadline = Instant::now() + patience;
        *self.waiter.lock().expect("tally lock") = Some(thread::current());
        let reached = loop {
            if let Some(at) = *self.reached_at.lock().expect("tally lock") {
                break Some(at);
            }
            let now = Instant::now();
            if now >= deadline {
                break None;
            }
            thread::park_timeout((deadline - now).min(Duration::from_millis(50)));
        };
        *self.waiter.lock().expect("tally lock") = None;
        reached
    }
}

/// The member sessions of one guild, spread over nodes.
pub struct Sessions {
    /// Every member's pid, in index order.
    pub pids: Vec<Pid<Event>>,
    /// What they have received.
    pub tally: Arc<Tally>,
}

impl Sessions {
    /// Spawns `per_node[i]` members on node `i` of `cluster`.
    pub fn spawn(cluster: &Cluster, per_node: &[usize]) -> Sessions {
        let total = per_node.iter().sum();
        let tally = Arc::new(Tally::new(total));
        let mut pids = Vec::with_capacity(total);
        for (node, &count) in per_node.iter().enumerate() {
            let node = cluster.node(node);
            for _ in 0..count {
                let (index, tally) = (pids.len(), Arc::clone(&tally));
                pids.push(node.spawn(move |inbox| member(inbox, index, tally)));
            }
        }
        Sessions { pids, tally }
    }

    /// `members` spread as evenly as possible over nodes `first..first + nodes`, in a cluster of
    /// `cluster_len` nodes: the layout for [`Sessions::spawn`].
    pub fn spread(members: usize, cluster_len: usize, first: usize, nodes: usize) -> Vec<usize> {
        let mut per_node = vec![0; cluster_len];
        for i in 0..members {
            per_node[first + i % nodes] += 1;
        }
        per_node
    }
}

/// A session: check each event's sequence number against the last one, and count it.
async fn member(mut inbox: Process<Event>, index: usize, tally: Arc<Tally>) {
    let mut last = 0;
    while let Some(event) = inbox.recv().await {
        tally.record(index, event.seq, event.seq > last);
        last = last.max(event.seq);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timed_event_is_stamped_by_its_last_delivery_and_only_timed_events_count() {
        let tally = Tally::new(3);
        tally.time_events(5, &[2, 1, 3]);
        tally.record(0, 5, true);
        tally.record(1, 4, true); // before the window: not timed
        tally.record(2, 6, true);
        tally.record(1, 5, true);
        tally.record(0, 9, true); // after it
        let at = tally.timed_events();
        assert_eq!(at.len(), 3);
        assert!(at[0].is_some() && at[1].is_some(), "{at:?}");
        assert_eq!(at[2], None, "event 7 had none of its 3 deliveries");
        assert!(at[1] <= at[0], "event 6 was complete before event 5");
        assert!(tally.timed_events().is_empty(), "reading stops the timing");
        assert_eq!(tally.delivered(), 5);
    }
}
