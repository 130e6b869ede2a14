//! What a send-cost rig is, and which rigs there are, each named once.
//!
//! Each rig keeps a receiver running on another thread, draining as fast as it can, and times
//! only the sender's side: what the *sending* process pays, which is what the blog measured (the
//! wall clock of one `send/2` inside the guild process, [`PER_SEND_US`]). After each timed batch
//! the rig waits, untimed, until the receiver has everything, so batches never pile up on each
//! other.
//!
//! [`Via`] is the one table of the rigs: the key the results use, the name the table and the plot
//! use, and for a send through the cluster where its receivers are. The report, the BEAM column
//! and the bars read it; none of them matches a key by hand.
//!
//! [`PER_SEND_US`]: crate::common::blog::PER_SEND_US

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::thread;
use std::time::{Duration, Instant};

use cluster::{LinkBound, Transport};

use crate::send_cost::measure::event::Presence;

/// How long a rig waits for its receiver before calling the run broken.
pub(super) const PATIENCE: Duration = Duration::from_secs(60);

/// A sender with a live receiver, ready to time batches.
pub trait SendRig {
    /// What it sends through.
    fn via(&self) -> Via;
    /// The figure's key in the results (`per_send_ns.<key>`).
    fn key(&self) -> &'static str {
        self.via().facts().key
    }
    /// Sends `n` events; returns the time the sender spent, once the receiver has them all.
    fn send_batch(&mut self, n: u64) -> Result<Duration, String>;
    /// For a send across a link, how often and how long its senders have waited for the link so
    /// far (a bounded link, `busy_dist_port`'s counterpart); `None` where no link is crossed.
    fn link_waits(&self) -> Option<Waits> {
        None
    }
}

/// What senders spent waiting for a busy link ([`cluster::LinkStats::suspensions`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Waits {
    /// Sends that found the link over its bound and waited.
    pub suspensions: u64,
    /// The time they waited, in all, ns.
    pub suspended_ns: u64,
}

/// A link bound as the table writes it, in the units `+zdbbl` thinks in: `1 MiB`, `64 KiB`.
pub fn bound_words(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} B"),
    }
}

impl Waits {
    /// What happened between `earlier` and `self`.
    pub fn since(self, earlier: Waits) -> Waits {
        Waits {
            suspensions: self.suspensions - earlier.suspensions,
            suspended_ns: self.suspended_ns - earlier.suspended_ns,
        }
    }
}

/// What a rig sends through, in the order of the results table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// tokio's unbounded mpsc channel, to a task.
    TokioUnbounded,
    /// tokio's bounded mpsc channel, to a task, from an async sender.
    TokioBounded,
    /// `crossbeam-channel`'s unbounded channel, to a thread.
    Crossbeam,
    /// The standard library's `mpsc::channel`, to a thread.
    StdMpsc,
    /// A cluster send to a process on the sender's node: a push onto its mailbox.
    ClusterLocal,
    /// A cluster send to a process on another node, links in memory: encode, link, decode.
    ClusterRemote,
    /// The same over loopback TCP, as distributed Erlang crosses it.
    ClusterRemoteTcp,
    /// The same over a TCP link bounded at the BEAM's default dist buffer busy limit (1 MiB): the
    /// sender waits while the link holds more.
    ClusterRemoteTcpBounded,
}

/// Everything the scenario says about one rig.
pub struct Facts {
    /// Its key in the results: `per_send_ns.<key>`, and `one_by_one_30k_ns.<key>` for the
    /// cluster's sends.
    pub key: &'static str,
    /// Its name in the table (`one send: <label>`) and the plot.
    pub label: &'static str,
    /// For a send through the cluster, where its receivers are; `None` for a bare channel.
    pub place: Option<Place>,
    /// The bound of the cluster's links ([`LinkBound::Unbounded`] but for one rig).
    pub bound: LinkBound,
    /// Whether the blog's `send/2` figure stands beside it in the table. The blog timed a send
    /// between two processes: beside the cluster's sends, never a bare channel's.
    pub beside_blog: bool,
}

/// Where a cluster send's receivers are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// On the sender's node: no link crossed.
    SameNode,
    /// On another node, across a link of this kind.
    OtherNode(Transport),
}

impl Via {
    /// Every rig, in table order.
    pub const ALL: [Via; 8] = [
        Via::TokioUnbounded,
        Via::TokioBounded,
        Via::Crossbeam,
        Via::StdMpsc,
        Via::ClusterLocal,
        Via::ClusterRemote,
        Via::ClusterRemoteTcp,
        Via::ClusterRemoteTcpBounded,
    ];

