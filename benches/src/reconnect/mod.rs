//! Scenario `reconnect` (chapter "Putting it together"): the reconnect storm with all three of the
//! blog's bottlenecks at once, every combination of the three fixes, on each cost profile.
//!
//! Each chapter before this one fixes one bottleneck alone. Discord's system had all three at
//! once, and they interact: the slow ring process held the stampede back from the registries
//! ("the inherent back pressure of the slow node lookup had previously protected these
//! processes"), and a guild that fans out slowly backs up its own mailbox, so the joins queued
//! behind it time out. This scenario runs the same storm through all eight combinations of
//! ring ∈ {process, FastGlobal} × registry calls ∈ {unguarded, semaphore} × fanout ∈ {naive,
//! Manifold}, reusing the labs' parts (the ring process and the ring, FastGlobal, the `Client`s
//! and the semaphore, the naive fanout and Manifold) on the virtual-time cluster.
//!
//! | file | what |
//! | --- | --- |
//! | [`population`] | who reconnects, in which guilds; how the miniature scales to Discord |
//! | [`costs`] | the cost profiles: the blog's figures, this machine's, the BEAM's |
//! | [`model`] | the processes, the sessions, the conservation checks, the ideal |
//! | [`report`] | the tables and the plot |
//! | [`bars`] | the thresholds |

pub mod bars;
pub mod costs;
pub mod model;
pub mod population;
pub mod report;

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use crate::common::beam::Beam;
use crate::common::params::{ParamSpec, Params};
use crate::common::scenario::{Check, Outcome, Progress, Scenario};
use crate::reconnect::costs::{Profile, Profiles, Scaled};
use crate::reconnect::model::{Config, Run, Strategy, simulate};
use crate::reconnect::population::Population;

/// The reconnect storm, every combination of fixes.
pub struct Reconnect;

/// The fewest simulated sessions a run takes.
const MIN_SESSIONS: u64 = 200;

const PARAMS: [ParamSpec; 5] = [
    ParamSpec::choice::<Profiles>(
        "profile",
        "cost profiles to run: all, blog, rust or beam",
        ["all", "all", "all"],
    ),
    ParamSpec::count(
        "sessions",
        "simulated sessions (each stands for restarting × 500,000 ÷ sessions real ones)",
        MIN_SESSIONS,
        1_000_000,
        [2_000, 10_000, 50_000],
    ),
    ParamSpec::count(
        "restarting",
        "session nodes (of 10, 500,000 sessions each) that restart at once",
        1,
        10,
        [10, 10, 10],
    ),
    ParamSpec::count(
        "limit",
        "real calls in flight per (session node, registry) the semaphore allows",
        1,
        100_000_000,
        [5_000, 5_000, 5_000],
    ),
    ParamSpec::count(
        "seconds",
        "virtual seconds to simulate",
        20,
        3_600,
        [120, 120, 120],
    ),
];

/// How often queues are sampled, and how many samples make one point of the timeline.
const TICK: Duration = Duration::from_millis(100);
const KEEP_EVERY: usize = 10;

