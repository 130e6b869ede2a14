//! **Your file.** Jump consistent hash: which of `buckets` numbered buckets a key belongs to, with
//! no table at all.
//!
//! Lamping and Veach (Google, 2014, "A Fast, Minimal Memory, Consistent Hash Algorithm") asked what
//! a consistent hash owes its callers when the buckets are simply numbered `0..n`: when `n` grows
//! to `n + 1`, a key either stays where it was or moves to the new bucket `n`, and exactly the
//! right share, `1/(n + 1)`, moves. Follow one key as `n` grows from 1: it sits in bucket 0, and at
//! each new bucket it jumps there with probability `1/(n + 1)`. The answer for `n` buckets is
//! where it last jumped to. Walking `n` up one by one costs `O(n)`; drawing *where the next jump
//! lands* directly, from a pseudo-random sequence seeded by the key, skips the buckets it would
//! stay through, and the loop runs `O(ln n)` times.
//!
//! The paper's code is five lines of C++. Transcribe it: the same 64-bit linear congruential step
//! (multiplier `2862933555777941757`, increment 1, wrapping), the same 31 bits of it, and the same
//! arithmetic in `f64`, so that your answers are the paper's to the bit: every service that places
//! a key must agree on its bucket, whatever language it is written in.
//!
//! `cargo test -p lab-jump-hash` checks it; `cargo run --release -- hint jump-hash` helps.

// The skeleton's parameters are unused until you fill it in.
#![allow(unused_variables)]

// ANCHOR: skeleton
/// The bucket, in `0..buckets`, that `key` belongs to among `buckets` numbered buckets.
///
/// `key` is already a good 64-bit hash (the storm's guild ids hashed with MD5). `buckets` is at
/// least 1; the paper's code takes a signed 32-bit count, so the answers are the paper's up to
/// `2^31 - 1` buckets.
pub fn jump(key: u64, buckets: u32) -> u32 {
    todo!("the paper's loop: step the key, compute where the next jump lands, stop past the end")
}
// ANCHOR_END: skeleton
