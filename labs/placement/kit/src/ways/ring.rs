//! The ring, as Discord runs it: ring-kit's [`Ring`], `ex_hash_ring`'s placement bit for bit.
//!
//! It is here unchanged so that every other way is measured against the real thing, not a
//! tidier ring. Its one knob is the number of points per node: 512 by default, as in
//! `ex_hash_ring`. Fewer points make a smaller, faster ring and a worse balance; the scenario
//! sweeps 1, 8, 64 and 512 ([`ExHashRing::with_points`]) to show how many it takes.

use ring_kit::Ring;
use ring_kit::ring::DEFAULT_REPLICAS;

use crate::{Capabilities, Placement, Support};

/// Ring-kit's consistent hash ring: each node's points at the MD5 of its name and a counter, a key
/// owned by the first point clockwise. A lookup is a binary search over `nodes × points` points.
#[derive(Clone, Debug)]
pub struct ExHashRing {
    ring: Ring,
}

impl ExHashRing {
    /// `ex_hash_ring`'s points per node.
    pub const POINTS: u32 = DEFAULT_REPLICAS;

    /// The ring of `nodes` with `points` points each.
    pub fn with_points(nodes: &[&str], points: u32) -> ExHashRing {
        super::check_nodes(nodes);
        ExHashRing {
            ring: Ring::with_nodes(nodes, points),
        }
    }

    /// The ring itself.
    pub fn ring(&self) -> &Ring {
        &self.ring
    }
}

impl Placement for ExHashRing {
    const NAME: &'static str = "ex_hash_ring";
    const CAPABILITIES: Capabilities = Capabilities {
        named_nodes: Support::Yes,
        remove_any_node: Support::Yes,
        weights: Support::NotHere,
        stateless: Support::Yes,
        note: "a heavier node would get more points; ex_hash_ring gives every node the same count",
    };

    fn build(nodes: &[&str]) -> ExHashRing {
        ExHashRing::with_points(nodes, Self::POINTS)
    }

    fn node_of(&self, hash: u64) -> usize {
        let owner = self.ring.placement(hash).expect("the ring has nodes");
        owner.node as usize
    }

    /// Ring-kit keeps each point as a `u64` hash and a `u32` node: 16 bytes with padding.
    fn memory_bytes(&self) -> usize {
        self.ring.points() * std::mem::size_of::<(u64, u32)>()
    }
}
