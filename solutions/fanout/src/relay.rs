//! The relay: one step beyond Manifold, after Discord's 2023 post ("Maxjourney").
//!
//! Manifold ships the receiver list with every event, so a publish to 30,000 members still groups
//! 30,000 pids in the guild and sends 30,000 pids over the network. The relay keeps the list where
//! it is used instead: each session node holds the guild's *node-local* member list, registered
//! once and then updated on join and leave. A publish is then the event alone, once per node:
//! its cost no longer depends on how many members the guild has.
//!
//! Each node runs one relay process and one relay worker per thread. The relay splits the
//! registration among its workers with Manifold's [`worker_for`], so each worker owns a fixed share
//! of the members, and forwards each event to every worker. Registration, joins, leaves and events
//! all travel the same FIFO routes (guild → relay → worker → member), so a member that joins
//! receives every event published after its join, and none before.
//!
//! The price is state: the guild must tell the relays about every join and leave, and a relay that
//! restarts must be re-registered. Discord pays it for its largest guilds, where the list is the
//! cost.

use std::collections::HashMap;
use std::sync::Mutex;

use cluster::{Cluster, Node, Pid, Process};
use fanout_kit::{Event, Fanout, Members};
use serde::{Deserialize, Serialize};

use crate::manifold::{group_by_node, worker_for};

// ANCHOR: to_relay
/// What a guild tells a node's relay, and what a relay tells its workers.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum ToRelay {
    /// The guild's members on this node (or this worker's share of them), replacing any before.
    Register {
        /// The guild.
        guild: u64,
        /// Its members here.
        members: Vec<Pid<Event>>,
    },
    /// A member on this node joined the guild.
    Join {
        /// The guild.
        guild: u64,
        /// The new member.
        member: Pid<Event>,
    },
    /// A member on this node left the guild.
    Leave {
        /// The guild.
        guild: u64,
        /// The member who left.
        member: Pid<Event>,
    },
    /// An event for every member of `event.guild` on this node.
    Publish(Event),
}
// ANCHOR_END: to_relay

/// What the guild side remembers about one guild's registration.
struct Registered {
    /// The member snapshot the relays hold, to notice when the guild hands over a new one.
    snapshot: Members,
    /// Members registered on each node; a publish goes to the nodes with any.
    per_node: Vec<usize>,
}

/// Relays on every node, and the guild side's record of what they hold.
pub struct Relay {
    /// The relay process of each node, indexed by node.
    relays: Vec<Pid<ToRelay>>,
    guilds: Mutex<HashMap<u64, Registered>>,
}

impl Relay {
    /// Registers `members` as the whole membership of `guild`, replacing any earlier list, and
    /// remembers `members` as the current snapshot.
    pub fn register(&self, from: &Node, guild: u64, members: &Members) {
        let mut guilds = self.guilds.lock().expect("relay lock");
        let old = guilds.remove(&guild);
        let by_node = group_by_node(members, self.relays.len());
        let per_node: Vec<usize> = by_node.iter().map(Vec::len).collect();
        for (node, members) in by_node.into_iter().enumerate() {
            let had = old.as_ref().is_some_and(|old| old.per_node[node] > 0);
            if had || !members.is_empty() {
                let _ = from.send(self.relays[node], ToRelay::Register { guild, members });
            }
        }
        let snapshot = Members::clone(members);
        guilds.insert(guild, Registered { snapshot, per_node });
    }

    /// `member` joined `guild`; `now` is the guild's new member snapshot (with `member`).
    pub fn join(&self, from: &Node, guild: u64, member: Pid<Event>, now: &Members) {
        self.update(from, guild, now, member, 1, ToRelay::Join { guild, member });
    }

    /// `member` left `guild`; `now` is the guild's new member snapshot (without `member`).
    pub fn leave(&self, from: &Node, guild: u64, member: Pid<Event>, now: &Members) {
        self.update(
            from,
            guild,
            now,
            member,
            -1,
            ToRelay::Leave { guild, member },
        );
    }

