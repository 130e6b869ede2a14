//! Manifold, as the library does it: group by node, one partitioner per node, workers per core.
//!
//! A publish crosses three hops, and each one is a fixed FIFO route, which is what keeps order:
//!
//! ```text
//! guild ──one Batch per node──▶ partitioner (node n) ──one Batch per worker──▶ worker k ──▶ member
//! ```
//!
//! For one guild and one member, every event takes the same partitioner (the member's node's) and
//! the same worker ([`worker_for`] depends only on the member's pid), so two events can never
//! overtake each other: the BEAM's per-pair order of `send/2`, kept.
//!
//! The receiver list travels with the event, so nothing is registered anywhere and any process can
//! publish to any list. The price: every publish ships every member's pid across the network, and
//! the guild groups them all. Here, where a send costs ~100 ns rather than the BEAM's 30–70 µs,
//! that price is most of what is left (see the relay, [`crate::relay`]).

use cluster::codec;
use cluster::{Cluster, Node, Pid, Process};
use fanout_kit::{Event, Fanout, Members};
use serde::{Deserialize, Serialize};

// ANCHOR: batch
/// What travels to a node's partitioner, and from a partitioner to one of its workers.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Batch {
    /// The receivers, all on the node this batch is sent to.
    pub members: Vec<Pid<Event>>,
    /// The event, as itself or already encoded.
    pub payload: Payload,
}

/// The event in a [`Batch`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Payload {
    /// The event itself: encoded with the batch, once per node, when it crosses a link.
    Event(Event),
    /// The event encoded once by the publisher for every node (Manifold's `pack_mode: :binary`);
    /// each worker decodes it once per batch. It crosses links as raw bytes (a length and a
    /// copy), as an Erlang binary does, not re-encoded byte by byte.
    Packed(#[serde(with = "raw_bytes")] Vec<u8>),
}

/// Serde for an already-encoded message: as a byte string, so encoding it again is a copy.
/// (serde's own `Vec<u8>` impl treats it as a sequence of numbers, one at a time.)
mod raw_bytes {
    use serde::de::{Deserializer, Error, SeqAccess, Visitor};
    use serde::ser::Serializer;

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        deserializer.deserialize_byte_buf(Bytes)
    }

    struct Bytes;

    impl<'de> Visitor<'de> for Bytes {
        type Value = Vec<u8>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an encoded event")
        }

        fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<Vec<u8>, E> {
            Ok(bytes.to_vec())
        }

        fn visit_byte_buf<E: Error>(self, bytes: Vec<u8>) -> Result<Vec<u8>, E> {
            Ok(bytes)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
            let mut bytes = Vec::new();
            while let Some(byte) = seq.next_element()? {
                bytes.push(byte);
            }
            Ok(bytes)
        }
    }
}
// ANCHOR_END: batch

/// How the event travels in each per-node batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Packing {
    /// Encoded with each batch: once per node.
    PerNode,
    /// Encoded once per publish; the batches carry the bytes.
    Once,
}

/// Manifold: a partitioner on every node, each with the node's workers.
#[derive(Clone, Debug)]
pub struct Manifold {
    /// The partitioner of each node, indexed by node.
    partitioners: Vec<Pid<Batch>>,
    packing: Packing,
}

impl Manifold {
    // ANCHOR: start
    /// Starts a partitioner, with one worker per thread of its node, on every node.
    pub fn start_with(cluster: &Cluster, packing: Packing) -> Manifold {
        let partitioners = cluster
            .nodes()
            .map(|node| {
                let threads = node.runtime().metrics().num_workers();
                let workers: Vec<Pid<Batch>> = (0..threads).map(|_| node.spawn(worker)).collect();
                node.spawn(move |inbox| partitioner(inbox, workers))
            })
            .collect();
        Manifold {
            partitioners,
            packing,
        }
    }
    // ANCHOR_END: start

