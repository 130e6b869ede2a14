//! The suite: what a Maglev lookup table must be. It runs on yours (`tests/lab.rs`) and on the
//! reference one (`tests/solution.rs`); every check runs under a watchdog, because a fill whose
//! permutations do not cover the table loops for ever, and a test that hangs teaches nothing.
//!
//! Each check is its own `#[test]` ([`suite!`](crate::suite)), named for what it checks:
//!
//! - tables worked out by hand ([`HAND_WORKED`]), the first the paper's own example;
//! - permutations from a node's name, in range; sizes that are not prime and skips of 0 refused;
//! - every slot filled, shares within one slot of each other, at sizes from 7 to 65,537;
//! - a key's node is the owner of its slot, `hash % M`; the same nodes give the same table;
//! - at M = 65,537 and ten nodes, the storm's keys balanced within [`BALANCE`], and few keys moved
//!   between nodes that stay when a node leaves ([`ELSEWHERE`]).
//!
//! A failure says what was seen and what usually causes it, never the line that fixes it.

mod tables;

use std::sync::OnceLock;
use std::time::Duration;

use cluster::watchdog::within;

pub use self::tables::{HAND_WORKED, HandWorked};
use self::tables::{attempt, shares_within_one, table_of, why_differs};
use crate::measure::{self, Keys, node_names};
use crate::{MaglevTable, is_prime};

/// How long any one check may take before it is called stuck.
pub const LIMIT: Duration = Duration::from_secs(20);

/// How long building a table with a wrong size or skip may take before it is called stuck.
pub const REFUSAL: Duration = Duration::from_secs(3);

/// The table size of the balance and disruption checks: the paper's and the bar's.
pub const SIZE: usize = 65_537;

/// The most keys one of ten nodes may hold, over the mean, at [`SIZE`]: Maglev's shares differ by
/// one slot, so what is left is the keys' own randomness.
pub const BALANCE: f64 = 1.02;

/// The most keys that may move between two nodes that both stay, when one of ten leaves, at
/// [`SIZE`]: Maglev's small, non-zero disruption (the ideal is 0).
pub const ELSEWHERE: f64 = 0.01;

/// What a fill that never ends usually means, for the watchdogs' sentences.
const ENDLESS: &str = "a fill loops for ever when some node's permutation never reaches a free \
     slot (a size that is not prime, a skip of 0), or when it waits for a count it never reaches";

/// Keys of the balance and disruption checks: the storm's first half million. Enough that the
/// keys' own randomness stays under 0.5 % a node (one standard deviation), so [`BALANCE`] is
/// about five of them away.
pub const KEYS: usize = 500_000;

/// The storm's keys, hashed once per test binary: every check places the same ones.
fn storm_keys() -> &'static Keys {
    static ONCE: OnceLock<Keys> = OnceLock::new();
    ONCE.get_or_init(|| Keys::storm(KEYS, 2016))
}

fn strs(names: &[String]) -> Vec<&str> {
    names.iter().map(String::as_str).collect()
}

// ANCHOR: hand_worked
/// The tables of [`HAND_WORKED`], from their permutations, slot by slot.
pub fn fills_the_hand_worked_tables<M: MaglevTable + 'static>() {
    let stuck = format!("filling tables of 2 to 13 slots never finished: {ENDLESS}");
    within(LIMIT, &stuck, || {
        for case in HAND_WORKED {
            let table = table_of(&M::with_permutations(case.size, case.permutations));
            assert!(
                table == case.table,
                "{}: M = {}, permutations (offset, skip) {:?}.\n  expected {:?}\n  got      {:?}\n\
                 {}",
                case.name,
                case.size,
                case.permutations,
                case.table,
                table,
                why_differs(&case, &table)
            );
        }
    });
}
// ANCHOR_END: hand_worked

/// A node's `(offset, skip)` comes from its name: the same name, the same pair; offset in
/// `0..M`, skip in `1..M`, for 2,000 names at sizes from 2 to 65,537; and names spread over the
/// pairs.
pub fn permutations_come_from_the_name<M: MaglevTable + 'static>() {
    within(LIMIT, "20,000 permutations never finished", || {
        let names: Vec<String> = (0..2_000).map(|i| format!("session-{i}")).collect();
        for size in [2, 3, 7, 13, 101, SIZE] {
            let mut pairs = Vec::new();
            for name in &names {
                let (offset, skip) = M::permutation(name, size);
                assert!(
                    offset < size,
                    "{name} at M = {size}: offset {offset}; an offset is a slot, 0..{size}"
                );
                assert!(
                    (1..size).contains(&skip),
                    "{name} at M = {size}: skip {skip}; a skip must be in 1..{size}. A skip of 0 \
                     prefers one slot for ever, and a skip of M is a skip of 0: the hash that \
                     gives the skip has to land in 1..M, not in 0..M"
                );
                assert!(
                    M::permutation(name, size) == (offset, skip),
                    "{name} at M = {size}: two calls gave two permutations; it must depend on the \
                     name alone, so that every service builds the same table"
                );
                pairs.push((offset, skip));
            }
            pairs.sort_unstable();
            pairs.dedup();
            let want = if size == SIZE {
                1_990
            } else {
                (size * (size - 1)).min(2_000) * 3 / 4
            };
            assert!(
                pairs.len() >= want,
                "2,000 names at M = {size} made only {} different (offset, skip) pairs; expected \
                 at least {want}. Are offset and skip taken from good hashes of the name (two \
                 different ones)?",
                pairs.len()
            );
        }
    });
}

