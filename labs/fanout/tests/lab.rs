//! The suite on your Manifold (`src/manifold.rs`), and on the naive strategy it must beat.
//!
//! `cargo test -p lab-fanout`: the naive tests pass from the start; yours fail until your
//! Manifold delivers every event once, in order, with one message per node.

use lab_fanout::check;
use lab_fanout::manifold::Manifold;
use lab_fanout::naive::Naive;

#[test]
fn naive_keeps_the_contract() {
    check::contract_but_order::<Naive>();
    // One send per member is the problem this lab fixes: 1,000 events to 10,000 members would be
    // ten million sends from the guild, longer than the watchdog allows on a small machine. The
    // naive strategy's order check runs at a twentieth of the size.
    check::publish_order_with::<Naive>(check::ORDER_EVENTS / 20, check::ORDER_MEMBERS);
}

#[test]
fn manifold_delivers_every_event_once() {
    check::every_member_gets_every_event_once::<Manifold>();
}

#[test]
fn manifold_keeps_publish_order() {
    check::members_see_publish_order::<Manifold>();
}

#[test]
fn manifold_handles_empty_single_and_local_lists() {
    check::an_empty_member_list_is_fine::<Manifold>();
    check::one_member_alone_and_in_a_group::<Manifold>();
    check::members_on_the_guilds_own_node::<Manifold>();
}

#[test]
fn manifold_survives_dead_members() {
    check::a_dead_member_does_not_stop_the_others::<Manifold>();
}

#[test]
fn manifold_sends_once_per_node() {
    check::one_cross_node_message_per_node::<Manifold>();
}
