//! The processes of the model: ring processes, registries, guilds, and a tally on every session
//! node that counts the presence events its sessions receive.
//!
//! Each takes the next message, spends its cost in virtual time, and does what Discord's did. None
//! of them checks whether a caller still waits before doing the work (on the BEAM they could not),
//! so a request whose caller timed out costs as much as a fresh one.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cluster::{Pid, Process, Request};
use fanout_kit::naive::Naive;
use fanout_kit::{Event, Fanout, Members};
use ring_kit::naive::RingCall;
use semaphore_kit::Lookup;
use serde::{Deserialize, Serialize};
use solution_fanout::manifold::Manifold;
use tokio::time::{Instant, sleep_until};

use super::config::Config;
use super::metrics::Metrics;
use super::strategy::FanoutWay;
use crate::reconnect::population::{GUILD_NODES, Population, SESSION_NODES};

/// What a session sends to join a guild.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub(crate) struct JoinBody {
    /// The session (its index in the population).
    pub(crate) session: u32,
    /// Its session node.
    pub(crate) node: u16,
    /// When it sent the join (virtual ns): the moment its presence should go out.
    pub(crate) sent_ns: u64,
}

/// A join is a call; the guild replies once the session is a member.
pub(crate) type Join = Request<JoinBody, ()>;

/// A process's own schedule of work. Costs add up exactly even though timers fire on whole
/// milliseconds: back-to-back work continues from where the last piece *should* have ended, not
/// from the (rounded-up) moment the timer woke the process.
pub(crate) struct Busy {
    until: Instant,
}

impl Busy {
    pub(crate) fn new() -> Busy {
        Busy {
            until: Instant::now(),
        }
    }

    /// A new piece of work begins: right after the last one if the process had more waiting
    /// (`idle == false`), now if it had been waiting for a message.
    pub(crate) fn resume(&mut self, idle: bool) {
        if idle {
            self.until = self.until.max(Instant::now());
        }
    }

    /// Spends `seconds` of the process's time.
    pub(crate) async fn work(&mut self, seconds: f64) {
        self.until += Duration::from_secs_f64(seconds);
        if self.until > Instant::now() {
            sleep_until(self.until).await;
        }
    }
}

/// One presence event as the guild published it.
pub(crate) struct Publication {
    /// When the join that caused it was sent (virtual ns).
    pub(crate) published_ns: u64,
    /// Real members on each session node alive at that moment.
    pub(crate) members: [u64; SESSION_NODES],
    /// Session nodes the guild has sent it to, and those whose tally has it (bit per node).
    pub(crate) addressed: u16,
    pub(crate) received: u16,
    /// When the guild sent it to the last node it addressed (virtual ns).
    pub(crate) last_addressed_ns: u64,
}

/// What one guild has done, kept where the checks can read it: its members and its events.
#[derive(Default)]
pub(crate) struct GuildLedger {
    /// One flag per expected joiner (`Guild::joiners` order): has the guild taken its join?
    pub(crate) joined: Vec<bool>,
    /// Its presence events, by sequence number − 1.
    pub(crate) publications: Vec<Publication>,
}

/// What every process of one run shares.
pub(crate) struct Common {
    pub(crate) population: Arc<Population>,
    pub(crate) config: Config,
    pub(crate) metrics: Metrics,
    pub(crate) ledgers: Vec<Mutex<GuildLedger>>,
    /// Broken invariants, in words (the first few), and how many.
    violations: Mutex<(Vec<String>, u64)>,
}

impl Common {
    pub(crate) fn new(population: Arc<Population>, config: Config) -> Common {
        let ledgers = population
            .guilds
            .iter()
            .map(|guild| {
                Mutex::new(GuildLedger {
                    joined: vec![false; guild.joiners.len()],
                    publications: Vec::new(),
                })
            })
            .collect();
        Common {
            metrics: Metrics::new(GUILD_NODES, population.guilds.len()),
            config,
            ledgers,
            population,
            violations: Mutex::new((Vec::new(), 0)),
        }
    }

    /// Records a broken invariant.
    pub(crate) fn violation(&self, what: String) {
        let mut violations = self.violations.lock().expect("violations lock");
        if violations.0.len() < 5 {
            violations.0.push(what);
        }
        violations.1 += 1;
    }

    /// The broken invariants, if any: the first few and the count.
    pub(crate) fn violations(&self) -> Option<String> {
        let violations = self.violations.lock().expect("violations lock");
        (violations.1 > 0).then(|| format!("{} ({} in all)", violations.0.join("; "), violations.1))
    }

    pub(crate) fn ledger(&self, guild: usize) -> std::sync::MutexGuard<'_, GuildLedger> {
        self.ledgers[guild].lock().expect("ledger lock")
    }
}