impl Scenario for Reconnect {
    fn name(&self) -> &'static str {
        "reconnect"
    }
    fn title(&self) -> &'static str {
        "The reconnect storm with all three bottlenecks: every combination of fixes, per cost profile"
    }
    fn params(&self) -> &'static [ParamSpec] {
        &PARAMS
    }
    fn validate(&self, params: &Params) -> Result<(), String> {
        if params.choice::<Profiles>("profile") == Profiles::Beam {
            let dir = crate::common::lab::workspace().join("book/src/results");
            costs::beam(&dir).map_err(|why| format!("no beam profile here: {why}"))?;
        }
        Ok(())
    }
    fn memory_bytes(&self, params: &Params) -> u64 {
        // Per simulated session: its task, its calls, its five guilds' processes, ledgers and
        // queued joins, a few KiB each, generously; one run per worker thread at once.
        params.get("sessions") * 48 * 1024 * workers() as u64 + (512 << 20)
    }
    fn run(&self, params: &Params, progress: &Progress, _beam: &Beam) -> Result<Outcome, String> {
        let started = Instant::now();
        // The stampede's rules: a 5 s call timeout, 1 s ± 50 % of backoff, arrivals within 1 s.
        let stampede = semaphore_kit::model::Config::stampede(1, 1);
        let sessions = params.count("sessions");
        let population = Arc::new(Population::new(
            sessions,
            params.count("restarting"),
            stampede.arrival_window,
            stampede.seed,
        ));
        let (profiles, left_out) = costs::chosen(params.choice("profile"))?;
        let config = |population: &Population, costs, strategy| Config {
            strategy,
            costs: Scaled::new(costs, population.scale),
            limit: ((params.get("limit") as f64 / population.scale).round() as usize).max(1),
            call_timeout: stampede.call_timeout,
            backoff: stampede.backoff,
            jitter: stampede.jitter,
            duration: Duration::from_secs(params.get("seconds")),
            tick: TICK,
            keep_every: KEEP_EVERY,
            seed: stampede.seed,
        };
        let mut jobs: Vec<Job> = profiles
            .iter()
            .flat_map(|profile| {
                Strategy::ALL.map(|strategy| Job {
                    population: Arc::clone(&population),
                    config: config(&population, &profile.costs, strategy),
                    name: format!("{} {}", profile.name, strategy.key()),
                })
            })
            .collect();
        // One session node alone, on the blog's figures: the ring section's "if the session
        // server were to crash and restart", beside the whole tier's restart.
        let one_node = (population.restarting > 1 && profiles[0].name == "blog").then(|| {
            Arc::new(Population::new(
                (sessions / 5).max(MIN_SESSIONS as usize),
                1,
                stampede.arrival_window,
                stampede.seed,
            ))
        });
        if let Some(small) = &one_node {
            jobs.extend(ONE_NODE.iter().map(|&strategy| Job {
                population: Arc::clone(small),
                config: config(small, &profiles[0].costs, strategy),
                name: format!("one node, blog {}", strategy.key()),
            }));
        }
        progress.steps(jobs.len() as u64);
        let mut runs = run_all(&jobs, progress)?.into_iter();

        let by_profile: Vec<Vec<(Strategy, Run)>> = profiles
            .iter()
            .map(|_| {
                Strategy::ALL
                    .iter()
                    .map(|&s| (s, runs.next().expect("a run per job")))
                    .collect()
            })
            .collect();
        let one_node_runs: Vec<(Strategy, Run)> = ONE_NODE.iter().copied().zip(runs).collect();
        let wall_s = started.elapsed().as_secs_f64();

        let mut figures = Map::new();
        let mut profile_json = Map::new();
        for (profile, runs) in profiles.iter().zip(&by_profile) {
            profile_json.insert(
                profile.name.into(),
                json!({ "costs": profile.json(), "strategies": report::strategies_json(runs, true) }),
            );
        }
        figures.insert("profiles".into(), Value::Object(profile_json));
        if !left_out.is_empty() {
            figures.insert("profiles_left_out".into(), Value::Object(left_out));
        }
        figures.insert(
            "model".into(),
            report::model_json(&population, &jobs[0].config),
        );
        if let Some(small) = &one_node {
            figures.insert(
                "one_node".into(),
                json!({
                    "profile": "blog",
                    "model": report::model_json(small, &jobs[jobs.len() - 1].config),
                    "strategies": report::strategies_json(&one_node_runs, false),
                }),
            );
        }
        figures.insert("wall_s".into(), json!(wall_s));

        let checks = checks(&profiles, &by_profile, wall_s);
        let mut table = report::costs_table(&profiles);
        for (profile, runs) in profiles.iter().zip(&by_profile) {
            table += "\n";
            table += &report::strategies_table(profile, runs, &population);
        }
        if let Some(small) = &one_node {
            table += "\n";
            table += &report::one_node_table(&one_node_runs, small);
        }
        let svg = report::plot(profiles[0].name, &by_profile[0])?;
        let blog = crate::common::blog::reconnect();
        Ok(Outcome {
            figures,
            blog,
            table,
            svg,
            checks,
        })
    }
}