/// Before trying what must be refused: what must be built is.
fn must_build<M: MaglevTable>() {
    let paper = &HAND_WORKED[0];
    M::with_permutations(paper.size, paper.permutations);
    M::with_size(&strs(&node_names(3)), 7);
}

/// Sizes that are not prime are refused (a panic), from names and from permutations alike.
pub fn refuses_a_size_that_is_not_prime<M: MaglevTable + 'static>() {
    within(LIMIT, "the refusals never finished", || {
        must_build::<M>();
        let cases: [(usize, Vec<(usize, usize)>); 4] = [
            (8, vec![(0, 1), (3, 3)]),
            (9, vec![(2, 1), (4, 5)]),
            (15, vec![(0, 7), (14, 2), (5, 4)]),
            (1, vec![(0, 1)]),
        ];
        for (size, permutations) in cases {
            let outcome = attempt(REFUSAL, move || M::with_permutations(size, &permutations));
            outcome.expect_refused(&format!(
                "with_permutations at M = {size}, which is not prime"
            ));
        }
        for size in [65_536, 4_096, 1_000] {
            let outcome = attempt(REFUSAL, move || M::with_size(&strs(&node_names(3)), size));
            outcome.expect_refused(&format!("with_size at M = {size}, which is not prime"));
        }
    });
}

/// Offsets outside the table, and skips of 0 or of M, are refused (a panic).
pub fn refuses_a_skip_of_zero<M: MaglevTable + 'static>() {
    within(LIMIT, "the refusals never finished", || {
        must_build::<M>();
        let cases: [(&str, Vec<(usize, usize)>); 4] = [
            ("a skip of 0", vec![(3, 4), (0, 0), (3, 1)]),
            ("a skip of 0, alone", vec![(5, 0)]),
            ("a skip of M = 7", vec![(3, 4), (0, 7)]),
            ("an offset of M = 7", vec![(7, 2), (0, 3)]),
        ];
        for (what, permutations) in cases {
            let outcome = attempt(REFUSAL, move || M::with_permutations(7, &permutations));
            outcome.expect_refused(&format!("with_permutations at M = 7 with {what}"));
        }
    });
}

/// Every slot is owned, by one of the nodes, and the nodes' shares differ by one slot at most,
/// the extra slots going to the first nodes (the last round stops when the table is full).
pub fn fills_every_slot_with_shares_within_one<M: MaglevTable + 'static>() {
    let stuck = format!("filling tables of up to 65,537 slots never finished: {ENDLESS}");
    within(LIMIT, &stuck, || {
        for (size, nodes) in [
            (7, 3),
            (13, 5),
            (101, 10),
            (1_009, 7),
            (4_099, 64),
            (SIZE, 10),
        ] {
            let names = node_names(nodes);
            let maglev = M::with_size(&strs(&names), size);
            assert!(
                maglev.size() == size,
                "with_size(…, {size}) made a table of {} slots",
                maglev.size()
            );
            let table = table_of(&maglev);
            if let Err(seen) = shares_within_one(&table, nodes) {
                panic!("{nodes} nodes, M = {size}: {seen}");
            }
        }
    });
}

/// [`Placement::build`](crate::Placement::build) makes a table whose size is prime and over 100
/// slots per node, as the paper advises for shares within 1 %.
pub fn builds_a_prime_table<M: MaglevTable + 'static>() {
    let stuck = format!("building a table for 10 nodes never finished: {ENDLESS}");
    within(LIMIT, &stuck, || {
        let maglev = M::build(&strs(&node_names(10)));
        let size = maglev.size();
        assert!(
            is_prime(size) && size >= 100 * 10,
            "build for 10 nodes made a table of {size} slots; it must be prime, and at least 100 \
             per node ({}). A size that is not prime lets a skip share a factor with it, and that \
             node's permutation then visits only part of the table",
            100 * 10
        );
    });
}

