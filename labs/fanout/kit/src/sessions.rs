//! Member sessions that check what they receive.
//!
//! Every member is a cluster process that remembers the last sequence number it saw. An event whose
//! number is not strictly greater than the last one is a duplicate or arrived out of order: a
//! *violation*. Each member also counts its events, so a lost event shows up as a member that has
//! fewer than it should. Both are shared with the test (or the scenario) through a [`Tally`].
//!
//! The tally can also tell when a given number of deliveries has happened, and *when*: the member
//! whose delivery reaches the target stamps the time itself, so "until the last member has it"
//! is measured where it happens, not when a waiting thread gets around to noticing.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use cluster::{Cluster, Pid, Process};

use crate::Event;

/// What the members of one guild have received, shared by all of them.
pub struct Tally {
    delivered: AtomicU64,
    violations: AtomicU64,
    received: Vec<AtomicU64>,
    target: AtomicU64,
    reached_at: Mutex<Option<Instant>>,
    waiter: Mutex<Option<Thread>>,
}

impl Tally {
    fn new(members: usize) -> Tally {
        Tally {
            delivered: AtomicU64::new(0),
            violations: AtomicU64::new(0),
            received: (0..members).map(|_| AtomicU64::new(0)).collect(),
            target: AtomicU64::new(u64::MAX),
            reached_at: Mutex::new(None),
            waiter: Mutex::new(None),
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

    fn record(&self, index: usize, in_order: bool) {
        if !in_order {
            self.violations.fetch_add(1, Relaxed);
        }
        self.received[index].fetch_add(1, Relaxed);
        let total = self.delivered.fetch_add(1, Relaxed) + 1;
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
        tally.record(index, event.seq > last);
        last = last.max(event.seq);
    }
}
