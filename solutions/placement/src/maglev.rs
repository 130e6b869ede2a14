//! Maglev's lookup table (Eisenbud et al., NSDI 2016): a prime number of slots, each owned by one
//! node, filled round-robin from each node's preference permutation.

use placement_kit::{Capabilities, MaglevTable, Placement, Support, is_prime, name_hashes};

// ANCHOR: maglev
// ANCHOR: table
/// A Maglev lookup table: `table[slot]` is the index of the node that owns the slot, and a key
/// whose hash is `h` belongs to the owner of slot `h % M`.
#[derive(Clone, Debug)]
pub struct Maglev {
    table: Vec<u32>,
}

/// A slot no node has taken yet.
const EMPTY: u32 = u32::MAX;

impl Maglev {
    /// The table size `build` uses: the paper's 65,537, prime, and over 100 slots a node for up to
    /// 655 nodes.
    pub const SIZE: usize = 65_537;
}
// ANCHOR_END: table

impl MaglevTable for Maglev {
    // ANCHOR: permutation
    fn permutation(name: &str, size: usize) -> (usize, usize) {
        assert!(
            size >= 2,
            "a table of {size} slots has no skip in 1..{size}"
        );
        let (first, second) = name_hashes(name);
        let m = size as u64;
        ((first % m) as usize, (second % (m - 1) + 1) as usize)
    }
    // ANCHOR_END: permutation

    // ANCHOR: refuse
    fn with_permutations(size: usize, permutations: &[(usize, usize)]) -> Maglev {
        assert!(
            is_prime(size),
            "a Maglev table needs a prime size; {size} is not prime"
        );
        assert!(
            !permutations.is_empty(),
            "a Maglev table needs at least one node"
        );
        assert!(permutations.len() < EMPTY as usize, "too many nodes");
        for &(offset, skip) in permutations {
            assert!(
                offset < size,
                "offset {offset} is not a slot of a table of {size}"
            );
            assert!((1..size).contains(&skip), "skip {skip} is not in 1..{size}");
        }
        // ANCHOR_END: refuse
        // ANCHOR: fill
        // Where each node's preference list is: the slot it would take next.
        let mut next: Vec<usize> = permutations.iter().map(|&(offset, _)| offset).collect();
        let mut table = vec![EMPTY; size];
        let mut filled = 0;
        while filled < size {
            for (node, &(_, skip)) in permutations.iter().enumerate() {
                let mut slot = next[node];
                while table[slot] != EMPTY {
                    slot = (slot + skip) % size;
                }
                table[slot] = node as u32;
                next[node] = (slot + skip) % size;
                filled += 1;
                if filled == size {
                    break;
                }
            }
        }
        Maglev { table }
    }
    // ANCHOR_END: fill

    // ANCHOR: with_size
    fn with_size(nodes: &[&str], size: usize) -> Maglev {
        assert!(
            is_prime(size),
            "a Maglev table needs a prime size; {size} is not prime"
        );
        let permutations: Vec<_> = nodes
            .iter()
            .map(|name| Self::permutation(name, size))
            .collect();
        Self::with_permutations(size, &permutations)
    }
    // ANCHOR_END: with_size

    fn size(&self) -> usize {
        self.table.len()
    }

    fn owner(&self, slot: usize) -> usize {
        self.table[slot] as usize
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

    // ANCHOR: node_of
    fn node_of(&self, hash: u64) -> usize {
        self.table[(hash % self.table.len() as u64) as usize] as usize
    }
    // ANCHOR_END: node_of

    fn memory_bytes(&self) -> usize {
        self.table.len() * std::mem::size_of::<u32>()
    }
}
// ANCHOR_END: maglev
