//! Calls: request, reply, timeout, and the work done for callers who gave up.
//!
//! `GenServer.call(pid, request, 5_000)` sends `{request, from}` and waits up to five seconds for
//! the reply. If the time runs out the caller moves on, but its request is *still in the callee's
//! mailbox*: the callee will dequeue it, do the work, and send a reply nobody reads. That is how
//! Discord's guild registries drowned (the limited-concurrency chapter), and this module keeps the
//! same semantics on purpose:
//!
//! - the caller registers a reply slot on its own node and sends a [`Request`] naming that slot;
//! - on timeout the caller removes the slot; the request stays queued at the callee;
//! - the callee always processes the request; its [`Request::reply`] tells it the caller is gone
//!   and the cluster counts that reply as wasted work.

use std::any::Any;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

use crate::codec::{self, Message};
use crate::error::{CallError, CallerGone};
use crate::link::Frame;
use crate::node::Node;
use crate::pid::{NodeId, Pid};
use crate::stats::Counters;

/// A call as the callee receives it: the caller's request and where to send the reply.
///
/// A process that serves calls has `Request<Q, R>` as its mailbox type, or an enum with a
/// `From<Request<Q, R>>` conversion when it also takes other messages.
#[derive(Serialize, Deserialize)]
#[serde(bound(serialize = "Q: Serialize", deserialize = "Q: DeserializeOwned"))]
pub struct Request<Q, R> {
    /// What the caller asked.
    pub body: Q,
    reply_to: ReplyTo,
    reply: PhantomData<fn() -> R>,
}

/// The caller's node and the reference of its reply slot there.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
struct ReplyTo {
    node: NodeId,
    reference: u64,
}

impl<Q, R: Message> Request<Q, R> {
    // ANCHOR: reply
    /// Sends the reply. `Err(CallerGone)` when the caller had already timed out: the work that
    /// produced `reply` was wasted, and the cluster counts it.
    ///
    /// As on the BEAM, a reply to a remote caller travels the link whether or not anyone still
    /// waits for it; the caller's node counts it as wasted when it finds the slot gone.
    pub fn reply(self, node: &Node, reply: R) -> Result<(), CallerGone> {
        let ReplyTo {
            node: caller,
            reference,
        } = self.reply_to;
        if caller == node.id() {
            return node.complete_local_reply(reference, ReplyPayload::Local(Box::new(reply)));
        }
        let waiting = self.caller_waiting(node);
        let payload = codec::encode(&reply).expect("a reply that cannot be encoded");
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
        let ReplyTo {
            node: caller,
            reference,
        } = self.reply_to;
        node.world().node(caller).replies.is_waiting(reference)
    }
}

/// What travels back to the caller: the value itself on one node, its encoding across nodes.
pub(crate) enum ReplyPayload {
    Local(Box<dyn Any + Send>),
    Encoded(Vec<u8>),
}

impl ReplyPayload {
    fn open<R: Message>(self) -> Result<R, CallError> {
        match self {
            ReplyPayload::Local(value) => value
                .downcast::<R>()
                .map(|r| *r)
                .map_err(|_| CallError::BadReply),
            ReplyPayload::Encoded(bytes) => codec::decode(&bytes).map_err(|_| CallError::BadReply),
        }
    }
}

/// One node's reply slots: the calls its processes are waiting on.
#[derive(Default)]
pub(crate) struct Replies {
    next: AtomicU64,
    waiting: Mutex<HashMap<u64, oneshot::Sender<ReplyPayload>>>,
}

impl Replies {
    fn register(&self) -> (u64, oneshot::Receiver<ReplyPayload>) {
        let reference = self.next.fetch_add(1, Relaxed);
        let (tx, rx) = oneshot::channel();
        self.lock().insert(reference, tx);
        (reference, rx)
    }

    /// Removes the slot; false if a reply had already taken it.
    fn cancel(&self, reference: u64) -> bool {
        self.lock().remove(&reference).is_some()
    }

    fn is_waiting(&self, reference: u64) -> bool {
        self.lock().contains_key(&reference)
    }

    /// Takes the waiting caller's slot, if the caller still waits. Whoever takes it must send
    /// on it at once: a caller whose timer fires just after will wait for that send.
    pub(crate) fn take(&self, reference: u64) -> Option<oneshot::Sender<ReplyPayload>> {
        self.lock().remove(&reference)
    }

    /// Hands `payload` to the waiting caller and counts it; counts it as wasted if none waits.
    pub(crate) fn complete(
        &self,
        reference: u64,
        payload: ReplyPayload,
        counters: &Counters,
    ) -> bool {
        match self.take(reference) {
            Some(caller) => {
                // Count first, so that a caller that wakes up sees its reply counted.
                Counters::bump(&counters.replies);
                // The receiver is alive: a caller only drops it after removing its slot.
                let _ = caller.send(payload);
                true
            }
            None => {
                Counters::bump(&counters.wasted);
                false
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, oneshot::Sender<ReplyPayload>>> {
        // A panic while holding this lock leaves the map consistent (every operation is one call).
        self.waiting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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
        let world = self.world();
        let replies = &world.node(self.id()).replies;
        let (reference, mut reply) = replies.register();
        Counters::bump(&world.counters.calls);
        let reply_to = ReplyTo {
            node: self.id(),
            reference,
        };
        let request = Request {
            body,
            reply_to,
            reply: PhantomData,
        };
        if let Err(error) = self.send(to, M::from(request)) {
            replies.cancel(reference);
            return Err(CallError::Send(error));
        }
        match tokio::time::timeout(timeout, &mut reply).await {
            Ok(Ok(payload)) => payload.open(),
            Ok(Err(_)) => Err(CallError::Shutdown),
            Err(_elapsed) if replies.cancel(reference) => {
                Counters::bump(&world.counters.timeouts);
                Err(CallError::Timeout)
            }
            // A reply took the slot just as the timer fired: it is being sent, wait for it.
            Err(_elapsed) => reply.await.map_err(|_| CallError::Shutdown)?.open(),
        }
    }
    // ANCHOR_END: call

    fn complete_local_reply(
        &self,
        reference: u64,
        payload: ReplyPayload,
    ) -> Result<(), CallerGone> {
        let world = self.world();
        let replies = &world.node(self.id()).replies;
        if replies.complete(reference, payload, &world.counters) {
            Ok(())
        } else {
            Err(CallerGone)
        }
    }
}

/// Convenience for tests and scenarios: a call's timeout as the GenServer default, five seconds.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(5);
