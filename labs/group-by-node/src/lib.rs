//! Warm-up "group by node", before the fanout lab: you write [`group::group_by_node`], in the only
//! file of this crate you edit.
//!
//! Everything given (the [`Member`](group_by_node_kit::Member) pids and the suite) is in the
//! `group-by-node-kit` crate, `labs/group-by-node/kit/`. Nothing else in the workspace compiles
//! this crate, so while your file does not compile, only `cargo test -p lab-group-by-node` says so.
//!
//! - `cargo test -p lab-group-by-node`: the suite on your function;
//! - `cargo run --release -- labs group-by-node`: the same suite, each failing check named;
//! - `cargo run --release -- hint group-by-node`: the next hint.

pub mod group;
