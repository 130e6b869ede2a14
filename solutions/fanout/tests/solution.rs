//! The lab's suite on the reference strategies: every contract check, and one message per node.

use lab_fanout::check;
use solution_fanout::manifold::{Manifold, PackOnce};
use solution_fanout::offload::Offload;
use solution_fanout::relay::Relay;

#[test]
fn manifold_keeps_the_contract() {
    check::contract::<Manifold>();
}

#[test]
fn manifold_sends_once_per_node() {
    check::one_cross_node_message_per_node::<Manifold>();
}

#[test]
fn pack_once_keeps_the_contract_and_sends_once_per_node() {
    check::contract::<PackOnce>();
    check::one_cross_node_message_per_node::<PackOnce>();
}

#[test]
fn offload_keeps_the_contract_and_sends_once_per_node() {
    check::contract::<Offload>();
    check::one_cross_node_message_per_node::<Offload>();
}

#[test]
fn relay_keeps_the_contract_and_sends_once_per_node() {
    check::contract::<Relay>();
    check::one_cross_node_message_per_node::<Relay>();
}
