//! Warm-up "jump hash", before the placement lab: Lamping and Veach's jump consistent hash, the
//! way to place keys that needs no table at all.
//!
//! The ring lab places a guild on a ring of 5,120 points: a binary search over 80 KB for every
//! lookup, and 5,120 MD5s for every rebuild. When nodes are simply numbered, jump consistent hash
//! does the same job with a loop of about `ln n` steps and zero bytes, balances perfectly, and
//! moves exactly the keys it must when a bucket is added. What it gives up is the subject of the
//! placement lab: it cannot name its nodes, and only the last bucket can leave.
//!
//! | file | what |
//! | --- | --- |
//! | this crate | [`KNOWN`]: the paper's code's answers, to check against; [`keys`]: the storm's keys |
//! | `labs/jump-hash/src/jump.rs` (crate `lab-jump-hash`) | **the file you edit**: `jump`, as a signature and `todo!()` |
//! | [`check`] | the suite ([`suite!`] declares it; `cargo test -p lab-jump-hash` runs it on yours) |

pub mod check;

use ring_kit::storm::Storm;

/// What the suite calls: a key and a number of buckets; back the key's bucket.
/// `lab_jump_hash::jump::jump` is one.
pub type Jump = fn(u64, u32) -> u32;

/// The bucket counts of [`KNOWN`]'s columns: small ones, the ten nodes of the storm and the one
/// more of a growth, and up to the largest count the paper's `int32_t` can hold.
pub const BUCKETS: [u32; 10] = [1, 2, 3, 7, 10, 11, 100, 1_000, 65_536, 2_147_483_647];

// ANCHOR: known
/// The paper's answers: `(key, [bucket of key among BUCKETS[i] buckets; 10])`.
///
/// Computed with the paper's C++ (Figure 1) transcribed to C and compiled with gcc, and again with
/// the same loop in Python's arbitrary-precision integers; both gave this table. By hand: key 0's
/// first step gives `key = 1`, so its next jump lands at `2^31 / ((1 >> 33) + 1) = 2^31`, past
/// every count here: key 0 stays in bucket 0. Key 1's first step gives `key >> 33 = 333,289,331`,
/// so its next jump lands at `⌊2^31 / 333,289,332⌋ = 6`: bucket 0 up to 6 buckets, bucket 6 from 7
/// buckets on, until its next jump (at 11 < it ≤ 100 buckets). Other implementations' published
/// tests agree on (1, 10) → 6, (1, 100) → 55, (2, 100) → 62 and (0xdeadbeef, 1000) → 285.
pub const KNOWN: [(u64, [u32; 10]); 10] = [
    (0, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    (1, [0, 0, 0, 6, 6, 6, 55, 549, 21134, 262355607]),
    (2, [0, 0, 0, 6, 6, 6, 62, 338, 3927, 736532115]),
    (42, [0, 1, 2, 2, 2, 2, 43, 571, 5747, 1603940301]),
    (12345, [0, 1, 1, 1, 1, 1, 29, 938, 10170, 407473385]),
    (0xdead_beef, [0, 1, 2, 5, 5, 5, 87, 285, 64244, 1452406526]),
    // Two guild ids, snowflake-sized, as the storm's are.
    (
        80_351_110_224_678_912,
        [0, 1, 2, 4, 9, 9, 86, 570, 44752, 539880863],
    ),
    (
        41_771_983_423_143_937,
        [0, 1, 1, 3, 7, 7, 85, 139, 31064, 1624970374],
    ),
    (1 << 63, [0, 1, 1, 5, 5, 5, 84, 453, 53854, 1119800965]),
    (u64::MAX, [0, 1, 2, 2, 9, 10, 92, 313, 18311, 699554662]),
];
// ANCHOR_END: known

/// `count` keys: the reconnect storm's first `count` guild ids (seed `seed`), hashed as the ring
/// hashes them, so the warm-up places the same keys the placement lab and the ring do.
pub fn keys(count: usize, seed: u64) -> Vec<u64> {
    let storm = Storm::new(1, count.max(1), seed);
    storm.session(0, true)[..count].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keys_are_the_storms_hashed_guilds() {
        let keys = keys(5, 3);
        let storm = Storm::new(5, 1, 3);
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(*key, ring_kit::hash_id(storm.session(i, false)[0]));
        }
    }
}
