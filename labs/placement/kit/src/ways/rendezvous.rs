//! Rendezvous hashing, or highest random weight (Thaler & Ravishankar, 1996): every node scores
//! every key, and the highest score owns it.
//!
//! A score is a hash of the key and the node together, so each key ranks the nodes in its own
//! random order. Remove any node and only its keys move, each to its own second choice; add one
//! and it takes exactly the keys it now tops. No points, no table, names throughout. The price is
//! the lookup: one hash per node, `O(n)`, which is nothing for ten nodes and a lot for ten
//! thousand.
//!
//! [`HrwCrate`] is the same idea from crates.io, measured beside the kit's own:
//!
//! - **`hrw-hash` 2.0.3** (Victor Farazdagi, MIT; last release 2025-08-12; one dependency,
//!   `rapidhash`), chosen because it is small (under 200 lines), maintained, and implements
//!   rendezvous with weights ("capacities"). What differs from [`Rendezvous`]: it hashes the key
//!   again with rapidhash (the kit's way takes the storm's MD5 hash as is), scores with a
//!   logarithm so that weights work, and ranks *all* nodes for every lookup (a `Vec` allocated and
//!   sorted), returning the full preference order where the kit's way keeps only the best.
//! - Looked at and left out: `jumphash` 0.1.9 (jump; 2026, but its `rand` 0.8 would be a second
//!   `rand` in the workspace for a five-line function the warm-up has you write),
//!   `jump-consistent-hash` 0.1.0 (2017, one release), `maglev` 0.2.1 (2021, on `fasthash` 0.4,
//!   last released 2019, which builds C and C++ hash libraries at compile time),
//!   `rendezvous_hash` 0.3.0 (2019), and `mpchash` 2.0.10 (multi-probe, 2025, maintained, but
//!   five dependencies including a concurrent skip list: more than a measurement should pull in).

use std::hash::{Hash, Hasher};

use hrw_hash::{HrwNode, HrwNodes};

use crate::{Capabilities, Placement, Support, mix64};

/// Highest random weight: node `i` scores a key `mix64(hash ^ seed_i)`, its seed being ring-kit's
/// hash of its name; the highest score owns the key. `mix64` is a bijection, so two nodes with
/// different seeds never tie.
#[derive(Clone, Debug)]
pub struct Rendezvous {
    seeds: Vec<u64>,
}

impl Placement for Rendezvous {
    const NAME: &'static str = "rendezvous";
    const CAPABILITIES: Capabilities = Capabilities {
        named_nodes: Support::Yes,
        remove_any_node: Support::Yes,
        weights: Support::NotHere,
        stateless: Support::Yes,
        note: "weights by scoring -w/ln(score), as hrw-hash does; a lookup hashes once per node",
    };

    fn build(nodes: &[&str]) -> Rendezvous {
        super::check_nodes(nodes);
        Rendezvous {
            seeds: nodes
                .iter()
                .map(|name| ring_kit::hash_key(name.as_bytes()))
                .collect(),
        }
    }

    // ANCHOR: rendezvous
    fn node_of(&self, hash: u64) -> usize {
        let mut best = (0, mix64(hash ^ self.seeds[0]));
        for (i, seed) in self.seeds.iter().enumerate().skip(1) {
            let score = mix64(hash ^ seed);
            if score > best.1 {
                best = (i, score);
            }
        }
        best.0
    }
    // ANCHOR_END: rendezvous

    fn memory_bytes(&self) -> usize {
        self.seeds.len() * std::mem::size_of::<u64>()
    }
}

/// A node as `hrw-hash` sees it: hashed and compared by name, carrying its index.
#[derive(Clone, Debug)]
struct Named {
    index: usize,
    name: String,
}

impl PartialEq for Named {
    fn eq(&self, other: &Named) -> bool {
        self.name == other.name
    }
}

impl Eq for Named {}

impl Hash for Named {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

/// Every node the same capacity (the trait's default): equal shares, as the other ways.
impl HrwNode for Named {}

/// Rendezvous from crates.io (`hrw-hash` 2.0.3): see the module's notes for what differs.
pub struct HrwCrate {
    nodes: HrwNodes<Named>,
    count: usize,
}

impl Placement for HrwCrate {
    const NAME: &'static str = "rendezvous_hrw_hash";
    const CAPABILITIES: Capabilities = Capabilities {
        named_nodes: Support::Yes,
        remove_any_node: Support::Yes,
        weights: Support::Yes,
        stateless: Support::Yes,
        note: "hrw-hash 2.0.3 from crates.io; ranks every node on every lookup",
    };

    fn build(nodes: &[&str]) -> HrwCrate {
        super::check_nodes(nodes);
        let named = nodes.iter().enumerate().map(|(index, name)| Named {
            index,
            name: (*name).to_owned(),
        });
        HrwCrate {
            nodes: HrwNodes::new(named),
            count: nodes.len(),
        }
    }

    fn node_of(&self, hash: u64) -> usize {
        let best = self.nodes.sorted(&hash).next();
        best.expect("the placement has nodes").index
    }

    /// Approximate: the crate keeps a `HashMap` of nodes and their hashes, which this counts
    /// entry by entry (a control byte each), not its spare capacity.
    fn memory_bytes(&self) -> usize {
        self.count * (std::mem::size_of::<(Named, u64)>() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_rendezvous_balance_and_move_only_the_leavers_keys() {
        let names = ["a", "b", "c", "d", "e"];
        let without_c = ["a", "b", "d", "e"];
        let (ours, theirs) = (Rendezvous::build(&names), HrwCrate::build(&names));
        let (ours_after, theirs_after) =
            (Rendezvous::build(&without_c), HrwCrate::build(&without_c));
        let mut counts = [[0usize; 5]; 2];
        for guild in 0..20_000u64 {
            let hash = crate::hash_guild(guild);
            for (way, (before, after)) in [
                (ours.node_of(hash), ours_after.node_of(hash)),
                (theirs.node_of(hash), theirs_after.node_of(hash)),
            ]
            .into_iter()
            .enumerate()
            {
                counts[way][before] += 1;
                if names[before] != "c" {
                    assert_eq!(names[before], without_c[after]);
                }
            }
        }
        for way in counts {
            assert!(way.iter().all(|&c| (3_600..4_400).contains(&c)), "{way:?}");
        }
    }
}
