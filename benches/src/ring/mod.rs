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
//! of ETS, FastGlobal and `:persistent_term`. So that each Rust rung stands beside its BEAM
//! counterpart doing the same work, every rung of both sides also runs in two shapes: a storm of
//! one task (process) per session released at once, and one reader per worker (scheduler) alone.
//!
//! | file | what |
//! | --- | --- |
//! | this file | the scenario: its parameters, what its results must hold, and `run`, which only orchestrates |
//! | [`measure`] | the strategies, the storms and sweeps, what each strategy measured |
//! | `report` | the figures, the tables and the plot |
//! | `shapes` | the shapes table: every rung as a storm of session tasks and as lone readers, both sides |
//! | `beam` | the BEAM side: `beam/run ring`, its cells, bars and checks |
//! | [`bars`] | every threshold, and the function that holds a run to them |
//! | [`lab`], [`warmup`] | the lab's grading and its warm-up |

pub mod bars;
mod beam;
pub mod lab;
pub mod measure;
mod report;
mod shapes;
pub mod warmup;

use ring_kit::Ring;
use ring_kit::storm::Storm;

use crate::common::beam::Beam;
use crate::common::blog;
use crate::common::params::{ParamSpec, Params, Scale};
use crate::common::scenario::{Gate, Outcome, Progress, Required, Scenario};
use crate::common::units::group_digits;
use crate::ring::measure::{Setup, Strategy};

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

/// What every results file of this scenario holds, for CI: each strategy's storm, updates where
/// a strategy takes them, the ring process's sweep, the post's figures, and the BEAM side's
/// storm when it ran. Each `{a,b}` must name exactly [`Strategy::ALL`]'s keys (a test holds
/// them to it).
const REQUIRED: &[Required] = &[
    Required::Positive(
        "strategies.{actor,copy_out,locked,read_locked,fastglobal,fastglobal_cached,arc_swap_cache,raw}\
         .{total_ns,ns_per_lookup,total_prehashed_ns,ns_per_lookup_prehashed}",
    ),
    Required::Positive(
        "strategies.{actor,copy_out,locked,read_locked,fastglobal,fastglobal_cached,arc_swap_cache}\
         .{update_ns,longest_lookup_during_updates_ns}",
    ),
    Required::Positive(
        "strategies.{actor,copy_out,locked,read_locked,fastglobal,fastglobal_cached,arc_swap_cache,raw}\
         .{storm_sessions,storm_total_ns,storm_ns_per_lookup,alone_ns_per_lookup}",
    ),
    Required::Positive("strategies.actor.ns_per_lookup_by_callers.1"),
    Required::Positive("{lookups,threads,callers}"),
    Required::Positive("blog.{total_s,per_lookup_us}.{actor,ets,fastglobal}"),
    Required::BeamPositive("beam.sessions"),
    Required::BeamPositive(
        "beam.storm.{genserver,ets,fastglobal,persistent_term}.{total_ns,ns_per_lookup,update_ns,sessions}",
    ),
    Required::BeamPositive("beam.alone.{genserver,ets,fastglobal,persistent_term}.ns_per_lookup"),
];

/// The instruction counts CI holds the strategies to (`cargo bench --bench ring_instructions`).
const GATES: &[Gate] = &[
    Gate {
        bench: "ring_instructions",
        numerator: "hundred_lookups copy_out",
        denominator: "hundred_lookups fastglobal",
        at_least: Some(bars::COPY_OUT_OVER_FASTGLOBAL),
        at_most: None,
        why: "copying the ring out should cost many times a FastGlobal read",
    },
    Gate {
        bench: "ring_instructions",
        numerator: "hundred_lookups fastglobal_cached",
        denominator: "hundred_lookups raw",
        at_least: None,
        at_most: Some(bars::CACHED_OVER_RAW),
        why: "a cached FastGlobal read should cost about a raw &Ring",
    },
];

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
            Scale::Quick => 25,
            Scale::Default => 240,
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

    fn required(&self) -> &'static [Required] {
        REQUIRED
    }

    fn gates(&self) -> &'static [Gate] {
        GATES
    }

    fn run(&self, params: &Params, progress: &Progress, beam: &Beam) -> Result<Outcome, String> {
        let setup = setup(params)?;
        progress.steps(Strategy::ALL.len() as u64 + 1 + beam.steps());
        let measured = measure::all(&setup, progress)?;
        let beam = beam::run(beam, params, progress)?;
        let beam = beam.as_ref();
        let mut checks = bars::checks(&measured, &setup);
        checks.extend(beam.map(beam::checks).unwrap_or_default());
        Ok(Outcome {
            figures: report::figures(&measured, &setup, beam),
            blog: blog::ring(),
            table: report::table(&measured, &setup, beam),
            svg: report::plot(&measured, &setup, beam)?,
            more_svgs: Vec::new(),
            checks,
        })
    }
}

