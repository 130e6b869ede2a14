//! The suite: what `jump` must do. It runs on your function (`tests/lab.rs`) and on the reference
//! one (`tests/solution.rs`); every check runs under a watchdog, so a loop that never ends fails
//! with a sentence instead of hanging.
//!
//! Each check is its own `#[test]` ([`suite!`](crate::suite)), named for what it checks. The first
//! compares with the paper's own code ([`KNOWN`]); the others check the properties
//! that make jump *consistent*, on the storm's keys, so that a function that is right on the table
//! by luck is still caught.

use std::sync::OnceLock;
use std::time::Duration;

use cluster::watchdog::within;

use crate::{BUCKETS, Jump, KNOWN};

/// How long any one check may take before it is called stuck.
pub const LIMIT: Duration = Duration::from_secs(10);

/// How many of the storm's keys the property checks place.
pub const KEYS: usize = 100_000;

/// The storm's keys, hashed once per test binary: every check places the same ones.
fn storm_keys() -> &'static [u64] {
    static KEYS_ONCE: OnceLock<Vec<u64>> = OnceLock::new();
    KEYS_ONCE.get_or_init(|| crate::keys(KEYS, 2014))
}

/// Calls `jump` and checks that its answer is one of the `buckets` buckets.
#[track_caller]
fn bucket(jump: Jump, key: u64, buckets: u32) -> u32 {
    let got = jump(key, buckets);
    assert!(
        got < buckets,
        "jump({key}, {buckets}) gave {got}, which is not one of the buckets 0..{buckets}. The \
         answer is the last bucket the key jumped *to*, never the jump that landed past the end"
    );
    got
}

/// What a list of wrong answers `(key, buckets, got, want)` most likely means.
fn cause_of(wrong: &[(u64, u32, u32, u32)]) -> &'static str {
    // A transcription that is right but for precision gets most answers: it goes wrong at the
    // largest counts, and for key 2^63, whose first draw is 2^31 / (2^30 + 1), a hair under 2,
    // which `f32` rounds to 2.
    if wrong.len() <= 25 {
        "Most answers agree, so the loop is right and its arithmetic loses precision: the paper \
         computes each jump in 64-bit floating point, from the quotient of two exact conversions \
         to f64"
    } else if wrong.iter().any(|w| w.0 == 0) {
        "Even key 0 differs, whose first step alone decides it: look at how the key is stepped \
         (multiplier, increment, wrapping) and which of its bits are used"
    } else {
        "Look at the key's step (multiplier 2862933555777941757, plus 1, wrapping), at which 31 \
         bits feed the division, and at which bucket the loop returns"
    }
}

// ANCHOR: papers_answers
/// The paper's answers for ten keys (0, 1, 2^63, `u64::MAX`, two guild ids, …) at ten bucket
/// counts from 1 to `2^31 - 1`.
pub fn gives_the_papers_answers(jump: Jump) {
    within(
        LIMIT,
        "100 jumps never finished: does the loop end?",
        move || {
            let mut wrong = Vec::new();
            for (key, answers) in KNOWN {
                for (buckets, want) in BUCKETS.into_iter().zip(answers) {
                    let got = bucket(jump, key, buckets);
                    if got != want {
                        wrong.push((key, buckets, got, want));
                    }
                }
            }
            if let Some(&(key, buckets, got, want)) = wrong.first() {
                let (count, all) = (wrong.len(), KNOWN.len() * BUCKETS.len());
                panic!(
                    "jump({key}, {buckets}) gave {got}; the paper's code gives {want}. {count} of \
                 the {all} known answers differ. {}",
                    cause_of(&wrong)
                );
            }
        },
    );
}
// ANCHOR_END: papers_answers

/// Every answer is a bucket: below the count, and 0 when there is one bucket.
pub fn every_answer_is_a_bucket(jump: Jump) {
    within(LIMIT, "200,000 jumps never finished", move || {
        let keys = storm_keys();
        for buckets in [1, 2, 3, 5, 10, 11, 64, 100, 1_000, 1 << 20, i32::MAX as u32] {
            for &key in &keys[..20_000] {
                let got = bucket(jump, key, buckets);
                assert!(
                    buckets > 1 || got == 0,
                    "jump({key}, 1) gave {got}: with one bucket every key is in bucket 0"
                );
            }
        }
    });
}

