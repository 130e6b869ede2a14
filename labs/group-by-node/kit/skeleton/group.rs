//! **Your file.** Group a guild's members by node: the first step of Manifold's publish.
//!
//! Manifold's guild sends one message per node instead of one per member, and each message carries
//! the members of that node. So before it sends anything, `publish` sorts the guild's member pids
//! into one list per node of the cluster. Write that step: [`group_by_node`].
//!
//! A pid knows where its process lives: `pid.node()` is its node, and `pid.node().index()` is that
//! node's position in the cluster, a `usize` in `0..nodes`.
//!
//! `cargo test -p lab-group-by-node` checks it; `cargo run --release -- hint group-by-node` helps.

// The skeleton's parameters are unused until you fill it in.
#![allow(unused_variables)]

use cluster::Pid;

// ANCHOR: skeleton
/// The guild's members grouped by node, in one pass over `members`.
///
/// The answer has exactly `nodes` lists, one per node of the cluster: list `n` holds the members
/// whose pid lives on node `n`, in the order they come in `members`, and is empty when node `n`
/// has none. Every member is in exactly one list. (Every member lives on a node of the cluster:
/// `member.node().index() < nodes`.)
pub fn group_by_node<M>(members: &[Pid<M>], nodes: usize) -> Vec<Vec<Pid<M>>> {
    todo!("one list per node of the cluster, then one pass over the members")
}
// ANCHOR_END: skeleton
