//! The suite on your Manifold (`src/manifold.rs`), and on the naive strategy it must beat.
//!
//! `cargo test -p lab-fanout`: the naive checks pass from the start; yours fail until your
//! Manifold delivers every event once, in order, with one message per node, and its `worker_for`
//! spreads each node's members over all of the node's workers.

fanout_kit::suite!(
    lab_fanout::manifold::Manifold,
    lab_fanout::manifold::worker_for
);
