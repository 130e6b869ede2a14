//! The suite on your Manifold (`src/manifold.rs`), and on the naive strategy it must beat.
//!
//! `cargo test -p lab-fanout`: the naive checks pass from the start; yours fail until your
//! Manifold delivers every event once, in order, with one message per node.

fanout_kit::suite!(lab_fanout::manifold::Manifold);
