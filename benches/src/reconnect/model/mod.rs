//! The reconnect storm in virtual time: all three bottlenecks of the blog on one cluster.
//!
//! The cluster (the `cluster` crate's virtual-time mode) has ten guild nodes, each with one
//! registry and the guild processes the ring places there, and ten session nodes. Some session
//! nodes restart: their sessions reconnect within a second, and each one, for each of its five
//! guilds, in turn:
//!
//! 1. finds the guild's node on the ring: a call to its node's **ring process** (the ring lab's
//!    `ring_process`), or a read of the ring in **FastGlobal** (the ring lab's reference);
//! 2. asks that node's registry for the guild: a call through the semaphore lab's `Client`,
//!    **unguarded** or under the reference **semaphore**, with the stampede's timeout and backoff;
//! 3. joins the guild: a call the guild answers before publishing a presence event to every
//!    member alive, with the fanout lab's **naive** sends or the reference **Manifold**.
//!
//! Every call times out after 5 s and is retried after 1 s ± 50 %, and a timed-out request stays
//! queued and is served for nobody. Each step costs what the profile says, times the population's
//! scale ([`super::population`]); nothing else takes time.
//!
//! Presence events are delivered to one tally process per session node that stands for all its
//! members of the guild (hundreds of millions of one-by-one deliveries would not fit the time),
//! and counted there: every event must reach every node that had members when it was published,
//! once, in order.

mod metrics;
mod processes;
mod session;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use cluster::{Cluster, ClusterStats};
use fanout_kit::Fanout as _;
use fanout_kit::naive::Naive;
use ring_kit::Global as _;
use ring_kit::naive::ring_process;
use semaphore_kit::Client;
use semaphore_kit::naive::Unguarded;
use serde::Serialize;
use solution_fanout::manifold::Manifold;
use solution_ring::FastGlobal;
use solution_semaphore::{Guarded, Semaphore};
use tokio::time::{Instant, sleep_until};

use self::metrics::Sampler;
pub use self::metrics::{Calls, Tick};
use self::processes::{Common, Fan, Guilds, guild, registry, ring_front, tally};
use self::session::Sessions;
use crate::reconnect::costs::Scaled;
use crate::reconnect::population::{GUILD_NODES, GUILDS_PER_SESSION, Population, SESSION_NODES};

/// How sessions find a guild's node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RingWay {
    /// A call to the node's ring process.
    Actor,
    /// A read of the ring in FastGlobal.
    FastGlobal,
}

/// Whether the registry calls go through a semaphore.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard {
    /// Every call goes out.
    Unguarded,
    /// At most `limit` calls in flight per (session node, registry); over it, bail at once.
    Semaphore,
}

/// How a guild sends a presence event to its members.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FanoutWay {
    /// One send per member.
    Naive,
    /// One send per node, with its receivers (Manifold).
    Manifold,
}

/// One combination of fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Strategy {
    /// Ring lookups.
    pub ring: RingWay,
    /// Registry calls.
    pub guard: Guard,
    /// Presence fanout.
    pub fanout: FanoutWay,
}

impl Strategy {
    /// All eight, no fix first, every fix last.
    pub const ALL: [Strategy; 8] = {
        let mut all = [Strategy {
            ring: RingWay::Actor,
            guard: Guard::Unguarded,
            fanout: FanoutWay::Naive,
        }; 8];
        let mut i = 0;
        while i < 8 {
            all[i] = Strategy {
                ring: if i & 4 == 0 {
                    RingWay::Actor
                } else {
                    RingWay::FastGlobal
                },
                guard: if i & 2 == 0 {
                    Guard::Unguarded
                } else {
                    Guard::Semaphore
                },
                fanout: if i & 1 == 0 {
                    FanoutWay::Naive
                } else {
                    FanoutWay::Manifold
                },
            };
            i += 1;
        }
        all
    };

