//! Lab: other ways to place a key.
//!
//! Discord places every guild on a node with `ex_hash_ring`: 512 MD5 points per node on a ring,
//! a binary search per lookup. The ring lab made that lookup fast to *reach*; this lab asks whether
//! the ring is the right structure at all. The field has measured answers, and each buys something
//! with something else:
//!
//! | way | here | a lookup | what it gives up |
//! | --- | --- | --- | --- |
//! | the ring, 512 points a node | [`ExHashRing`] | binary search over 5,120 points | balance needs many points; 80 KB |
//! | jump consistent hash (Lamping & Veach 2014) | [`Jump`] | `ln n` steps, no memory | nodes are numbers; only the last can leave |
//! | rendezvous, highest random weight | [`Rendezvous`], [`HrwCrate`] | one hash per node | `O(n)` a lookup |
//! | multi-probe (Appleton & O'Reilly 2015) | [`MultiProbe`] | 21 binary searches over one point a node | balance ≈ 1 + 1/20 |
//! | bounded loads (Mirrokni et al. 2018) | [`BoundedLoad`] | the ring, then past full nodes | a key's node depends on the loads |
//! | Maglev (Eisenbud et al. 2016) | yours | one array read | a table of M slots; small extra moves |
//!
//! Every way is a [`Placement`]: built from a list of named nodes, asked for the node of a key's
//! hash. What a way *cannot* do is data ([`Capabilities`]), so the scenario's JSON and table say it
//! beside the numbers. [`measure`] computes the figures the scenario reports (balance, keys moved
//! when a node joins or leaves, lookup and build time, memory), on the reconnect storm's guild ids.
//!
//! # What you write
//!
//! `labs/placement/src/maglev.rs` (crate `lab-placement`): Maglev's lookup table, each node's
//! preference permutation from two hashes of its name, filled round-robin. Besides [`Placement`]
//! it implements [`MaglevTable`], the hooks the suite uses to check hand-worked tables. Run
//! `cargo test -p lab-placement` until [`check`]'s suite ([`suite!`]) passes, then
//! `cargo run --release -- labs` for the bar.

pub mod check;
pub mod measure;
pub mod ways;

use md5::{Digest, Md5};
use serde::Serialize;

pub use crate::ways::{BoundedLoad, ExHashRing, HrwCrate, Jump, MultiProbe, Rendezvous};

// ANCHOR: placement
/// A way to place keys on nodes: built once from the nodes' names, then asked, for each key's
/// hash, which node owns it.
///
/// The node is answered as an index into the list `build` was given, so a lookup allocates nothing
/// and compares nothing but integers. The measures compare placements *by name*, so a way that
/// renumbers nodes when one leaves (jump) is charged for the keys that renumbering moves.
pub trait Placement {
    /// The way's name in the results (`ways.<NAME>` in `placement.json`).
    const NAME: &'static str;
    /// What the way can and cannot do.
    const CAPABILITIES: Capabilities;

    /// The way built over `nodes`: distinct names, at least one.
    fn build(nodes: &[&str]) -> Self;

    /// The index in `nodes` of the node that owns the key whose hash is `hash` ([`hash_guild`]
    /// of a guild id): the lookup alone, the hash computed beforehand.
    fn node_of(&self, hash: u64) -> usize;

    /// The node of a guild: hash its id, then look it up (what a session does).
    fn node_of_guild(&self, guild: u64) -> usize {
        self.node_of(hash_guild(guild))
    }

    /// Places the key as one of a stream of keys, and records it. For every way but bounded loads
    /// this is [`Placement::node_of`]: a key's node depends on nothing but the key and the nodes.
    fn assign(&mut self, hash: u64) -> usize {
        self.node_of(hash)
    }

    /// The bytes of what a lookup reads (the ring's points, Maglev's table, …), node names left
    /// out, since every way keeps those.
    fn memory_bytes(&self) -> usize;
}
// ANCHOR_END: placement

// ANCHOR: maglev_table
/// What the suite needs of a Maglev besides [`Placement`]: to build a table from permutations it
/// chooses (so that a table worked out by hand can be compared), and to read the table.
///
/// A node's permutation is `(offset, skip)`: its preference list of slots is `offset`,
/// `offset + skip`, `offset + 2·skip`, … modulo the table size.
pub trait MaglevTable: Placement + Sized {
    /// Node `name`'s `(offset, skip)` in a table of `size` slots: from two independent hashes of
    /// the name ([`name_hashes`]), `offset` in `0..size` and `skip` in `1..size`.
    fn permutation(name: &str, size: usize) -> (usize, usize);

