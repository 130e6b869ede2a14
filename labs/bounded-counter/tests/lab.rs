//! The suite on your `BoundedCounter` (`src/counter.rs`).
//!
//! `cargo test -p lab-bounded-counter`: every check fails until your counter keeps its limit.

bounded_counter_kit::suite!(lab_bounded_counter::counter::BoundedCounter);