/// A key's node is the owner of its slot, `hash % M`, for 100,000 keys, looked up by hash and by
/// guild id; and the same nodes make the same table, whether from names or from their
/// permutations.
pub fn looks_up_the_slot_of_the_hash<M: MaglevTable + 'static>() {
    within(LIMIT, "100,000 lookups never finished", || {
        let names = node_names(10);
        let maglev = M::with_size(&strs(&names), SIZE);
        let keys = storm_keys();
        for (&guild, &hash) in keys.guilds().iter().zip(keys.hashes()).take(100_000) {
            let (got, slot) = (maglev.node_of(hash), (hash % SIZE as u64) as usize);
            let want = maglev.owner(slot);
            assert!(
                got == want,
                "node_of({hash}) gave node {got}, but slot {hash} % {SIZE} = {slot} is node \
                 {want}'s. A key's slot is its hash modulo the table size"
            );
            let by_guild = maglev.node_of_guild(guild);
            assert!(
                by_guild == got,
                "guild {guild}: node {by_guild} by id, {got} by its hash"
            );
        }
        let permutations: Vec<_> = names.iter().map(|n| M::permutation(n, SIZE)).collect();
        let again = table_of(&M::with_permutations(SIZE, &permutations));
        let twice = table_of(&M::with_size(&strs(&names), SIZE));
        let first = table_of(&maglev);
        assert!(
            first == twice,
            "the same ten nodes made two different tables: the fill must depend on the names \
             and their order alone"
        );
        assert!(
            first == again,
            "with_size and with_permutations (given each node's permutation) made different \
             tables: with_size must fill with the nodes' own permutations, in the nodes' order"
        );
    });
}

/// At M = 65,537, the storm's first [`KEYS`] keys spread over ten nodes with no node above
/// [`BALANCE`] times the mean or below `2 - BALANCE`.
pub fn balances_ten_nodes<M: MaglevTable + 'static>() {
    within(LIMIT, "placing half a million keys never finished", || {
        let build = |nodes: &[&str]| M::with_size(nodes, SIZE);
        let balance = measure::balance(build, 10, storm_keys().hashes());
        assert!(
            balance.peak_to_mean <= BALANCE && balance.min_to_mean >= 2.0 - BALANCE,
            "{KEYS} keys on ten nodes at M = {SIZE}: the busiest node has {:.3} × the mean, \
             the idlest {:.3} ×; Maglev keeps both within {:.2}. Uneven shares of the table come \
             from the fill: every node must take one slot per round, in turn",
            balance.peak_to_mean,
            balance.min_to_mean,
            BALANCE - 1.0
        );
    });
}

/// At M = 65,537, when the middle one of ten nodes leaves, every one of its keys moves, and at
/// most [`ELSEWHERE`] of all keys move between nodes that both stay.
pub fn few_keys_move_when_a_node_leaves<M: MaglevTable + 'static>() {
    within(
        LIMIT,
        "placing half a million keys twice never finished",
        || {
            let build = |nodes: &[&str]| M::with_size(nodes, SIZE);
            let moved = measure::moved_on_remove(build, 10, storm_keys().hashes());
            assert!(
                moved.moved_elsewhere <= ELSEWHERE,
                "when node-5 left ten nodes at M = {SIZE}, {:.1} % of the keys moved between nodes \
             that both stayed; Maglev moves at most {:.0} %. Slots change hands between nodes that \
             stay when a node's permutation depends on more than its name (its place in the list, \
             the other nodes), or when the fill does not give each node one slot per round",
                100.0 * moved.moved_elsewhere,
                100.0 * ELSEWHERE
            );
            assert!(
                moved.moved >= moved.ideal - 0.01,
                "when node-5 left ten nodes, only {:.1} % of the keys moved; on a balanced table \
             node-5 alone holds about {:.1} %, all of which must move. Is the table balanced (the \
             balance check)?",
                100.0 * moved.moved,
                100.0 * moved.ideal
            );
        },
    );
}

/// Declares the lab's suite, one `#[test]` per check, on the Maglev type given. The lab
/// (`tests/lab.rs`) and the reference solution (`tests/solution.rs`) both expand it, so both run
/// exactly the same suite.
#[macro_export]
macro_rules! suite {
    ($maglev:ty) => {
        $crate::suite!(@checks $maglev;
            fills_the_hand_worked_tables,
            permutations_come_from_the_name,
            refuses_a_size_that_is_not_prime,
            refuses_a_skip_of_zero,
            fills_every_slot_with_shares_within_one,
            builds_a_prime_table,
            looks_up_the_slot_of_the_hash,
            balances_ten_nodes,
            few_keys_move_when_a_node_leaves,
        );
    };
    (@checks $maglev:ty; $($check:ident),* $(,)?) => {
        $(
            #[test]
            fn $check() {
                $crate::check::$check::<$maglev>();
            }
        )*
    };
}
