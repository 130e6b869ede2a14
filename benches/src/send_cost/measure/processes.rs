//! Rigs that send through the cluster, process to process: the Rust counterparts of the blog's
//! `send/2`, and its consequence.
//!
//! [`ClusterSend`] times one send to a process on the sender's node or on another; [`OneByOne`]
//! is the blog's "before": a guild process that sends an event to each of its members, one send
//! per member, so the reader sees a publish cost grow with the guild. Both run on a two-node
//! cluster whose sender is node 0, with the receivers on node 0 or node 1.

use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

use cluster::{Cluster, NodeId, Pid, Process, Transport};

use crate::send_cost::measure::event::Presence;
use crate::send_cost::measure::rigs::{PATIENCE, Place, Received, SendRig, Via, Waits};

/// A cluster send: to a process on the sender's node, or across a link to another node.
pub struct ClusterSend {
    cluster: Cluster,
    target: Pid<Presence>,
    received: Received,
    sent: u64,
    via: Via,
}

impl ClusterSend {
    /// A two-node cluster with a receiving process on node 0 (`remote == false`) or node 1; the
    /// sender uses node 0's handle. Links in memory.
    pub fn new(remote: bool) -> std::io::Result<Self> {
        ClusterSend::over(remote, Transport::Memory)
    }

    /// [`ClusterSend::new`] on a cluster whose links use `transport`.
    pub fn over(remote: bool, transport: Transport) -> std::io::Result<Self> {
        ClusterSend::on(Via::to(Place::of(remote, transport)), transport)
    }

    /// The cluster send `via` (to a process on node 0 or node 1, as its place says), on a
    /// two-node cluster whose links use `transport` and the bound `via` names.
    pub fn on(via: Via, transport: Transport) -> std::io::Result<Self> {
        let facts = via.facts();
        let remote = matches!(facts.place, Some(Place::OtherNode(_)));
        let cluster = Cluster::builder()
            .nodes(2)
            .threads_per_node(1)
            .transport(transport)
            .link_bound(facts.bound)
            .build()?;
        let received = Received::default();
        let counter = received.clone();
        let home = cluster.node(usize::from(remote));
        let target = home.spawn(move |mut inbox: Process<Presence>| async move {
            while let Some(event) = inbox.recv().await {
                counter.take(event);
            }
        });
        Ok(ClusterSend {
            cluster,
            target,
            received,
            sent: 0,
            via,
        })
    }

    /// Sends `n` events without timing or waiting (for instruction counts).
    pub fn send_only(&self, n: u64) {
        let sender = self.cluster.node(0);
        for seq in 0..n {
            sender
                .send(self.target, Presence::numbered(seq))
                .expect("the receiver is alive");
        }
    }
}

impl SendRig for ClusterSend {
    fn via(&self) -> Via {
        self.via
    }

    fn send_batch(&mut self, n: u64) -> Result<Duration, String> {
        let sender = self.cluster.node(0);
        let start = Instant::now();
        for seq in 0..n {
            sender
                .send(self.target, Presence::numbered(seq))
                .map_err(|e| e.to_string())?;
        }
        let spent = start.elapsed();
        self.sent += n;
        self.received.wait_for(self.sent, self.key())?;
        Ok(spent)
    }

    fn link_waits(&self) -> Option<Waits> {
        let link = self.cluster.stats().link(NodeId(0), self.target.node())?;
        Some(Waits {
            suspensions: link.suspensions,
            suspended_ns: link.suspended_ns,
        })
    }
}

/// One guild process sending one event to each of its members, one send per member: the blog's
/// "before", on the cluster.
pub struct OneByOne {
    cluster: Cluster,
    guild: Pid<u64>,
    guild_times: std_mpsc::Receiver<Duration>,
    received: Received,
    members: u64,
    published: u64,
    via: Via,
}

impl OneByOne {
    /// A guild on node 0 with `members` member processes on node 0 (`remote == false`) or node 1.
    /// Links in memory.
    pub fn new(members: usize, remote: bool) -> std::io::Result<Self> {
        OneByOne::over(members, remote, Transport::Memory)
    }

    /// [`OneByOne::new`] on a cluster whose links use `transport`.
    pub fn over(members: usize, remote: bool, transport: Transport) -> std::io::Result<Self> {
        let cluster = Cluster::builder()
            .nodes(2)
            .threads_per_node(1)
            .transport(transport)
            .build()?;
        let received = Received::default();
        let home = cluster.node(usize::from(remote));
        let member_pids: Vec<Pid<Presence>> = (0..members)
            .map(|_| {
                let counter = received.clone();
                home.spawn(move |mut inbox: Process<Presence>| async move {
                    while let Some(event) = inbox.recv().await {
                        counter.take(event);
                    }
                })
            })
            .collect();
        let (report, guild_times) = std_mpsc::channel();
        // ANCHOR: one_by_one
        let guild = cluster
            .node(0)
            .spawn(move |mut inbox: Process<u64>| async move {
                while let Some(seq) = inbox.recv().await {
                    let start = Instant::now();
                    for &member in &member_pids {
                        let _ = inbox.node().send(member, Presence::numbered(seq));
                    }
                    let _ = report.send(start.elapsed());
                }
            });
        // ANCHOR_END: one_by_one
        Ok(OneByOne {
            cluster,
            guild,
            guild_times,
            received,
            members: members as u64,
            published: 0,
            via: Via::to(Place::of(remote, transport)),
        })
    }

    /// Where its members are: [`Via::ClusterLocal`] or a remote one.
    pub fn via(&self) -> Via {
        self.via
    }

    /// Its results key (`one_by_one_30k_ns.<key>`): its [`Via`]'s.
    pub fn key(&self) -> &'static str {
        self.via.facts().key
    }

    /// Publishes one event. Returns the time spent inside the guild process, and the time from the
    /// publish request until the last member had the event.
    pub fn publish(&mut self) -> Result<(Duration, Duration), String> {
        let what = self.key();
        let start = Instant::now();
        self.cluster
            .node(0)
            .send(self.guild, self.published)
            .map_err(|e| e.to_string())?;
        self.published += 1;
        self.received
            .wait_for(self.published * self.members, what)?;
        let delivered = start.elapsed();
        let in_guild = self
            .guild_times
            .recv_timeout(PATIENCE)
            .map_err(|_| format!("{what}: the guild never reported its publish time"))?;
        Ok((in_guild, delivered))
    }
}
