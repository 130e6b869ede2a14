//! Warm-up "ring find", before the ring lab: you write [`find::find`], in the only file of this
//! crate you edit.
//!
//! Everything given (the ring's [`Points`](ring_find_kit::Points) and the suite) is in the
//! `ring-find-kit` crate, `labs/ring-find/kit/`. Nothing else in the workspace compiles this
//! crate, so while your file does not compile, only `cargo test -p lab-ring-find` says so.
//!
//! - `cargo test -p lab-ring-find`: the suite on your function;
//! - `cargo run --release -- labs ring-find`: the same suite, each failing check named;
//! - `cargo run --release -- hint ring-find`: the next hint.

pub mod find;
