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
//! The bottleneck folders (`fanout`, `ring`, `semaphore`) know nothing of this one: it sits above
//! them and reads their rigs (the rust cost profile measures sends and Manifold with theirs).
//!
//! | file | what |
//! | --- | --- |
//! | this file | the scenario: its parameters, what its results must hold, and `run`, which only orchestrates |
//! | [`population`] | who reconnects, in which guilds; how the miniature scales to Discord |
//! | [`costs`] | the cost profiles: the blog's figures, and this machine's measured in this run |
//! | [`beam`] | the beam profile, from this run's BEAM side (three small BEAM runs) |
//! | [`model`] | the processes, the sessions, the conservation checks, the ideal |
//! | [`measure`] | every combination on every profile, several runs at once |
//! | [`report`] | the figures, the tables and the plot |
//! | [`bars`] | the thresholds, and the function that holds a run to them |
//! | [`sweep`] | the registry cost swept on the blog's figures: the cliff |
//! | [`sweep_plot`] | the sweep's plot: sessions served against the registry cost |

pub mod bars;
pub mod beam;
pub mod costs;
pub mod measure;
pub mod model;
pub mod population;
pub mod report;
pub mod sweep;
pub mod sweep_plot;

use std::time::{Duration, Instant};

use crate::common::beam::Beam;
use crate::common::blog;
use crate::common::params::{ParamSpec, Params};
use crate::common::scenario::{Outcome, Progress, Required, Scenario};
use crate::reconnect::costs::{Origin, Profiles};
use crate::reconnect::measure::{MIN_SESSIONS, Storm};

/// Simulated sessions of each run of the registry cost sweep, at quick, default and full scale:
/// nine costs times eight combinations, so each run is coarser than the storm's (at 200, one
/// simulated session for 25,000, the naive fanout's granularity alone serves everyone).
const SWEEP_SESSIONS: [u64; 3] = [1_000, 2_000, 10_000];

/// The reconnect storm, every combination of fixes.
pub struct Reconnect;

const PARAMS: [ParamSpec; 6] = [
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
    ParamSpec::count(
        "sweep_sessions",
        "simulated sessions of each run of the registry cost sweep (blog profile)",
        MIN_SESSIONS,
        1_000_000,
        SWEEP_SESSIONS,
    ),
];

