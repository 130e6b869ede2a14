//! Scenarios `stampede` and `outage` (chapters "Limited concurrency" and "The outage, and what a
//! gate costs"): the limited-concurrency bottleneck.
//!
//! Both run the lab's model (`semaphore_kit::model`) twice in virtual time, once with the naive
//! client and once with the reference semaphore in front of every (session node, registry) pair,
//! and set the two timelines side by side: the blog's story of a collapse that sustains itself,
//! and of the same load served by callers that bail early.
//!
//! `stampede` also measures what one enter-and-leave costs through each kind of gate, because
//! the fix is only a fix if it is nearly free: Discord rejected a process-run semaphore as
//! "orders of magnitude slower". Its BEAM side (`beam/run semaphore`) times Discord's gate
//! (`:ets.update_counter`), one on `:atomics` and one run by a GenServer, beside them.
//!
//! | file | what |
//! | --- | --- |
//! | this file | both scenarios: their parameters, what their results must hold, and `run`, which only orchestrates |
//! | [`measure`] | the model run twice, the gates and their rigs (the benches use them too) |
//! | `report` | the figures, the tables and the plot |
//! | `beam` | the stampede's BEAM side: `beam/run semaphore`, its cells and its bar |
//! | [`bars`] | every threshold, and the functions that hold a run to them |
//! | [`lab`], [`warmup`] | the lab's grading and its warm-up |

pub mod bars;
mod beam;
pub mod lab;
pub mod measure;
mod report;
pub mod warmup;

use std::time::Duration;

use semaphore_kit::model::Config;

use crate::common::beam::Beam;
use crate::common::blog;
use crate::common::params::{ParamSpec, Params};
use crate::common::scenario::{Gate, Outcome, Progress, Required, Scenario};
use crate::semaphore::measure::{Story, Timelines};

/// The reconnect stampede of the blog.
pub struct Stampede;
/// A downstream outage of 30 s.
pub struct Outage;

const SIZE: [ParamSpec; 4] = [
    ParamSpec::count(
        "sessions",
        "sessions that connect",
        1,
        10_000_000,
        [20_000, 100_000, 5_000_000],
    ),
    ParamSpec::count(
        "registries",
        "guild registries (1 ms of work a call each)",
        1,
        1_000,
        [2, 10, 500],
    ),
    ParamSpec::count(
        "limit",
        "calls in flight per (session node, registry) for the semaphore",
        1,
        100_000,
        [25, 25, 25],
    ),
    ParamSpec::count(
        "seconds",
        "virtual seconds to simulate",
        20,
        3_600,
        [120, 120, 120],
    ),
];
const GATE_OPS: ParamSpec = ParamSpec::count(
    "gate_ops",
    "enter-and-leave cycles per thread when timing the gates",
    1_000,
    100_000_000,
    [200_000, 2_000_000, 10_000_000],
);
const STAMPEDE_PARAMS: [ParamSpec; 5] = [SIZE[0], SIZE[1], SIZE[2], SIZE[3], GATE_OPS];

/// What both stories' results hold, for CI: both runs' figures and the first tick of their
/// timelines.
const MODEL_FIGURES: [Required; 2] = [
    Required::Present(
        "strategies.{naive,semaphore}.{served_fraction,time_to_all_served_s,peak_queue,\
         wasted_work_fraction,peak_mailbox_backlog,goodput_after_trigger_ratio,timeline}",
    ),
    Required::Present(
        "strategies.{naive,semaphore}.timeline.0.{goodput_per_s,timeouts_per_s,rejections_per_s,\
         registry_queue,mailbox_backlog}",
    ),
];

/// The stampede's results also hold every gate's time, who called the process gate (a process
/// on its node) and how, and, when it ran, the BEAM's gates.
const STAMPEDE_REQUIRED: [Required; 7] = [
    MODEL_FIGURES[0],
    MODEL_FIGURES[1],
    Required::Present("ratios.semaphore_time_to_all_served_over_ideal"),
    Required::Present("gate_caller"),
    Required::Positive(
        "gate_process.{callers_alone,callers_contended,calls_per_caller_per_trial,trials}",
    ),
    Required::Positive(
        "gate_ns.{alone,contended}.{bare_atomic_pair,semaphore,tokio_semaphore,mutex_counter,process}",
    ),
    Required::BeamPositive("beam.gate_ns.{alone,contended}.{ets_update_counter,atomics,genserver}"),
];

/// The outage's results also say how soon each queue drained after the registries returned
/// (`null`: never).
const OUTAGE_REQUIRED: [Required; 3] = [
    MODEL_FIGURES[0],
    MODEL_FIGURES[1],
    Required::Present("queue_drained_after_outage_s.{naive,semaphore}"),
];

/// The instruction counts CI holds the gates to (`cargo bench --bench semaphore_instructions`).
const GATES: [Gate; 2] = [
    Gate {
        bench: "semaphore_instructions",
        numerator: "thousand_cycles semaphore",
        denominator: "thousand_cycles bare_atomic_pair",
        at_least: None,
        at_most: Some(bars::INSTRUCTIONS_SEMAPHORE_OVER_BARE_PAIR),
        why: "the semaphore should add only a few plain instructions to the atomic pair",
    },
    Gate {
        bench: "semaphore_instructions",
        numerator: "thousand_process_cycles process",
        denominator: "thousand_cycles semaphore",
        at_least: Some(bars::INSTRUCTIONS_PROCESS_OVER_SEMAPHORE),
        at_most: None,
        why: "a process-run semaphore should cost many times more",
    },
];

