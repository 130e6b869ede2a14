//! Links: the ordered, counted pipe between two nodes.
//!
//! Two BEAM nodes talk over one TCP connection, so everything one node sends another arrives in the
//! order it was sent. A [`Link`] is that connection in miniature: an unbounded FIFO of encoded
//! frames, with one reader task on the receiving node that decodes each frame and pushes it into
//! the destination mailbox. The sender pays the encoding; the reader pays the decoding; the link
//! counts every frame and byte.

use std::sync::Arc;

use tokio::sync::mpsc;

use crate::pid::NodeId;
use crate::process::Delivery;
use crate::stats::{Counters, LinkCounters};
use crate::world::World;

/// What travels on a link.
pub(crate) enum Frame {
    /// A message for process `to` on the far node.
    Deliver { to: u32, payload: Vec<u8> },
    /// The reply to the call registered as `reference` on the far node.
    Reply { reference: u64, payload: Vec<u8> },
}

// ANCHOR: link
/// The sending end of the link from one node to another.
pub(crate) struct Link {
    frames: mpsc::UnboundedSender<Frame>,
    counters: LinkCounters,
}

impl Link {
    /// Queues a frame. Frames leave in the order they were queued: this is what keeps
    /// per-(sender, receiver) order across nodes.
    pub(crate) fn send(&self, frame: Frame) -> Result<(), LinkDown> {
        let payload_len = match &frame {
            Frame::Deliver { payload, .. } | Frame::Reply { payload, .. } => payload.len(),
        };
        self.frames.send(frame).map_err(|_| LinkDown)?;
        self.counters.count(payload_len);
        Ok(())
    }
}

/// The far node's reader: decode each frame in turn and push it where it goes.
pub(crate) async fn read(
    world: Arc<World>,
    here: NodeId,
    mut frames: mpsc::UnboundedReceiver<Frame>,
) {
    while let Some(frame) = frames.recv().await {
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
}
// ANCHOR_END: link

/// The receiving node is gone: the cluster is shutting down.
#[derive(Debug)]
pub(crate) struct LinkDown;

impl Link {
    /// A new link and the receiving end its reader task will drain.
    pub(crate) fn new() -> (Link, mpsc::UnboundedReceiver<Frame>) {
        let (frames, rx) = mpsc::unbounded_channel();
        let link = Link {
            frames,
            counters: LinkCounters::default(),
        };
        (link, rx)
    }

    pub(crate) fn counters(&self) -> &LinkCounters {
        &self.counters
    }
}
