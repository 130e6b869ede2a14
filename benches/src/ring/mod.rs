//! Scenario `ring` (chapter "Fast access shared data"): the reconnect storm.
//!
//! After a restart every session looks up the node of each of its guilds on the consistent hash
//! ring: 500,000 sessions × 5 guilds = 2.5 million lookups. The blog's ladder: 30 s through the
//! process that owns the ring, 17.5 s through ETS, 0.75 s through FastGlobal. This scenario runs
//! that storm on a 10-node × 512-replica ring, spread over every core, for each way of sharing
//! the ring (`ring_kit::naive`, the reference FastGlobal in `solution_ring`, and a raw `&Ring` as
//! the floor), then measures what an update costs and how throughput grows with reader threads.
//!
//! In a storm every session reconnects at once, so by default every session is a task calling the
//! ring process at the same moment (`callers` = `sessions`). How much a call costs depends on how
//! many wait for the process, so the ring process is also swept over the number of callers.
//!
//! Its BEAM side (`beam/run ring`) runs the same storm on the BEAM: a `GenServer.call`, a copy out
//! of ETS, FastGlobal and `:persistent_term`.
//!
//! `measure` runs the strategies; `report` turns what they did into figures, checks, the
//! tables and the plot.

pub mod bars;
pub mod lab;
mod measure;
mod report;
pub mod warmup;

use ring_kit::Ring;
use ring_kit::storm::{Storm, StormRun};

use crate::common::beam::Beam;
use crate::common::params::{ParamSpec, Params, Scale};
use crate::common::scenario::{Outcome, Progress, Scenario};
use crate::common::units::group_digits;

/// The `ring` scenario.
pub struct RingStorm;

const PARAMS: &[ParamSpec] = &[
    ParamSpec::count(
        "sessions",
        "sessions reconnecting in the storm (the blog: 500,000)",
        1,
        10_000_000,
        [20_000, 500_000, 1_000_000],
    ),
    ParamSpec::count(
        "guilds",
        "guilds per session, one lookup each (the blog: 5)",
        1,
        100,
        [5, 5, 5],
    ),
    ParamSpec::count("nodes", "nodes on the ring", 1, 1_000, [10, 10, 10]),
    ParamSpec::count(
        "replicas",
        "points per node on the ring (ex_hash_ring's default: 512)",
        1,
        10_000,
        [512, 512, 512],
    ),
    ParamSpec::count(
        "callers",
        "session tasks calling the ring process at once (actor; the storm: every session)",
        1,
        10_000_000,
        [20_000, 500_000, 1_000_000],
    ),
    ParamSpec::count(
        "sweep_sessions",
        "sessions per point of the reader-threads sweep",
        1,
        10_000_000,
        [4_000, 40_000, 200_000],
    ),
    ParamSpec::count(
        "updates",
        "rings built and published while readers run, per updatable strategy",
        1,
        10_000,
        [5, 21, 51],
    ),
];

/// Strategies by key, in table order, with their display name and BEAM counterpart.
const STRATEGIES: &[(&str, &str, &str)] = &[
    (
        "actor",
        "Actor: a process owns the ring",
        "GenServer call (12 µs)",
    ),
    (
        "copy_out",
        "CopyOut: copy the ring out of a table",
        "ETS lookup (7 µs)",
    ),
    ("locked", "Locked: `Mutex<Ring>`", "—"),
    ("read_locked", "ReadLocked: `RwLock<Ring>`", "—"),
    (
        "fastglobal",
        "FastGlobal: `ArcSwapOption` load",
        "FastGlobal get (0.3 µs)",
    ),
    (
        "fastglobal_cached",
        "FastGlobal, cached reader (by hand)",
        "—",
    ),
    ("arc_swap_cache", "FastGlobal, `arc_swap::Cache`", "—"),
    ("raw", "raw `&Ring`: no synchronization (floor)", "—"),
];

