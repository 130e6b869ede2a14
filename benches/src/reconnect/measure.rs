//! Running the storm: every combination of fixes on each cost profile, and, on the blog's
//! figures, one session node restarting alone; as many runs at once as the machine has cores (up
//! to four), each a virtual-time cluster on its own thread.
//!
//! The types the report and the bars read ([`Storm`], [`Runs`], [`OneNode`]) live here, so
//! neither imports the scenario.

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::scenario::Progress;
use crate::reconnect::costs::{Costs, Origin, Profile};
use crate::reconnect::model::{Config, Run, Scaled, Strategy, simulate};
use crate::reconnect::population::Population;
use crate::reconnect::sweep::{REGISTRY_COSTS_NS, Sweep};

/// The fewest simulated sessions a run takes.
pub const MIN_SESSIONS: u64 = 200;

/// How often queues are sampled, and how many samples make one point of the timeline.
const TICK: Duration = Duration::from_millis(100);
const KEEP_EVERY: usize = 10;

/// The combinations run for one session node alone: without the semaphore through the ring
/// process and through FastGlobal, and every fix.
pub const ONE_NODE: [Strategy; 3] = [
    Strategy::MANIFOLD_ONLY,
    Strategy::ALL_BUT_SEMAPHORE,
    Strategy::EVERY_FIX,
];

/// The storm the parameters ask for.
pub struct Storm {
    /// Simulated sessions.
    pub sessions: usize,
    /// Session nodes that restart at once.
    pub restarting: usize,
    /// Real calls in flight per (session node, registry) the semaphore allows.
    pub limit: u64,
    /// Virtual time to simulate.
    pub duration: Duration,
    /// Simulated sessions of each run of the registry cost sweep.
    pub sweep_sessions: usize,
}

/// One session node restarting alone, on the blog's figures.
pub struct OneNode {
    /// Its sessions.
    pub population: Arc<Population>,
    /// The rules its runs followed.
    pub config: Config,
    /// Each of [`ONE_NODE`], in that order.
    pub runs: Vec<(Strategy, Run)>,
}

/// What the storm gave.
pub struct Runs {
    /// Who reconnected.
    pub population: Arc<Population>,
    /// The rules every run followed (its strategy and costs aside).
    pub config: Config,
    /// Per profile, in the profiles' order: every combination, in [`Strategy::ALL`]'s order.
    pub by_profile: Vec<Vec<(Strategy, Run)>>,
    /// One node alone, when the tier restarts several and the first profile is the blog's.
    pub one_node: Option<OneNode>,
    /// The registry cost swept, when the first profile is the blog's.
    pub sweep: Option<Sweep>,
    /// Wall seconds the whole storm took.
    pub wall_s: f64,
}

/// One run to make: a combination on a population.
struct Job {
    population: Arc<Population>,
    config: Config,
    name: String,
}

/// How many runs go at once: each is one thread (a virtual-time cluster).
pub fn workers() -> usize {
    std::thread::available_parallelism()
        .map_or(2, usize::from)
        .clamp(1, 4)
}

/// The stampede's rules (a 5 s call timeout, 1 s ± 50 % of backoff, arrivals within 1 s) on
/// `population`, with `costs` scaled to it.
fn config(storm: &Storm, population: &Population, costs: &Costs, strategy: Strategy) -> Config {
    let stampede = semaphore_kit::model::Config::stampede(1, 1);
    Config {
        strategy,
        costs: Scaled::new(costs, population.scale),
        limit: ((storm.limit as f64 / population.scale).round() as usize).max(1),
        call_timeout: stampede.call_timeout,
        backoff: stampede.backoff,
        jitter: stampede.jitter,
        duration: storm.duration,
        tick: TICK,
        keep_every: KEEP_EVERY,
        seed: stampede.seed,
    }
}

/// Who reconnects: `sessions` simulated sessions of `restarting` nodes.
fn reconnecting(sessions: usize, restarting: usize) -> Arc<Population> {
    let stampede = semaphore_kit::model::Config::stampede(1, 1);
    let (window, seed) = (stampede.arrival_window, stampede.seed);
    Arc::new(Population::new(sessions, restarting, window, seed))
}

