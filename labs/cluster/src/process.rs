//! Processes: a task, its mailbox, and the table that finds a mailbox from a pid.
//!
//! A BEAM process is a lightweight thread with a private heap and a mailbox. Here it is a tokio task
//! that owns its state and reads an unbounded mailbox: unbounded because a BEAM mailbox is
//! unbounded too, and the limited-concurrency lab needs mailboxes that can balloon.
//!
//! Each node keeps a table from local id to mailbox. It only grows (ids are never reused) and it is
//! read without a lock, so a send costs a few loads, not a lock round trip.
//!
//! **What a send costs, and why the mailbox is built this way.** A send is a push onto a queue
//! that another core is draining at the same time, so what it costs is mostly the cache lines the
//! two cores take from each other. tokio's unbounded channel writes three shared words per message
//! (a message count the receiver writes back, the queue's tail, and its waker's state, written on
//! every send even when nobody sleeps). The mailbox here is a lock-free list queue
//! (`crossbeam-channel`'s, which writes only the tail and the message's slot) and a
//! doorbell: the sender *reads* one flag, and touches the waker only when the process is
//! actually asleep on an empty mailbox. With a tokio channel as the mailbox, `perf record` on the
//! send-cost scenario found that waker's `wake` the sender's single largest cost.

use std::any::Any;
use std::future::poll_fn;
use std::sync::atomic::{AtomicBool, Ordering, fence};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker, ready};

use crossbeam_channel::{Receiver, Sender, TryRecvError};
use tokio::task::coop;

use crate::codec::{self, Message};
use crate::node::Node;
use crate::pid::Pid;

/// The running side of a process: its mailbox, its own pid and the node it lives on.
///
/// [`Node::spawn`] hands one to the process's body.
pub struct Process<M> {
    pid: Pid<M>,
    node: Node,
    inbox: Receiver<M>,
    bell: Arc<Doorbell>,
}

impl<M: Message> Process<M> {
    pub(crate) fn new(pid: Pid<M>, node: Node, inbox: Inbox<M>) -> Self {
        let Inbox { inbox, bell } = inbox;
        Process {
            pid,
            node,
            inbox,
            bell,
        }
    }

    /// Waits for the next message, in arrival order.
    ///
    /// In practice this never returns `None`: the node keeps the sending side of every mailbox for
    /// as long as the cluster runs (ids are never reused), and at shutdown tasks are dropped rather
    /// than woken. A process that wants to stop simply returns from its body.
    pub async fn recv(&mut self) -> Option<M> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    // ANCHOR: poll_recv
    fn poll_recv(&self, cx: &mut Context<'_>) -> Poll<Option<M>> {
        // A process flooded with messages still yields to the others now and then, as a tokio
        // channel's receiver does.
        let budget = ready!(coop::poll_proceed(cx));
        let message = match self.inbox.try_recv() {
            Err(TryRecvError::Empty) => {
                self.bell.park(cx.waker());
                // Looked again after parking: a sender that pushed before it saw the flag is
                // caught here, one that pushes after will see it and ring.
                let again = self.inbox.try_recv();
                if again.is_ok() {
                    self.bell.unpark();
                }
                again
            }
            other => other,
        };
        match message {
            Ok(message) => {
                budget.made_progress();
                Poll::Ready(Some(message))
            }
            Err(TryRecvError::Empty) => Poll::Pending,
            Err(TryRecvError::Disconnected) => Poll::Ready(None),
        }
    }
    // ANCHOR_END: poll_recv

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

/// How a sender wakes a process asleep on its empty mailbox.
///
/// The process raises `asleep` after storing its waker and looks at its mailbox once more; a
/// sender pushes, then reads `asleep`. A full fence on each side, between its write and its read,
/// makes at least one of them see the other's write: either the process finds the message, or the
/// sender finds the flag and rings. Only a sender that finds the flag writes anything here.
#[derive(Default)]
pub(crate) struct Doorbell {
    asleep: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl Doorbell {
    fn park(&self, waker: &Waker) {
        let mut slot = self.waker.lock().unwrap_or_else(|e| e.into_inner());
        if !slot.as_ref().is_some_and(|w| w.will_wake(waker)) {
            *slot = Some(waker.clone());
        }
        drop(slot);
        self.asleep.store(true, Ordering::Relaxed);
        fence(Ordering::SeqCst);
    }

    fn unpark(&self) {
        self.asleep.store(false, Ordering::Relaxed);
    }

    /// After a push: wakes the process if it sleeps.
    fn ring(&self) {
        fence(Ordering::SeqCst);
        if self.asleep.load(Ordering::Relaxed) && self.asleep.swap(false, Ordering::AcqRel) {
            let waker = self.waker.lock().unwrap_or_else(|e| e.into_inner()).take();
            if let Some(waker) = waker {
                waker.wake();
            }
        }
    }
}

/// The receiving end of a new mailbox, for [`Process::new`].
pub(crate) struct Inbox<M> {
    inbox: Receiver<M>,
    bell: Arc<Doorbell>,
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
    /// The typed mailbox, for local sends (which skip encoding).
    fn as_any(&self) -> &dyn Any;
    /// Decodes a message that came off a link and pushes it.
    fn deliver_encoded(&self, bytes: &[u8]) -> Delivery;
}

/// The sending side of one process's mailbox.
struct Mailbox<M> {
    queue: Sender<M>,
    bell: Arc<Doorbell>,
}

impl<M: Message> Mailbox<M> {
    fn push(&self, message: M) -> Delivery {
        match self.queue.send(message) {
            Ok(()) => {
                self.bell.ring();
                Delivery::Delivered
            }
            Err(_) => Delivery::Dead,
        }
    }
}

impl<M: Message> AnyMailbox for Mailbox<M> {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn deliver_encoded(&self, bytes: &[u8]) -> Delivery {
        match codec::decode::<M>(bytes) {
            Ok(message) => self.push(message),
            Err(_) => Delivery::Undecodable,
        }
    }
}

/// One node's processes, indexed by local id.
#[derive(Default)]
pub(crate) struct ProcessTable {
    mailboxes: boxcar::Vec<Box<dyn AnyMailbox>>,
}

impl ProcessTable {
    /// Registers a new mailbox and returns its local id and receiving end.
    pub(crate) fn register<M: Message>(&self) -> (u32, Inbox<M>) {
        let (queue, inbox) = crossbeam_channel::unbounded();
        let bell = Arc::new(Doorbell::default());
        let mailbox = Mailbox {
            queue,
            bell: Arc::clone(&bell),
        };
        let index = self.mailboxes.push(Box::new(mailbox));
        let local = u32::try_from(index).expect("more than 4 billion processes on one node");
        (local, Inbox { inbox, bell })
    }