// ANCHOR: ring_process
/// The ring process of one session node, as Discord had it: the lab's own process
/// (`ring_kit::naive::ring_process`, spawned at `ring`), behind its mailbox. Each lookup takes the
/// profile's time here, then the ring process answers the caller directly.
pub(crate) async fn ring_front(
    mut inbox: Process<RingCall>,
    ring: Pid<RingCall>,
    common: Arc<Common>,
) {
    let cost = common.config.costs.ring_lookup;
    let mut busy = Busy::new();
    loop {
        let idle = inbox.backlog() == 0;
        let Some(call) = inbox.recv().await else {
            return;
        };
        common.metrics.ring_dequeued();
        busy.resume(idle);
        busy.work(cost).await;
        if let RingCall::Lookup(request) = &call {
            let gone = !request.caller_waiting(inbox.node());
            common.metrics.ring.served(cost, gone);
        }
        let _ = inbox.node().send(ring, call);
    }
}
// ANCHOR_END: ring_process

// ANCHOR: registry
/// A guild node's registry: "where is guild g?", answered with the guild's pid.
pub(crate) async fn registry(
    mut inbox: Process<Lookup>,
    index: usize,
    guilds: Arc<[u32]>,
    common: Arc<Common>,
) {
    let cost = common.config.costs.call;
    let queue = &common.metrics.registry_queues[index];
    let mut busy = Busy::new();
    loop {
        let idle = inbox.backlog() == 0;
        let Some(request) = inbox.recv().await else {
            return;
        };
        queue.store(inbox.backlog() + 1, std::sync::atomic::Ordering::Relaxed);
        busy.resume(idle);
        busy.work(cost).await; // done whether or not anyone still waits
        let guild = request.body as usize;
        if common.population.guilds[guild].owner != index {
            common.violation(format!(
                "registry {index} was asked for guild {guild}, which it does not hold"
            ));
        }
        let gone = request
            .reply(inbox.node(), u64::from(guilds[guild]))
            .is_err();
        common.metrics.registry.served(cost, gone);
        queue.store(inbox.backlog(), std::sync::atomic::Ordering::Relaxed);
    }
}
// ANCHOR_END: registry

/// How a guild sends its presence events: the lab's naive fanout or the reference Manifold.
pub(crate) enum Fan {
    Naive(Naive),
    Manifold(Manifold),
}

/// What a guild needs besides [`Common`]: its fanout and every session node's tally.
pub(crate) struct Guilds {
    pub(crate) common: Arc<Common>,
    pub(crate) fan: Fan,
    /// The tally process of each session node: the pid a presence event is sent to.
    pub(crate) tallies: Vec<Pid<Event>>,
    /// Every presence event's body.
    pub(crate) body: Arc<[u8]>,
}

// ANCHOR: guild
/// A guild: takes joins one at a time, replies, and publishes a presence event to its members.
pub(crate) async fn guild(mut inbox: Process<Join>, index: usize, guilds: Arc<Guilds>) {
    let common = &guilds.common;
    let plan = &common.population.guilds[index];
    let cost = common.config.costs.call;
    let mut joined_on = [0u64; SESSION_NODES]; // simulated sessions that joined, per node
    let mut seq = 0;
    let mut busy = Busy::new();
    loop {
        let idle = inbox.backlog() == 0;
        let Some(join) = inbox.recv().await else {
            return;
        };
        common.metrics.guild_dequeued(index);
        busy.resume(idle);
        busy.work(cost).await;
        let body = join.body;
        let gone = join.reply(inbox.node(), ()).is_err();
        common.metrics.join.served(cost, gone);
        let Ok(position) = plan.joiners.binary_search(&body.session) else {
            common.violation(format!(
                "session {} joined guild {index}, not one of its guilds",
                body.session
            ));
            continue;
        };
        let new = !std::mem::replace(&mut common.ledger(index).joined[position], true);
        if new {
            // A member already in (a retry after a timeout) is answered, not announced again.
            joined_on[usize::from(body.node)] += 1;
            seq += 1;
            publish(
                &guilds,
                index,
                seq,
                body.sent_ns,
                &joined_on,
                &mut busy,
                &inbox,
            )
            .await;
        }
    }
}
// ANCHOR_END: guild