    /// `ring/guard/fanout`, as the results file keys it: `actor/unguarded/naive`.
    pub fn key(self) -> String {
        let ring = match self.ring {
            RingWay::Actor => "actor",
            RingWay::FastGlobal => "fastglobal",
        };
        let guard = match self.guard {
            Guard::Unguarded => "unguarded",
            Guard::Semaphore => "semaphore",
        };
        let fanout = match self.fanout {
            FanoutWay::Naive => "naive",
            FanoutWay::Manifold => "manifold",
        };
        format!("{ring}/{guard}/{fanout}")
    }
}

/// Everything one run depends on besides the population. The same config and population always
/// give the same run.
#[derive(Clone, Debug)]
pub struct Config {
    /// The combination of fixes.
    pub strategy: Strategy,
    /// What each step costs in virtual time (already scaled).
    pub costs: Scaled,
    /// Calls in flight per (session node, registry) the semaphore allows (simulated calls).
    pub limit: usize,
    /// How long a session waits for any reply.
    pub call_timeout: Duration,
    /// Wait before retrying a failed call...
    pub backoff: Duration,
    /// ... give or take this fraction of it.
    pub jitter: f64,
    /// How long to simulate.
    pub duration: Duration,
    /// How often queues are sampled.
    pub tick: Duration,
    /// Keep one timeline point every this many ticks.
    pub keep_every: usize,
    /// Seed of the sessions' backoff jitter.
    pub seed: u64,
}

/// What one run produced.
#[derive(Clone, Debug, Serialize)]
pub struct Run {
    /// The summary.
    pub figures: Figures,
    /// One point every `keep_every` ticks.
    pub timeline: Vec<Tick>,
}

/// The summary of one run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figures {
    /// Sessions that joined all five guilds, as a fraction of all.
    pub served_fraction: f64,
    /// When the last of them was served, in seconds; `None` if some never were.
    pub time_to_all_served_s: Option<f64>,
    /// The shortest time capacity alone allows: no process can finish its work sooner.
    pub ideal_s: f64,
    /// The most requests waiting at all registries together (sampled every tick).
    pub peak_registry_queue: u64,
    /// The most joins waiting in one guild's mailbox.
    pub peak_guild_backlog: u64,
    /// The most lookups waiting at all ring processes together.
    pub peak_ring_queue: u64,
    /// Work spent serving calls whose caller had given up, as a fraction of all work serving
    /// calls (ring lookups, registry calls and joins; publishing is not a call).
    pub wasted_work_fraction: f64,
    /// 99th percentile of presence latency, from the join reaching the guild to a member having
    /// the event, over every delivery; `None` if nothing was delivered.
    pub presence_p99_s: Option<f64>,
    /// The median of the same.
    pub presence_p50_s: Option<f64>,
    /// Ring lookups, registry calls and joins.
    pub calls: StageCalls,
    /// Presence events: published, delivered, in flight at the end.
    pub presence: Presence,
    /// Virtual seconds guilds spent publishing, all together.
    pub guild_publishing_s: f64,
}

/// Each stage's calls.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct StageCalls {
    /// Lookups through the ring processes.
    pub ring: Calls,
    /// Registry calls.
    pub registry: Calls,
    /// Joins.
    pub join: Calls,
}

/// What happened to the presence events.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Presence {
    /// Events published (one per new member).
    pub events: u64,
    /// (event, session node) deliveries made; each is one message to the node's tally.
    pub node_deliveries: u64,
    /// Members reached, counted at the tallies (each simulated one stands for `scale` real).
    pub member_deliveries: u64,
    /// Members that events already sent were still on their way to when the run ended.
    pub member_deliveries_in_flight: u64,
}

/// A name for runs of the same model on one cluster, so their FastGlobal names never collide.
static RUNS: AtomicU64 = AtomicU64::new(0);

