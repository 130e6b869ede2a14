//! The runner: resolves a `workbook reproduce` command line against the registry, then runs each
//! chosen scenario and writes its results.
//!
//! It lives above both the shared core (`common`, which knows no scenario) and the scenarios (which
//! know only `common`), because it is the one piece that needs the list of them all
//! ([`crate::registry::SCENARIOS`]). Everything is checked before anything runs: scenario names,
//! every `--set` (its name, its scenario, its value), memory and the output folder.

mod overrides;
mod summary;

use std::path::PathBuf;

use crate::common::beam::Beam;
use crate::common::machine::{Machine, available_memory_bytes};
use crate::common::params::{InputError, Override, Params, Scale};
use crate::common::report::{self, Report};
use crate::common::scenario::{Progress, Scenario, fits_in_memory};
use crate::common::terminal::{fit, width};

pub use self::summary::Summary;

/// Every scenario, in book order.
pub fn all() -> Vec<&'static dyn Scenario> {
    crate::registry::SCENARIOS.to_vec()
}

/// The scenario called `name`.
pub fn find(name: &str) -> Result<&'static dyn Scenario, InputError> {
    all().into_iter().find(|s| s.name() == name).ok_or_else(|| {
        let known: Vec<&str> = all().iter().map(|s| s.name()).collect();
        InputError(format!(
            "unknown scenario '{name}' (known: {})",
            known.join(", ")
        ))
    })
}

/// A reproduction, fully checked before it starts.
pub struct Plan {
    runs: Vec<(&'static dyn Scenario, Params)>,
    scale: Scale,
    out: PathBuf,
    /// The folder of the reference run to show each result beside (the book's), if any.
    reference: Option<PathBuf>,
    /// Each scenario's BEAM side (off with `--no-beam`).
    beam: Beam,
}

impl Plan {
    /// Resolves names, parameters, memory and the output directory; refuses with one sentence.
    /// `beam`: run each scenario's BEAM side too.
    pub fn new(
        names: &[String],
        scale: Scale,
        overrides: &[Override],
        out: PathBuf,
        reference: Option<PathBuf>,
        beam: bool,
    ) -> Result<Plan, InputError> {
        let chosen = if names.is_empty() {
            all()
        } else {
            names
                .iter()
                .map(|name| find(name))
                .collect::<Result<Vec<_>, _>>()?
        };
        let assigned = overrides::assign(&chosen, overrides)?;
        let mut runs = Vec::new();
        for (scenario, set) in chosen.into_iter().zip(assigned) {
            let params = Params::resolve(scenario.params(), scale, &set)
                .map_err(|e| InputError(format!("{}: {e}", scenario.name())))?;
            check_memory(scenario, &params)?;
            scenario
                .validate(&params)
                .map_err(|e| InputError(format!("{}: {e}", scenario.name())))?;
            runs.push((scenario, params));
        }
        report::check_writable(&out).map_err(InputError)?;
        Ok(Plan {
            runs,
            scale,
            out,
            reference,
            beam: Beam::new(beam, scale),
        })
    }

    /// Runs every scenario in turn, printing its table and writing its files; then the verdict
    /// on every bar. An `Err` is a broken invariant or a failed write.
    pub fn execute(self) -> Result<Summary, String> {
        let machine = Machine::this();
        let on = format!("Reproducing on {}", machine.summary());
        println!("{}", fit(&on, width()));
        let mut summary = Summary::new(self.scale);
        for (scenario, params) in &self.runs {
            let report = self.run_one(*scenario, params, &machine)?;
            summary.add(scenario.name(), &report.checks);
        }
        Ok(summary)
    }

    fn run_one(
        &self,
        scenario: &dyn Scenario,
        params: &Params,
        machine: &Machine,
    ) -> Result<Report, String> {
        let starting = format!(
            "▶ {}: {} ({} scale; roughly {} on 2 cores)",
            scenario.name(),
            scenario.heading(params),
            self.scale,
            roughly(scenario.rough_seconds(self.scale))
        );
        println!("\n{}", fit(&starting, width()));
        let progress = Progress::new(scenario.name());
        let outcome = scenario
            .run(params, &progress, &self.beam)
            .map_err(|e| format!("{}: {e}", scenario.name()))?;
        progress.finish();
        let report = Report {
            scenario: scenario.name(),
            title: scenario.heading(params),
            machine: machine.clone(),
            date: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            scale: self.scale,
            parameters: params.clone(),
            figures: outcome.figures,
            blog: outcome.blog,
            checks: outcome.checks,
        };
        let written = report::write_results(
            &self.out,
            &report,
            &outcome.table,
            (&outcome.svg, &outcome.more_svgs),
        )
        .map_err(|e| {
            format!(
                "{}: could not write results to {}: {e}",
                scenario.name(),
                self.out.display()
            )
        })?;
        let heading = format!("## {}: {}", scenario.name(), report.title);
        println!("\n{}\n", fit(&heading, width()));
        println!("{}", fit(&outcome.table, width()));
        let reference = self
            .reference
            .as_ref()
            .and_then(|dir| summary::ReferenceRun::read(dir, scenario.name()));
        if let Some(reference) = &reference {
            let line = format!("(reference: the book's run of {})", reference.when);
            println!("{}", fit(&line, width()));
        }
        for check in &report.checks {
            if outcome.table.contains(&check.bar) {
                continue; // the table already states this bar and its figure
            }
            let verdict = if check.passed { "reached" } else { "MISSED" };
            let beside = reference
                .as_ref()
                .and_then(|r| r.measured(&check.bar))
                .map(|m| format!("; reference {m}"))
                .unwrap_or_default();
            let line = format!(
                "bar {verdict}: {} (measured {}{beside})",
                check.bar, check.measured
            );
            println!("{}", fit(&line, width()));
        }
        println!("{}", fit(&summary::written_line(&written), width()));
        Ok(report)
    }
}

/// `75` as "a minute or two", `20` as "20 s".
fn roughly(seconds: u32) -> String {
    match seconds {
        0..=59 => format!("{seconds} s"),
        60..=119 => "a minute or two".into(),
        _ => format!("{} minutes", seconds.div_ceil(60)),
    }
}

fn check_memory(scenario: &dyn Scenario, params: &Params) -> Result<(), InputError> {
    match available_memory_bytes() {
        Some(available) => {
            fits_in_memory(scenario.name(), scenario.memory_bytes(params), available)
        }
        None => Ok(()), // no /proc/meminfo: nothing to check against
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_scenarios_are_named_in_the_refusal() {
        let error = find("fanuot").err().unwrap();
        assert!(
            error
                .0
                .starts_with("unknown scenario 'fanuot' (known: send-cost"),
            "{error}"
        );
    }
}
