//! **Your file.** Maglev's lookup table: which node owns a key, in one array read.
//!
//! Google's Maglev load balancer (Eisenbud et al., NSDI 2016) had the ring's problem at line rate:
//! every packet must find its backend, every balancer must find the same one, and a backend that
//! leaves must disturb as few connections as possible. Its answer is a table of M slots, each
//! owned by one node; a key belongs to the owner of slot `hash % M`. A lookup is a division and
//! one read, where the ring does a binary search over thousands of points.
//!
//! The table is filled so that it is both *balanced* and *stable*:
//!
//! - **Each node's preferences.** Node `i` ranks the slots in its own order, a permutation
//!   `offset, offset + skip, offset + 2·skip, …` (mod M), `offset` in `0..M` and `skip` in `1..M`
//!   taken from two independent hashes of its name ([`placement_kit::name_hashes`]). From its
//!   name alone: every balancer computes the same permutation, and a node's list does not change
//!   when another node joins or leaves, which is what keeps most keys in place.
//! - **Why M is prime.** The list visits every slot only if `skip` and M share no factor. With M
//!   prime, every skip in `1..M` does; with M = 65,536, a skip of 2 visits half the table, and a
//!   node whose half is full waits for ever for a free slot. A skip of 0 prefers one slot forever.
//! - **The round-robin fill.** Go round the nodes in order, node 0 first: each, in its turn, takes
//!   the first slot in its list that is still free, and its next turn carries on from there. One
//!   slot per node per round, until the table is full (the last round stops where it fills). So
//!   shares differ by one slot at most: with M = 65,537 and ten nodes, by 0.002 %.
//!
//! [`MaglevTable`] is what the suite checks: besides a table built from names, one built from
//! permutations it chooses, so it can compare your table with tables worked out by hand (the
//! paper's own example is the first).
//!
//! `cargo test -p lab-placement` checks it; `cargo run --release -- hint placement` helps.

// The skeleton's parameters and field are unused until you fill it in.
#![allow(unused_variables, dead_code)]

use placement_kit::{Capabilities, MaglevTable, Placement, Support};

// ANCHOR: skeleton
/// A Maglev lookup table: `table[slot]` is the index of the node that owns the slot (an index into
/// the list the table was built from), and a key whose hash is `h` belongs to the owner of slot
/// `h % M`, where M is `table.len()`.
#[derive(Clone, Debug)]
pub struct Maglev {
    table: Vec<u32>,
}

impl Maglev {
    /// The table size [`Placement::build`] uses: the paper's 65,537, prime, and over 100 slots a
    /// node (the paper's advice for shares within 1 %) for up to 655 nodes.
    pub const SIZE: usize = 65_537;
}

impl MaglevTable for Maglev {
    /// Node `name`'s `(offset, skip)`: `offset` in `0..size` from the first of
    /// [`placement_kit::name_hashes`], `skip` in `1..size` from the second.
    fn permutation(name: &str, size: usize) -> (usize, usize) {
        todo!("two hashes of the name, mapped onto 0..size and onto 1..size")
    }

    /// The table filled round-robin from `permutations` (node `i` has `permutations[i]`).
    ///
    /// # Panics
    /// If `size` is not prime ([`placement_kit::is_prime`]), if there is no node, or if an offset
    /// is not in `0..size` or a skip not in `1..size`: each would make a fill that never ends.
    fn with_permutations(size: usize, permutations: &[(usize, usize)]) -> Maglev {
        todo!("refuse what cannot fill; then rounds, each node taking its next free slot in turn")
    }

    /// The table of `size` slots for `nodes`, each with its [`MaglevTable::permutation`].
    ///
    /// # Panics
    /// If `size` is not prime.
    fn with_size(nodes: &[&str], size: usize) -> Maglev {
        todo!("each node's permutation, then with_permutations")
    }

    fn size(&self) -> usize {
        todo!("M")
    }

    fn owner(&self, slot: usize) -> usize {
        todo!("the node that owns the slot")
    }
}

impl Placement for Maglev {
    const NAME: &'static str = "maglev";
    const CAPABILITIES: Capabilities = Capabilities {
        named_nodes: Support::Yes,
        remove_any_node: Support::Yes,
        weights: Support::NotHere,
        stateless: Support::Yes,
        note: "weights by giving a node more turns per round; the fill takes nodes in list order",
    };

    fn build(nodes: &[&str]) -> Maglev {
        Self::with_size(nodes, Self::SIZE)
    }

    /// The owner of slot `hash % M`: one division and one read.
    fn node_of(&self, hash: u64) -> usize {
        todo!("the owner of the hash's slot")
    }

    fn memory_bytes(&self) -> usize {
        self.table.len() * std::mem::size_of::<u32>()
    }
}
// ANCHOR_END: skeleton
