//! The suite every fanout strategy is held to: the naive one, yours, and the reference answer.
//!
//! Each check builds a fresh cluster (a guild node and [`SESSION_NODES`] session nodes, two
//! threads each), spawns member sessions that verify what they receive
//! ([`crate::sessions`]), publishes through the strategy from inside a guild process
//! ([`crate::rig`]) and then asks every member whether it got exactly the events it should have,
//! in publish order. Every check runs under a watchdog: a deadlocked strategy fails with a
//! sentence after [`LIMIT`] instead of hanging the test run.
//!
//! The first six checks are the *contract* (delivery and order) and the naive strategy passes
//! them all. [`one_cross_node_message_per_node`] is the *point* of Manifold, and the naive
//! strategy fails it by design, so it is kept separate and only run on Manifold. The last two
//! take Manifold's `worker_for` itself: [`worker_for_is_the_same_every_time`] and
//! [`worker_for_spreads_a_nodes_members`] (a partitioner that sends every member to one worker
//! delivers everything, in order, and leaves all of a node's cores but one idle).
//!
//! Every failure names what went wrong and its likely cause, at the line of the check that found
//! it.

use std::time::Duration;

use cluster::watchdog::within;
use cluster::{Cluster, Pid, Process};

use crate::rig::Rig;
use crate::sessions::Sessions;
use crate::{Event, Fanout};

/// How long any one check may take before it is called stuck: longer in a debug build, where a
/// plain `cargo test` runs every suite's checks side by side, unoptimized, on what may be 2 cores.
pub const LIMIT: Duration = Duration::from_secs(if cfg!(debug_assertions) { 40 } else { 20 });

/// Session nodes in every check's cluster (plus the guild's node 0).
pub const SESSION_NODES: usize = 3;

/// The rig gives up a little before the watchdog, so a slow or lossy strategy gets the rig's more
/// precise sentence ("only 2,990 of 3,000 deliveries").
const RIG_PATIENCE: Duration = Duration::from_secs(if cfg!(debug_assertions) { 35 } else { 18 });

/// Events in the order check; 1,000 in an optimized build (CI and `workbook labs` run
/// `--release`), fewer in a debug build so a plain `cargo test` stays within the watchdog.
pub const ORDER_EVENTS: usize = if cfg!(debug_assertions) { 60 } else { 1_000 };

/// Members in the order check (fewer in a debug build, as for the events).
pub const ORDER_MEMBERS: usize = if cfg!(debug_assertions) {
    4_000
} else {
    10_000
};

fn cluster() -> Cluster {
    Cluster::builder()
        .nodes(1 + SESSION_NODES)
        .threads_per_node(2)
        .build()
        .expect("could not start a cluster")
}

/// A rig with `members` spread over every node, the guild's included.
fn rig_over_all_nodes<F: Fanout>(members: usize) -> Rig<F> {
    let per_node = Sessions::spread(members, 1 + SESSION_NODES, 0, 1 + SESSION_NODES);
    let mut rig = Rig::new(cluster(), &per_node);
    rig.set_patience(RIG_PATIENCE);
    rig
}

/// The value, or the check fails with the rig's sentence, reported at the caller's line.
#[track_caller]
fn ok<T>(result: Result<T, String>) -> T {
    match result {
        Ok(value) => value,
        Err(sentence) => panic!("{sentence}"),
    }
}

/// Every member got exactly the events it should have, in publish order; otherwise the check fails,
/// at the caller's line, with the likely cause.
#[track_caller]
fn verified<F: Fanout>(rig: &Rig<F>) {
    let violations = rig.tally().violations();
    if violations > 0 {
        panic!(
            "{violations} deliveries arrived out of publish order (or twice): is `worker_for` the \
             same for every event, and does a lone member take the same partitioner and worker as \
             a group? Every event for one member must take one route"
        );
    }
    ok(rig.verify());
}

// ANCHOR: exactly_once
/// Every member receives every event exactly once (3,000 members on all four nodes, 20 events).
pub fn every_member_gets_every_event_once<F: Fanout>() {
    within(
        LIMIT,
        "20 publishes to 3,000 members did not complete: a deadlock, or a lost batch?",
        || {
            let mut rig = rig_over_all_nodes::<F>(3_000);
            for _ in 0..20 {
                ok(rig.publish(0));
            }
            verified(&rig);
        },
    );
}
// ANCHOR_END: exactly_once

