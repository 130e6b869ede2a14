//! Multi-probe consistent hashing (Appleton & O'Reilly, Google, 2015): one point per node, many
//! probes per key.
//!
//! A ring needs hundreds of points per node to balance, because a node's share is the sum of the
//! arcs in front of its points and one arc is a very uneven thing. Multi-probe turns that around:
//! each node has a single point, and a key hashes to `k` probe positions instead of one. Each
//! probe finds its next point clockwise; the key goes to the point that was *closest* to its probe.
//! A node with a long arc in front of it is the nearest for fewer probes than its arc suggests,
//! and with `1 + 1/ε` probes the peak share comes to about `1 + ε`: 21 probes, about 1.05 on paper.
//!
//! A lookup is `k` binary searches over `n` points, where the ring does one over `512 n`: a small
//! ring, a slower lookup. Named nodes and removing any node work as on the ring.

use crate::{Capabilities, Placement, Support, mix64};

/// One point per node, where a ring of one point a node puts it (the hash of `"{name}0"`),
/// [`MultiProbe::PROBES`] probes per key.
#[derive(Clone, Debug)]
pub struct MultiProbe {
    points: Vec<(u64, u32)>,
}

impl MultiProbe {
    /// The paper's choice for a peak share near 1.05: `1 + 1/ε` probes with ε = 0.05.
    pub const PROBES: u64 = 21;

    /// Probe `i` of a key: the `i + 1`-th output of splitmix64 seeded with the key's hash, so the
    /// probes are as spread as the generator the storm's keys come from.
    fn probe(hash: u64, i: u64) -> u64 {
        mix64(hash.wrapping_add((i + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)))
    }
}

impl Placement for MultiProbe {
    const NAME: &'static str = "multi_probe";
    const CAPABILITIES: Capabilities = Capabilities {
        named_nodes: Support::Yes,
        remove_any_node: Support::Yes,
        weights: Support::No,
        stateless: Support::Yes,
        note: "21 binary searches a lookup; balance about 1 + 1/(probes - 1), not better",
    };

    fn build(nodes: &[&str]) -> MultiProbe {
        super::check_nodes(nodes);
        MultiProbe {
            points: super::ring_points(nodes, 1),
        }
    }

    fn node_of(&self, hash: u64) -> usize {
        let mut best = (u64::MAX, 0u32);
        for i in 0..Self::PROBES {
            let probe = Self::probe(hash, i);
            let point = self.points[super::next_point(&self.points, probe)];
            // Clockwise distance from the probe to its point, round the end of the ring.
            let distance = point.0.wrapping_sub(probe);
            if distance < best.0 {
                best = (distance, point.1);
            }
        }
        best.1 as usize
    }

    fn memory_bytes(&self) -> usize {
        self.points.len() * std::mem::size_of::<(u64, u32)>()
    }
}