// ANCHOR: simulate
/// Runs one combination on `population` and checks its conservation laws. An error is a broken
/// invariant, in one sentence.
pub fn simulate(population: &Arc<Population>, config: &Config) -> Result<Run, String> {
    match config.strategy.guard {
        Guard::Unguarded => run(population, config, Unguarded),
        Guard::Semaphore => {
            let nodes = GUILD_NODES + SESSION_NODES;
            let client = Guarded::<Semaphore>::new(nodes, GUILD_NODES, config.limit);
            run(population, config, client)
        }
    }
}
// ANCHOR_END: simulate

fn run<C: Client>(population: &Arc<Population>, config: &Config, client: C) -> Result<Run, String> {
    let cluster = Cluster::virtual_time(GUILD_NODES + SESSION_NODES)
        .map_err(|e| format!("could not start a cluster: {e}"))?;
    let session_node = |n: usize| cluster.node(GUILD_NODES + n);
    cluster.block_on(async {
        let start = Instant::now();
        let common = Arc::new(Common::new(Arc::clone(population), config.clone()));
        let tallies = (0..SESSION_NODES)
            .map(|n| {
                let common = Arc::clone(&common);
                session_node(n).spawn(move |inbox| tally(inbox, n, common))
            })
            .collect();
        let fan = match config.strategy.fanout {
            FanoutWay::Naive => Fan::Naive(Naive::start(&cluster)),
            FanoutWay::Manifold => Fan::Manifold(Manifold::start(&cluster)),
        };
        let guilds = Arc::new(Guilds {
            common: Arc::clone(&common),
            fan,
            tallies,
            body: Arc::from(&b"online"[..]),
        });
        let guild_pids: Vec<_> = population
            .guilds
            .iter()
            .enumerate()
            .map(|(index, plan)| {
                let guilds = Arc::clone(&guilds);
                cluster
                    .node(plan.owner)
                    .spawn(move |inbox| guild(inbox, index, guilds))
            })
            .collect();
        let locals: Arc<[u32]> = guild_pids.iter().map(|pid| pid.local()).collect();
        let registries = (0..GUILD_NODES)
            .map(|index| {
                let (locals, common) = (Arc::clone(&locals), Arc::clone(&common));
                cluster
                    .node(index)
                    .spawn(move |inbox| registry(inbox, index, locals, common))
            })
            .collect();
        let rings = (0..population.restarting)
            .map(|n| {
                let node = session_node(n);
                let ring = population.ring.clone();
                let owner = node.spawn(move |inbox| ring_process(inbox, ring));
                let common = Arc::clone(&common);
                node.spawn(move |inbox| ring_front(inbox, owner, common))
            })
            .collect();
        let name = format!("reconnect-ring-{}", RUNS.fetch_add(1, Relaxed));
        let fastglobal = FastGlobal::<ring_kit::Ring>::named(&name);
        fastglobal.put(population.ring.clone());
        let sessions = Arc::new(Sessions {
            common: Arc::clone(&common),
            client,
            registries,
            rings,
            fastglobal,
            guilds: guild_pids,
        });
        let tasks: Vec<_> = population
            .sessions
            .iter()
            .enumerate()
            .map(|(id, plan)| {
                let node = session_node(plan.node);
                node.runtime()
                    .spawn(Arc::clone(&sessions).run(node.clone(), id))
            })
            .collect();

        let mut sampler = Sampler::new(population.sessions.len(), config.keep_every);
        let ticks = (config.duration.as_nanos() / config.tick.as_nanos()) as u32;
        for i in 1..=ticks {
            sleep_until(start + config.tick * i).await;
            sampler.sample(&common.metrics);
        }
        let finished = tasks.iter().filter(|t| t.is_finished()).count() as u64;
        summarize(&common, sampler, finished, &cluster.stats())
    })
}