    // ANCHOR: send
    /// Sends `event` to every member: one [`Batch`] per node that has members, from `from`.
    pub fn send(&self, from: &Node, members: &[Pid<Event>], event: Event) {
        let payload = match self.packing {
            Packing::PerNode => Payload::Event(event),
            Packing::Once => Payload::Packed(codec::encode(&event).expect("an event encodes")),
        };
        if let [member] = members {
            // One receiver: no grouping, but the same partitioner, so the same route as a group.
            let batch = Batch {
                members: vec![*member],
                payload,
            };
            let _ = from.send(self.partitioners[member.node().index()], batch);
            return;
        }
        for (node, members) in group_by_node(members, self.partitioners.len())
            .into_iter()
            .enumerate()
        {
            if !members.is_empty() {
                let batch = Batch {
                    members,
                    payload: payload.clone(),
                };
                // Partitioners live as long as the cluster: a failed send means shutdown.
                let _ = from.send(self.partitioners[node], batch);
            }
        }
    }
    // ANCHOR_END: send
}

impl Fanout for Manifold {
    fn start(cluster: &Cluster) -> Self {
        Manifold::start_with(cluster, Packing::PerNode)
    }

    fn publish(&self, from: &Node, members: &Members, event: Event) {
        self.send(from, members, event);
    }
}

/// Manifold with `pack_mode: :binary`: the event is encoded once per publish, not once per node.
#[derive(Clone, Debug)]
pub struct PackOnce(Manifold);

impl Fanout for PackOnce {
    fn start(cluster: &Cluster) -> Self {
        PackOnce(Manifold::start_with(cluster, Packing::Once))
    }

    fn publish(&self, from: &Node, members: &Members, event: Event) {
        self.0.send(from, members, event);
    }
}

/// `members` sorted into one list per node of a `nodes`-node cluster.
pub fn group_by_node(members: &[Pid<Event>], nodes: usize) -> Vec<Vec<Pid<Event>>> {
    let mut by_node = vec![Vec::new(); nodes];
    for &member in members {
        by_node[member.node().index()].push(member);
    }
    by_node
}

// ANCHOR: partitioner
/// A node's partitioner: splits each batch among the node's workers, by member.
pub async fn partitioner(mut inbox: Process<Batch>, workers: Vec<Pid<Batch>>) {
    while let Some(batch) = inbox.recv().await {
        let node = inbox.node();
        if let [member] = batch.members[..] {
            // Manifold's single-receiver fast path: no buckets, same worker as always.
            let _ = node.send(workers[worker_for(member, workers.len())], batch);
            continue;
        }
        let mut buckets: Vec<Vec<Pid<Event>>> = vec![Vec::new(); workers.len()];
        for &member in &batch.members {
            buckets[worker_for(member, workers.len())].push(member);
        }
        for (worker, members) in workers.iter().zip(buckets) {
            if !members.is_empty() {
                let payload = batch.payload.clone();
                let _ = node.send(*worker, Batch { members, payload });
            }
        }
    }
}
// ANCHOR_END: partitioner

// ANCHOR: worker
/// A worker: unpacks the event once per batch and sends it to each member, locally.
pub async fn worker(mut inbox: Process<Batch>) {
    while let Some(batch) = inbox.recv().await {
        let event = match batch.payload {
            Payload::Event(event) => event,
            Payload::Packed(bytes) => match codec::decode::<Event>(&bytes) {
                Ok(event) => event,
                Err(_) => continue, // not an event: nothing to deliver
            },
        };
        for member in batch.members {
            // A member that has died is skipped; the others still get the event.
            let _ = inbox.node().send(member, event.clone());
        }
    }
}
// ANCHOR_END: worker

// ANCHOR: worker_for
/// The worker (of `workers`) that always handles `member`: a fixed function of the pid, so every
/// event for one member takes the same worker (Manifold uses `:erlang.phash2(pid, workers)`).
pub fn worker_for(member: Pid<Event>, workers: usize) -> usize {
    let key = (u64::from(member.node().0) << 32) | u64::from(member.local());
    // Fibonacci hashing: multiply by 2^64 / φ and keep the high half. Cheap, stable across runs
    // and machines, and it spreads consecutive local ids evenly.
    let hash = key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
    (hash % workers as u64) as usize
}
// ANCHOR_END: worker_for

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_pids_spread_over_workers() {
        let cluster = Cluster::builder().nodes(1).build().unwrap();
        let node = cluster.node(0);
        let mut counts = [0usize; 4];
        for _ in 0..4_000 {
            let pid = node.spawn(|_inbox: Process<Event>| async {});
            counts[worker_for(pid, 4)] += 1;
        }
        for count in counts {
            assert!((800..1_200).contains(&count), "uneven spread: {counts:?}");
        }
    }
}
