//! Warm-up "group by node", before the fanout lab: the first step of Manifold's publish.
//!
//! Manifold's guild does not send an event to each member; it sends one message to each *node*
//! that has members, carrying the list of that node's members, and each node delivers to its own.
//! Before the guild can send those messages it must know the lists: one pass over the guild's
//! member pids, grouping them by node. That one function is the warm-up.
//!
//! | file | what |
//! | --- | --- |
//! | this crate | [`Member`], [`member`] (a pid on any node, without a cluster) |
//! | `labs/group-by-node/src/group.rs` (crate `lab-group-by-node`) | **the file you edit**: `group_by_node`, as a signature and `todo!()` |
//! | [`check`] | the suite ([`suite!`] declares it; `cargo test -p lab-group-by-node` runs it on yours) |

pub mod check;

use cluster::Pid;
use cluster::codec;

/// A member's pid. What its process receives does not matter to grouping, so its message type is
/// `()`; the function you write is generic over it, as Manifold's members take `Event`s.
pub type Member = Pid<()>;

/// What the suite calls: the members, the number of nodes in the cluster, and back one list per
/// node. `lab_group_by_node::group::group_by_node` is one.
pub type GroupBy = fn(&[Member], usize) -> Vec<Vec<Member>>;

/// The pid of process `local` on node `node`, as it would arrive in a message.
///
/// The cluster alone makes pids when it spawns processes; but a pid that crosses a link is sent
/// as its two numbers and rebuilt on the far side, so decoding those numbers is how a test gets a
/// pid on any node of any cluster without starting one.
pub fn member(node: u16, local: u32) -> Member {
    let bytes = codec::encode(&(node, local)).expect("two integers encode");
    codec::decode(&bytes).expect("a pid decodes from its node and local id")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_made_pid_has_its_node_and_local_id() {
        let pid = member(7, 42);
        assert_eq!((pid.node().index(), pid.local()), (7, 42));
        assert_eq!(format!("{pid:?}"), "<7.42>");
    }
}
