//! Warm-up "ring find", before the ring lab: find which point of a consistent hash ring owns a
//! hash, with one binary search.
//!
//! Discord finds the node that owns a guild by hashing the guild id onto a ring of points; the
//! owner is the node of the first point clockwise from the hash. Laid flat, the ring is a sorted
//! list of point hashes, and "clockwise" is "the next larger one, or round to the first". That
//! lookup is what 2.5 million reconnecting sessions each do, five times, in the ring lab; here you
//! write it alone.
//!
//! | file | what |
//! | --- | --- |
//! | this crate | [`Points`]: the points of a ring as a sorted `&[u64]`, which node put each there, and `ring_kit`'s own [`Ring`] of the same nodes to compare with |
//! | `labs/ring-find/src/find.rs` (crate `lab-ring-find`) | **the file you edit**: `find`, as a signature and `todo!()` |
//! | [`check`] | the suite ([`suite!`] declares it; `cargo test -p lab-ring-find` runs it on yours) |

pub mod check;

use ring_kit::{Ring, hash_key};

/// What the suite calls: the ring's point hashes (sorted, ascending) and a hash; back the index of
/// the point that owns the hash, or `None` when there are no points.
/// `lab_ring_find::find::find` is one.
pub type Find = fn(&[u64], u64) -> Option<usize>;

/// The points of a ring, laid flat: their hashes in ascending order, and who put each one there.
///
/// They are where `ring_kit`'s [`Ring`] puts them (`ex_hash_ring`'s placement): node `name` has a
/// point at the hash of `"{name}0"`, `"{name}1"`, … for each of its replicas, and the points are
/// sorted by hash. [`Points::ring`] is the ring-kit ring of the same nodes, so an answer found in
/// [`Points::hashes`] can be checked against the ring's own lookup.
#[derive(Clone, Debug)]
pub struct Points {
    hashes: Vec<u64>,
    owners: Vec<u32>,
    ring: Ring,
}

impl Points {
    /// The points of a ring of `nodes` (distinct names), `replicas` points each.
    pub fn of<S: AsRef<str>>(nodes: &[S], replicas: u32) -> Points {
        let mut points: Vec<(u64, u32)> = Vec::new();
        for (index, name) in nodes.iter().enumerate() {
            let index = u32::try_from(index).expect("fewer than 2^32 nodes");
            for replica in 0..replicas {
                let text = format!("{}{replica}", name.as_ref());
                points.push((hash_key(text.as_bytes()), index));
            }
        }
        // By hash; a tie (astronomically rare with 64 bits) by node name, as ring-kit does.
        points.sort_unstable_by(|a, b| {
            (a.0, nodes[a.1 as usize].as_ref()).cmp(&(b.0, nodes[b.1 as usize].as_ref()))
        });
        Points {
            hashes: points.iter().map(|p| p.0).collect(),
            owners: points.iter().map(|p| p.1).collect(),
            ring: Ring::with_nodes(nodes, replicas),
        }
    }

    /// No points at all: a ring without nodes.
    pub fn empty() -> Points {
        Points {
            hashes: Vec::new(),
            owners: Vec::new(),
            ring: Ring::new(1),
        }
    }

    /// The point hashes, sorted ascending: what `find` searches.
    pub fn hashes(&self) -> &[u64] {
        &self.hashes
    }

    /// The name of the node that put point `point` on the ring. Panics if there is no such point.
    pub fn owner(&self, point: usize) -> &str {
        &self.ring.nodes()[self.owners[point] as usize]
    }

    /// `ring_kit`'s ring of the same nodes and replicas.
    pub fn ring(&self) -> &Ring {
        &self.ring
    }

    /// The owner of `hash` by `ring_kit`'s own lookup.
    pub fn ring_owner(&self, hash: u64) -> Option<&str> {
        self.ring
            .placement(hash)
            .map(|placement| self.ring.node_name(placement))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_points_are_sorted_and_belong_to_their_nodes() {
        let points = Points::of(&["alpha", "beta", "gamma"], 4);
        assert_eq!(points.hashes().len(), 12);
        assert!(points.hashes().windows(2).all(|w| w[0] <= w[1]));
        // "alpha2" is one of alpha's points.
        let alpha2 = hash_key(b"alpha2");
        let at = points.hashes().iter().position(|&h| h == alpha2).unwrap();
        assert_eq!(points.owner(at), "alpha");
    }
}
