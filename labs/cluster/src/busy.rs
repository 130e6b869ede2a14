//! Bounded links: a sender waits while the link towards a node holds too many bytes, as
//! distributed Erlang's `busy_dist_port`.
//!
//! A BEAM node queues what it sends to another node in that connection's distribution buffer. When
//! the buffer holds more than the *dist buffer busy limit* (`+zdbbl`, 1 MiB by default, read with
//! `erlang:system_info(dist_buf_busy_limit)`), the port is *busy*: a process that sends to that
//! node is suspended, taken off its scheduler, until the buffer drains below the limit; then its
//! send goes through. `erlang:system_monitor/2` reports each such suspension as `busy_dist_port`.
//! It is a wait for a queue, not the descheduling after a budget of reductions that every
//! process gets in turn: a sender on an idle connection is never suspended this way.
//!
//! [`LinkBound::Bytes`] gives a cluster's links the same rule ([`ClusterBuilder::link_bound`]):
//!
//! - every frame adds its counted bytes (payload + [`FRAME_HEADER_BYTES`]) to its link's
//!   *backlog* when queued, and takes them off when the link's drainer (the far node's reader in
//!   memory, the writer over TCP) takes it out of the queue;
//! - a remote send that finds the backlog over the bound waits until it is not; then it queues
//!   its frame, whatever its size. As on the BEAM the bound is checked before the send, so a
//!   backlog can pass it by one frame per sender;
//! - how the sender waits depends on what it is: [`Node::send_async`] suspends the sending task
//!   (a process), [`Node::send`] blocks its thread (on a node's runtime, with
//!   [`tokio::task::block_in_place`], so the node's other tasks run meanwhile);
//! - when the drainer stops (the cluster shuts down), every waiting sender is released, and its
//!   send fails as any send to a closed link does ([`SendError::Shutdown`]);
//! - each link counts its suspensions and the time its senders spent suspended
//!   ([`crate::LinkStats::suspensions`], [`crate::LinkStats::suspended_ns`]).
//!
//! What is left out of the bound: over TCP, the writer's 64 KiB buffer and the kernel's socket
//! buffer hold bytes past the queue, as the kernel's buffer lies past the BEAM's distribution
//! buffer. Order, counters and the meaning of a send are those of an unbounded link; only *when*
//! the send returns changes. [`LinkBound::Unbounded`], the default, never waits.
//!
//! [`ClusterBuilder::link_bound`]: crate::ClusterBuilder::link_bound
//! [`FRAME_HEADER_BYTES`]: crate::FRAME_HEADER_BYTES

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::AcqRel, Ordering::Acquire};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use tokio::runtime::{Handle, RuntimeFlavor};
use tokio::sync::Notify;

use crate::codec::Message;
use crate::error::SendError;
use crate::node::Node;
use crate::pid::Pid;

/// How many bytes a link may hold before its senders wait. Chosen per cluster with
/// [`ClusterBuilder::link_bound`](crate::ClusterBuilder::link_bound).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum LinkBound {
    /// A send never waits: the link grows as long as senders outrun it. What every chapter uses.
    #[default]
    Unbounded,
    /// A remote send waits while its link holds more than this many bytes.
    Bytes(u64),
}

impl LinkBound {
    /// The BEAM's default dist buffer busy limit: 1 MiB (`+zdbbl 1024`, in KiB), as
    /// `erlang:system_info(dist_buf_busy_limit)` reports it on OTP 25.
    pub const BEAM_DEFAULT: LinkBound = LinkBound::Bytes(1024 * 1024);
}

// ANCHOR: backlog
/// The bytes queued on one bounded link, and the senders waiting for them to drain.
pub(crate) struct Backlog {
    limit: u64,
    queued: AtomicU64,
    /// Woken each time the backlog falls from over the limit to within it.
    drained: Notify,
    /// The drainer is gone (the cluster is shutting down): nobody waits any more.
    closed: AtomicBool,
}

impl Backlog {
    pub(crate) fn new(limit: u64) -> Self {
        Backlog {
            limit,
            queued: AtomicU64::new(0),
            drained: Notify::new(),
            closed: AtomicBool::new(false),
        }
    }

    /// More than the limit is queued: a sender must wait.
    pub(crate) fn busy(&self) -> bool {
        self.queued.load(Acquire) > self.limit && !self.closed.load(Acquire)
    }

    /// A frame of `bytes` was queued.
    pub(crate) fn queued(&self, bytes: u64) {
        self.queued.fetch_add(bytes, AcqRel);
    }

    /// A frame of `bytes` left the queue; wake the waiting senders if that ended the busy state.
    pub(crate) fn drained(&self, bytes: u64) {
        let before = self.queued.fetch_sub(bytes, AcqRel);
        if before > self.limit && before - bytes <= self.limit {
            self.drained.notify_waiters();
        }
    }

    /// The drainer stopped: release every waiting sender (its send then finds the link down).
    pub(crate) fn close(&self) {
        self.closed
            .store(true, std::sync::atomic::Ordering::Release);
        self.drained.notify_waiters();
    }

    /// Returns once the backlog is within the limit.
    pub(crate) async fn until_not_busy(&self) {
        loop {
            let mut drained = pin!(self.drained.notified());
            drained.as_mut().enable(); // from here on, a drain below the limit wakes us
            if !self.busy() {
                return;
            }
            drained.await;
        }
    }
    // ANCHOR_END: backlog

    /// Blocks the calling thread until the backlog is within the limit; returns how long.
    ///
    /// On a worker of a multi-thread runtime (a node's), the worker hands its other tasks to a
    /// fresh thread first ([`tokio::task::block_in_place`]): the link's own writer may be one of
    /// them. Elsewhere (a plain thread) the thread parks until the drainer wakes it.
    pub(crate) fn wait_blocking(&self) -> Duration {
        let start = Instant::now();
        let park = || park_until(self.until_not_busy());
        match Handle::try_current().map(|runtime| runtime.runtime_flavor()) {
            Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(park),
            _ => park(),
        }
        start.elapsed()
    }

    /// Suspends the calling task until the backlog is within the limit; returns how long.
    pub(crate) async fn wait(&self) -> Duration {
        let start = Instant::now();
        self.until_not_busy().await;
        start.elapsed()
    }
}

/// Runs `future` to completion on this thread, parking it between polls.
fn park_until<F: Future>(future: F) -> F::Output {
    struct Unpark(Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut context = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
        thread::park();
    }
}

impl Node {
    // ANCHOR: send_async
    /// [`Node::send`] for a sender that is a task: on a bounded link that is busy, the task is
    /// suspended (not its thread) until the link drains, as a BEAM process is on a busy
    /// distribution port. Otherwise, and on an unbounded link, the same as `send`.
    pub async fn send_async<M: Message>(&self, to: Pid<M>, message: M) -> Result<(), SendError> {
        if to.node() != self.id() && self.world().contains(to.node()) {
            self.world().link(self.id(), to.node()).until_ready().await;
        }
        self.send(to, message)
    }
    // ANCHOR_END: send_async
}
