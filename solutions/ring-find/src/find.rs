//! Find the point that owns a hash on a consistent hash ring.

// ANCHOR: find
/// The index of the point that owns `hash`: the first point strictly greater than `hash`, wrapping
/// round to point 0; `None` when the ring has no points.
pub fn find(points: &[u64], hash: u64) -> Option<usize> {
    if points.is_empty() {
        return None;
    }
    // Points at or below the hash have been passed (ex_hash_ring: strictly greater owns it).
    let after = points.partition_point(|&point| point <= hash);
    // Past the largest point, the ring goes round to the smallest.
    Some(if after == points.len() { 0 } else { after })
}
// ANCHOR_END: find