/// What an update cost, and what readers saw meanwhile.
#[derive(Clone, Copy, Debug)]
struct Updates {
    /// Median: build the ring with one more (or one less) node, and publish it.
    update_ns: f64,
    /// Median: the publish alone.
    publish_ns: f64,
    /// The longest single lookup any reader saw while the updates ran.
    longest_lookup_ns: f64,
    /// The longest single lookup the same readers saw in a window about as long without updates.
    longest_idle_lookup_ns: f64,
    /// How many of the longest lookups each phase kept, over all readers: half the updates.
    kept: usize,
    /// The `kept`-th longest lookup during updates: a wait on most updates would show here.
    kth_longest_lookup_ns: f64,
    /// The `kept`-th longest lookup without updates.
    kth_longest_idle_lookup_ns: f64,
}

/// Everything measured for one strategy.
#[derive(Clone, Debug)]
struct Measured {
    key: &'static str,
    hashed: StormRun,
    prehashed: StormRun,
    /// `(reader threads, lookups per second)`, prehashed.
    by_threads: Vec<(usize, f64)>,
    /// `(sessions calling at once, ns per lookup)` on the sweep's storm, prehashed: the ring
    /// process only.
    by_callers: Vec<(usize, f64)>,
    updates: Option<Updates>,
}

/// The shape of one run.
struct Setup {
    ring: Ring,
    storm: Storm,
    sweep: Storm,
    threads: usize,
    sweep_threads: Vec<usize>,
    callers: usize,
    updates: usize,
}

impl Scenario for RingStorm {
    fn name(&self) -> &'static str {
        "ring"
    }

    fn title(&self) -> &'static str {
        "The reconnect storm: every session's ring lookups through a process, a copy, a lock and \
         FastGlobal"
    }

    fn rough_seconds(&self, scale: Scale) -> u32 {
        match scale {
            Scale::Quick => 15,
            Scale::Default => 150,
            Scale::Full => 600,
        }
    }

    fn heading(&self, params: &Params) -> String {
        format!(
            "The reconnect storm: {} sessions × {} ring lookups through a process, a copy, a lock \
             and FastGlobal",
            group_digits(params.get("sessions")),
            params.get("guilds")
        )
    }

    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }

    fn memory_bytes(&self, params: &Params) -> u64 {
        // Guild ids and hashes (16 bytes a lookup) for both storms, the rings (copies included:
        // one per reader thread for copy_out, a few per update), and the runtimes.
        let lookups =
            (params.get("sessions") + params.get("sweep_sessions")) * params.get("guilds");
        let ring = params.get("nodes") * params.get("replicas") * 16 + 4096;
        lookups * 16 + ring * 64 + params.get("callers") * 4096 + (256 << 20)
    }

    fn run(&self, params: &Params, progress: &Progress, beam: &Beam) -> Result<Outcome, String> {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let guilds = params.count("guilds");
        let names = (0..params.count("nodes")).map(|i| format!("node-{i}"));
        let replicas = u32::try_from(params.get("replicas")).map_err(|e| e.to_string())?;
        let setup = Setup {
            ring: Ring::with_nodes(names, replicas),
            storm: Storm::new(params.count("sessions"), guilds, 2017),
            sweep: Storm::new(params.count("sweep_sessions"), guilds, 5),
            threads,
            sweep_threads: sweep_threads(threads),
            callers: params.count("callers").min(params.count("sessions")),
            updates: params.count("updates"),
        };
        progress.steps(STRATEGIES.len() as u64 + 1 + beam.steps());

        let mut measured = Vec::new();
        for (key, _, _) in STRATEGIES {
            progress.step(key);
            measured.push(measure::measure(key, &setup)?);
            progress.done();
        }
        let floor = measured
            .iter()
            .find(|m| m.key == "raw")
            .expect("raw is measured");
        for m in &measured {
            if m.hashed.digest != floor.hashed.digest
                || m.prehashed.digest != floor.prehashed.digest
            {
                return Err(format!(
                    "strategy {} gave other owners than the ring itself for the same guilds",
                    m.key
                ));
            }
        }

        progress.step("against the floor");
        let over_raw = measure::against_the_floor(&setup);
        progress.done();

        let flags = [
            ("sessions", params.get("sessions")),
            ("lookups", params.get("guilds")),
            ("nodes", params.get("nodes")),
            ("replicas", params.get("replicas")),
        ];
        let beam = beam.run("ring", &flags, &report::BEAM_FIGURES, progress)?;
        let lookups = setup.storm.lookups();
        let mut figures = report::figures(&measured, &over_raw, lookups, threads, setup.callers);
        let mut checks = report::checks(&measured, &over_raw, &setup.ring);
        if let Some(beam) = &beam {
            figures.insert("beam".into(), beam.json().clone());
            checks.extend(report::beam_checks(beam));
        }
        let table = report::table(&measured, &over_raw, &setup, beam.as_ref());
        let svg = report::plot(&measured, &setup, beam.as_ref())?;
        let blog = crate::common::blog::ring();
        Ok(Outcome {
            figures,
            blog,
            table,
            svg,
            checks,
        })
    }
}

