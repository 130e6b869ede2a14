//! Jump consistent hash (Lamping & Veach, Google, 2014): no table, no memory, perfect balance.
//!
//! Follow one key as the bucket count grows from 1: at each new bucket `n` it moves there with
//! probability `1/(n + 1)`, else it stays. That is consistent by construction (growing moves a key
//! only to the new bucket) and balanced (each bucket holds `1/n`). The algorithm draws, from a
//! generator seeded by the key, where the next move lands, so a lookup is about `ln n` steps of
//! arithmetic and reads no memory at all. The warm-up `jump-hash` has you write [`jump`].
//!
//! What it gives up is names: buckets are `0..n`, and only the last can leave. Take node 4 out of
//! ten and nodes 5..9 become buckets 4..8; the measures, which compare owners by name, count every
//! key that renumbering moves.

use crate::{Capabilities, Placement, Support};

/// The bucket, in `0..buckets`, of `key` (the paper's code, transcribed).
pub fn jump(key: u64, buckets: u32) -> u32 {
    let (mut key, mut b, mut j) = (key, -1i64, 0i64);
    while j < i64::from(buckets) {
        b = j;
        key = key.wrapping_mul(2_862_933_555_777_941_757).wrapping_add(1);
        j = ((b + 1) as f64 * ((1u64 << 31) as f64 / ((key >> 33) + 1) as f64)) as i64;
    }
    u32::try_from(b).expect("at least one bucket")
}

/// Jump over the nodes in the order given: node `i` is bucket `i`.
#[derive(Clone, Copy, Debug)]
pub struct Jump {
    buckets: u32,
}

impl Placement for Jump {
    const NAME: &'static str = "jump";
    const CAPABILITIES: Capabilities = Capabilities {
        named_nodes: Support::No,
        remove_any_node: Support::No,
        weights: Support::No,
        stateless: Support::Yes,
        note: "buckets are numbered 0..n: only the last can leave; names need a table beside it",
    };

    fn build(nodes: &[&str]) -> Jump {
        super::check_nodes(nodes);
        Jump {
            buckets: super::index(nodes.len()),
        }
    }

    fn node_of(&self, hash: u64) -> usize {
        jump(hash, self.buckets) as usize
    }

    fn memory_bytes(&self) -> usize {
        0
    }
}
