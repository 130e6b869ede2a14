//! The state every node of one cluster shares: process tables, reply tables, links, counters.
//!
//! All nodes live in one OS process, so they can share this behind an `Arc`. Nothing in here
//! cheats the model: a message to another node still goes through its link, encoded. The one
//! deliberate exception is [`crate::Request::caller_waiting`], an oracle for measurements (see there).

use std::io;
use std::sync::Arc;

use tokio::runtime::Handle;

use crate::busy::LinkBound;
use crate::error::CallerGone;
use crate::link::{self, Frame, Link, Transport};
use crate::pid::NodeId;
use crate::process::ProcessTable;
use crate::slot::Replies;
use crate::stats::{ClusterStats, Counters};
use crate::tcp;

/// One node's share of the world.
pub(crate) struct NodeState {
    /// Where this node's processes and link readers run.
    pub(crate) runtime: Handle,
    pub(crate) processes: ProcessTable,
    /// The slots of this node's calls whose request crossed a link (shared with those slots).
    pub(crate) replies: Arc<Replies>,
}

pub(crate) struct World {
    nodes: Vec<NodeState>,
    /// `links[from * len + to]`; `None` on the diagonal (a node has no link to itself).
    links: Vec<Option<Link>>,
    pub(crate) counters: Counters,
}

impl World {
    /// Builds the world for nodes running on `runtimes` and starts the tasks that carry each
    /// link's frames over `transport`. Every link is bounded by `bound`.
    pub(crate) fn start(
        runtimes: Vec<Handle>,
        transport: Transport,
        bound: LinkBound,
    ) -> io::Result<Arc<World>> {
        let len = runtimes.len();
        let mut links = Vec::with_capacity(len * len);
        // The receiving end of each link's queue, indexed like `links`.
        let mut queues = Vec::with_capacity(len * len);
        for from in 0..len {
            for to in 0..len {
                if from == to {
                    links.push(None);
                    queues.push(None);
                } else {
                    let (link, frames) = Link::new(bound);
                    links.push(Some(link));
                    queues.push(Some(frames));
                }
            }
        }
        let nodes = runtimes
            .into_iter()
            .map(|runtime| NodeState {
                runtime,
                processes: ProcessTable::default(),
                replies: Arc::default(),
            })
            .collect();
        let world = Arc::new(World {
            nodes,
            links,
            counters: Counters::default(),
        });
        match transport {
            // The far node's reader drains each queue itself.
            Transport::Memory => {
                for (index, frames) in queues.into_iter().enumerate() {
                    let (Some(frames), to) = (frames, node_id(index % len)) else {
                        continue;
                    };
                    let reader = link::read(Arc::clone(&world), to, frames);
                    world.node(to).runtime.spawn(reader);
                }
            }
            // A writer on the sending node drains each queue into a socket.
            Transport::Tcp => tcp::start(&world, queues)?,
        }
        Ok(world)
    }

    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }

    pub(crate) fn node(&self, id: NodeId) -> &NodeState {
        &self.nodes[id.index()]
    }

    pub(crate) fn contains(&self, id: NodeId) -> bool {
        id.index() < self.nodes.len()
    }

    /// The link from `from` to `to`; both must exist and differ.
    pub(crate) fn link(&self, from: NodeId, to: NodeId) -> &Link {
        self.links[from.index() * self.len() + to.index()]
            .as_ref()
            .expect("a node has no link to itself")
    }

    /// A reply frame arrived on node `here` for its call `reference`.
    pub(crate) fn complete_remote_reply(&self, here: NodeId, reference: u64, payload: Vec<u8>) {
        // Counted either way: as a reply, or as wasted work if the caller gave up.
        let _ = self.complete_reply(here, reference, &payload);
    }

    /// Hands an encoded reply to the slot `reference` of node `here`; `Err` if nobody waits.
    pub(crate) fn complete_reply(
        &self,
        here: NodeId,
        reference: u64,
        payload: &[u8],
    ) -> Result<(), CallerGone> {
        let replies = &self.node(here).replies;
        replies.complete(reference, payload, &self.counters)
    }

    pub(crate) fn send_frame(&self, from: NodeId, to: NodeId, frame: Frame) -> bool {
        self.link(from, to).send(frame).is_ok()
    }

    pub(crate) fn stats(&self) -> ClusterStats {
        let len = self.len();
        let links = (0..len)
            .flat_map(|from| (0..len).map(move |to| (from, to)))
            .filter(|(from, to)| from != to)
            .map(|(from, to)| {
                let (from, to) = (node_id(from), node_id(to));
                self.link(from, to).counters().snapshot(from, to)
            })
            .collect();
        ClusterStats::read(&self.counters, links)
    }
}

pub(crate) fn node_id(index: usize) -> NodeId {
    NodeId(u16::try_from(index).expect("at most 65,536 nodes"))
}
