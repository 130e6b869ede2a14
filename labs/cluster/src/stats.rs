//! What the cluster counts, so scenarios can check themselves.
//!
//! Links count every frame and every byte that crosses them (the blog's "network reduction" graph
//! is read from these). The cluster counts what was lost: messages to dead processes, calls that
//! timed out, and replies computed for callers that had already given up (wasted work).

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use crate::pid::NodeId;

/// Bytes each frame adds to its payload on a link: a convention standing for a 4-byte destination
/// (or reply reference) and a 4-byte length, so byte counts compare like for like. Both transports
/// count it; over TCP a message's header is exactly this, a reply's 4 bytes more ([`crate::tcp`]).
pub const FRAME_HEADER_BYTES: u64 = 8;

/// Live counters of one link.
#[derive(Default)]
pub(crate) struct LinkCounters {
    messages: AtomicU64,
    bytes: AtomicU64,
    suspensions: AtomicU64,
    suspended_ns: AtomicU64,
}

impl LinkCounters {
    pub(crate) fn count(&self, payload_len: usize) {
        self.messages.fetch_add(1, Relaxed);
        self.bytes
            .fetch_add(FRAME_HEADER_BYTES + payload_len as u64, Relaxed);
    }

    /// Takes back a [`LinkCounters::count`] for a frame that could not be queued.
    pub(crate) fn uncount(&self, payload_len: usize) {
        self.messages.fetch_sub(1, Relaxed);
        self.bytes
            .fetch_sub(FRAME_HEADER_BYTES + payload_len as u64, Relaxed);
    }

    /// A sender waited `waited` for the link to drain (a bounded link, [`crate::busy`]).
    pub(crate) fn suspended(&self, waited: Duration) {
        self.suspensions.fetch_add(1, Relaxed);
        let ns = u64::try_from(waited.as_nanos()).unwrap_or(u64::MAX);
        self.suspended_ns.fetch_add(ns, Relaxed);
    }

    pub(crate) fn snapshot(&self, from: NodeId, to: NodeId) -> LinkStats {
        LinkStats {
            from,
            to,
            messages: self.messages.load(Relaxed),
            bytes: self.bytes.load(Relaxed),
            suspensions: self.suspensions.load(Relaxed),
            suspended_ns: self.suspended_ns.load(Relaxed),
        }
    }
}

/// Live counters of the whole cluster.
#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) dropped: AtomicU64,
    pub(crate) calls: AtomicU64,
    pub(crate) replies: AtomicU64,
    pub(crate) timeouts: AtomicU64,
    pub(crate) wasted: AtomicU64,
}

impl Counters {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Relaxed);
    }
}

/// What crossed one link, from `from` to `to`, since the cluster started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkStats {
    /// The sending node.
    pub from: NodeId,
    /// The receiving node.
    pub to: NodeId,
    /// Frames sent: one per remote message or remote reply.
    pub messages: u64,
    /// Bytes sent: payloads plus [`FRAME_HEADER_BYTES`] per frame.
    pub bytes: u64,
    /// Sends that found the link busy and waited for it to drain: always 0 on an unbounded link
    /// ([`crate::LinkBound`]). The BEAM's `busy_dist_port` suspensions.
    pub suspensions: u64,
    /// The time those senders spent waiting, in all, ns.
    pub suspended_ns: u64,
}

/// A snapshot of every counter in the cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterStats {
    /// One entry per ordered pair of distinct nodes.
    pub links: Vec<LinkStats>,
    /// Messages that arrived for a process that had already exited (local or remote). Messages
    /// still unread in a mailbox when its process exits are not counted here.
    pub dropped: u64,
    /// Calls whose request was sent. Each ends as a reply, a timeout, or is still waiting.
    pub calls: u64,
    /// Replies that reached a caller still waiting.
    pub replies: u64,
    /// Calls whose caller gave up before the reply came.
    pub timeouts: u64,
    /// Replies computed for a caller that had given up: work the callee did for nobody.
    pub wasted: u64,
}

impl ClusterStats {
    pub(crate) fn read(counters: &Counters, links: Vec<LinkStats>) -> Self {
        ClusterStats {
            links,
            dropped: counters.dropped.load(Relaxed),
            calls: counters.calls.load(Relaxed),
            replies: counters.replies.load(Relaxed),
            timeouts: counters.timeouts.load(Relaxed),
            wasted: counters.wasted.load(Relaxed),
        }
    }

    /// Frames that crossed any link.
    pub fn cross_node_messages(&self) -> u64 {
        self.links.iter().map(|l| l.messages).sum()
    }

    /// Bytes that crossed any link.
    pub fn cross_node_bytes(&self) -> u64 {
        self.links.iter().map(|l| l.bytes).sum()
    }

    /// Sends suspended on a busy link, over every link.
    pub fn suspensions(&self) -> u64 {
        self.links.iter().map(|l| l.suspensions).sum()
    }

    /// Time senders spent suspended on busy links, over every link, ns.
    pub fn suspended_ns(&self) -> u64 {
        self.links.iter().map(|l| l.suspended_ns).sum()
    }

    /// The counters of the link from `from` to `to`, if both nodes exist and differ.
    pub fn link(&self, from: NodeId, to: NodeId) -> Option<LinkStats> {
        self.links
            .iter()
            .copied()
            .find(|l| l.from == from && l.to == to)
    }

    /// Every counter minus the same counter in `earlier`: what happened in between.
    pub fn since(&self, earlier: &ClusterStats) -> ClusterStats {
        let links = self
            .links
            .iter()
            .zip(&earlier.links)
            .map(|(now, then)| LinkStats {
                messages: now.messages - then.messages,
                bytes: now.bytes - then.bytes,
                suspensions: now.suspensions - then.suspensions,
                suspended_ns: now.suspended_ns - then.suspended_ns,
                ..*now
            })
            .collect();
        ClusterStats {
            links,
            dropped: self.dropped - earlier.dropped,
            calls: self.calls - earlier.calls,
            replies: self.replies - earlier.replies,
            timeouts: self.timeouts - earlier.timeouts,
            wasted: self.wasted - earlier.wasted,
        }
    }
}
