//! Lab: message fanout. A guild publishes one event to every member session.
//!
//! Discord runs one process per guild and one per connected session. When anything happens in a
//! guild (someone comes online, types, posts) the guild process sends the event to every session
//! connected to it. With one `send/2` per session, a guild of 30,000 spent 0.9–2.1 s per publish,
//! and fell behind its own mailbox. Manifold fixed it by making the guild send **once per node**
//! and letting each node fan the event out to its own sessions, in parallel, in order.
//!
//! The lab's model, on the [`cluster`] crate:
//!
//! - node 0 is the **guild node**; nodes 1..=N (N = 4 by default) are **session nodes**;
//! - every member session is a cluster process whose mailbox takes [`Event`]s;
//! - the guild publishes from *inside its own process*, so whatever [`Fanout::publish`] costs is
//!   time the guild cannot spend on anything else.
//!
//! The files:
//!
//! | file | what |
//! | --- | --- |
//! | [`naive`] | one send per member: the blog's "before" (complete) |
//! | `labs/fanout/src/manifold.rs` (crate `lab-fanout`) | **the file you edit**: Manifold, as signatures and `todo!()` |
//! | [`check`] | the suite both are held to ([`suite!`] declares it; `cargo test -p lab-fanout` runs it on yours) |
//! | [`sessions`], [`rig`] | member processes that check what they receive, and the guild harness |

use std::sync::Arc;

use cluster::{Cluster, Node, Pid};
use serde::{Deserialize, Serialize};

pub mod check;
pub mod naive;
pub mod rig;
pub mod sessions;

/// Bytes of payload in every presence event the lab and the scenario publish.
pub const EVENT_BODY_BYTES: usize = 256;

// ANCHOR: event
/// One event published by a guild: "something changed", with the guild's sequence number.
///
/// The body is an `Arc<[u8]>` for the same reason the BEAM keeps binaries over 64 bytes outside
/// process heaps: handing one event to many local processes should share it, not copy it. Across a
/// link it is encoded as its bytes, like any message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The guild that published it.
    pub guild: u64,
    /// The guild's publish counter: 1, 2, 3… Members use it to check order.
    pub seq: u64,
    /// The payload (a presence update: user, status, activity…), opaque here.
    pub body: Arc<[u8]>,
}
// ANCHOR_END: event

impl Event {
    /// The `seq`-th presence event of `guild`, with a [`EVENT_BODY_BYTES`]-byte body.
    pub fn presence(guild: u64, seq: u64) -> Event {
        let body: Vec<u8> = (0..EVENT_BODY_BYTES)
            .map(|i| (i as u64 ^ seq) as u8)
            .collect();
        Event {
            guild,
            seq,
            body: body.into(),
        }
    }
}

/// A guild's member list: an immutable snapshot, shared rather than copied.
///
/// A guild changes its membership rarely compared with how often it publishes, so it keeps its
/// members as one shared slice and replaces the whole snapshot when someone joins or leaves.
/// Handing it to another local process is then a reference-count increment, not a copy of
/// 30,000 pids (which would cost more than some of the strategies being measured).
pub type Members = Arc<[Pid<Event>]>;

// ANCHOR: fanout
/// A way for a guild process to deliver one event to each of its members.
///
/// Two methods, and nothing else, because that is all a guild needs and all Manifold offers:
///
/// - [`start`](Fanout::start) runs once per cluster, before any guild publishes. It is where a
///   strategy starts its per-node processes (Manifold's partitioners and workers). The naive
///   strategy starts nothing.
/// - [`publish`](Fanout::publish) is called *inside the guild process*, with that process's own
///   node handle, for every event. Whatever it costs, the guild pays. It returns without waiting
///   for delivery: like `send/2`, it is fire-and-forget.
///
/// The contract, checked by [`check`]: every member alive at publish time receives every event
/// exactly once, and for one guild and one member, events arrive in the order they were
/// published. A dead member must not stop delivery to the others.
pub trait Fanout: Send + Sync + 'static {
    /// Starts whatever the strategy needs on each node of `cluster`.
    fn start(cluster: &Cluster) -> Self
    where
        Self: Sized;

    /// Delivers `event` to every process in `members`, sending from `from` (the guild's node).
    fn publish(&self, from: &Node, members: &Members, event: Event);
}
// ANCHOR_END: fanout
