//! The suite on your `group_by_node` (`src/group.rs`).
//!
//! `cargo test -p lab-group-by-node`: every check fails until your function groups the members.

group_by_node_kit::suite!(lab_group_by_node::group::group_by_node);
