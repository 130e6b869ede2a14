//! Manifold's `send_mode: :offload`: the guild hands the whole publish to a local sender process.
//!
//! With plain Manifold the guild still groups every member by node and encodes one batch per
//! node: work that grows with the member count. Offload moves even that out of the guild. The
//! guild makes one local send (the member snapshot is shared, not copied: an `Arc`) to a sender
//! process on its own node and returns; the sender does the grouping and the per-node sends.
//!
//! Order still holds because the sender is chosen by a fixed hash of the guild (Manifold hashes
//! the caller's pid, or a key set with `set_sender_key`; here the guild id): every event of one
//! guild takes the same sender, then the same partitioner, the same worker. What breaks it is
//! *mixing* modes: a direct publish skips the sender's queue and can overtake an offloaded one
//! still waiting there.

use cluster::{Cluster, Node, Pid, Process};
use fanout_kit::{Event, Fanout, Members};
use serde::{Deserialize, Serialize};

use crate::manifold::{Manifold, Packing};

/// A whole publish, handed to a sender: the guild's member snapshot and the event.
#[derive(Debug, Serialize, Deserialize)]
pub struct Job {
    /// The guild's members (shared with the guild, never copied on this local hop).
    pub members: Members,
    /// The event.
    pub event: Event,
}

/// Manifold with offload: senders on every node, one per thread, doing the guild's grouping.
#[derive(Clone, Debug)]
pub struct Offload {
    /// The senders of each node, indexed by node.
    senders: Vec<Vec<Pid<Job>>>,
}

// ANCHOR: offload
impl Fanout for Offload {
    fn start(cluster: &Cluster) -> Self {
        let manifold = Manifold::start_with(cluster, Packing::PerNode);
        let senders = cluster
            .nodes()
            .map(|node| {
                let threads = node.runtime().metrics().num_workers();
                (0..threads)
                    .map(|_| {
                        let manifold = manifold.clone();
                        node.spawn(move |inbox| sender(inbox, manifold))
                    })
                    .collect()
            })
            .collect();
        Offload { senders }
    }

    fn publish(&self, from: &Node, members: &Members, event: Event) {
        let senders = &self.senders[from.id().index()];
        // A fixed sender per guild: the same queue for all its events, so their order holds.
        let sender = senders[(event.guild % senders.len() as u64) as usize];
        let job = Job {
            members: Members::clone(members),
            event,
        };
        let _ = from.send(sender, job);
    }
}

/// A sender: does a publish on the guild's behalf, exactly as the guild would have.
async fn sender(mut inbox: Process<Job>, manifold: Manifold) {
    while let Some(job) = inbox.recv().await {
        manifold.send(inbox.node(), &job.members, job.event);
    }
}
// ANCHOR_END: offload
