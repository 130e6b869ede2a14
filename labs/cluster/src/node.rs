//! A node: where processes run, and the handle they send, call and spawn with.
//!
//! A [`Node`] is cheap to clone (an `Arc` and an id). Every process gets its own node's handle,
//! and the node decides how a message travels: a send to a process on the same node is a push onto
//! its mailbox; a send to another node is encoded and queued on the link between the two.

use std::future::Future;
use std::sync::Arc;

use tokio::runtime::Handle;

use crate::codec::{self, Message};
use crate::error::SendError;
use crate::link::Frame;
use crate::pid::{NodeId, Pid};
use crate::process::{Delivery, Process};
use crate::stats::{ClusterStats, Counters};
use crate::world::World;

/// A handle to one node of a cluster.
#[derive(Clone)]
pub struct Node {
    world: Arc<World>,
    id: NodeId,
}

impl Node {
    pub(crate) fn new(world: Arc<World>, id: NodeId) -> Self {
        Node { world, id }
    }

    pub(crate) fn world(&self) -> &World {
        &self.world
    }

    /// This node's id.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The runtime this node's processes run on, to spawn plain tasks or enter its context.
    pub fn runtime(&self) -> &Handle {
        &self.world.node(self.id).runtime
    }

    // ANCHOR: spawn
    /// Starts a process on this node and returns its pid at once.
    ///
    /// `body` receives the [`Process`] (mailbox, own pid, this node) and runs as a task on this
    /// node's runtime. The process exits when `body` returns; later sends to it are dropped.
    pub fn spawn<M, F, Fut>(&self, body: F) -> Pid<M>
    where
        M: Message,
        F: FnOnce(Process<M>) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let (local, inbox) = self.world.node(self.id).processes.register::<M>();
        let pid = Pid::new(self.id, local);
        let process = Process::new(pid, self.clone(), inbox);
        self.runtime().spawn(body(process));
        pid
    }
    // ANCHOR_END: spawn

    // ANCHOR: send
    /// Sends `message` to `to`, on this node or any other, and returns without waiting.
    ///
    /// Messages from one node to one process arrive in the order they were sent. A local send
    /// moves the message into the mailbox; a remote send encodes it here and queues it on the
    /// link, where the far node's reader decodes it.
    pub fn send<M: Message>(&self, to: Pid<M>, message: M) -> Result<(), SendError> {
        if to.node() == self.id {
            return match self
                .world
                .node(self.id)
                .processes
                .deliver(to.local(), message)
            {
                Delivery::Delivered => Ok(()),
                Delivery::Dead | Delivery::Undecodable => {
                    Counters::bump(&self.world.counters.dropped);
                    Err(SendError::Dead {
                        node: to.node(),
                        local: to.local(),
                    })
                }
            };
        }
        let payload = codec::encode(&message).expect("a message that cannot be encoded");
        self.send_remote(to, payload)
    }
    // ANCHOR_END: send

    /// Sends an already-encoded message to a process on another node.
    ///
    /// For senders that encode once and send the same bytes to many nodes (Manifold's
    /// "pack once"). `payload` must be the encoding of an `M`; the far node counts it as dropped
    /// if it is not.
    pub fn send_encoded<M: Message>(&self, to: Pid<M>, payload: Vec<u8>) -> Result<(), SendError> {
        if to.node() != self.id {
            return self.send_remote(to, payload);
        }
        match codec::decode::<M>(&payload) {
            Ok(message) => self.send(to, message),
            Err(_) => {
                Counters::bump(&self.world.counters.dropped);
                Err(SendError::Dead {
                    node: to.node(),
                    local: to.local(),
                })
            }
        }
    }

    fn send_remote<M>(&self, to: Pid<M>, payload: Vec<u8>) -> Result<(), SendError> {
        if !self.world.contains(to.node()) {
            return Err(SendError::NoSuchNode(to.node()));
        }
        let frame = Frame::Deliver {
            to: to.local(),
            payload,
        };
        if self.world.send_frame(self.id, to.node(), frame) {
            Ok(())
        } else {
            Err(SendError::Shutdown)
        }
    }

    /// A snapshot of the cluster's counters (links, drops, calls).
    pub fn stats(&self) -> ClusterStats {
        self.world.stats()
    }

    /// The number of nodes in the cluster.
    pub fn cluster_len(&self) -> usize {
        self.world.len()
    }

    /// A handle to another node of the same cluster, or `None` if there is no such node.
    pub fn sibling(&self, id: NodeId) -> Option<Node> {
        self.world
            .contains(id)
            .then(|| Node::new(Arc::clone(&self.world), id))
    }
}
