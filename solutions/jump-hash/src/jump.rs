//! Jump consistent hash (Lamping & Veach 2014), transcribed from the paper's C++.

// ANCHOR: jump
/// The bucket, in `0..buckets`, that `key` belongs to among `buckets` numbered buckets.
pub fn jump(key: u64, buckets: u32) -> u32 {
    let (mut key, mut b, mut j) = (key, -1i64, 0i64);
    while j < i64::from(buckets) {
        // The key is in bucket `j` now; draw where it would jump next.
        b = j;
        key = key.wrapping_mul(2_862_933_555_777_941_757).wrapping_add(1);
        // `(b + 1) / r` for a uniform `r` in (0, 1], with the LCG's top 31 bits as `r`.
        j = ((b + 1) as f64 * ((1u64 << 31) as f64 / ((key >> 33) + 1) as f64)) as i64;
    }
    u32::try_from(b).expect("at least one bucket")
}
// ANCHOR_END: jump
