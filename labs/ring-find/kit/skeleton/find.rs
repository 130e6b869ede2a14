//! **Your file.** Find the point that owns a hash on a consistent hash ring.
//!
//! Every node puts points on a ring of 2^64 positions, and a key belongs to the node of the first
//! point clockwise from the key's hash. Laid flat, the ring is the sorted list of its points'
//! hashes; clockwise is towards larger hashes, and past the largest point it goes round to the
//! smallest. The rule is `ex_hash_ring`'s, the library Discord runs, so that Rust and Elixir agree
//! on every key: the owner is the first point **strictly greater** than the hash.
//!
//! Write [`find`] with one binary search: `slice::partition_point`.
//!
//! `cargo test -p lab-ring-find` checks it; `cargo run --release -- hint ring-find` helps.

// The skeleton's parameters are unused until you fill it in.
#![allow(unused_variables)]

// ANCHOR: skeleton
/// The index of the point that owns `hash`, on a ring whose point hashes are `points`, sorted
/// ascending: the first point whose hash is strictly greater than `hash`, or, when no point is,
/// the first point of all (the ring wraps round). `None` when the ring has no points.
///
/// `O(log n)`: a session does this for every guild it is in, and the ring has thousands of points.
pub fn find(points: &[u64], hash: u64) -> Option<usize> {
    todo!("one partition_point for the first point above the hash; mind the empty ring and the end")
}
// ANCHOR_END: skeleton