/// Runs every combination on each of `profiles` (at least one), and one node alone on the
/// blog's figures when they come first: one progress step per run, beyond those already
/// announced. The wall time counts from `started` (the scenario's start: the measured profiles'
/// costs are measured first, in this run).
pub fn run(
    storm: &Storm,
    profiles: &[Profile],
    started: Instant,
    progress: &Progress,
) -> Result<Runs, String> {
    let population = reconnecting(storm.sessions, storm.restarting);
    let mut jobs: Vec<Job> = profiles
        .iter()
        .flat_map(|profile| {
            Strategy::ALL.map(|strategy| Job {
                population: Arc::clone(&population),
                config: config(storm, &population, &profile.costs, strategy),
                name: format!("{} {}", profile.name(), strategy.key()),
            })
        })
        .collect();
    // One session node alone, on the blog's figures: the ring section's "if the session
    // server were to crash and restart", beside the whole tier's restart.
    let blog = &profiles[0];
    let alone = (population.restarting > 1 && blog.origin == Origin::Blog)
        .then(|| reconnecting((storm.sessions / 5).max(MIN_SESSIONS as usize), 1));
    if let Some(small) = &alone {
        jobs.extend(ONE_NODE.iter().map(|&strategy| Job {
            population: Arc::clone(small),
            config: config(storm, small, &blog.costs, strategy),
            name: format!("one node, {} {}", blog.name(), strategy.key()),
        }));
    }
    let one_node_config = jobs.last().map(|job| job.config.clone());
    // The registry cost swept on the blog's figures, every combination at each cost.
    let swept = (blog.origin == Origin::Blog)
        .then(|| reconnecting(storm.sweep_sessions, population.restarting));
    if let Some(swept) = &swept {
        jobs.extend(sweep_jobs(storm, swept, &blog.costs));
    }
    progress.more_steps(jobs.len() as u64);
    let mut runs = run_all(&jobs, progress)?.into_iter();
    let by_profile = profiles
        .iter()
        .map(|_| {
            Strategy::ALL
                .map(|s| (s, runs.next().expect("a run per job")))
                .to_vec()
        })
        .collect();
    let one_node = alone
        .zip(one_node_config)
        .map(|(population, config)| OneNode {
            population,
            config,
            runs: ONE_NODE.iter().copied().zip(runs.by_ref()).collect(),
        });
    let sweep = swept.map(|population| gather_sweep(population, &mut runs));
    Ok(Runs {
        population,
        config: jobs[0].config.clone(),
        by_profile,
        one_node,
        sweep,
        wall_s: started.elapsed().as_secs_f64(),
    })
}

/// The sweep's served fractions from its runs, which come cost by cost, every combination in
/// [`Strategy::ALL`]'s order at each.
fn gather_sweep(population: Arc<Population>, runs: &mut impl Iterator<Item = Run>) -> Sweep {
    let mut served = Strategy::ALL.map(|s| (s, Vec::new())).to_vec();
    for _ in REGISTRY_COSTS_NS {
        for (_, fractions) in &mut served {
            let run = runs.next().expect("a run per job");
            fractions.push(run.figures.served_fraction);
        }
    }
    Sweep {
        population,
        costs_ns: REGISTRY_COSTS_NS.to_vec(),
        served,
    }
}

/// Every combination at each registry cost of the sweep, cost by cost, on `population`: the
/// blog's costs but for a registry call and a join.
fn sweep_jobs(storm: &Storm, population: &Arc<Population>, blog: &Costs) -> Vec<Job> {
    REGISTRY_COSTS_NS
        .iter()
        .flat_map(|&call_ns| {
            let costs = Costs { call_ns, ..*blog };
            Strategy::ALL.map(|strategy| Job {
                population: Arc::clone(population),
                config: config(storm, population, &costs, strategy),
                name: format!("sweep, registry {} µs {}", call_ns / 1e3, strategy.key()),
            })
        })
        .collect()
}

/// Runs every job, `workers()` at a time, each on its own thread; results in job order.
fn run_all(jobs: &[Job], progress: &Progress) -> Result<Vec<Run>, String> {
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Result<Run, String>>>> =
        jobs.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers().min(jobs.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Relaxed);
                    let Some(job) = jobs.get(i) else {
                        return;
                    };
                    progress.step(&job.name);
                    let run = simulate(&job.population, &job.config)
                        .map_err(|e| format!("{}: {e}", job.name));
                    *results[i].lock().expect("results lock") = Some(run);
                    progress.done();
                }
            });
        }
    });
    results
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .expect("results lock")
                .unwrap_or_else(|| Err("a run did not finish".into()))
        })
        .collect()
}
