//! The suite on your `Ewma` (`src/ewma.rs`).
//!
//! `cargo test -p lab-ewma`: every check fails until your average matches the values worked out
//! by hand.

ewma_kit::suite!(lab_ewma::ewma::Ewma);
