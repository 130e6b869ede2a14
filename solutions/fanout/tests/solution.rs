//! The lab's suite on the reference Manifold, and the contract on the strategies beyond it.

fanout_kit::suite!(
    solution_fanout::manifold::Manifold,
    solution_fanout::manifold::worker_for
);

/// Manifold with the event encoded once per publish.
mod pack_once {
    fanout_kit::strategy_suite!(solution_fanout::manifold::PackOnce);
}

/// Manifold with the publish handed to a local sender process.
mod offload {
    fanout_kit::strategy_suite!(solution_fanout::offload::Offload);
}

/// Discord's relays: member lists registered on each node.
mod relay {
    fanout_kit::strategy_suite!(solution_fanout::relay::Relay);
}
