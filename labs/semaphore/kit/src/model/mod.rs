//! The model: sessions stampeding guild registries, in deterministic virtual time.
//!
//! Everything runs on the `cluster` crate's virtual-time cluster: registries are processes on
//! guild nodes, sessions are tasks on session nodes, calls are real cluster calls (encoded, sent
//! over links, timed out by tokio's paused clock). Two minutes of stampede run in seconds, and the
//! same config always gives the same timeline.
//!
//! The rules, from the issue and the blog: sessions reconnect at random within a window and make
//! their calls one after another; a call times out after five seconds and is retried after a
//! backoff of one second ± 50 %; a timed-out request stays queued and is still served; already
//! connected sessions add background calls at a fraction of capacity; blocked sessions keep
//! receiving presence events they cannot read.
//!
//! The same world runs the scenario "admission" (lab `adaptive-limit`): [`simulate_admission`]
//! puts the sessions, the background load and the timeline above in front of registries that
//! read [`Job`]s (a guild, a [`Priority`], when it was sent, when its caller gives up), may slow
//! down ([`Config::slowdown`]) and may pick by a [`Discipline`] other than the BEAM's FIFO, and
//! calls them through an [`Admission`] client. [`simulate`] is unchanged by it: its registries,
//! its calls and its numbers are the stampede's.

mod admission;
mod admission_run;
mod config;
mod metrics;
mod queue;
mod registry;
mod session;

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;

use cluster::{Cluster, ClusterStats};
use serde::Serialize;
use tokio::time::{Instant, sleep};

pub use self::admission::{Admission, Admit, Call, Ended, Job, Priority, Reply, call_admit};
use self::admission::{ByClient, Caller};
pub use self::admission_run::{AdmissionCounts, AdmissionRun, AdmissionTick, simulate_admission};
pub use self::config::{Config, Discipline, Surge};
pub use self::metrics::{Extra, Tick};
use self::metrics::{Metrics, sample_extra};
use self::session::World;
use crate::Client;

/// What a run produced: the timeline and its summary figures.
#[derive(Clone, Debug, Serialize)]
pub struct Run {
    /// One sample per tick.
    pub timeline: Vec<Tick>,
    /// The summary.
    pub figures: Figures,
}

/// The summary of a run, as the scenario reports it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figures {
    /// Stampede sessions that got all their calls answered, as a fraction of all of them.
    pub served_fraction: f64,
    /// When the last of them was served, in seconds; `None` if some never were.
    pub time_to_all_served_s: Option<f64>,
    /// The largest total registry queue seen at a tick.
    pub peak_queue: usize,
    /// Registry work spent on requests whose caller had given up, as a fraction of all its work.
    pub wasted_work_fraction: f64,
    /// The largest total backlog of unread presence events in blocked sessions.
    pub peak_mailbox_backlog: u64,
    /// Goodput over the last 10 s as a fraction of the registries' capacity.
    pub goodput_after_trigger_ratio: f64,
    /// Calls attempted (stampede and background).
    pub calls_attempted: u64,
    /// Calls replied in time.
    pub replied: u64,
    /// Calls the client refused to make.
    pub rejected: u64,
    /// Calls that timed out.
    pub timed_out: u64,
    /// Calls still waiting when the run ended.
    pub in_flight_at_end: u64,
    /// Stampede sessions still waiting for a reply when the run ended.
    pub unserved: u64,
    /// Background calls that never started because every connected session was blocked.
    pub background_suppressed: u64,
}

// ANCHOR: simulate
/// Runs one simulation with `client` and checks its conservation laws.
///
/// Errors are broken invariants (a lost session, a call counted twice) or a bad config, in one
/// sentence.
pub fn simulate<C: Client>(config: &Config, client: C) -> Result<Run, String> {
    if config.slowdown.is_some() || config.discipline != Discipline::Fifo {
        return Err(
            "a slowdown or a queue discipline needs an admission run (simulate_admission)".into(),
        );
    }
    let trace = run_world(config, |cluster, metrics| {
        let guild_nodes = config.guild_nodes();
        let outage = config
            .outage
            .map(|(start, length)| (Instant::now() + start, Instant::now() + start + length));
        let registries = (0..config.registries)
            .map(|index| {
                let (metrics, service, tick) =
                    (Arc::clone(metrics), config.service_time, config.tick);
                cluster.node(index % guild_nodes).spawn(move |inbox| {
                    registry::serve(inbox, index, service, outage, tick, metrics)
                })
            })
            .collect();
        ByClient { client, registries }
    })?;
    summarize(
        config,
        &trace.metrics,
        trace.timeline,
        trace.finished,
        &trace.stats,
    )
}
// ANCHOR_END: simulate

/// What [`run_world`] leaves for the summaries.
struct Trace {
    timeline: Vec<Tick>,
    extras: Vec<Extra>,
    /// Stampede sessions whose task has ended.
    finished: u64,
    metrics: Arc<Metrics>,
    stats: ClusterStats,
}