/// Growing from `n` to `n + 1` buckets moves a key only to the new bucket, `n`: for `n` from 1 to
/// 200, on 5,000 keys.
pub fn growing_moves_keys_only_to_the_new_bucket(jump: Jump) {
    within(
        LIMIT,
        "a million jumps never finished: does the loop end?",
        move || {
            for &key in &storm_keys()[..5_000] {
                let mut before = bucket(jump, key, 1);
                for n in 1..200 {
                    let after = bucket(jump, key, n + 1);
                    assert!(
                        after == before || after == n,
                        "key {key}: bucket {before} of {n}, then bucket {after} of {}. One more \
                         bucket may move a key only to the new one, {n}; a key that moves between \
                         old buckets means the answer depends on the count in another way than \
                         the paper's jumps do",
                        n + 1
                    );
                    before = after;
                }
            }
        },
    );
}

/// Growing from `n` to `n + 1` buckets moves `1/(n + 1)` of the keys, near enough: for 1 → 2,
/// 10 → 11 (the storm's ten nodes and one more) and 100 → 101, on [`KEYS`] keys.
pub fn growing_moves_about_one_key_in_n_plus_one(jump: Jump) {
    within(LIMIT, "300,000 jumps never finished", move || {
        let keys = storm_keys();
        for (n, tolerance) in [(1u32, 0.01), (10, 0.01), (100, 0.003)] {
            let moved = keys
                .iter()
                .filter(|&&key| bucket(jump, key, n) != bucket(jump, key, n + 1))
                .count();
            let share = moved as f64 / keys.len() as f64;
            let ideal = 1.0 / f64::from(n + 1);
            assert!(
                (share - ideal).abs() <= tolerance,
                "growing from {n} to {} buckets moved {moved} of {} keys ({share:.4}); the ideal \
                 is 1/{} = {ideal:.4}, and jump hits it within {tolerance}. {}",
                n + 1,
                keys.len(),
                n + 1,
                if share > ideal {
                    "Too many moved: is each key's sequence of draws the same whatever the count?"
                } else {
                    "Too few moved: does the loop stop early, or draw jumps that land too far?"
                }
            );
        }
    });
}

/// [`KEYS`] keys spread evenly over 7 and over 10 buckets: no bucket more than 5 % above or below
/// the mean.
pub fn spreads_keys_evenly(jump: Jump) {
    within(LIMIT, "200,000 jumps never finished", move || {
        let keys = storm_keys();
        for buckets in [7u32, 10] {
            let mut counts = vec![0usize; buckets as usize];
            for &key in keys {
                counts[bucket(jump, key, buckets) as usize] += 1;
            }
            let mean = keys.len() as f64 / f64::from(buckets);
            let (peak, least) = (counts.iter().max(), counts.iter().min());
            let (peak, least) = (*peak.unwrap_or(&0) as f64, *least.unwrap_or(&0) as f64);
            assert!(
                peak / mean <= 1.05 && least / mean >= 0.95,
                "{} keys over {buckets} buckets: {counts:?}; the mean is {mean:.0}, and jump \
                 keeps every bucket within 5 % of it. A skewed spread comes from the draws: which \
                 bits of the stepped key feed the division?",
                keys.len()
            );
        }
    });
}

/// Declares the warm-up's suite, one `#[test]` per check, on the function given by path. The
/// warm-up (`tests/lab.rs`) and the reference solution (`tests/solution.rs`) both expand it, so
/// both run exactly the same suite.
#[macro_export]
macro_rules! suite {
    ($jump:path) => {
        #[test]
        fn gives_the_papers_answers() {
            $crate::check::gives_the_papers_answers($jump);
        }

        #[test]
        fn every_answer_is_a_bucket() {
            $crate::check::every_answer_is_a_bucket($jump);
        }

        #[test]
        fn growing_moves_keys_only_to_the_new_bucket() {
            $crate::check::growing_moves_keys_only_to_the_new_bucket($jump);
        }

        #[test]
        fn growing_moves_about_one_key_in_n_plus_one() {
            $crate::check::growing_moves_about_one_key_in_n_plus_one($jump);
        }

        #[test]
        fn spreads_keys_evenly() {
            $crate::check::spreads_keys_evenly($jump);
        }
    };
}
