//! Calls: request, reply, timeout, and the work done for callers who gave up.
//!
//! `GenServer.call(pid, request, 5_000)` sends `{request, from}` and waits up to five seconds for
//! the reply. If the time runs out the caller moves on, but its request is *still in the callee's
//! mailbox*: the callee will dequeue it, do the work, and send a reply nobody reads. That is how
//! Discord's guild registries drowned (the limited-concurrency chapter), and this module keeps the
//! same semantics on purpose:
//!
//! - the caller makes a reply slot and sends a [`Request`] carrying it;
//! - on timeout the caller closes the slot; the request stays queued at the callee;
//! - the callee always processes the request; its [`Request::reply`] tells it the caller is gone
//!   and the cluster counts that reply as wasted work.
//!
//! **What a call costs, and why it is built this way.** A call to a process on the caller's own
//! node never leaves the node, so its slot travels inside the request: the callee fills it
//! directly, with the reply's own value (no table, no boxing, no encoding). Only a request that
//! crosses a link needs to be found again by a number: encoding it files its slot in the caller
//! node's reply table under a reference, and the reply frame that comes back finds it there. And
//! the timer: most replies from the same node arrive within one turn of the scheduler, so the
//! caller first steps aside once (`wait`, below) and arms the timeout only if the reply is not back
//! by then. The deadline is fixed when the call starts either way, so a call still waits at most
//! its timeout.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tokio::time::{Instant, sleep_until};

use crate::codec::{self, Message};
use crate::error::{CallError, CallerGone};
use crate::link::Frame;
use crate::node::Node;
use crate::pid::{NodeId, Pid};
use crate::slot::Slot;
use crate::stats::Counters;

/// A call as the callee receives it: the caller's request and where to send the reply.
///
/// A process that serves calls has `Request<Q, R>` as its mailbox type, or an enum with a
/// `From<Request<Q, R>>` conversion when it also takes other messages.
pub struct Request<Q, R> {
    /// What the caller asked.
    pub body: Q,
    /// Where the reply goes: the caller's slot itself while the request has not left the
    /// caller's node, its node and reference once it has (and been decoded on another node).
    reply_to: ReplyTo<R>,
}

enum ReplyTo<R> {
    Slot(Arc<Slot<R>>),
    Filed(Filed),
}

/// A slot filed in its node's reply table: what a request carries on the wire.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub(crate) struct Filed {
    pub(crate) node: NodeId,
    pub(crate) reference: u64,
}

// On the wire a request is its body and the filed slot: encoding files the slot if it was not.
impl<Q: Serialize, R: Message> Serialize for Request<Q, R> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let filed = match &self.reply_to {
            ReplyTo::Slot(slot) => Slot::file(slot),
            ReplyTo::Filed(filed) => *filed,
        };
        (&self.body, filed).serialize(serializer)
    }
}

impl<'de, Q: DeserializeOwned, R> Deserialize<'de> for Request<Q, R> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (body, filed) = <(Q, Filed)>::deserialize(deserializer)?;
        Ok(Request {
            body,
            reply_to: ReplyTo::Filed(filed),
        })
    }
}

impl<Q, R: Message> Request<Q, R> {
    // ANCHOR: reply
    /// Sends the reply. `Err(CallerGone)` when the caller had already timed out: the work that
    /// produced `reply` was wasted, and the cluster counts it.
    ///
    /// As on the BEAM, a reply to a remote caller travels the link whether or not anyone still
    /// waits for it; the caller's node counts it as wasted when it finds the slot gone.
    pub fn reply(self, node: &Node, reply: R) -> Result<(), CallerGone> {
        let counters = &node.world().counters;
        let Filed {
            node: caller,
            reference,
        } = match self.reply_to {
            // The request never left the caller's node: straight into the slot.
            ReplyTo::Slot(slot) => return slot.fill(Ok(reply), counters),
            ReplyTo::Filed(filed) => filed,
        };
        let payload = codec::encode(&reply).expect("a reply that cannot be encoded");
        if caller == node.id() {
            // It went to another node and came back: the slot is in this node's table.
            return node.world().complete_reply(caller, reference, &payload);
        }
        let waiting = node.world().node(caller).replies.is_waiting(reference);
        node.world()
            .send_frame(node.id(), caller, Frame::Reply { reference, payload });
        if waiting { Ok(()) } else { Err(CallerGone) }
    }
    // ANCHOR_END: reply

    /// Is the caller still waiting for this reply?
    ///
    /// An oracle for measurement: on the BEAM a callee cannot know this about a remote caller (that
    /// is the whole problem of the limited-concurrency chapter). Use it to *count* wasted work, not
    /// to skip it, unless skipping is the lesson. For a remote caller it reads the caller node's
    /// reply table directly, which only works because every node lives in one OS process.
    pub fn caller_waiting(&self, node: &Node) -> bool {
        match &self.reply_to {
            ReplyTo::Slot(slot) => slot.is_waiting(),
            ReplyTo::Filed(Filed {
                node: caller,
                reference,
            }) => node.world().node(*caller).replies.is_waiting(*reference),
        }
    }
}

