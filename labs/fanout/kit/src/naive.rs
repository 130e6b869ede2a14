//! The blog's "before": the guild sends the event to each member, one send per member.
//!
//! This is the code every guild started with, and it is correct: one sender, one receiver, one
//! route, so each member sees the guild's events in order. Its cost is the problem. Each send to
//! a member on another node encodes the whole event and puts it on the link, so a publish to
//! 30,000 members costs the guild 30,000 encodes and the network 30,000 copies of the event.

use cluster::{Cluster, Node};

use crate::{Event, Fanout, Members};

/// One send per member, from the guild process itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct Naive;

// ANCHOR: naive
impl Fanout for Naive {
    fn start(_cluster: &Cluster) -> Self {
        Naive // nothing to start: the guild does all the work
    }

    fn publish(&self, from: &Node, members: &Members, event: Event) {
        for &member in members.iter() {
            // A member that has died is simply skipped, as `send/2` to a dead pid is a no-op.
            let _ = from.send(member, event.clone());
        }
    }
}
// ANCHOR_END: naive