/// Checks the run's conservation laws and sums it up.
fn summarize(
    common: &Common,
    sampler: Sampler,
    finished: u64,
    stats: &ClusterStats,
) -> Result<Run, String> {
    if let Some(violations) = common.violations() {
        return Err(violations);
    }
    let metrics = &common.metrics;
    let population = &common.population;
    let sessions = population.sessions.len() as u64;
    let served = metrics.served.load(Relaxed);
    if finished != served {
        return Err(format!(
            "{} of {sessions} sessions were lost: their tasks ended without being served",
            finished.saturating_sub(served)
        ));
    }
    let calls = StageCalls {
        ring: metrics.ring.snapshot(),
        registry: metrics.registry.snapshot(),
        join: metrics.join.snapshot(),
    };
    let stages = [calls.ring, calls.registry, calls.join];
    // Every call ends as replied, rejected or timed out, or is still waiting; a session waits in
    // at most one call, and a served session in none.
    let in_flight: u64 = stages.iter().map(|c| c.in_flight_at_end).sum();
    for (name, c) in ["ring", "registry", "join"].iter().zip(&stages) {
        if c.attempted != c.replied + c.rejected + c.timed_out + c.in_flight_at_end {
            return Err(format!("{name} calls do not add up: {c:?}"));
        }
    }
    if in_flight > sessions - served {
        return Err(format!(
            "{in_flight} calls in flight at the end, but only {} sessions unserved",
            sessions - served
        ));
    }
    // What the sessions counted is what the cluster saw.
    let replied: u64 = stages.iter().map(|c| c.replied).sum();
    let timed_out: u64 = stages.iter().map(|c| c.timed_out).sum();
    let sent: u64 = stages.iter().map(|c| c.attempted - c.rejected).sum();
    if stats.timeouts != timed_out
        || stats.calls != sent
        || replied > stats.replies
        || stats.replies > replied + in_flight
    {
        return Err(format!(
            "calls do not add up: the sessions made {sent}, got {replied} replies and {timed_out} timeouts; \
             the cluster counted {} calls, {} replies and {} timeouts",
            stats.calls, stats.replies, stats.timeouts
        ));
    }
    let presence = check_presence(common)?;

    let served_for = |f: fn(&Calls) -> f64| stages.iter().map(f).sum::<f64>();
    let (useful, wasted) = (served_for(|c| c.useful_s), served_for(|c| c.wasted_s));
    let histogram = metrics.presence.lock().expect("presence lock");
    let figures = Figures {
        served_fraction: served as f64 / sessions as f64,
        time_to_all_served_s: (served == sessions)
            .then(|| metrics.last_served_ns.load(Relaxed) as f64 / 1e9),
        ideal_s: ideal_s(population, &common.config),
        peak_registry_queue: sampler.peak_registry_queue,
        peak_guild_backlog: metrics.peak_guild_backlog(),
        peak_ring_queue: metrics.peak_ring_queue(),
        wasted_work_fraction: if useful + wasted > 0.0 {
            wasted / (useful + wasted)
        } else {
            0.0
        },
        presence_p99_s: histogram.percentile(99.0),
        presence_p50_s: histogram.percentile(50.0),
        calls,
        presence,
        guild_publishing_s: metrics.publishing_ns.load(Relaxed) as f64 / 1e9,
    };
    Ok(Run {
        figures,
        timeline: sampler.timeline,
    })
}