/// Publishes presence event `seq` of guild `index` to every member alive now, paying the
/// fanout's cost in the guild's own time.
async fn publish(
    guilds: &Guilds,
    index: usize,
    seq: u64,
    published_ns: u64,
    joined_on: &[u64; SESSION_NODES],
    busy: &mut Busy,
    inbox: &Process<Join>,
) {
    let common = &guilds.common;
    let population = &common.population;
    let costs = &common.config.costs;
    let steady = population.guilds[index].steady_per_node;
    let members: [u64; SESSION_NODES] = std::array::from_fn(|node| {
        if node < population.restarting {
            (joined_on[node] as f64 * population.members_per_joiner()).round() as u64
        } else {
            steady
        }
    });
    common.ledger(index).publications.push(Publication {
        published_ns,
        members,
        addressed: 0,
        received: 0,
        last_addressed_ns: 0,
    });
    // The presence itself (who came online, with which status) is opaque here; what it costs
    // comes from the profile, so a short body keeps the encoding out of the run's wall time.
    let event = Event {
        guild: index as u64,
        seq,
        body: Arc::clone(&guilds.body),
    };
    let addressed = |nodes: &[usize]| {
        let mut ledger = common.ledger(index);
        let publication = &mut ledger.publications[seq as usize - 1];
        for &node in nodes {
            publication.addressed |= 1 << node;
        }
        publication.last_addressed_ns = common.metrics.now_ns();
    };
    let to: Vec<usize> = (0..SESSION_NODES).filter(|&n| members[n] > 0).collect();
    let node = inbox.node();
    let started = common.metrics.now_ns();
    // ANCHOR: fanout
    match &guilds.fan {
        Fan::Naive(naive) => {
            // One send per member: the guild is busy for every one of them. The tally of a node
            // stands for its members, so it gets the event after its members' sends are paid.
            for &n in &to {
                busy.work(members[n] as f64 * costs.send).await;
                addressed(&[n]);
                let one: Members = Arc::from([guilds.tallies[n]]);
                naive.publish(node, &one, event.clone());
            }
        }
        Fan::Manifold(manifold) => {
            // One send per node, carrying the node's receivers: Manifold's partitioner and
            // workers there fan it out.
            let receivers: u64 = to.iter().map(|&n| members[n]).sum();
            busy.work(to.len() as f64 * costs.node_send + receivers as f64 * costs.per_receiver)
                .await;
            addressed(&to);
            let tallies: Members = to.iter().map(|&n| guilds.tallies[n]).collect();
            manifold.publish(node, &tallies, event);
        }
    }
    // ANCHOR_END: fanout
    let spent = common.metrics.now_ns().saturating_sub(started);
    common
        .metrics
        .publishing_ns
        .fetch_add(spent, std::sync::atomic::Ordering::Relaxed);
}

/// How many pieces a node's deliveries are spread over when recording their latencies.
const PIECES: u64 = 8;

// ANCHOR: tally
/// A session node's tally: receives each presence event once for all the node's members of the
/// guild, checks it is new and in order, and counts its deliveries and their latencies.
pub(crate) async fn tally(mut inbox: Process<Event>, node: usize, common: Arc<Common>) {
    let mut last_seq = vec![0u64; common.population.guilds.len()];
    // Naive sends reach the node's members one by one, `spacing` apart, the last just now.
    let spacing = match common.config.strategy.fanout {
        FanoutWay::Naive => common.config.costs.send,
        FanoutWay::Manifold => 0.0,
    };
    while let Some(event) = inbox.recv().await {
        let guild = event.guild as usize;
        if event.seq <= last_seq[guild] {
            common.violation(format!(
                "node {node} got guild {guild}'s event {} after event {}",
                event.seq, last_seq[guild]
            ));
        }
        last_seq[guild] = event.seq;
        let now = common.metrics.now_ns();
        let (members, published_ns) = {
            let mut ledger = common.ledger(guild);
            let Some(publication) = ledger.publications.get_mut(event.seq as usize - 1) else {
                drop(ledger);
                common.violation(format!(
                    "node {node} got guild {guild}'s event {}, never published",
                    event.seq
                ));
                continue;
            };
            let bit = 1 << node;
            if publication.received & bit != 0 || publication.addressed & bit == 0 {
                let what = if publication.received & bit != 0 {
                    "twice"
                } else {
                    "unaddressed"
                };
                drop(ledger);
                common.violation(format!(
                    "node {node} got guild {guild}'s event {} {what}",
                    event.seq
                ));
                continue;
            }
            publication.received |= bit;
            (publication.members[node], publication.published_ns)
        };
        let mut histogram = common.metrics.presence.lock().expect("presence lock");
        let pieces = PIECES.min(members.max(1));
        for piece in 0..pieces {
            let weight = members / pieces + u64::from(piece < members % pieces);
            let before_now =
                (members as f64 * (1.0 - (piece as f64 + 0.5) / pieces as f64)) * spacing;
            let latency = (now.saturating_sub(published_ns)) as f64 / 1e9 - before_now;
            histogram.record(latency.max(0.0), weight);
        }
    }
}
// ANCHOR_END: tally