/// Each member sees the events in publish order: [`ORDER_EVENTS`] events published back to back
/// (all in flight together) to [`ORDER_MEMBERS`] members on all four nodes.
pub fn members_see_publish_order<F: Fanout>() {
    publish_order_with::<F>(ORDER_EVENTS, ORDER_MEMBERS);
}

/// The order check with `events` events to `members` members.
pub fn publish_order_with<F: Fanout>(events: usize, members: usize) {
    within(
        LIMIT,
        "the order check (many events in flight to many members) did not complete",
        move || {
            let mut rig = rig_over_all_nodes::<F>(members);
            ok(rig.publish_all(&vec![0; events]));
            verified(&rig);
        },
    );
}

/// Publishing to nobody sends nothing, breaks nothing, and the next publish still arrives.
pub fn an_empty_member_list_is_fine<F: Fanout>() {
    within(
        LIMIT,
        "a publish to an empty member list did not return, or broke the next one",
        || {
            let cluster = cluster();
            let sessions = Sessions::spawn(&cluster, &[0, 1]);
            let one = sessions.pids.clone();
            let mut rig = Rig::<F>::with_rosters(cluster, sessions, vec![Vec::new(), one]);
            rig.set_patience(RIG_PATIENCE);
            let before = rig.stats();
            for _ in 0..3 {
                ok(rig.publish(0));
            }
            let sent = rig.stats().since(&before).cross_node_messages();
            assert_eq!(
                sent, 0,
                "a publish to nobody sent {sent} messages to other nodes"
            );
            ok(rig.publish(1));
            verified(&rig);
        },
    );
}

/// One member alone, alternating with a group it belongs to: Manifold's own linearizability test
/// (a single receiver may take a shortcut, but never one that overtakes the group's events).
pub fn one_member_alone_and_in_a_group<F: Fanout>() {
    within(
        LIMIT,
        "1,000 publishes alternating between one and three members did not complete",
        || {
            let cluster = cluster();
            let sessions = Sessions::spawn(&cluster, &[0, 1, 1, 1]);
            let alone = vec![sessions.pids[0]];
            let group = sessions.pids.clone();
            let mut rig = Rig::<F>::with_rosters(cluster, sessions, vec![alone, group]);
            rig.set_patience(RIG_PATIENCE);
            let alternating: Vec<usize> = (0..1_000).map(|i| i % 2).collect();
            ok(rig.publish_all(&alternating));
            verified(&rig);
        },
    );
}

/// Members on the guild's own node get their events too (they take the local path).
pub fn members_on_the_guilds_own_node<F: Fanout>() {
    within(
        LIMIT,
        "20 publishes to 2,000 members on the guild's own node did not complete",
        || {
            let mut rig = Rig::<F>::new(cluster(), &[2_000]);
            rig.set_patience(RIG_PATIENCE);
            for _ in 0..20 {
                ok(rig.publish(0));
            }
            verified(&rig);
        },
    );
}

/// A member that has exited (on the guild's node and on another) does not stop delivery to the
/// others, whatever its place in the member list.
pub fn a_dead_member_does_not_stop_the_others<F: Fanout>() {
    within(
        LIMIT,
        "publishes to a member list with dead members did not complete",
        || {
            let cluster = cluster();
            let per_node = Sessions::spread(1_000, 1 + SESSION_NODES, 0, 1 + SESSION_NODES);
            let sessions = Sessions::spawn(&cluster, &per_node);
            let dead: Vec<Pid<Event>> = (0..2)
                .map(|node| {
                    cluster
                        .node(node)
                        .spawn(|_inbox: Process<Event>| async move {})
                })
                .collect();
            std::thread::sleep(Duration::from_millis(50)); // let them exit
            let mut roster = vec![dead[0]];
            roster.extend_from_slice(&sessions.pids[..500]);
            roster.push(dead[1]);
            roster.extend_from_slice(&sessions.pids[500..]);
            let mut rig = Rig::<F>::with_rosters(cluster, sessions, vec![roster]);
            rig.set_patience(RIG_PATIENCE);
            for _ in 0..20 {
                ok(rig.publish(0));
            }
            verified(&rig);
        },
    );
}

// ANCHOR: per_node
/// Manifold's point: a publish sends at most one message to each other node with members, read
/// from the link counters. (The first publish may also set things up, so it is not counted.)
pub fn one_cross_node_message_per_node<F: Fanout>() {
    within(
        LIMIT,
        "50 publishes to 3,000 members did not complete",
        || {
            const PUBLISHES: u64 = 50;
            let mut rig = rig_over_all_nodes::<F>(3_000);
            ok(rig.publish(0)); // set-up, if any, happens here
            let before = rig.stats();
            for _ in 0..PUBLISHES {
                ok(rig.publish(0));
            }
            verified(&rig);
            let sent = rig.stats().since(&before).cross_node_messages();
            let most = PUBLISHES * SESSION_NODES as u64;
            assert!(
                sent <= most,
                "{PUBLISHES} publishes to members on {SESSION_NODES} other nodes sent {sent} \
                 messages between nodes; at most {most} (one per node per publish) were expected"
            );
        },
    );
}
// ANCHOR_END: per_node