impl Node {
    // ANCHOR: call
    /// Calls the process `to` with `body` and waits at most `timeout` for its reply.
    ///
    /// On timeout the request stays in the callee's mailbox and will still be processed (as on
    /// the BEAM); its reply is then counted as wasted.
    pub async fn call<M, Q, R>(
        &self,
        to: Pid<M>,
        body: Q,
        timeout: Duration,
    ) -> Result<R, CallError>
    where
        M: Message + From<Request<Q, R>>,
        R: Message,
    {
        let deadline = Instant::now() + timeout;
        let world = self.world();
        let slot = Slot::new(Arc::clone(&world.node(self.id()).replies), self.id());
        Counters::bump(&world.counters.calls);
        let request = Request {
            body,
            reply_to: ReplyTo::Slot(Arc::clone(&slot)),
        };
        if let Err(error) = self.send(to, M::from(request)) {
            slot.close();
            return Err(CallError::Send(error));
        }
        if let Some(reply) = wait(&slot, deadline).await {
            return reply;
        }
        match slot.close() {
            // The reply landed just as the timer fired: it was counted as a reply, take it.
            Some(reply) => reply,
            None => {
                Counters::bump(&world.counters.timeouts);
                Err(CallError::Timeout)
            }
        }
    }
    // ANCHOR_END: call
}

// ANCHOR: wait
/// Waits for the slot's reply until `deadline`; `None` when the time is up.
///
/// The first time the reply is not there the caller steps aside for one turn (it wakes itself and
/// yields) instead of arming a timer: a callee on the same node usually answers in that turn, and
/// a timer costs a registration and a removal in the runtime's timer wheel. Only a caller still
/// waiting after that arms the timer.
async fn wait<R>(slot: &Slot<R>, deadline: Instant) -> Option<Result<R, CallError>> {
    let mut stepped_aside = false;
    let mut timer = pin!(None::<tokio::time::Sleep>);
    poll_fn(|cx| {
        if let Poll::Ready(reply) = slot.poll_reply(cx) {
            return Poll::Ready(Some(reply));
        }
        if !stepped_aside {
            stepped_aside = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        if timer.is_none() {
            timer.set(Some(sleep_until(deadline)));
        }
        let timer = timer.as_mut().as_pin_mut().expect("armed above");
        timer.poll(cx).map(|()| None)
    })
    .await
}
// ANCHOR_END: wait

/// Convenience for tests and scenarios: a call's timeout as the GenServer default, five seconds.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(5);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Cluster;
    use crate::error::CallerGone;
    use crate::process::Process;

    /// A process that answers `n` with `2n` after `work`.
    fn doubler(node: &Node, work: Duration) -> Pid<Request<u64, u64>> {
        node.spawn(move |mut inbox: Process<Request<u64, u64>>| async move {
            while let Some(request) = inbox.recv().await {
                tokio::time::sleep(work).await;
                let answer = request.body * 2;
                let _ = request.reply(inbox.node(), answer);
            }
        })
    }

    /// A process that hands every request it gets on to `to`, without answering itself.
    fn forwarder(node: &Node, to: Pid<Request<u64, u64>>) -> Pid<Request<u64, u64>> {
        node.spawn(move |mut inbox: Process<Request<u64, u64>>| async move {
            while let Some(request) = inbox.recv().await {
                inbox.node().send(to, request).unwrap();
            }
        })
    }

    /// The caller on node 0 calls a forwarder on `via`, which hands the request to a doubler on
    /// `to`: a request that leaves its node after it was sent (or comes back to it) still finds
    /// its caller, and a late answer still counts as wasted.
    fn check_forwarded_calls(via: usize, to: usize) {
        let cluster = Cluster::virtual_time(2).unwrap();
        let doubler = doubler(&cluster.node(to), Duration::from_millis(50));
        let forwarder = forwarder(&cluster.node(via), doubler);
        let caller = cluster.node(0);
        let (patient, hasty) = cluster.block_on(async move {
            let patient = caller.call(forwarder, 21, Duration::from_secs(1)).await;
            let hasty = caller.call(forwarder, 5, Duration::from_millis(10)).await;
            tokio::time::sleep(Duration::from_millis(200)).await; // the late answer comes back
            (patient, hasty)
        });
        assert_eq!((patient, hasty), (Ok(42), Err(CallError::Timeout)));
        let stats = cluster.stats();
        let counts = (stats.calls, stats.replies, stats.timeouts, stats.wasted);
        assert_eq!(counts, (2, 1, 1, 1), "via node {via} to node {to}");
        let filed = cluster.node(0).world().node(NodeId(0)).replies.lock().len();
        assert_eq!(filed, 0, "every filed slot leaves the table");
    }

    #[test]
    fn a_local_request_forwarded_to_another_node_finds_its_caller() {
        check_forwarded_calls(0, 1);
    }

    #[test]
    fn a_remote_request_forwarded_back_to_the_callers_node_finds_its_caller() {
        check_forwarded_calls(1, 0);
    }

    #[test]
    fn a_reply_to_a_caller_that_gave_up_is_wasted_and_the_oracle_says_so() {
        let cluster = Cluster::virtual_time(1).unwrap();
        let node = cluster.node(0);
        let slot = Slot::<u64>::new(Arc::clone(&node.world().node(NodeId(0)).replies), NodeId(0));
        let request = Request::<u64, u64> {
            body: 1,
            reply_to: ReplyTo::Slot(Arc::clone(&slot)),
        };
        assert!(request.caller_waiting(&node));
        assert_eq!(slot.close(), None, "no reply yet: the caller gives up");
        assert!(!request.caller_waiting(&node));
        assert_eq!(request.reply(&node, 2), Err(CallerGone));
        let stats = cluster.stats();
        assert_eq!((stats.replies, stats.wasted), (0, 1));
    }
}