/// Every presence event reached every session node that had members when it was published,
/// exactly once (the tallies refuse a second copy or an unaddressed one as they go); the only
/// ones missing are those the guild sent at the very last instant. And every served session is a
/// member of each of its guilds, each member announced once.
fn check_presence(common: &Common) -> Result<Presence, String> {
    let now = common.metrics.now_ns();
    let population = &common.population;
    let mut presence = Presence {
        events: 0,
        node_deliveries: 0,
        member_deliveries: 0,
        member_deliveries_in_flight: 0,
    };
    let mut members_joined = vec![0u32; population.sessions.len()];
    for (index, plan) in population.guilds.iter().enumerate() {
        let ledger = common.ledger(index);
        let joined = ledger.joined.iter().filter(|&&j| j).count();
        if joined != ledger.publications.len() {
            return Err(format!(
                "guild {index} took {joined} members but announced {}",
                ledger.publications.len()
            ));
        }
        for (position, &session) in plan.joiners.iter().enumerate() {
            members_joined[session as usize] += u32::from(ledger.joined[position]);
        }
        for (seq, publication) in ledger.publications.iter().enumerate() {
            presence.events += 1;
            for node in 0..SESSION_NODES {
                let bit = 1 << node;
                let members = publication.members[node];
                let addressed = publication.addressed & bit != 0;
                if addressed && members == 0 {
                    return Err(format!(
                        "guild {index}'s event {} went to node {node}, where it had no members",
                        seq + 1
                    ));
                }
                if publication.received & bit != 0 {
                    presence.node_deliveries += 1;
                    presence.member_deliveries += members;
                } else if addressed {
                    // Sent at the very last instant, still between the guild and the tally.
                    if publication.last_addressed_ns < now {
                        return Err(format!(
                            "guild {index}'s event {} never reached node {node}",
                            seq + 1
                        ));
                    }
                    presence.member_deliveries_in_flight += members;
                }
            }
        }
    }
    let served = common.metrics.served.load(Relaxed) as usize;
    let complete = members_joined
        .iter()
        .filter(|&&m| m as usize == GUILDS_PER_SESSION)
        .count();
    if complete < served {
        return Err(format!(
            "{served} sessions were served but only {complete} are members of all their guilds"
        ));
    }
    Ok(presence)
}

// ANCHOR: ideal
/// The shortest time in which capacity alone lets every session be served: the busiest process
/// must finish its work (each ring process its lookups, each registry its calls, each guild its
/// joins and their presence events), and each session its own five lookups, calls and joins
/// after it arrives. No run can beat it; a run near it wastes nothing.
pub fn ideal_s(population: &Population, config: &Config) -> f64 {
    let costs = &config.costs;
    let lookup = match config.strategy.ring {
        RingWay::Actor => costs.ring_lookup,
        RingWay::FastGlobal => costs.fastglobal_lookup,
    };
    let per_guild = lookup + 2.0 * costs.call;
    let mut ideal = population
        .sessions
        .iter()
        .map(|s| s.arrival.as_secs_f64() + GUILDS_PER_SESSION as f64 * per_guild)
        .fold(0.0, f64::max);
    if config.strategy.ring == RingWay::Actor {
        let mut per_node = vec![0usize; population.restarting];
        for session in &population.sessions {
            per_node[session.node] += GUILDS_PER_SESSION;
        }
        let busiest = per_node.into_iter().max().unwrap_or(0);
        ideal = ideal.max(busiest as f64 * costs.ring_lookup);
    }
    let mut per_registry = [0usize; GUILD_NODES];
    for guild in &population.guilds {
        per_registry[guild.owner] += guild.joiners.len();
        ideal = ideal.max(guild_work(population, guild, config));
    }
    let busiest = per_registry.into_iter().max().unwrap_or(0);
    ideal.max(busiest as f64 * costs.call)
}
// ANCHOR_END: ideal