/// Members spawned on each node for the `worker_for` checks.
pub const SPREAD_MEMBERS: usize = 2_000;

/// Worker counts the `worker_for` checks try: whatever `num_workers` a node has on a small
/// machine, and a few more.
pub const SPREAD_WORKERS: [usize; 5] = [1, 2, 3, 4, 8];

/// [`SPREAD_MEMBERS`] member pids on each node of a fresh cluster (processes that exit at once:
/// only their pids matter), by node.
fn pids_by_node() -> (Cluster, Vec<Vec<Pid<Event>>>) {
    let cluster = cluster();
    let pids = cluster
        .nodes()
        .map(|node| {
            (0..SPREAD_MEMBERS)
                .map(|_| node.spawn(|_inbox: Process<Event>| async {}))
                .collect()
        })
        .collect();
    (cluster, pids)
}

/// `worker_for(member, workers)` is one of the `workers` workers, and the same one every time it
/// is asked: otherwise two events for one member can take two workers and overtake each other.
pub fn worker_for_is_the_same_every_time(worker_for: fn(Pid<Event>, usize) -> usize) {
    within(
        LIMIT,
        "worker_for did not return: does it wait for something?",
        move || {
            let (_cluster, by_node) = pids_by_node();
            for workers in SPREAD_WORKERS {
                for &member in by_node.iter().flatten() {
                    let worker = worker_for(member, workers);
                    assert!(
                        worker < workers,
                        "worker_for({member:?}, {workers}) = {worker}, not one of the {workers} \
                         workers (0 to {}): take the hash modulo `workers`",
                        workers - 1
                    );
                    let again = worker_for(member, workers);
                    assert!(
                        again == worker,
                        "worker_for({member:?}, {workers}) gave {worker}, then {again}: it must \
                         be the same every time (no randomness, no counter), or a member's \
                         events take different workers and overtake each other"
                    );
                }
            }
        },
    );
}

/// `worker_for` spreads a node's members over all its workers: with [`SPREAD_MEMBERS`] members on
/// a node and any of [`SPREAD_WORKERS`] workers, no worker gets more than 1.5 times its fair
/// share (a hash that looks random stays well within that; one worker for all is 2 to 8 times).
/// A partitioner that sends every member to one worker still delivers everything, in order, but
/// the node's other workers sit idle, and so do its other cores.
pub fn worker_for_spreads_a_nodes_members(worker_for: fn(Pid<Event>, usize) -> usize) {
    within(
        LIMIT,
        "worker_for did not return: does it wait for something?",
        move || {
            let (_cluster, by_node) = pids_by_node();
            for workers in SPREAD_WORKERS.into_iter().filter(|&w| w > 1) {
                for (node, members) in by_node.iter().enumerate() {
                    let mut load = vec![0usize; workers];
                    for &member in members {
                        let worker = worker_for(member, workers);
                        assert!(
                            worker < workers,
                            "worker_for({member:?}, {workers}) = {worker}, not one of the \
                             {workers} workers: take the hash modulo `workers`"
                        );
                        load[worker] += 1;
                    }
                    let fair = members.len() / workers;
                    let (busiest, most) = load
                        .iter()
                        .copied()
                        .enumerate()
                        .max_by_key(|&(_, members)| members)
                        .expect("at least two workers");
                    assert!(
                        most <= fair + fair / 2,
                        "worker_for sends {most} of node {node}'s {} members to worker {busiest} \
                         of {workers} (a fair share is {fair}): the node's other workers, and the \
                         cores they stand for, sit idle. Hash the pid (its node and local id) \
                         and take it modulo `workers`",
                        members.len()
                    );
                }
            }
        },
    );
}

/// The contract: every check but [`one_cross_node_message_per_node`].
pub fn contract<F: Fanout>() {
    members_see_publish_order::<F>();
    contract_but_order::<F>();
}

/// Every contract check but the order check (which callers size themselves).
pub fn contract_but_order<F: Fanout>() {
    every_member_gets_every_event_once::<F>();
    an_empty_member_list_is_fine::<F>();
    one_member_alone_and_in_a_group::<F>();
    members_on_the_guilds_own_node::<F>();
    a_dead_member_does_not_stop_the_others::<F>();
}