impl Scenario for Stampede {
    fn name(&self) -> &'static str {
        Story::Stampede.name()
    }
    fn title(&self) -> &'static str {
        "Sessions stampeding guild registries: unguarded calls against a semaphore"
    }
    fn params(&self) -> &'static [ParamSpec] {
        &STAMPEDE_PARAMS
    }
    fn memory_bytes(&self, params: &Params) -> u64 {
        memory(params)
    }
    fn required(&self) -> &'static [Required] {
        &STAMPEDE_REQUIRED
    }
    fn gates(&self) -> &'static [Gate] {
        &GATES
    }
    fn run(&self, params: &Params, progress: &Progress, beam: &Beam) -> Result<Outcome, String> {
        progress.steps(3 + beam.steps());
        let timelines = measure::both(Story::Stampede, config(Story::Stampede, params), progress)?;
        progress.step("timing the gates");
        let ops = params.get("gate_ops");
        let gates = measure::time_gates(ops)?;
        progress.done();
        let beam = beam::run(beam, ops, measure::process_calls(ops), progress)?;
        let beam = beam.as_ref();
        let mut outcome = outcome(&timelines)?;
        outcome.checks.extend(bars::gate_checks(&gates));
        outcome.table += &report::gate_table(&gates, beam);
        outcome
            .figures
            .insert("gate_ns".into(), report::gates_json(&gates));
        // Every figure of the process gate is timed from caller processes on its node.
        outcome
            .figures
            .insert("gate_caller".into(), "process".into());
        outcome
            .figures
            .insert("gate_process".into(), report::process_gate_json(&gates));
        if let Some(beam) = beam {
            outcome.checks.extend(beam::checks(beam, &gates));
            outcome.figures.insert("beam".into(), beam.json().clone());
        }
        Ok(outcome)
    }
}

impl Scenario for Outage {
    fn name(&self) -> &'static str {
        Story::Outage.name()
    }
    fn title(&self) -> &'static str {
        "The registries stop for 30 s and come back: blocked callers against callers that bail"
    }
    fn params(&self) -> &'static [ParamSpec] {
        &SIZE
    }
    fn memory_bytes(&self, params: &Params) -> u64 {
        memory(params)
    }
    fn required(&self) -> &'static [Required] {
        &OUTAGE_REQUIRED
    }
    /// No BEAM side: the outage is the model's story, in virtual time.
    fn run(&self, params: &Params, progress: &Progress, _beam: &Beam) -> Result<Outcome, String> {
        progress.steps(2);
        let timelines = measure::both(Story::Outage, config(Story::Outage, params), progress)?;
        outcome(&timelines)
    }
}

fn memory(params: &Params) -> u64 {
    // A session task, its pending call and its queued request: a few KiB each, generously.
    params.get("sessions") * 8 * 1024 + (256 << 20)
}

/// The story's model at the size and for the time `params` say.
fn config(story: Story, params: &Params) -> Config {
    Config {
        limit: params.count("limit"),
        duration: Duration::from_secs(params.get("seconds")),
        ..story.config(params.count("sessions"), params.count("registries"))
    }
}

/// What both stories report of their two runs.
fn outcome(timelines: &Timelines) -> Result<Outcome, String> {
    Ok(Outcome {
        figures: report::figures(timelines),
        blog: blog::stampede(),
        table: report::table(timelines),
        svg: report::plot(timelines)?,
        more_svgs: Vec::new(),
        checks: bars::model_checks(timelines),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::common::params::{Scale, overrides};
    use crate::common::scenario::missing;
    use crate::semaphore::measure::GateKind;

    fn tiny(scenario: &dyn Scenario, pairs: &[(&str, &str)]) -> Value {
        let params = Params::resolve(scenario.params(), Scale::Quick, &overrides(pairs)).unwrap();
        let outcome = scenario
            .run(&params, &Progress::hidden(), &Beam::off())
            .expect("a run");
        let mut results = Value::Object(outcome.figures);
        results["blog"] = outcome.blog;
        results["checks"] = serde_json::to_value(&outcome.checks).unwrap();
        results
    }

    #[test]
    fn a_tiny_stampede_holds_every_required_figure() {
        let results = tiny(
            &Stampede,
            &[
                ("sessions", "2000"),
                ("registries", "2"),
                ("gate_ops", "1000"),
            ],
        );
        assert_eq!(missing(Stampede.required(), &results), Vec::<String>::new());
        assert_eq!(results["checks"].as_array().unwrap().len(), 8);
        assert_eq!(results["gate_caller"], "process");
    }

    #[test]
    fn a_tiny_outage_holds_every_required_figure() {
        let results = tiny(&Outage, &[("sessions", "2000"), ("registries", "2")]);
        assert_eq!(missing(Outage.required(), &results), Vec::<String>::new());
        assert_eq!(results["checks"].as_array().unwrap().len(), 5);
        assert!(results.pointer("/ratios").is_none());
    }

    #[test]
    fn the_required_figures_name_every_gate_and_the_beams() {
        let Required::Positive(gates) = STAMPEDE_REQUIRED[5] else {
            panic!("the gates' figures are sixth")
        };
        let named: Vec<String> = Required::expand(gates)
            .into_iter()
            .filter_map(|p| p.strip_prefix("gate_ns.alone.").map(str::to_owned))
            .collect();
        assert_eq!(named, GateKind::ALL.map(GateKind::key));
        let Required::BeamPositive(beam) = STAMPEDE_REQUIRED[6] else {
            panic!("the BEAM's figures are last")
        };
        let beam: Vec<String> = Required::expand(beam)
            .iter()
            .map(|p| p.trim_start_matches("beam.").to_owned())
            .collect();
        assert_eq!(beam, beam::FIGURES);
    }
}
