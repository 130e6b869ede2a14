//! **Your file.** Manifold: the guild sends once per node; each node fans out to its members.
//!
//! What to build (the chapter "Fanout" explains why, `workbook hint fanout` helps when stuck):
//!
//! 1. [`Fanout::start`]: on every node of the cluster, spawn one *partitioner* process and `W`
//!    *worker* processes (`W` = that node's threads: `node.runtime().metrics().num_workers()`).
//!    Keep each node's partitioner pid, indexed by node.
//! 2. [`Fanout::publish`] (runs inside the guild): group the members by node (the guild's own
//!    node included) and make **one send per node**: a [`Batch`] to that node's partitioner.
//! 3. [`partitioner`]: for each batch, put each member in the bucket of its worker
//!    ([`worker_for`]) and send each non-empty bucket to its worker. One member? Skip the buckets.
//! 4. [`worker`]: for each batch, send the event to each of its members.
//! 5. [`worker_for`]: a hash of the pid, the same every time, modulo the number of workers.
//!
//! The suite checks that every member gets every event exactly once and in publish order, and
//! that a publish crosses to each other node at most once. `cargo test -p lab-fanout`.

// The skeleton's parameters are unused until you fill it in.
#![allow(unused_variables, unused_mut)]

use cluster::{Cluster, Node, Pid, Process};
use serde::{Deserialize, Serialize};

use fanout_kit::{Event, Fanout, Members};

// ANCHOR: skeleton
/// What travels to a node's partitioner, and from a partitioner to one of its workers: the event,
/// and the members (all on that node) who should get it. The receiver list travels with the
/// event, as in Manifold.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Batch {
    /// The receivers, all on the node this batch is sent to.
    pub members: Vec<Pid<Event>>,
    /// The event.
    pub event: Event,
}

/// Manifold: one partitioner per node, and its workers.
#[derive(Clone, Debug)]
pub struct Manifold {
    /// The partitioner of each node, indexed by node (`pid.node().index()`).
    #[allow(dead_code)] // read it in `publish`
    partitioners: Vec<Pid<Batch>>,
}

impl Fanout for Manifold {
    fn start(cluster: &Cluster) -> Self {
        todo!("spawn a partitioner (with its workers) on every node")
    }

    fn publish(&self, from: &Node, members: &Members, event: Event) {
        todo!("group the members by node; one Batch per node to its partitioner")
    }
}

/// A node's partitioner: splits each batch among the node's workers, by member.
pub async fn partitioner(mut inbox: Process<Batch>, workers: Vec<Pid<Batch>>) {
    todo!("for each batch: bucket the members by worker_for, one send per non-empty bucket")
}

/// A worker: delivers each batch's event to each of its members, on this node.
pub async fn worker(mut inbox: Process<Batch>) {
    todo!("for each batch: one local send per member")
}

/// The worker (of `workers`) that always handles `member`.
pub fn worker_for(member: Pid<Event>, workers: usize) -> usize {
    todo!("a stable hash of the pid, modulo workers")
}
// ANCHOR_END: skeleton
