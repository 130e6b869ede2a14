//! Consistent hashing with bounded loads (Mirrokni, Thorup & Zadimoghaddam, 2018): the ring, and a
//! cap on every node.
//!
//! A ring's balance is statistical: with 512 points a node, some node still carries a few percent
//! above the mean, and a hot spot of keys can make it far worse. Bounded loads makes balance a
//! guarantee: no node holds more than `⌈(1 + ε) · m / n⌉` of the `m` keys placed so far. A key goes
//! to its ring owner unless that node is full, and then to the next node clockwise that is not.
//! Vimeo and HAProxy use it to spread connections.
//!
//! The cap is bought with statelessness: where a key goes depends on the loads, that is on every
//! key placed before it, so a key's node is not a function of the key and the nodes any more.
//! Finding an existing key's node needs the record of where it went, and replaying the same keys
//! onto other nodes moves more of them than the ring would (a full node pushes keys onward, and
//! those push others). Here the stream is the storm's keys in order; [`Placement::assign`] places
//! and records, [`Placement::node_of`] says where a new key would go now.

use crate::{Capabilities, Placement, Support};

/// The ring of [`ExHashRing`](crate::ExHashRing) (the same points), with every node's load capped
/// at `⌈(1 + ε) · (keys placed + 1) / nodes⌉` when the next key is placed.
#[derive(Clone, Debug)]
pub struct BoundedLoad {
    points: Vec<(u64, u32)>,
    loads: Vec<u64>,
    placed: u64,
    epsilon: f64,
}

impl BoundedLoad {
    /// The ε: no node above 1.25 × the mean.
    pub const EPSILON: f64 = 0.25;

    /// The ring of `nodes` with `points` points each and a cap of `1 + epsilon` times the mean.
    pub fn with(nodes: &[&str], points: u32, epsilon: f64) -> BoundedLoad {
        super::check_nodes(nodes);
        assert!(
            epsilon > 0.0,
            "with ε = 0 every node is full as soon as one is"
        );
        BoundedLoad {
            points: super::ring_points(nodes, points),
            loads: vec![0; nodes.len()],
            placed: 0,
            epsilon,
        }
    }

    /// How many keys each node holds.
    pub fn loads(&self) -> &[u64] {
        &self.loads
    }

    /// The most keys a node may hold once the next key is placed.
    fn cap(&self) -> u64 {
        let mean = (self.placed + 1) as f64 / self.loads.len() as f64;
        ((1.0 + self.epsilon) * mean).ceil() as u64
    }
}

impl Placement for BoundedLoad {
    const NAME: &'static str = "bounded_load";
    const CAPABILITIES: Capabilities = Capabilities {
        named_nodes: Support::Yes,
        remove_any_node: Support::Yes,
        weights: Support::NotHere,
        stateless: Support::No,
        note: "a key's node depends on the keys placed before it: remember where each key went",
    };

    fn build(nodes: &[&str]) -> BoundedLoad {
        BoundedLoad::with(nodes, crate::ExHashRing::POINTS, Self::EPSILON)
    }

    fn node_of(&self, hash: u64) -> usize {
        let cap = self.cap();
        let start = super::next_point(&self.points, hash);
        // The caps add up to more than the keys, so some node is below its cap.
        let (_, node) = (0..self.points.len())
            .map(|step| self.points[(start + step) % self.points.len()])
            .find(|&(_, node)| self.loads[node as usize] < cap)
            .expect("the caps add up to more keys than there are");
        node as usize
    }

    fn assign(&mut self, hash: u64) -> usize {
        let node = self.node_of(hash);
        self.loads[node] += 1;
        self.placed += 1;
        node
    }

    fn memory_bytes(&self) -> usize {
        self.points.len() * std::mem::size_of::<(u64, u32)>()
            + self.loads.len() * std::mem::size_of::<u64>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ExHashRing;

    #[test]
    fn no_node_goes_above_its_cap_and_an_empty_ring_is_the_ring() {
        let names = ["a", "b", "c", "d"];
        let mut bounded = BoundedLoad::with(&names, 16, 0.25);
        let ring = ExHashRing::with_points(&names, 16);
        let first = crate::hash_guild(1);
        assert_eq!(bounded.node_of(first), ring.node_of(first));
        for guild in 0..10_000u64 {
            bounded.assign(crate::hash_guild(guild));
        }
        let cap = (1.25f64 * 10_000.0 / 4.0).ceil() as u64;
        assert!(
            bounded.loads().iter().all(|&load| load <= cap),
            "{:?}",
            bounded.loads()
        );
        assert_eq!(bounded.loads().iter().sum::<u64>(), 10_000);
    }
}
