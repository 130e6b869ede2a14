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
use serde_json::{Map, json};

use crate::common::beam::Beam;
use crate::common::params::{ParamSpec, Params, Scale, group_digits};
use crate::common::scenario::{Outcome, Progress, Scenario};

/// The blog's storm: total time for 2.5 M lookups, and per lookup.
const BLOG_TOTAL_S: [(&str, f64); 3] = [("actor", 30.0), ("ets", 17.5), ("fastglobal", 0.75)];
const BLOG_PER_LOOKUP_US: [(&str, f64); 3] = [("actor", 12.0), ("ets", 7.0), ("fastglobal", 0.3)];

/// The `ring` scenario.
pub struct RingStorm;

const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "sessions",
        about: "sessions reconnecting in the storm (the blog: 500,000)",
        min: 1,
        max: 10_000_000,
        at: [20_000, 500_000, 1_000_000],
    },
    ParamSpec {
        name: "guilds",
        about: "guilds per session, one lookup each (the blog: 5)",
        min: 1,
        max: 100,
        at: [5, 5, 5],
    },
    ParamSpec {
        name: "nodes",
        about: "nodes on the ring",
        min: 1,
        max: 1_000,
        at: [10, 10, 10],
    },
    ParamSpec {
        name: "replicas",
        about: "points per node on the ring (ex_hash_ring's default: 512)",
        min: 1,
        max: 10_000,
        at: [512, 512, 512],
    },
    ParamSpec {
        name: "callers",
        about: "session tasks calling the ring process at once (actor; the storm: every session)",
        min: 1,
        max: 10_000_000,
        at: [20_000, 500_000, 1_000_000],
    },
    ParamSpec {
        name: "sweep_sessions",
        about: "sessions per point of the reader-threads sweep",
        min: 1,
        max: 10_000_000,
        at: [4_000, 40_000, 200_000],
    },
    ParamSpec {
        name: "updates",
        about: "rings built and published while readers run, per updatable strategy",
        min: 1,
        max: 10_000,
        at: [5, 21, 51],
    },
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
        let blog = json!({
            "total_s": BLOG_TOTAL_S.iter().map(|(k, v)| ((*k).to_owned(), json!(v))).collect::<Map<_, _>>(),
            "per_lookup_us": BLOG_PER_LOOKUP_US.iter().map(|(k, v)| ((*k).to_owned(), json!(v))).collect::<Map<_, _>>(),
        });
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
        let overrides = [
            ("sessions".to_owned(), 300),
            ("sweep_sessions".to_owned(), 100),
            ("callers".to_owned(), 8),
            ("updates".to_owned(), 2),
            ("replicas".to_owned(), 32),
        ];
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
        assert_eq!(outcome.blog["total_s"]["ets"], json!(17.5));
        assert_eq!(outcome.blog["per_lookup_us"]["fastglobal"], json!(0.3));
        assert_eq!(outcome.checks.len(), 6);
        assert!(outcome.svg.starts_with("<svg") && outcome.svg.matches("<svg").count() == 3);
    }
}