/// Reader-thread counts for the sweep: powers of two up to twice the cores, and the cores.
fn sweep_threads(cores: usize) -> Vec<usize> {
    let mut counts: Vec<usize> = std::iter::successors(Some(1usize), |n| Some(n * 2))
        .take_while(|n| *n <= cores * 2)
        .collect();
    counts.push(cores);
    counts.sort_unstable();
    counts.dedup();
    counts
}

/// Sessions calling the ring process at once, for its sweep: 1, then powers of ten, then every
/// session of the sweep's storm.
fn caller_counts(sessions: usize) -> Vec<usize> {
    let mut counts: Vec<usize> = std::iter::successors(Some(1usize), |n| Some(n * 10))
        .take_while(|n| *n < sessions)
        .collect();
    counts.push(sessions.max(1));
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::params::overrides;

    #[test]
    fn sweeps_cover_one_thread_to_twice_the_cores() {
        assert_eq!(sweep_threads(2), [1, 2, 4]);
        assert_eq!(sweep_threads(6), [1, 2, 4, 6, 8]);
        assert_eq!(sweep_threads(1), [1, 2]);
    }

    #[test]
    fn callers_go_from_one_to_every_session() {
        assert_eq!(caller_counts(40_000), [1, 10, 100, 1_000, 10_000, 40_000]);
        assert_eq!(caller_counts(1_000), [1, 10, 100, 1_000]);
        assert_eq!(caller_counts(1), [1]);
    }

    #[test]
    fn a_tiny_run_produces_every_required_key() {
        let overrides = overrides(&[
            ("sessions", "300"),
            ("sweep_sessions", "100"),
            ("callers", "8"),
            ("updates", "2"),
            ("replicas", "32"),
        ]);
        let params = Params::resolve(PARAMS, crate::common::params::Scale::Quick, &overrides)
            .expect("valid");
        let outcome = RingStorm
            .run(&params, &Progress::hidden(), &Beam::off())
            .expect("a run");
        for (key, _, _) in STRATEGIES {
            let figures = &outcome.figures["strategies"][key];
            for figure in [
                "total_ns",
                "ns_per_lookup",
                "total_prehashed_ns",
                "ns_per_lookup_prehashed",
            ] {
                assert!(figures[figure].as_f64().unwrap() > 0.0, "{key}.{figure}");
            }
            if *key != "raw" {
                assert!(
                    figures["update_ns"].as_f64().unwrap() > 0.0,
                    "{key}.update_ns"
                );
            }
        }
        assert_eq!(outcome.blog["total_s"]["ets"], serde_json::json!(17.5));
        assert_eq!(
            outcome.blog["per_lookup_us"]["fastglobal"],
            serde_json::json!(0.3)
        );
        assert_eq!(outcome.checks.len(), 6);
        assert!(outcome.svg.starts_with("<svg") && outcome.svg.matches("<svg").count() == 3);
    }
}
