//! Warm-up "bounded counter", before the semaphore lab: you write [`counter::BoundedCounter`]'s
//! `try_enter` and `leave`, in the only file of this crate you edit.
//!
//! Everything given (the [`Bounded`](bounded_counter_kit::Bounded) trait and the suite) is in the
//! `bounded-counter-kit` crate, `labs/bounded-counter/kit/`. Nothing else in the workspace
//! compiles this crate, so while your file does not compile, only
//! `cargo test -p lab-bounded-counter` says so.
//!
//! - `cargo test -p lab-bounded-counter`: the suite on your counter;
//! - `cargo run --release -- labs bounded-counter`: the same suite, each failing check named;
//! - `cargo run --release -- hint bounded-counter`: the next hint.

pub mod counter;
