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
//! | `strategy.rs` | the combinations of fixes, and the ones the scenario names |
//! | `config.rs` | what a run is given besides the population |
//! | `figures.rs` | what a run gives back: its summary and its timeline |
//! | `session.rs` | a reconnecting session: lookup, registry call, join, five times |
//! | `processes.rs` | ring processes, registries, guilds, the tallies, and `Busy`, a process's schedule |
//! | `metrics.rs` | the counters, queues, latencies and the timeline |
//! | `checks.rs` | the conservation laws, checked when a run ends, and its summary |
//! | `ideal.rs` | the shortest time capacity alone allows |

mod checks;
mod config;
mod figures;
mod ideal;
mod metrics;
mod processes;
mod session;
mod strategy;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use cluster::Cluster;
use fanout_kit::Fanout as _;
use fanout_kit::naive::Naive;
use ring_kit::Global as _;
use ring_kit::naive::ring_process;
use semaphore_kit::Client;
use semaphore_kit::naive::Unguarded;
use solution_fanout::manifold::Manifold;
use solution_ring::FastGlobal;
use solution_semaphore::{Guarded, Semaphore};
use tokio::time::{Instant, sleep_until};

use self::checks::summarize;
pub use self::config::{Config, Scaled};
pub use self::figures::{Figures, Presence, Run, StageCalls};
pub use self::ideal::ideal_s;
use self::metrics::Sampler;
pub use self::metrics::{Calls, Tick};
use self::processes::{Common, Fan, Guilds, guild, registry, ring_front, tally};
use self::session::Sessions;
pub use self::strategy::{FanoutWay, Guard, RingWay, Strategy};
use crate::reconnect::population::{GUILD_NODES, Population, SESSION_NODES};

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
        let sessions = start_processes(&cluster, population, &common, client);
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

/// Starts every process of the cluster: each session node's tally, the guilds and their fanout,
/// each guild node's registry, each restarting node's ring process (and the front that charges
/// its cost), the ring in FastGlobal; and returns what the sessions share.
fn start_processes<C: Client>(
    cluster: &Cluster,
    population: &Arc<Population>,
    common: &Arc<Common>,
    client: C,
) -> Arc<Sessions<C>> {
    let session_node = |n: usize| cluster.node(GUILD_NODES + n);
    let tallies = (0..SESSION_NODES)
        .map(|n| {
            let common = Arc::clone(common);
            session_node(n).spawn(move |inbox| tally(inbox, n, common))
        })
        .collect();
    let fan = match common.config.strategy.fanout {
        FanoutWay::Naive => Fan::Naive(Naive::start(cluster)),
        FanoutWay::Manifold => Fan::Manifold(Manifold::start(cluster)),
    };
    let guilds = Arc::new(Guilds {
        common: Arc::clone(common),
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
            let (locals, common) = (Arc::clone(&locals), Arc::clone(common));
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
            let common = Arc::clone(common);
            node.spawn(move |inbox| ring_front(inbox, owner, common))
        })
        .collect();
    let name = format!("reconnect-ring-{}", RUNS.fetch_add(1, Relaxed));
    let fastglobal = FastGlobal::<ring_kit::Ring>::named(&name);
    fastglobal.put(population.ring.clone());
    Arc::new(Sessions {
        common: Arc::clone(common),
        client,
        registries,
        rings,
        fastglobal,
        guilds: guild_pids,
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::reconnect::costs::{Costs, blog};

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
        for strategy in [
            Strategy::NOTHING_FIXED,
            Strategy::EVERY_FIX,
            Strategy::ALL_BUT_MANIFOLD,
        ] {
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
            if strategy == Strategy::EVERY_FIX {
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
        let config = config(Strategy::MANIFOLD_ONLY, &blog().costs, &population);
        let f = simulate(&population, &config).unwrap().figures;
        assert!(f.served_fraction < 0.5, "{f:?}");
        assert!(f.calls.ring.timed_out > 0 && f.calls.ring.served_for_nobody > 0);
        assert!(f.wasted_work_fraction > 0.5);
        assert!((f.ideal_s - 30.0).abs() < 0.5, "{}", f.ideal_s);
    }
}
