//! The suite: what `find` must do. It runs on your function (`tests/lab.rs`) and on the reference
//! one (`tests/solution.rs`); every check runs under a watchdog, so a search that never ends fails
//! with a sentence instead of hanging.
//!
//! Each check is its own `#[test]` ([`suite!`](crate::suite)), named for what it checks. The known
//! answers are ring-kit's, computed independently with Python's `hashlib` and `bisect_right` (see
//! `labs/ring/kit/src/ring.rs`); the last check compares `find` with ring-kit's own lookup.

use std::time::Duration;

use cluster::watchdog::within;
use ring_kit::{hash_id, hash_key};

use crate::{Find, Points};
use cluster::seeded::splitmix;

/// How long any one check may take before it is called stuck.
pub const LIMIT: Duration = Duration::from_secs(10);

/// Random hashes per ring in [`agrees_with_the_ring_on_random_hashes`].
pub const RANDOM_HASHES: usize = 20_000;

/// The greek ring of ring-kit's tests: three nodes, four points each.
fn greek() -> Points {
    Points::of(&["alpha", "beta", "gamma"], 4)
}

/// The production-sized ring of ring-kit's tests: ten nodes, 512 points each.
fn production() -> Points {
    let names: Vec<String> = (0..10).map(|i| format!("node-{i}")).collect();
    Points::of(&names, 512)
}

/// Runs `find` and returns the point it found, checking that it is a point of the ring.
#[track_caller]
fn found(find: Find, points: &Points, hash: u64, case: &str) -> usize {
    let n = points.hashes().len();
    match find(points.hashes(), hash) {
        Some(point) if point < n => point,
        Some(point) => panic!(
            "{case}: find gave Some({point}) for hash {hash}, but the ring has {n} points \
             (0..{n}). No point above the hash means the owner is past the end: the ring wraps \
             round to its first point"
        ),
        None => panic!(
            "{case}: find gave None for hash {hash} on a ring of {n} points. None is only for a \
             ring without points"
        ),
    }
}

/// `find` gives the point of node `owner` for the key `key` (its hash `hash`).
#[track_caller]
fn expect_owner(find: Find, points: &Points, key: &str, hash: u64, owner: &str) {
    let point = found(find, points, hash, &format!("key {key}"));
    let got = points.owner(point);
    assert!(
        got == owner,
        "key {key} (hash {hash}): find gave point {point}, {got}'s, but its owner is {owner} \
         (Python's bisect_right, and ex_hash_ring). The owner is the first point whose hash is \
         above the key's; is the search looking for the right boundary?"
    );
}

/// The owners Python finds on ring-kit's small and production-sized rings.
pub fn finds_the_owners_python_finds(find: Find) {
    within(LIMIT, "seven lookups never finished", move || {
        let greek = greek();
        let h = |key: &str| hash_key(key.as_bytes());
        expect_owner(find, &greek, "\"1\"", h("1"), "beta");
        expect_owner(find, &greek, "42", hash_id(42), "beta");
        expect_owner(find, &greek, "\"hello world\"", h("hello world"), "gamma");
        let guild = 80_351_110_224_678_912;
        expect_owner(find, &greek, &guild.to_string(), hash_id(guild), "alpha");
        let production = production();
        for (guild, owner) in [
            (80_351_110_224_678_912u64, "node-1"),
            (41_771_983_423_143_937, "node-8"),
            (0, "node-4"),
        ] {
            expect_owner(find, &production, &guild.to_string(), hash_id(guild), owner);
        }
    });
}

/// A hash above every point belongs to the first point: the ring wraps.
pub fn a_hash_past_the_last_point_wraps_to_the_first(find: Find) {
    within(
        LIMIT,
        "lookups past the last point never finished",
        move || {
            let greek = greek();
            // h("guild") is above every point of the greek ring: it wraps to alpha0, point 0.
            for (case, hash) in [
                ("key \"guild\", above every point", hash_key(b"guild")),
                ("hash u64::MAX", u64::MAX),
            ] {
                let point = found(find, &greek, hash, case);
                assert!(
                    point == 0,
                    "{case}: find gave point {point}; no point is above this hash, so its owner is \
                 the first point of the ring, 0"
                );
            }
            // And below every point is the first point too, without wrapping.
            let point = found(find, &greek, 0, "hash 0");
            assert!(
                point == 0,
                "hash 0: find gave point {point}; the first point is above 0, so it is the owner"
            );
        },
    );
}