    /// Its key, name, place and whether the blog's figure stands beside it: one row per rig,
    /// every field written out, so a new rig cannot be added without deciding each.
    pub fn facts(self) -> Facts {
        match self {
            Via::TokioUnbounded => Facts {
                key: "tokio_unbounded",
                label: "tokio mpsc, unbounded",
                place: None,
                bound: LinkBound::Unbounded,
                beside_blog: false,
            },
            Via::TokioBounded => Facts {
                key: "tokio_bounded",
                label: "tokio mpsc, bounded (1,024)",
                place: None,
                bound: LinkBound::Unbounded,
                beside_blog: false,
            },
            Via::Crossbeam => Facts {
                key: "crossbeam",
                label: "crossbeam-channel, unbounded",
                place: None,
                bound: LinkBound::Unbounded,
                beside_blog: false,
            },
            Via::StdMpsc => Facts {
                key: "std_mpsc",
                label: "std mpsc",
                place: None,
                bound: LinkBound::Unbounded,
                beside_blog: false,
            },
            Via::ClusterLocal => Facts {
                key: "cluster_local",
                label: "cluster send, same node",
                place: Some(Place::SameNode),
                bound: LinkBound::Unbounded,
                beside_blog: true,
            },
            Via::ClusterRemote => Facts {
                key: "cluster_remote",
                label: "cluster send, other node",
                place: Some(Place::OtherNode(Transport::Memory)),
                bound: LinkBound::Unbounded,
                beside_blog: true,
            },
            Via::ClusterRemoteTcp => Facts {
                key: "cluster_remote_tcp",
                label: "cluster send, other node, over loopback TCP",
                place: Some(Place::OtherNode(Transport::Tcp)),
                bound: LinkBound::Unbounded,
                beside_blog: true,
            },
            Via::ClusterRemoteTcpBounded => Facts {
                key: "cluster_remote_tcp_bounded",
                label: "cluster send, other node, over loopback TCP, link bounded at 1 MiB",
                place: Some(Place::OtherNode(Transport::Tcp)),
                bound: LinkBound::BEAM_DEFAULT,
                beside_blog: true,
            },
        }
    }

    /// The cluster send whose receivers are at `place`, over unbounded links.
    pub fn to(place: Place) -> Via {
        Via::ALL
            .into_iter()
            .find(|via| {
                via.facts().place == Some(place) && via.facts().bound == LinkBound::Unbounded
            })
            .expect("every place has its rig")
    }

    /// Whether its sender may wait for a bounded link.
    pub fn bounded(self) -> bool {
        self.facts().bound != LinkBound::Unbounded
    }
}

impl Place {
    /// The receivers of a cluster rig: on another node (`remote`) across `transport`, or on the
    /// sender's own (whatever the cluster's links).
    pub fn of(remote: bool, transport: Transport) -> Place {
        if remote {
            Place::OtherNode(transport)
        } else {
            Place::SameNode
        }
    }

    /// As the one-by-one rows and the plot say it: `same node`, `other node over TCP`.
    pub fn words(self) -> &'static str {
        match self {
            Place::SameNode => "same node",
            Place::OtherNode(Transport::Memory) => "other node",
            Place::OtherNode(Transport::Tcp) => "other node over TCP",
        }
    }

    /// The BEAM side's figure beside it: `local`, or `remote` for both remote rigs (distributed
    /// Erlang crosses loopback TCP: the like-for-like one is TCP's).
    pub fn beam(self) -> &'static str {
        match self {
            Place::SameNode => "local",
            Place::OtherNode(_) => "remote",
        }
    }
}

/// Counts what a receiver has taken, so the rig can wait for it.
#[derive(Clone, Default)]
pub(super) struct Received(Arc<AtomicU64>);

impl Received {
    /// The receiver's side: consume the event (so the optimizer cannot skip it) and count it.
    pub fn take(&self, event: Presence) {
        black_box(event);
        self.0.fetch_add(1, Relaxed);
    }

    /// Waits until the receiver has taken `total` events in all; an error after [`PATIENCE`].
    pub fn wait_for(&self, total: u64, what: &str) -> Result<(), String> {
        let deadline = Instant::now() + PATIENCE;
        while self.0.load(Relaxed) < total {
            if Instant::now() > deadline {
                let got = self.0.load(Relaxed);
                return Err(format!(
                    "{what}: the receiver got {got} of {total} messages in {PATIENCE:?}"
                ));
            }
            thread::yield_now();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_place_has_one_rig_and_every_key_is_its_own() {
        for via in Via::ALL {
            if let Some(place) = via.facts().place.filter(|_| !via.bounded()) {
                assert_eq!(Via::to(place), via);
            }
            // The blog timed a send between processes: only the cluster's sends stand beside it.
            assert_eq!(
                via.facts().beside_blog,
                via.facts().place.is_some(),
                "{via:?}"
            );
            let same = Via::ALL.iter().filter(|v| v.facts().key == via.facts().key);
            assert_eq!(same.count(), 1, "{via:?}");
        }
    }

    #[test]
    fn the_bounded_rig_is_bounded_at_the_beams_default_and_says_so() {
        let facts = Via::ClusterRemoteTcpBounded.facts();
        assert_eq!(facts.bound, LinkBound::Bytes(1 << 20));
        assert_eq!(facts.bound, LinkBound::BEAM_DEFAULT);
        assert!(facts.label.contains("1 MiB"), "{}", facts.label);
        assert_eq!(Via::to(facts.place.unwrap()), Via::ClusterRemoteTcp);
        assert_eq!(bound_words(1 << 20), "1 MiB");
        assert_eq!(bound_words(64 << 10), "64 KiB");
        assert_eq!(bound_words(1000), "1000 B");
    }
}
