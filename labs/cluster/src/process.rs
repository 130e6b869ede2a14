//! Processes: a task, its mailbox, and the table that finds a mailbox from a pid.
//!
//! A BEAM process is a lightweight thread with a private heap and a mailbox. Here it is a tokio task
//! that owns its state and reads an unbounded mpsc channel: unbounded because a BEAM mailbox is
//! unbounded too, and the limited-concurrency lab needs mailboxes that can balloon.
//!
//! Each node keeps a table from local id to mailbox. It only grows (ids are never reused) and it is
//! read without a lock, so a send costs a few loads, not a lock round trip.

use std::any::Any;

use tokio::sync::mpsc;

use crate::codec::{self, Message};
use crate::node::Node;
use crate::pid::Pid;

/// The running side of a process: its mailbox, its own pid and the node it lives on.
///
/// [`Node::spawn`] hands one to the process's body.
pub struct Process<M> {
    pid: Pid<M>,
    node: Node,
    inbox: mpsc::UnboundedReceiver<M>,
}

impl<M: Message> Process<M> {
    pub(crate) fn new(pid: Pid<M>, node: Node, inbox: mpsc::UnboundedReceiver<M>) -> Self {
        Process { pid, node, inbox }
    }

    /// Waits for the next message, in arrival order.
    ///
    /// In practice this never returns `None`: the node keeps the sending side of every mailbox for
    /// as long as the cluster runs (ids are never reused), and at shutdown tasks are dropped rather
    /// than woken. A process that wants to stop simply returns from its body.
    pub async fn recv(&mut self) -> Option<M> {
        self.inbox.recv().await
    }

    /// The next message if one is already waiting.
    pub fn try_recv(&mut self) -> Option<M> {
        self.inbox.try_recv().ok()
    }

    /// How many messages are waiting: the mailbox backlog.
    pub fn backlog(&self) -> usize {
        self.inbox.len()
    }

    /// This process's pid.
    pub fn pid(&self) -> Pid<M> {
        self.pid
    }

    /// The node this process lives on: the handle to send, call and spawn with.
    pub fn node(&self) -> &Node {
        &self.node
    }
}

/// What happened to a message handed to a mailbox.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Delivery {
    Delivered,
    /// The process has exited; the message is dropped.
    Dead,
    /// The bytes did not decode as the process's message type.
    Undecodable,
}

/// A mailbox with its message type erased, so one table can hold every kind of process.
pub(crate) trait AnyMailbox: Send + Sync {
    /// The typed sender, for local sends (which skip encoding).
    fn as_any(&self) -> &dyn Any;
    /// Decodes a message that came off a link and pushes it.
    fn deliver_encoded(&self, bytes: &[u8]) -> Delivery;
}

struct Mailbox<M>(mpsc::UnboundedSender<M>);

impl<M: Message> AnyMailbox for Mailbox<M> {
    fn as_any(&self) -> &dyn Any {
        &self.0
    }

    fn deliver_encoded(&self, bytes: &[u8]) -> Delivery {
        match codec::decode::<M>(bytes) {
            Ok(message) => push(&self.0, message),
            Err(_) => Delivery::Undecodable,
        }
    }
}

fn push<M>(mailbox: &mpsc::UnboundedSender<M>, message: M) -> Delivery {
    match mailbox.send(message) {
        Ok(()) => Delivery::Delivered,
        Err(_) => Delivery::Dead,
    }
}

/// One node's processes, indexed by local id.
#[derive(Default)]
pub(crate) struct ProcessTable {
    mailboxes: boxcar::Vec<Box<dyn AnyMailbox>>,
}

impl ProcessTable {
    /// Registers a new mailbox and returns its local id and receiving end.
    pub(crate) fn register<M: Message>(&self) -> (u32, mpsc::UnboundedReceiver<M>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let index = self.mailboxes.push(Box::new(Mailbox(tx)));
        let local = u32::try_from(index).expect("more than 4 billion processes on one node");
        (local, rx)
    }

    /// Pushes a message that did not cross a link: no encoding, a move into the channel.
    pub(crate) fn deliver<M: Message>(&self, local: u32, message: M) -> Delivery {
        let typed = self
            .mailboxes
            .get(local as usize)
            .and_then(|mailbox| mailbox.as_any().downcast_ref::<mpsc::UnboundedSender<M>>());
        match typed {
            Some(mailbox) => push(mailbox, message),
            // A `Pid<M>` is only ever made for a mailbox of `M`, so this is a forged pid.
            None => Delivery::Dead,
        }
    }

    /// Pushes a message that came off a link.
    pub(crate) fn deliver_encoded(&self, local: u32, bytes: &[u8]) -> Delivery {
        match self.mailboxes.get(local as usize) {
            Some(mailbox) => mailbox.deliver_encoded(bytes),
            None => Delivery::Dead,
        }
    }
}