/// A hash exactly on a point belongs to the next point (the first *strictly* greater), and a hash
/// exactly on the last point wraps to the first.
pub fn a_hash_on_a_point_belongs_to_the_next_point(find: Find) {
    within(
        LIMIT,
        "lookups on the points themselves never finished",
        move || {
            let greek = greek();
            let n = greek.hashes().len();
            for (on, &hash) in greek.hashes().iter().enumerate() {
                let point = found(find, &greek, hash, &format!("the hash of point {on}"));
                let next = (on + 1) % n;
                assert!(
                    point == next,
                    "a hash exactly on point {on} went to point {point}; it belongs to point {next}, \
                 the first point strictly above it{}. ex_hash_ring gives a key on a point to the \
                 next point, so a point equal to the hash has been passed: is your search keeping \
                 it?",
                    if next == 0 {
                        " (round past the end)"
                    } else {
                        ""
                    }
                );
            }
            // "alpha2" hashes exactly onto one of alpha's points; beta's point comes next.
            expect_owner(find, &greek, "\"alpha2\"", hash_key(b"alpha2"), "beta");
        },
    );
}

/// No points: no owner, whatever the hash.
pub fn an_empty_ring_has_no_owner(find: Find) {
    within(
        LIMIT,
        "a lookup on an empty ring never finished",
        move || {
            let empty = Points::empty();
            for hash in [0, 42, u64::MAX] {
                let got = find(empty.hashes(), hash);
                assert!(
                    got.is_none(),
                    "hash {hash} on a ring without points: find gave {got:?}; there is no point to \
                 own it, so the answer is None"
                );
            }
        },
    );
}

/// On rings of one point, a few points and thousands, `find` picks the same owner as ring-kit's
/// own lookup: for every point's hash and its neighbours, for 0 and `u64::MAX`, and for
/// [`RANDOM_HASHES`] random hashes.
pub fn agrees_with_the_ring_on_random_hashes(find: Find) {
    within(LIMIT, "thousands of lookups never finished", move || {
        let mut state = 2017;
        let rings = [
            ("a ring of one point", Points::of(&["solo"], 1)),
            ("the greek ring (12 points)", greek()),
            (
                "a ring of 7 nodes × 100 points",
                Points::of(&["a", "b", "c", "d", "e", "f", "g"], 100),
            ),
            ("the production ring (5,120 points)", production()),
        ];
        for (ring, points) in &rings {
            let mut hashes = vec![0, 1, u64::MAX - 1, u64::MAX];
            for &point in points.hashes() {
                hashes.extend([point.wrapping_sub(1), point, point.wrapping_add(1)]);
            }
            hashes.extend((0..RANDOM_HASHES).map(|_| splitmix(&mut state)));
            for hash in hashes {
                let point = found(find, points, hash, ring);
                let got = points.owner(point);
                let want = points.ring_owner(hash).expect("the ring has points");
                assert!(
                    got == want,
                    "{ring}, hash {hash}: find gave point {point}, {got}'s, but ring-kit's lookup \
                     says {want}. The owner is the first point strictly above the hash, or the \
                     first point of all when none is"
                );
            }
        }
    });
}

/// Declares the warm-up's suite, one `#[test]` per check, on the function given by path. The
/// warm-up (`tests/lab.rs`) and the reference solution (`tests/solution.rs`) both expand it, so
/// both run exactly the same suite.
#[macro_export]
macro_rules! suite {
    ($find:path) => {
        #[test]
        fn finds_the_owners_python_finds() {
            $crate::check::finds_the_owners_python_finds($find);
        }

        #[test]
        fn a_hash_past_the_last_point_wraps_to_the_first() {
            $crate::check::a_hash_past_the_last_point_wraps_to_the_first($find);
        }

        #[test]
        fn a_hash_on_a_point_belongs_to_the_next_point() {
            $crate::check::a_hash_on_a_point_belongs_to_the_next_point($find);
        }

        #[test]
        fn an_empty_ring_has_no_owner() {
            $crate::check::an_empty_ring_has_no_owner($find);
        }

        #[test]
        fn agrees_with_the_ring_on_random_hashes() {
            $crate::check::agrees_with_the_ring_on_random_hashes($find);
        }
    };
}
