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
//!
//! | file | what |
//! | --- | --- |
//! | `session.rs` | a reconnecting session: lookup, registry call, join, five times |
//! | `processes.rs` | ring processes, registries, guilds, the tallies, and `Busy`, a process's schedule |
//! | `metrics.rs` | the counters, queues, latencies and the timeline |
//! | `checks.rs` | the conservation laws, checked when a run ends, and its summary |
//! | `ideal.rs` | the shortest time capacity alone allows |

mod checks;
mod ideal;
mod metrics;
mod processes;
mod session;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use cluster::Cluster;
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

use self::checks::summarize;
pub use self::ideal::ideal_s;
use self::metrics::Sampler;
pub use self::metrics::{Calls, Tick};
use self::processes::{Common, Fan, Guilds, guild, registry, ring_front, tally};
use self::session::Sessions;
use crate::reconnect::costs::Scaled;
use crate::reconnect::population::{GUILD_NODES, Population, SESSION_NODES};

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