/// The least time a guild needs for all its joins: each one served, then announced to the
/// members alive, joiners ordered so as few nodes as possible have members (the cheapest order
/// for Manifold; naive pays per member whatever the order).
fn guild_work(
    population: &Population,
    guild: &crate::reconnect::population::Guild,
    config: &Config,
) -> f64 {
    let costs = &config.costs;
    let steady_nodes = if guild.steady_per_node > 0 {
        SESSION_NODES - population.restarting
    } else {
        0
    };
    let steady = (steady_nodes as u64 * guild.steady_per_node) as f64;
    let mut on_node = vec![0usize; population.restarting];
    for &session in &guild.joiners {
        on_node[population.sessions[session as usize].node] += 1;
    }
    on_node.sort_unstable_by(|a, b| b.cmp(a));
    let per_joiner = population.members_per_joiner();
    let (mut work, mut nodes, mut filled) = (0.0, 0, 0);
    for i in 1..=guild.joiners.len() {
        if i > filled {
            filled += on_node[nodes];
            nodes += 1;
        }
        let members = steady + i as f64 * per_joiner;
        work += costs.call
            + match config.strategy.fanout {
                FanoutWay::Naive => members * costs.send,
                FanoutWay::Manifold => {
                    (steady_nodes + nodes) as f64 * costs.node_send + members * costs.per_receiver
                }
            };
    }
    work
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reconnect::costs::{Costs, Scaled, blog};

    fn config(strategy: Strategy, costs: &Costs, population: &Population) -> Config {
        Config {
            strategy,
            costs: Scaled::new(costs, population.scale),
            limit: 5,
            call_timeout: Duration::from_secs(5),
            backoff: Duration::from_secs(1),
            jitter: 0.5,
            duration: Duration::from_secs(30),
            tick: Duration::from_millis(100),
            keep_every: 5,
            seed: 2017,
        }
    }

    #[test]
    fn keys_cover_every_combination_once() {
        let keys: Vec<String> = Strategy::ALL.iter().map(|s| s.key()).collect();
        assert_eq!(keys[0], "actor/unguarded/naive");
        assert_eq!(keys[7], "fastglobal/semaphore/manifold");
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 8);
    }

    /// Costs small enough that 400 sessions standing for a whole node go through untroubled.
    const CHEAP: Costs = Costs {
        ring_lookup_ns: 120.0,
        fastglobal_lookup_ns: 3.0,
        call_ns: 120.0,
        send_ns: 5.0,
        node_send_ns: 500.0,
        per_receiver_ns: 1.0,
    };

    #[test]
    fn a_tiny_storm_conserves_everything_and_repeats_itself() {
        // The checks inside `simulate` (calls, presence, memberships) hold on every combination.
        let population = Arc::new(Population::new(400, 1, Duration::from_secs(1), 3));
        for strategy in [Strategy::ALL[0], Strategy::ALL[7], Strategy::ALL[6]] {
            let config = config(strategy, &CHEAP, &population);
            let run = simulate(&population, &config)
                .unwrap_or_else(|e| panic!("{}: {e}", strategy.key()));
            let f = &run.figures;
            assert_eq!(f.served_fraction, 1.0, "{}: {f:?}", strategy.key());
            assert!(f.time_to_all_served_s.unwrap() >= f.ideal_s);
            // Every membership announced once, to every session node (nine of them steady).
            assert_eq!(f.presence.events, 2_000);
            assert!(f.presence.node_deliveries >= 9 * 2_000);
            assert!(f.presence.member_deliveries > 0);
            assert_eq!(f.calls.join.replied, 2_000);
            assert_eq!(run.timeline.len(), 60);
            if strategy == Strategy::ALL[7] {
                let again = simulate(&population, &config).unwrap();
                assert_eq!(again.figures, run.figures, "a second run differs");
            }
        }
    }

    #[test]
    fn the_blogs_ring_process_collapses_under_one_nodes_reconnect() {
        // 500,000 sessions × 5 lookups at 12 µs: 30 s of work behind a 5 s timeout. Lookups time
        // out, stay queued and are served for nobody; the conservation checks still hold.
        let population = Arc::new(Population::new(400, 1, Duration::from_secs(1), 3));
        let config = config(Strategy::ALL[1], &blog().costs, &population);
        let f = simulate(&population, &config).unwrap().figures;
        assert!(f.served_fraction < 0.5, "{f:?}");
        assert!(f.calls.ring.timed_out > 0 && f.calls.ring.served_for_nobody > 0);
        assert!(f.wasted_work_fraction > 0.5);
        assert!((f.ideal_s - 30.0).abs() < 0.5, "{}", f.ideal_s);
    }
}
