//! Group a guild's members by node: the first step of Manifold's publish.

use cluster::Pid;

// ANCHOR: group_by_node
/// The guild's members grouped by node, in one pass over `members`: `nodes` lists, list `n` holding
/// node `n`'s members in input order (empty if it has none).
pub fn group_by_node<M>(members: &[Pid<M>], nodes: usize) -> Vec<Vec<Pid<M>>> {
    // Every list exists before the first member is placed, so index and node always agree.
    let mut by_node = vec![Vec::new(); nodes];
    for &member in members {
        // Pushing at the end, front to back: each node's members keep the input's order.
        by_node[member.node().index()].push(member);
    }
    by_node
}
// ANCHOR_END: group_by_node