    /// Pushes a message that did not cross a link: no encoding, a move into the queue.
    pub(crate) fn deliver<M: Message>(&self, local: u32, message: M) -> Delivery {
        let typed = self
            .mailboxes
            .get(local as usize)
            .and_then(|mailbox| mailbox.as_any().downcast_ref::<Mailbox<M>>());
        match typed {
            Some(mailbox) => mailbox.push(message),
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

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;
    use crate::Cluster;
    use crate::watchdog::within;

    /// One message from a foreign thread, and its echo awaited before the next: the process is
    /// asleep on an empty mailbox before nearly every send, so each must ring the doorbell. A lost
    /// wake-up hangs, and the watchdog fails the test.
    #[test]
    fn every_send_to_a_sleeping_process_wakes_it() {
        within(
            Duration::from_secs(120),
            "a send did not wake its process",
            || {
                let cluster = Cluster::builder()
                    .nodes(1)
                    .threads_per_node(2)
                    .build()
                    .unwrap();
                let (echo, echoes) = mpsc::channel();
                let pid = cluster
                    .node(0)
                    .spawn(move |mut inbox: Process<u64>| async move {
                        while let Some(n) = inbox.recv().await {
                            echo.send(n).unwrap();
                        }
                    });
                for n in 0..2_000 {
                    cluster.node(0).send(pid, n).unwrap();
                    assert_eq!(echoes.recv_timeout(Duration::from_secs(30)), Ok(n));
                }
            },
        );
    }

    #[test]
    fn backlog_counts_what_waits_and_try_recv_takes_it_in_order() {
        let cluster = Cluster::virtual_time(1).unwrap();
        let (seen_tx, seen) = mpsc::channel();
        let pid = cluster
            .node(0)
            .spawn(move |mut inbox: Process<u8>| async move {
                tokio::time::sleep(Duration::from_millis(10)).await;
                let backlog = inbox.backlog();
                let first = inbox.try_recv();
                let rest = (inbox.recv().await, inbox.recv().await);
                seen_tx.send((backlog, first, rest)).unwrap();
            });
        let node = cluster.node(0);
        cluster.block_on(async move {
            for n in 1..=3 {
                node.send(pid, n).unwrap();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        });
        assert_eq!(seen.try_recv(), Ok((3, Some(1), (Some(2), Some(3)))));
    }
}