/// What every results file of this scenario holds, for CI: its parameters; the blog's and this
/// machine's profiles, each with where its costs come from, its costs and all eight combinations (each `{a}/{b}/{c}` names
/// exactly [`model::Strategy::ALL`]'s keys: a test holds them to it), their figures and the first
/// tick of their timelines; the wall time.
const REQUIRED: &[Required] = &[
    Required::Present("parameters.{profile,sessions,restarting,limit,seconds,sweep_sessions}"),
    Required::Present("profiles.{blog,rust}.costs_from"),
    Required::Present(
        "profiles.{blog,rust}.costs.{ring_lookup_ns,fastglobal_lookup_ns,call_ns,send_ns,\
         node_send_ns,per_receiver_ns}",
    ),
    Required::Present(
        "profiles.{blog,rust}.strategies.{actor,fastglobal}/{unguarded,semaphore}/{naive,manifold}\
         .{served_fraction,time_to_all_served_s,ideal_s,peak_registry_queue,peak_guild_backlog,\
         wasted_work_fraction,presence_p99_s,timeline}",
    ),
    Required::Positive(
        "profiles.{blog,rust}.strategies.{actor,fastglobal}/{unguarded,semaphore}/{naive,manifold}\
         .ideal_s",
    ),
    Required::Present(
        "profiles.{blog,rust}.strategies.{actor,fastglobal}/{unguarded,semaphore}/{naive,manifold}\
         .timeline.0.{served_fraction,goodput_per_s,timeouts_per_s,rejections_per_s,ring_queue,\
         registry_queue,guild_backlog}",
    ),
    Required::Positive("sweep.registry_cost_ns.0"),
    Required::Present(
        "sweep.served_fraction.{actor,fastglobal}/{unguarded,semaphore}/{naive,manifold}.0",
    ),
    Required::Present("sweep.{cliff_ns,every_fix_needed_ns,one_fix_works_ns}"),
    Required::Positive("wall_s"),
];

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
    fn memory_bytes(&self, params: &Params) -> u64 {
        // Per simulated session: its task, its calls, its five guilds' processes, ledgers and
        // queued joins, a few KiB each, generously; one run per worker thread at once.
        // The sweep's runs go through the same workers, at their own size.
        let sessions = params.get("sessions").max(params.get("sweep_sessions"));
        sessions * 48 * 1024 * measure::workers() as u64 + (512 << 20)
    }
    fn required(&self) -> &'static [Required] {
        REQUIRED
    }
    /// Its BEAM side is the beam profile's: three small BEAM runs, before the storm.
    fn run(&self, params: &Params, progress: &Progress, beam: &Beam) -> Result<Outcome, String> {
        let started = Instant::now();
        let asked: Profiles = params.choice("profile");
        let (rust, beam_steps) = (asked.wants(Origin::Rust), beam::steps(beam));
        progress.steps(
            u64::from(rust)
                + if asked.wants(Origin::Beam) {
                    beam_steps
                } else {
                    0
                },
        );
        let beam_profile = match asked.wants(Origin::Beam) {
            true => Some(beam::profile(beam, progress)?),
            false => None,
        };
        let (profiles, left_out) = costs::chosen(asked, beam_profile, progress)?;
        let storm = Storm {
            sessions: params.count("sessions"),
            restarting: params.count("restarting"),
            limit: params.get("limit"),
            duration: Duration::from_secs(params.get("seconds")),
            sweep_sessions: params.count("sweep_sessions"),
        };
        let runs = measure::run(&storm, &profiles, started, progress)?;
        Ok(Outcome {
            checks: bars::checks(&profiles, &runs, asked, &left_out),
            table: report::table(&profiles, &runs),
            svg: report::plot(profiles[0].name(), &runs.by_profile[0])?,
            more_svgs: match &runs.sweep {
                Some(sweep) => vec![("sweep", sweep_plot::plot(sweep)?)],
                None => Vec::new(),
            },
            figures: report::figures(&profiles, left_out, &runs),
            blog: blog::reconnect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::common::params::{Scale, overrides};
    use crate::common::scenario::missing;
    use crate::reconnect::model::Strategy;

    #[test]
    fn profiles_are_named_and_bounded() {
        let params = Params::resolve(&PARAMS, Scale::Default, &[]).unwrap();
        assert_eq!(params.choice::<Profiles>("profile"), Profiles::All);
        let blog = overrides(&[("profile", "Blog")]);
        let params = Params::resolve(&PARAMS, Scale::Default, &blog).unwrap();
        assert_eq!(
            params.choice::<Profiles>("profile"),
            Profiles::Only(Origin::Blog)
        );
    }

    #[test]
    fn the_required_combinations_are_every_strategy() {
        let Required::Positive(ideal) = REQUIRED[4] else {
            panic!("the ideal is fifth")
        };
        let named: Vec<String> = Required::expand(ideal)
            .into_iter()
            .filter_map(|p| {
                let p = p.strip_prefix("profiles.blog.strategies.")?;
                Some(p.strip_suffix(".ideal_s")?.to_owned())
            })
            .collect();
        assert_eq!(named, Strategy::ALL.map(Strategy::key));
    }

    #[test]
    fn a_tiny_storm_holds_every_required_figure() {
        let set = overrides(&[
            ("sessions", "200"),
            ("restarting", "2"),
            ("seconds", "40"),
            ("sweep_sessions", "200"),
        ]);
        let params = Params::resolve(&PARAMS, Scale::Quick, &set).unwrap();
        let outcome = Reconnect
            .run(&params, &Progress::hidden(), &Beam::off())
            .expect("a run");
        let mut results = Value::Object(outcome.figures);
        results["parameters"] = serde_json::to_value(&params).unwrap();
        assert_eq!(missing(REQUIRED, &results), Vec::<String>::new());
        assert_eq!(results["profiles"]["blog"]["costs_from"], "blog");
        assert_eq!(results["profiles"]["rust"]["costs_from"], "this run");
        assert!(results["profiles"].get("beam").is_none());
        let why = results["profiles_left_out"]["beam"].as_str().unwrap();
        assert!(why.contains("the BEAM side is off"), "{why}");
        let bars: Vec<&str> = outcome.checks.iter().map(|c| c.bar.as_str()).collect();
        assert_eq!(bars.len(), 6, "{bars:?}");
        assert!(outcome.checks[1].passed, "{:?}", outcome.checks[1]);
        assert!(outcome.checks[2].passed, "{:?}", outcome.checks[2]);
    }
}
