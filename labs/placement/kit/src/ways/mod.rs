//! The ways the lab gives, each a [`Placement`](crate::Placement) with its capabilities stated.
//!
//! - [`ExHashRing`]: ring-kit's ring, unchanged (`ex_hash_ring`'s placement, bit for bit);
//! - [`BoundedLoad`]: the same ring, and a cap on every node's load;
//! - [`Jump`]: jump consistent hash, on numbered buckets;
//! - [`Rendezvous`]: highest random weight, and [`HrwCrate`], the same idea from crates.io;
//! - [`MultiProbe`]: one point a node, many probes a key.
//!
//! Each file says why the way exists, what a lookup costs, and what it gives up.

mod bounded;
mod jump;
mod multi_probe;
mod rendezvous;
mod ring;

pub use self::bounded::BoundedLoad;
pub use self::jump::{Jump, jump};
pub use self::multi_probe::MultiProbe;
pub use self::rendezvous::{HrwCrate, Rendezvous};
pub use self::ring::ExHashRing;

/// Node `i`'s index as the `u32` the ways store.
fn index(i: usize) -> u32 {
    u32::try_from(i).expect("fewer than 2^32 nodes")
}

/// Panics unless `nodes` is a usable node list: at least one name, no name twice.
fn check_nodes(nodes: &[&str]) {
    assert!(!nodes.is_empty(), "a placement needs at least one node");
    let mut sorted = nodes.to_vec();
    sorted.sort_unstable();
    assert!(
        sorted.windows(2).all(|w| w[0] != w[1]),
        "node names must be distinct: {nodes:?}"
    );
}

/// A ring's points, laid flat, exactly where ring-kit's [`Ring`](ring_kit::Ring) puts them: node
/// `name` at the hashes of `"{name}0"`, `"{name}1"`, …, sorted by hash (ties by name), each with
/// its node's index. For the ways that walk the ring, which ring-kit's lookup does not expose.
fn ring_points(nodes: &[&str], per_node: u32) -> Vec<(u64, u32)> {
    let mut points = Vec::with_capacity(nodes.len() * per_node as usize);
    for (i, name) in nodes.iter().enumerate() {
        for replica in 0..per_node {
            points.push((
                ring_kit::hash_key(format!("{name}{replica}").as_bytes()),
                index(i),
            ));
        }
    }
    points.sort_unstable_by(|a, b| (a.0, nodes[a.1 as usize]).cmp(&(b.0, nodes[b.1 as usize])));
    points
}

/// The index of the first point strictly above `hash`, round to 0 past the last: the ring's rule.
fn next_point(points: &[(u64, u32)], hash: u64) -> usize {
    let after = points.partition_point(|p| p.0 <= hash);
    if after == points.len() { 0 } else { after }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Placement;

    #[test]
    fn the_flat_points_place_keys_as_ring_kit_does() {
        let names = ["alpha", "beta", "gamma", "delta"];
        let points = ring_points(&names, 64);
        let ring = ExHashRing::with_points(&names, 64);
        for guild in 0..5_000u64 {
            let hash = crate::hash_guild(guild);
            assert_eq!(
                points[next_point(&points, hash)].1 as usize,
                ring.node_of(hash)
            );
        }
    }

    #[test]
    #[should_panic(expected = "distinct")]
    fn a_name_twice_is_refused() {
        check_nodes(&["a", "b", "a"]);
    }
}
