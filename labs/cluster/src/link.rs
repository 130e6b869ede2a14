//! Links: the ordered, counted pipe between two nodes.
//!
//! Two BEAM nodes talk over one TCP connection, so everything one node sends another arrives in the
//! order it was sent. A [`Link`] is that connection in miniature: an unbounded FIFO of encoded
//! frames, drained in order by one task that hands each frame on. The sender pays the encoding; the
//! far node's reader pays the decoding; the link counts every frame and byte.
//!
//! What carries the frames from one node to the other is the cluster's [`Transport`]:
//!
//! - [`Transport::Memory`] (the default): the far node's reader drains the FIFO itself. Nothing
//!   leaves the OS process; a remote send costs an encode, a queue push and a decode.
//! - [`Transport::Tcp`]: a writer task on the sending node drains the FIFO into a loopback TCP
//!   socket, and the far node's reader reads the frames back off the socket ([`crate::tcp`]). The
//!   same frames, the same order, the same counters, plus what a real wire costs.
//!
//! Either way the sender only pushes onto the FIFO, so a remote send never waits for the wire. By
//! default the FIFO is unbounded and a send never waits at all; with a [`LinkBound`] a sender waits
//! while the FIFO holds more bytes than the bound, as a BEAM process on a busy distribution port
//! ([`crate::busy`]).

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::busy::{Backlog, LinkBound};
use crate::pid::NodeId;
use crate::process::Delivery;
use crate::stats::{Counters, FRAME_HEADER_BYTES, LinkCounters};
use crate::world::World;

/// What travels on a link.
pub(crate) enum Frame {
    /// A message for process `to` on the far node.
    Deliver { to: u32, payload: Vec<u8> },
    /// The reply to the call registered as `reference` on the far node.
    Reply { reference: u64, payload: Vec<u8> },
}

impl Frame {
    fn payload_len(&self) -> usize {
        match self {
            Frame::Deliver { payload, .. } | Frame::Reply { payload, .. } => payload.len(),
        }
    }

    /// What the frame weighs on its link: its payload plus the counted header.
    fn counted_bytes(&self) -> u64 {
        FRAME_HEADER_BYTES + self.payload_len() as u64
    }
}

// ANCHOR: link
/// The sending end of the link from one node to another.
pub(crate) struct Link {
    frames: mpsc::UnboundedSender<Frame>,
    counters: LinkCounters,
    /// `Some` on a bounded link: the bytes queued, shared with the drainer.
    backlog: Option<Arc<Backlog>>,
}

impl Link {
    /// Queues a frame. Frames leave in the order they were queued: this is what keeps
    /// per-(sender, receiver) order across nodes. On a bounded link that is busy, the calling
    /// thread first blocks until it drains ([`crate::busy`]).
    pub(crate) fn send(&self, frame: Frame) -> Result<(), LinkDown> {
        let payload_len = frame.payload_len();
        if let Some(backlog) = &self.backlog {
            if backlog.busy() {
                self.counters.suspended(backlog.wait_blocking());
            }
            backlog.queued(frame.counted_bytes());
        }
        // Count first, so that whoever sees the frame delivered also sees it counted.
        self.counters.count(payload_len);
        self.frames.send(frame).map_err(|_| {
            self.counters.uncount(payload_len); // it never left: the cluster is shutting down
            LinkDown
        })
    }

    /// Returns once the link can take a frame without waiting: at once on an unbounded link; on a
    /// busy bounded one, after suspending the calling task until it drains (counted).
    pub(crate) async fn until_ready(&self) {
        if let Some(backlog) = self.backlog.as_ref().filter(|backlog| backlog.busy()) {
            self.counters.suspended(backlog.wait().await);
        }
    }
}

/// The receiving end of a link's FIFO, for the one task that drains it: frames in order, each
/// taken off the link's backlog as it leaves.
pub(crate) struct Outgoing {
    frames: mpsc::UnboundedReceiver<Frame>,
    backlog: Option<Arc<Backlog>>,
}

impl Outgoing {
    /// The next frame, waiting for one; `None` once the link is gone.
    pub(crate) async fn recv(&mut self) -> Option<Frame> {
        let frame = self.frames.recv().await?;
        Some(self.leaves(frame))
    }

