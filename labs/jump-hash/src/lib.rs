//! Warm-up "jump hash", before the placement lab: you write [`jump::jump`], in the only file of
//! this crate you edit.
//!
//! Everything given (the paper's reference answers, the keys and the suite) is in the
//! `jump-hash-kit` crate, `labs/jump-hash/kit/`. Nothing else in the workspace compiles this crate,
//! so while your file does not compile, only `cargo test -p lab-jump-hash` says so.
//!
//! - `cargo test -p lab-jump-hash`: the suite on your function;
//! - `cargo run --release -- labs jump-hash`: the same suite, each failing check named;
//! - `cargo run --release -- hint jump-hash`: the next hint.

pub mod jump;