/// The combinations run for one session node alone: without the semaphore through the ring
/// process and through FastGlobal, and every fix.
const ONE_NODE: [Strategy; 3] = [Strategy::ALL[1], Strategy::ALL[5], Strategy::ALL[7]];

/// One run to make: a combination on a population.
struct Job {
    population: Arc<Population>,
    config: Config,
    name: String,
}

/// How many runs go at once: each is one thread (a virtual-time cluster).
fn workers() -> usize {
    std::thread::available_parallelism()
        .map_or(2, usize::from)
        .clamp(1, 4)
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

/// The scenario's bars on this run: both main profiles with all eight combinations; on the blog's
/// figures, no fix collapses and every fix serves everyone near the ideal; and the wall time.
fn checks(profiles: &[Profile], by_profile: &[Vec<(Strategy, Run)>], wall_s: f64) -> Vec<Check> {
    let find = |name: &str| profiles.iter().position(|p| p.name == name);
    let mut checks = Vec::new();
    let complete = ["blog", "rust"]
        .iter()
        .all(|name| find(name).is_some_and(|p| by_profile[p].len() == Strategy::ALL.len()));
    checks.push(Check::that(
        "the blog and rust profiles each ran all 8 combinations",
        profiles
            .iter()
            .zip(by_profile)
            .map(|(p, runs)| format!("{} {}", p.name, runs.len()))
            .collect::<Vec<_>>()
            .join(", "),
        complete,
    ));
    if let Some(blog) = find("blog") {
        let figures = |key: &str| {
            by_profile[blog]
                .iter()
                .find(|(s, _)| s.key() == key)
                .map(|(_, run)| &run.figures)
        };
        if let Some(f) = figures("actor/unguarded/naive") {
            checks.push(Check::that(
                format!(
                    "blog, nothing fixed (actor/unguarded/naive) serves < {} % of sessions",
                    bars::NOTHING_FIXED_SERVED_BELOW * 100.0
                ),
                format!("{:.1} %", f.served_fraction * 100.0),
                f.served_fraction < bars::NOTHING_FIXED_SERVED_BELOW,
            ));
        }
        if let Some(f) = figures("fastglobal/semaphore/manifold") {
            let took = f.time_to_all_served_s.unwrap_or(f64::INFINITY);
            checks.push(Check::that(
                format!(
                    "blog, every fix (fastglobal/semaphore/manifold) serves 100 % within {} × the ideal {:.1} s",
                    bars::ALL_FIXED_OVER_IDEAL,
                    f.ideal_s
                ),
                match f.time_to_all_served_s {
                    Some(t) => format!("{:.1} % by {t:.1} s", f.served_fraction * 100.0),
                    None => format!("{:.1} %", f.served_fraction * 100.0),
                },
                f.served_fraction == 1.0 && took <= bars::ALL_FIXED_OVER_IDEAL * f.ideal_s,
            ));
        }
    }
    checks.push(Check::that(
        format!("the scenario runs in under {} s of wall time", bars::WALL_S),
        format!("{wall_s:.1} s"),
        wall_s < bars::WALL_S,
    ));
    checks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::params::Scale;

    #[test]
    fn profiles_are_named_and_bounded() {
        let params = Params::resolve(&PARAMS, Scale::Default, &[]).unwrap();
        assert_eq!(params.choice::<Profiles>("profile"), Profiles::All);
        let blog = crate::common::params::overrides(&[("profile", "Blog")]);
        let params = Params::resolve(&PARAMS, Scale::Default, &blog).unwrap();
        assert_eq!(params.choice::<Profiles>("profile"), Profiles::Blog);
    }
}