    /// The next frame if one is queued.
    pub(crate) fn try_recv(&mut self) -> Option<Frame> {
        let frame = self.frames.try_recv().ok()?;
        Some(self.leaves(frame))
    }

    fn leaves(&self, frame: Frame) -> Frame {
        if let Some(backlog) = &self.backlog {
            backlog.drained(frame.counted_bytes());
        }
        frame
    }
}

impl Drop for Outgoing {
    /// The drainer is gone (shutdown): a sender waiting for it would wait forever.
    fn drop(&mut self) {
        if let Some(backlog) = &self.backlog {
            backlog.close();
        }
    }
}

/// The far node's reader (in-memory transport): take each frame in turn and deliver it.
pub(crate) async fn read(world: Arc<World>, here: NodeId, mut frames: Outgoing) {
    while let Some(frame) = frames.recv().await {
        deliver(&world, here, frame);
    }
}

/// Decodes a frame that arrived on node `here` and pushes it where it goes. Every transport's
/// reader ends here.
pub(crate) fn deliver(world: &World, here: NodeId, frame: Frame) {
    match frame {
        Frame::Deliver { to, payload } => {
            if world.node(here).processes.deliver_encoded(to, &payload) != Delivery::Delivered {
                Counters::bump(&world.counters.dropped);
            }
        }
        Frame::Reply { reference, payload } => {
            world.complete_remote_reply(here, reference, payload)
        }
    }
}
// ANCHOR_END: link

/// The receiving node is gone: the cluster is shutting down.
#[derive(Debug)]
pub(crate) struct LinkDown;

impl Link {
    /// A new link bounded by `bound`, and the receiving end of its FIFO, for the task that
    /// drains it.
    pub(crate) fn new(bound: LinkBound) -> (Link, Outgoing) {
        let (frames, rx) = mpsc::unbounded_channel();
        let backlog = match bound {
            LinkBound::Unbounded => None,
            LinkBound::Bytes(limit) => Some(Arc::new(Backlog::new(limit))),
        };
        let link = Link {
            frames,
            counters: LinkCounters::default(),
            backlog: backlog.clone(),
        };
        (
            link,
            Outgoing {
                frames: rx,
                backlog,
            },
        )
    }

    pub(crate) fn counters(&self) -> &LinkCounters {
        &self.counters
    }
}

// ANCHOR: transport
/// How frames cross from one node to another. Chosen per cluster with
/// [`ClusterBuilder::transport`](crate::ClusterBuilder::transport).
///
/// Both transports carry the same frames in the same order and count the same messages and bytes
/// ([`crate::LinkStats`]), so a figure measured on one compares like for like with the other. What
/// differs is the cost of the crossing.
///
/// It parses from and prints as `memory` or `tcp` (the workbook's `--set transport=tcp`):
///
/// ```
/// use cluster::Transport;
///
/// assert_eq!("tcp".parse::<Transport>(), Ok(Transport::Tcp));
/// assert_eq!(Transport::Memory.to_string(), "memory");
/// assert!("udp".parse::<Transport>().is_err());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Transport {
    /// An in-process queue per link, drained by the far node's reader. The cheapest crossing: an
    /// encode, a push and a decode. Works in virtual time too.
    #[default]
    Memory,
    /// One loopback TCP connection (127.0.0.1, ephemeral ports) per pair of nodes, like distributed
    /// Erlang: each crossing also pays syscalls and two kernel copies. Real threads only.
    Tcp,
}
// ANCHOR_END: transport

impl Transport {
    /// Every transport, in the order a comparison lists them.
    pub const ALL: [Transport; 2] = [Transport::Memory, Transport::Tcp];

    /// The name it parses from and prints as.
    pub fn name(self) -> &'static str {
        match self {
            Transport::Memory => "memory",
            Transport::Tcp => "tcp",
        }
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Transport {
    type Err = UnknownTransport;

    /// `memory` or `tcp`, in any case, surrounding spaces ignored.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        let wanted = name.trim();
        Transport::ALL
            .into_iter()
            .find(|transport| transport.name().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| UnknownTransport(wanted.to_owned()))
    }
}

/// A name that is not a [`Transport`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownTransport(pub String);

impl fmt::Display for UnknownTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown transport `{}`: expected `memory` or `tcp`",
            self.0
        )
    }
}

impl std::error::Error for UnknownTransport {}