/// The run both kinds of simulation share: a virtual-time cluster, the registries and client
/// `make` spawns and builds on it, the sessions and the background load, and one sample per tick.
fn run_world<K: Caller>(
    config: &Config,
    make: impl FnOnce(&Cluster, &Arc<Metrics>) -> K,
) -> Result<Trace, String> {
    config.validate()?;
    let guild_nodes = config.guild_nodes();
    let cluster =
        Cluster::virtual_time(guild_nodes + config.session_nodes).map_err(|e| e.to_string())?;
    let config = config.clone();
    let trace = cluster.block_on(async {
        let metrics = Arc::new(Metrics::new(config.registries));
        let caller = make(&cluster, &metrics);
        let world = Arc::new(World {
            config: config.clone(),
            caller,
            metrics: Arc::clone(&metrics),
            idle_background: AtomicUsize::new(config.background_sessions),
        });

        let session_node = |i: usize| cluster.node(guild_nodes + i % config.session_nodes);
        let sessions: Vec<_> = (0..config.sessions)
            .map(|id| {
                let node = session_node(id);
                node.runtime()
                    .spawn(Arc::clone(&world).session(node.clone(), id as u64))
            })
            .collect();
        let background_rate =
            config.background_load * config.capacity_per_s() / config.session_nodes as f64;
        for i in 0..config.session_nodes {
            let seed = config.seed ^ (0xB4C6_0000 + i as u64);
            let node = session_node(i);
            node.runtime().spawn(Arc::clone(&world).background(
                node.clone(),
                background_rate,
                seed,
            ));
        }

        let ticks = (config.duration.as_nanos() / config.tick.as_nanos()) as usize;
        let (mut timeline, mut extras) = (Vec::with_capacity(ticks), Vec::with_capacity(ticks));
        let (mut previous, mut previous_extra) = ([0; 3], [0; 2]);
        let tick_s = config.tick.as_secs_f64();
        for _ in 0..ticks {
            sleep(config.tick).await;
            timeline.push(metrics.sample(&mut previous, tick_s, config.presence_rate));
            let limit = world.caller.limit();
            extras.push(sample_extra(&metrics, &mut previous_extra, tick_s, limit));
        }
        let finished = sessions
            .iter()
            .filter(|session| session.is_finished())
            .count() as u64;
        Trace {
            timeline,
            extras,
            finished,
            metrics,
            stats: cluster.stats(),
        }
    });
    Ok(trace)
}

fn summarize(
    config: &Config,
    metrics: &Metrics,
    timeline: Vec<Tick>,
    finished: u64,
    stats: &ClusterStats,
) -> Result<Run, String> {
    let served = metrics.sessions_served.load(Relaxed);
    let [replied, rejected, timed_out] =
        [&metrics.replied, &metrics.rejected, &metrics.timed_out].map(|c| c.load(Relaxed));
    let in_flight = metrics.blocked();
    let sessions = config.sessions as u64;
    // Conservation: every session is served, or still running; a finished session that was not
    // served is one whose task died (a panic in the client).
    if finished != served {
        return Err(format!(
            "{} of {sessions} sessions were lost: their tasks ended without being served (did the client panic?)",
            finished - served.min(finished)
        ));
    }
    // Every call the client reported is one the cluster saw: replies it delivered, timeouts it
    // counted (a reply can be delivered but not yet read by a caller still in flight).
    if timed_out != stats.timeouts || replied > stats.replies || stats.replies > replied + in_flight
    {
        return Err(format!(
            "calls do not add up: the client reported {replied} replied and {timed_out} timed out, \
             the cluster delivered {} replies and counted {} timeouts",
            stats.replies, stats.timeouts
        ));
    }
    let last_10s = timeline
        .iter()
        .filter(|t| t.t_s > config.duration.as_secs_f64() - 10.0);
    let (sum, n) = last_10s.fold((0.0, 0), |(sum, n), t| (sum + t.goodput_per_s, n + 1));
    let work = stats.replies + stats.wasted;
    let figures = Figures {
        served_fraction: served as f64 / sessions as f64,
        time_to_all_served_s: (served == sessions)
            .then(|| metrics.last_served_ms.load(Relaxed) as f64 / 1000.0),
        peak_queue: timeline.iter().map(|t| t.registry_queue).max().unwrap_or(0),
        wasted_work_fraction: if work == 0 {
            0.0
        } else {
            stats.wasted as f64 / work as f64
        },
        peak_mailbox_backlog: timeline
            .iter()
            .map(|t| t.mailbox_backlog)
            .max()
            .unwrap_or(0),
        goodput_after_trigger_ratio: if n == 0 {
            0.0
        } else {
            sum / f64::from(n) / config.capacity_per_s()
        },
        calls_attempted: replied + rejected + timed_out + in_flight,
        replied,
        rejected,
        timed_out,
        in_flight_at_end: in_flight,
        unserved: sessions - served,
        background_suppressed: metrics.background_suppressed.load(Relaxed),
    };
    Ok(Run { timeline, figures })
}