/// The storm, the sweep and the ring `params` describe, on every core.
fn setup(params: &Params) -> Result<Setup, String> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let guilds = params.count("guilds");
    let names = (0..params.count("nodes")).map(|i| format!("node-{i}"));
    let replicas = u32::try_from(params.get("replicas")).map_err(|e| e.to_string())?;
    Ok(Setup {
        ring: Ring::with_nodes(names, replicas),
        storm: Storm::new(params.count("sessions"), guilds, 2017),
        sweep: Storm::new(params.count("sweep_sessions"), guilds, 5),
        threads,
        sweep_threads: measure::sweep_threads(threads),
        callers: params.count("callers").min(params.count("sessions")),
        updates: params.count("updates"),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::common::params::overrides;
    use crate::common::scenario::missing;

    #[test]
    fn the_required_figures_name_every_strategy_and_the_beams_figures() {
        let keys: Vec<&str> = Strategy::ALL.map(Strategy::key).to_vec();
        let Required::Positive(storm) = REQUIRED[0] else {
            panic!("the storm's figures come first")
        };
        let named: Vec<String> = Required::expand(storm)
            .iter()
            .map(|p| p.split('.').nth(1).unwrap().to_owned())
            .collect();
        let mut distinct = named.clone();
        distinct.dedup();
        assert_eq!(distinct, keys);
        let beam: Vec<String> = REQUIRED
            .iter()
            .filter_map(|r| match r {
                Required::BeamPositive(p) => Some(Required::expand(p)),
                _ => None,
            })
            .flatten()
            .map(|p| p.trim_start_matches("beam.").to_owned())
            .collect();
        assert_eq!(beam, beam::FIGURES);
    }

    #[test]
    fn a_tiny_run_holds_every_required_figure() {
        let overrides = overrides(&[
            ("sessions", "300"),
            ("sweep_sessions", "100"),
            ("callers", "8"),
            ("updates", "2"),
            ("replicas", "32"),
        ]);
        let params = Params::resolve(PARAMS, Scale::Quick, &overrides).expect("valid");
        let outcome = RingStorm
            .run(&params, &Progress::hidden(), &Beam::off())
            .expect("a run");
        let mut results = Value::Object(outcome.figures.clone());
        results["blog"] = outcome.blog.clone();
        // With a handful of updates a few milliseconds apart, a reader descheduled on a loaded
        // machine may see none of them: the longest lookup during updates is then 0 here, where
        // CI's quick scale in a release build always has some.
        let missed: Vec<String> = missing(RingStorm.required(), &results)
            .into_iter()
            .filter(|path| !path.ends_with("longest_lookup_during_updates_ns"))
            .collect();
        assert_eq!(missed, Vec::<String>::new());
        let floor = [Required::Positive("strategies.raw.update_ns")];
        assert_eq!(missing(&floor, &results), ["strategies.raw.update_ns"]);
        assert_eq!(outcome.blog["total_s"]["ets"], json!(17.5));
        assert_eq!(outcome.blog["per_lookup_us"]["fastglobal"], json!(0.3));
        for strategy in Strategy::ALL {
            // Every rung's storm ran every session as a task of its own.
            assert_eq!(
                results["strategies"][strategy.key()]["storm_sessions"],
                json!(300),
                "{}",
                strategy.key()
            );
        }
        let shapes =
            "| rung | BEAM counterpart | storm: Rust | storm: BEAM | alone: Rust | alone: BEAM |";
        assert!(outcome.table.contains(shapes), "{}", outcome.table);
        assert_eq!(outcome.checks.len(), 8);
        assert!(outcome.svg.starts_with("<svg") && outcome.svg.matches("<svg").count() == 3);
    }

    #[test]
    fn every_scale_runs_the_blogs_storm() {
        // CI's `callers == lookups // 5` and a sweep of at least two caller counts, at every scale.
        for scale in [Scale::Quick, Scale::Default, Scale::Full] {
            let params = Params::resolve(PARAMS, scale, &[]).unwrap();
            assert_eq!(params.get("callers"), params.get("sessions"), "{scale}");
            assert!(params.get("sweep_sessions") >= 2, "{scale}");
        }
    }
}
