//! Scenario `admission` (chapter "Beyond a fixed limit"): the stampede's model, four cases, ten
//! ways of deciding which calls get in.
//!
//! The post stops at a fixed semaphore sized by hand. A fixed limit is right for one capacity;
//! when a registry slows down it either queues too much or turns away work it could serve. This
//! scenario runs the stampede's virtual-time model (`semaphore_kit::model`, reused, not copied)
//! in four cases (the blog's stampede, a slowdown, a spike that tests for a metastable failure,
//! and a priority mix) with every strategy, none tuned per case: no guard, the blog's semaphore,
//! AIMD, Vegas, Gradient2, Google SRE's client-side throttling, a retry budget, CoDel with
//! adaptive LIFO at the registry, deadlines carried with each call, and tower's `ConcurrencyLimit`
//! with `LoadShed`. The cases, strategies and figures are the kit's (`adaptive_limit_kit`), so the
//! lab's bar and this table read the same code; the AIMD here is the reference solution's.

pub mod bars;
pub mod lab;
pub mod report;
pub mod warmup;

use adaptive_limit_kit::cases::Scale as Size;
use adaptive_limit_kit::strategies::run_all;
use solution_adaptive_limit::Aimd;

use crate::common::beam::Beam;
use crate::common::params::{Choice, ParamSpec, Params, Scale};
use crate::common::scenario::{Outcome, Progress, Required, Scenario};

/// The `admission` scenario.
pub struct Admission;

/// What `--set size=` chooses: the kit's two sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SizeChoice(Size);

impl Choice for SizeChoice {
    const NAMES: &'static [&'static str] = &["quick", "default"];

    fn from_name(name: &str) -> Option<Self> {
        match name {
            "quick" => Some(SizeChoice(Size::Quick)),
            "default" => Some(SizeChoice(Size::Default)),
            _ => None,
        }
    }
}

const PARAMS: &[ParamSpec] = &[
    ParamSpec::choice::<SizeChoice>(
        "size",
        "the cases' size: quick (1,000 sessions, 1 registry) or default (20,000, 2)",
        ["quick", "default", "default"],
    ),
    ParamSpec::count(
        "workers",
        "runs simulated at once (one thread each)",
        1,
        64,
        [2, 2, 2],
    ),
];

impl Scenario for Admission {
    fn name(&self) -> &'static str {
        "admission"
    }

    fn title(&self) -> &'static str {
        "Beyond a fixed limit: four cases, ten ways of deciding which calls get in"
    }

    fn rough_seconds(&self, scale: Scale) -> u32 {
        match scale {
            Scale::Quick => 5,
            Scale::Default | Scale::Full => 60,
        }
    }

    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }

    fn memory_bytes(&self, params: &Params) -> u64 {
        // A run of 20,000 sessions holds a few hundred MB at its peak; one per worker.
        params.get("workers") * (400 << 20) + (128 << 20)
    }

    fn required(&self) -> &'static [Required] {
        &[
            Required::Positive(
                "cases.{stampede,slowdown,spike,priority}.strategies.{unguarded,semaphore,aimd,vegas,\
                 gradient2,sre_throttle,retry_budget,codel_lifo,deadline,tower}.ideal_s",
            ),
            Required::Present(
                "cases.{stampede,slowdown,spike,priority}.strategies.{unguarded,semaphore,aimd,vegas,\
                 gradient2,sre_throttle,retry_budget,codel_lifo,deadline,tower}.{served_fraction,\
                 time_to_all_served_s,goodput_after_trigger_ratio,recovery_s,queue_delay_p99_ms,\
                 wasted_work_fraction,high_priority_served_fraction,limit_timeline}",
            ),
            Required::Present("cases.{stampede,slowdown,spike,priority}.parameters"),
        ]
    }

    fn run(&self, params: &Params, progress: &Progress, _beam: &Beam) -> Result<Outcome, String> {
        let SizeChoice(size) = params.choice("size");
        progress.steps(1);
        progress.step("forty runs: four cases × ten strategies, in virtual time");
        let runs = run_all::<Aimd>(size, params.count("workers"))?;
        progress.done();
        Ok(Outcome {
            figures: report::figures(&runs, size)?,
            blog: crate::common::blog::stampede(),
            table: report::tables(&runs),
            svg: report::plot(&runs)?,
            more_svgs: Vec::new(),
            checks: bars::checks(&runs),
        })
    }
}

#[cfg(test)]
mod tests {
    use adaptive_limit_kit::cases::Case;
    use adaptive_limit_kit::strategies::{Strategy, run_case};

    use super::*;

    /// One quick run per kind of strategy (no guard, a client-side limit, a registry-side
    /// discipline) through the report: every figure the results promise is there for them.
    /// The forty runs are `reproduce admission`'s; a debug build would take a minute.
    #[test]
    fn a_run_is_reported_with_every_figure() {
        let runs: Vec<_> = [
            (Case::Stampede, Strategy::Unguarded),
            (Case::Slowdown, Strategy::Aimd),
            (Case::Spike, Strategy::CodelLifo),
        ]
        .into_iter()
        .map(|(case, strategy)| run_case::<Aimd>(case, strategy, Size::Quick).unwrap())
        .collect();
        let figures = serde_json::Value::Object(report::figures(&runs, Size::Quick).unwrap());
        for path in [
            "cases.stampede.strategies.unguarded.served_fraction",
            "cases.slowdown.strategies.aimd.limit_timeline",
            "cases.spike.strategies.codel_lifo.queue_delay_p99_ms",
            "cases.priority.parameters",
        ] {
            let pointer = format!("/{}", path.replace('.', "/"));
            assert!(figures.pointer(&pointer).is_some(), "{path} missing");
        }
        let limits = figures["cases"]["slowdown"]["strategies"]["aimd"]["limit_timeline"]
            .as_array()
            .unwrap();
        assert!(!limits.is_empty(), "the adaptive limit's timeline is empty");
        assert!(report::tables(&runs).contains("codel_lifo"));
        assert!(report::plot(&runs).unwrap().contains("<svg"));
    }
}