    /// The table filled from the given permutations, node `i` having `permutations[i]`. Panics if
    /// `size` is not prime, or an offset or a skip is out of its range.
    fn with_permutations(size: usize, permutations: &[(usize, usize)]) -> Self;

    /// The table of `size` slots for `nodes`, each with its [`MaglevTable::permutation`]. Panics
    /// if `size` is not prime.
    fn with_size(nodes: &[&str], size: usize) -> Self;

    /// How many slots: M.
    fn size(&self) -> usize;

    /// The index of the node that owns slot `slot`; a key whose hash is `h` is in slot `h % M`.
    fn owner(&self, slot: usize) -> usize;
}
// ANCHOR_END: maglev_table

/// How far a way supports something.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Support {
    /// It does, as built here.
    Yes,
    /// The algorithm can, this kit's version does not; the note says how it would.
    NotHere,
    /// It cannot without becoming another algorithm.
    No,
}

/// What a way can and cannot do: the trade the numbers do not show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    /// Nodes are known by their names: a node's place comes from hashing its name, so services
    /// that know the same names agree, and a node is not a number that shifts when another leaves.
    pub named_nodes: Support,
    /// Any node can leave, and (nearly) only its keys move.
    pub remove_any_node: Support,
    /// A node can be given a larger share than another.
    pub weights: Support,
    /// A key's node depends on the key and the nodes alone: every service computes the same
    /// placement without asking anyone, as Discord needs of its ring.
    pub stateless: Support,
    /// What the four fields cannot say, in a sentence.
    pub note: &'static str,
}

impl Capabilities {
    /// The things, among the four, that the way cannot do here (`"named nodes"`, …).
    pub fn cannot(&self) -> Vec<&'static str> {
        [
            (self.named_nodes, "named nodes"),
            (self.remove_any_node, "removing any node"),
            (self.weights, "weights"),
            (self.stateless, "stateless lookups"),
        ]
        .into_iter()
        .filter(|(support, _)| *support != Support::Yes)
        .map(|(_, what)| what)
        .collect()
    }
}

// ANCHOR: hashes
/// The hash of a guild id, as the storm and `ex_hash_ring` compute it: MD5 of its decimal text,
/// digest bytes 8..16 as a little-endian `u64` (`ring_kit::hash_id`). Every way places this hash,
/// so they all answer the same questions.
pub fn hash_guild(guild: u64) -> u64 {
    ring_kit::hash_id(guild)
}

/// Two independent 64-bit hashes of a node's name: the two halves of its MD5, each read as a
/// little-endian `u64`. The second is ring-kit's `hash_key(name)`. Maglev takes a node's offset
/// from the first and its skip from the second.
pub fn name_hashes(name: &str) -> (u64, u64) {
    let digest = Md5::digest(name.as_bytes());
    let half = |range: std::ops::Range<usize>| {
        u64::from_le_bytes(
            digest[range]
                .try_into()
                .expect("an MD5 digest has 16 bytes"),
        )
    };
    (half(0..8), half(8..16))
}

/// A 64-bit mixing function: splitmix64's output step (the storm's generator's, `ring_kit::storm`),
/// a bijection whose every output bit depends on every input bit. Rendezvous scores and
/// multi-probe's probes are made with it.
pub fn mix64(x: u64) -> u64 {
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
// ANCHOR_END: hashes

/// Whether `n` is prime, by trial division: for checking a table size, not for speed.
pub fn is_prime(n: usize) -> bool {
    n >= 2
        && (2..)
            .take_while(|d| d * d <= n)
            .all(|d| !n.is_multiple_of(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_name_hash_is_ring_kits() {
        assert_eq!(name_hashes("node-3").1, ring_kit::hash_key(b"node-3"));
        assert_ne!(name_hashes("node-3").0, name_hashes("node-3").1);
    }

    #[test]
    fn primes_are_primes() {
        let primes: Vec<usize> = (0..30).filter(|&n| is_prime(n)).collect();
        assert_eq!(primes, [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
        assert!(is_prime(65_537) && !is_prime(65_536) && !is_prime(65_535));
    }

    #[test]
    fn a_way_that_cannot_says_so() {
        assert_eq!(
            Jump::CAPABILITIES.cannot(),
            ["named nodes", "removing any node", "weights"]
        );
        assert!(ExHashRing::CAPABILITIES.cannot().contains(&"weights"));
        assert!(
            BoundedLoad::CAPABILITIES
                .cannot()
                .contains(&"stateless lookups")
        );
    }
}