/// Declares the lab's suite, one `#[test]` per check: the naive strategy's checks (they pass from
/// the start), then every check on the Manifold type and on its `worker_for` function, both given
/// by path. The lab (`tests/lab.rs`) and the reference solution (`tests/solution.rs`) both expand
/// it, so both run exactly the same suite.
#[macro_export]
macro_rules! suite {
    ($manifold:ty, $worker_for:path) => {
        #[test]
        fn naive_delivers_every_event_once() {
            $crate::check::every_member_gets_every_event_once::<$crate::naive::Naive>();
        }

        #[test]
        fn naive_keeps_publish_order() {
            // One send per member is the problem this lab fixes: 1,000 events to 10,000 members
            // would be ten million sends from the guild, longer than the watchdog allows on a
            // small machine. The naive strategy's order check runs at a twentieth of the size.
            $crate::check::publish_order_with::<$crate::naive::Naive>(
                $crate::check::ORDER_EVENTS / 20,
                $crate::check::ORDER_MEMBERS,
            );
        }

        #[test]
        fn naive_accepts_an_empty_member_list() {
            $crate::check::an_empty_member_list_is_fine::<$crate::naive::Naive>();
        }

        #[test]
        fn naive_delivers_to_one_member_alone_and_in_a_group() {
            $crate::check::one_member_alone_and_in_a_group::<$crate::naive::Naive>();
        }

        #[test]
        fn naive_delivers_to_members_on_the_guilds_own_node() {
            $crate::check::members_on_the_guilds_own_node::<$crate::naive::Naive>();
        }

        #[test]
        fn naive_survives_dead_members() {
            $crate::check::a_dead_member_does_not_stop_the_others::<$crate::naive::Naive>();
        }

        #[test]
        fn manifold_delivers_every_event_once() {
            $crate::check::every_member_gets_every_event_once::<$manifold>();
        }

        #[test]
        fn manifold_keeps_publish_order() {
            $crate::check::members_see_publish_order::<$manifold>();
        }

        #[test]
        fn manifold_accepts_an_empty_member_list() {
            $crate::check::an_empty_member_list_is_fine::<$manifold>();
        }

        #[test]
        fn manifold_delivers_to_one_member_alone_and_in_a_group() {
            $crate::check::one_member_alone_and_in_a_group::<$manifold>();
        }

        #[test]
        fn manifold_delivers_to_members_on_the_guilds_own_node() {
            $crate::check::members_on_the_guilds_own_node::<$manifold>();
        }

        #[test]
        fn manifold_survives_dead_members() {
            $crate::check::a_dead_member_does_not_stop_the_others::<$manifold>();
        }

        #[test]
        fn manifold_sends_once_per_node() {
            $crate::check::one_cross_node_message_per_node::<$manifold>();
        }

        #[test]
        fn worker_for_is_the_same_every_time() {
            $crate::check::worker_for_is_the_same_every_time($worker_for);
        }

        #[test]
        fn worker_for_spreads_a_nodes_members_over_its_workers() {
            $crate::check::worker_for_spreads_a_nodes_members($worker_for);
        }
    };
}

/// Declares one `#[test]` per contract check, and the once-per-node check, on a strategy given by
/// path. Expand it inside a module named after the strategy (`mod relay { ... }`), so the tests
/// read `relay::keeps_publish_order`.
#[macro_export]
macro_rules! strategy_suite {
    ($strategy:ty) => {
        #[test]
        fn delivers_every_event_once() {
            $crate::check::every_member_gets_every_event_once::<$strategy>();
        }

        #[test]
        fn keeps_publish_order() {
            $crate::check::members_see_publish_order::<$strategy>();
        }

        #[test]
        fn accepts_an_empty_member_list() {
            $crate::check::an_empty_member_list_is_fine::<$strategy>();
        }

        #[test]
        fn delivers_to_one_member_alone_and_in_a_group() {
            $crate::check::one_member_alone_and_in_a_group::<$strategy>();
        }

        #[test]
        fn delivers_to_members_on_the_guilds_own_node() {
            $crate::check::members_on_the_guilds_own_node::<$strategy>();
        }

        #[test]
        fn survives_dead_members() {
            $crate::check::a_dead_member_does_not_stop_the_others::<$strategy>();
        }

        #[test]
        fn sends_once_per_node() {
            $crate::check::one_cross_node_message_per_node::<$strategy>();
        }
    };
}
