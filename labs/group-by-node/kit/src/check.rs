//! The suite: what `group_by_node` must do. It runs on your function (`tests/lab.rs`) and on the
//! reference one (`tests/solution.rs`); every check runs under a watchdog, so a loop that never
//! ends fails with a sentence instead of hanging.
//!
//! Each check is its own `#[test]` ([`suite!`](crate::suite)), named for what it checks. They all
//! judge an answer the same way ([`assert_grouped`]), in the order mistakes are usually made: the
//! number of lists, then which list each member is in, then each member once, then the order, so
//! the first sentence that fails names the mistake.

use std::collections::HashMap;
use std::time::Duration;

use cluster::watchdog::within;

use crate::{GroupBy, Member, member};
use cluster::seeded::splitmix;

/// How long any one check may take before it is called stuck.
pub const LIMIT: Duration = Duration::from_secs(10);

/// The members of each node, in input order: what any answer must equal.
fn expected(members: &[Member], nodes: usize) -> Vec<Vec<Member>> {
    let mut by_node = vec![Vec::new(); nodes];
    for &m in members {
        by_node[m.node().index()].push(m);
    }
    by_node
}

/// Runs `group` on `members` and judges its answer; `case` says which input, for the message.
#[track_caller]
pub fn assert_grouped(group: GroupBy, members: &[Member], nodes: usize, case: &str) {
    let got = group(members, nodes);
    assert!(
        got.len() == nodes,
        "{case}: got {} lists for a cluster of {nodes} nodes. There must be one list per node of \
         the cluster, indexed by node, including nodes with no members: are you making a list \
         only for the nodes you meet?",
        got.len()
    );
    for (index, list) in got.iter().enumerate() {
        if let Some(stray) = list.iter().find(|m| m.node().index() != index) {
            panic!(
                "{case}: member {stray:?} is in list {index}, but it lives on node {}. List n \
                 holds the members of node n (`pid.node().index()`), not of the n-th node you meet",
                stray.node().index()
            );
        }
    }
    let mut seen: HashMap<Member, usize> = HashMap::new();
    for &m in got.iter().flatten() {
        *seen.entry(m).or_default() += 1;
    }
    for &m in members {
        match seen.get(&m).copied().unwrap_or(0) {
            1 => {}
            0 => panic!("{case}: member {m:?} is in no list: every member must be in its node's"),
            times => panic!(
                "{case}: member {m:?} is in its node's list {times} times; it was given once"
            ),
        }
    }
    let given = members.len();
    let out: usize = got.iter().map(Vec::len).sum();
    assert!(
        out == given,
        "{case}: {out} pids came out of {given} members: one that was never given is in a list"
    );
    for (node, (list, want)) in got.iter().zip(expected(members, nodes)).enumerate() {
        assert!(
            *list == want,
            "{case}: node {node}'s members came out as {list:?}, but were given in the order \
             {want:?}. Keep each node's members in input order: no sorting, no swap_remove, no \
             hash map or set on the way"
        );
    }
}

/// A guild of six members on three nodes, against the answer worked out by hand.
pub fn a_small_guild_groups_as_expected(group: GroupBy) {
    within(LIMIT, "grouping six members never finished", move || {
        let members = [
            member(1, 0),
            member(0, 1),
            member(2, 2),
            member(1, 3),
            member(0, 4),
            member(1, 5),
        ];
        assert_grouped(group, &members, 3, "six members on nodes 1, 0, 2, 1, 0, 1");
        assert_eq!(
            group(&members, 3),
            vec![
                vec![member(0, 1), member(0, 4)],
                vec![member(1, 0), member(1, 3), member(1, 5)],
                vec![member(2, 2)],
            ],
            "six members on nodes 1, 0, 2, 1, 0, 1: not the answer worked out by hand"
        );
    });
}

/// Members given out of pid order keep the order they were given in, on every node.
pub fn each_nodes_members_keep_their_order(group: GroupBy) {
    within(
        LIMIT,
        "grouping members given in reverse never finished",
        move || {
            // Local ids counting down, nodes interleaved: sorting by pid would reverse each list.
            let members: Vec<Member> = (0..30u32).map(|i| member((i % 3) as u16, 99 - i)).collect();
            assert_grouped(group, &members, 3, "30 members in falling pid order");
            // And a shuffled guild, so no accidental order survives.
            let mut state = 7;
            let members: Vec<Member> = (0..1_000u32)
                .map(|i| {
                    let node = (splitmix(&mut state) % 4) as u16;
                    // A random high part, and `i` in the low ten bits so no two members are the same.
                    let local = (splitmix(&mut state) % 1_000_000) as u32 * 1_024 + i;
                    (node, local)
                })
                .map(|(node, local)| member(node, local))
                .collect();
            assert_grouped(group, &members, 4, "1,000 shuffled members on 4 nodes");
        },
    );
}

/// In a large guild, every member is in exactly one list, its own node's.
pub fn every_member_lands_once_on_its_own_node(group: GroupBy) {
    within(LIMIT, "grouping 10,000 members never finished", move || {
        let mut state = 2017;
        for nodes in [1usize, 2, 5, 16] {
            let members: Vec<Member> = (0..10_000u32)
                .map(|i| member((splitmix(&mut state) % nodes as u64) as u16, i))
                .collect();
            assert_grouped(
                group,
                &members,
                nodes,
                &format!("10,000 members on {nodes} nodes"),
            );
        }
    });
}

/// No members: one empty list per node, not an empty answer.
pub fn no_members_gives_one_empty_list_per_node(group: GroupBy) {
    within(LIMIT, "grouping no members never finished", move || {
        for nodes in [1, 4] {
            assert_grouped(group, &[], nodes, &format!("no members, {nodes} nodes"));
        }
    });
}

/// Members only on the first and the last of eight nodes: the last node's list is at index 7,
/// with empty lists between.
pub fn members_on_the_last_node_land_at_its_index(group: GroupBy) {
    within(
        LIMIT,
        "grouping members on node 7 never finished",
        move || {
            let members = [member(7, 0), member(7, 1), member(0, 2), member(7, 3)];
            assert_grouped(group, &members, 8, "members on nodes 7, 7, 0, 7 of 8");
            let members = [member(7, 0), member(7, 1)];
            assert_grouped(group, &members, 8, "members only on node 7 of 8");
        },
    );
}

/// Declares the warm-up's suite, one `#[test]` per check, on the function given by path. The
/// warm-up (`tests/lab.rs`) and the reference solution (`tests/solution.rs`) both expand it, so
/// both run exactly the same suite.
#[macro_export]
macro_rules! suite {
    ($group_by_node:path) => {
        #[test]
        fn a_small_guild_groups_as_expected() {
            $crate::check::a_small_guild_groups_as_expected($group_by_node);
        }

        #[test]
        fn each_nodes_members_keep_their_order() {
            $crate::check::each_nodes_members_keep_their_order($group_by_node);
        }

        #[test]
        fn every_member_lands_once_on_its_own_node() {
            $crate::check::every_member_lands_once_on_its_own_node($group_by_node);
        }

        #[test]
        fn no_members_gives_one_empty_list_per_node() {
            $crate::check::no_members_gives_one_empty_list_per_node($group_by_node);
        }

        #[test]
        fn members_on_the_last_node_land_at_its_index() {
            $crate::check::members_on_the_last_node_land_at_its_index($group_by_node);
        }
    };
}