    fn update(
        &self,
        from: &Node,
        guild: u64,
        now: &Members,
        member: Pid<Event>,
        change: isize,
        message: ToRelay,
    ) {
        let node = member.node().index();
        {
            let mut guilds = self.guilds.lock().expect("relay lock");
            if let Some(registered) = guilds.get_mut(&guild) {
                registered.per_node[node] = registered.per_node[node].saturating_add_signed(change);
                registered.snapshot = Members::clone(now);
                drop(guilds);
                let _ = from.send(self.relays[node], message);
                return;
            }
        }
        self.register(from, guild, now); // not registered yet: register the whole list
    }

    // ANCHOR: relay_send
    /// Sends `event` to every registered member of its guild: one message per node with members.
    pub fn send(&self, from: &Node, event: Event) {
        let guilds = self.guilds.lock().expect("relay lock");
        let Some(registered) = guilds.get(&event.guild) else {
            return; // nobody registered: nobody to tell
        };
        for (node, &members) in registered.per_node.iter().enumerate() {
            if members > 0 {
                let _ = from.send(self.relays[node], ToRelay::Publish(event.clone()));
            }
        }
    }
    // ANCHOR_END: relay_send
}

impl Fanout for Relay {
    fn start(cluster: &Cluster) -> Self {
        let relays = cluster
            .nodes()
            .map(|node| {
                let threads = node.runtime().metrics().num_workers();
                let workers: Vec<Pid<ToRelay>> =
                    (0..threads).map(|_| node.spawn(relay_worker)).collect();
                node.spawn(move |inbox| relay(inbox, workers))
            })
            .collect();
        Relay {
            relays,
            guilds: Mutex::new(HashMap::new()),
        }
    }

    // ANCHOR: relay_publish
    /// Registers the member snapshot the first time it is seen (a new snapshot means the
    /// membership changed without [`Relay::join`] or [`Relay::leave`]), then sends the event alone.
    fn publish(&self, from: &Node, members: &Members, event: Event) {
        let current = {
            let guilds = self.guilds.lock().expect("relay lock");
            guilds
                .get(&event.guild)
                .is_some_and(|registered| Members::ptr_eq(&registered.snapshot, members))
        };
        if !current {
            self.register(from, event.guild, members);
        }
        self.send(from, event);
    }
    // ANCHOR_END: relay_publish
}

/// A node's relay: hands each worker its share of a registration, and every event to every worker.
async fn relay(mut inbox: Process<ToRelay>, workers: Vec<Pid<ToRelay>>) {
    while let Some(message) = inbox.recv().await {
        let node = inbox.node();
        match message {
            ToRelay::Register { guild, members } => {
                let mut shares = vec![Vec::new(); workers.len()];
                for member in members {
                    shares[worker_for(member, workers.len())].push(member);
                }
                for (worker, members) in workers.iter().zip(shares) {
                    let _ = node.send(*worker, ToRelay::Register { guild, members });
                }
            }
            ToRelay::Join { member, .. } | ToRelay::Leave { member, .. } => {
                let _ = node.send(workers[worker_for(member, workers.len())], message);
            }
            ToRelay::Publish(event) => {
                for worker in &workers {
                    let _ = node.send(*worker, ToRelay::Publish(event.clone()));
                }
            }
        }
    }
}

/// A relay worker: keeps its share of each guild's members and delivers events to them.
async fn relay_worker(mut inbox: Process<ToRelay>) {
    let mut guilds: HashMap<u64, Vec<Pid<Event>>> = HashMap::new();
    while let Some(message) = inbox.recv().await {
        match message {
            ToRelay::Register { guild, members } => {
                guilds.insert(guild, members);
            }
            ToRelay::Join { guild, member } => {
                let members = guilds.entry(guild).or_default();
                if !members.contains(&member) {
                    members.push(member);
                }
            }
            ToRelay::Leave { guild, member } => {
                if let Some(members) = guilds.get_mut(&guild) {
                    members.retain(|&m| m != member);
                }
            }
            ToRelay::Publish(event) => {
                for &member in guilds.get(&event.guild).into_iter().flatten() {
                    let _ = inbox.node().send(member, event.clone());
                }
            }
        }
    }
}
