//! The lab's suite on the reference Manifold, and the contract on the strategies beyond it.

use fanout_kit::check;
use solution_fanout::manifold::PackOnce;
use solution_fanout::offload::Offload;
use solution_fanout::relay::Relay;

fanout_kit::suite!(solution_fanout::manifold::Manifold);

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
