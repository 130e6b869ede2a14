//! Scenarios: what `workbook reproduce` runs, and the pipeline from a run to the book.
//!
//! A scenario declares its parameters, estimates its memory, runs, checks its own invariants and
//! renders its table and plot. The pipeline around it is the same for all: resolve and check every
//! input before anything runs, show progress, then write JSON, markdown and SVG whole.

use std::path::PathBuf;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Map, Value};

use crate::common::beam::Beam;
use crate::common::machine::{Machine, available_memory_bytes};
use crate::common::params::{InputError, ParamSpec, Params, Scale};
use crate::common::report::{self, Report};
use crate::common::terminal::{WIDTH, fit};

/// A reproducible experiment behind one chapter.
pub trait Scenario: Sync {
    /// Its name on the command line and the stem of its results files.
    fn name(&self) -> &'static str;
    /// What it measures, in a few words.
    fn title(&self) -> &'static str;
    /// Roughly how long a run takes on a 2-core machine (this workbook's reference machine), in
    /// seconds, BEAM side included: what the line before the run announces.
    fn rough_seconds(&self, scale: Scale) -> u32 {
        match scale {
            Scale::Quick => 10,
            Scale::Default => 30,
            Scale::Full => 300,
        }
    }
    /// The title with the sizes of this run (what the run prints and its results say), for a
    /// scenario whose title names a size the parameters can change.
    fn heading(&self, params: &Params) -> String {
        let _ = params;
        self.title().to_owned()
    }
    /// Its parameters, with bounds and values per scale.
    fn params(&self) -> &'static [ParamSpec];
    /// A generous estimate of the memory a run with `params` needs, in bytes.
    fn memory_bytes(&self, params: &Params) -> u64;
    /// Refuses values it cannot run with here, before anything runs (bounds are already
    /// checked), in one sentence. The default accepts everything.
    fn validate(&self, _params: &Params) -> Result<(), String> {
        Ok(())
    }
    /// Names a parameter accepts instead of a number (`--set profile=blog`), in value order: the
    /// name at index `i` stands for `i`. Empty (the default) for a plain number.
    fn value_names(&self, _param: &str) -> &'static [&'static str] {
        &[]
    }
    /// Runs it, and its BEAM side through `beam` if it has one. An `Err` is a broken invariant
    /// or a failed measurement (the BEAM's included), in one sentence.
    fn run(&self, params: &Params, progress: &Progress, beam: &Beam) -> Result<Outcome, String>;
}

/// What a run produced.
pub struct Outcome {
    /// Figures and ratios, written at the top level of the JSON.
    pub figures: Map<String, Value>,
    /// The blog's figures for the same things.
    pub blog: Value,
    /// The markdown table the chapter includes: this machine's figures beside the blog's.
    pub table: String,
    /// The SVG plot the chapter includes.
    pub svg: String,
    /// The scenario's bars (the figures the workbook promises), checked on this run. A missed bar is
    /// reported and recorded, not an error: speed on a shared machine is evidence, not a verdict.
    /// Broken invariants (lost or reordered messages, conservation) are errors: `run` returns `Err`.
    pub checks: Vec<Check>,
}

/// One bar a scenario checks on its own run.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Check {
    /// The bar, in words ("naive ÷ manifold ≥ 10×").
    pub bar: String,
    /// What this run measured ("14.2×").
    pub measured: String,
    /// Whether this run reached it.
    pub passed: bool,
}

impl Check {
    /// A check of `measured >= at_least`: the bar reads "`what` ≥ 10×" (the threshold written in,
    /// so it is stated once, where it is checked), the ratio is shown as `12.3×`.
    pub fn ratio_at_least(what: impl Into<String>, measured: f64, at_least: f64) -> Check {
        Check {
            bar: format!("{} ≥ {}×", what.into(), times(at_least)),
            measured: format!("{}×", tenths(measured)),
            passed: measured >= at_least,
        }
    }

    /// A check of `measured <= at_most`: the bar reads "`what` ≤ 1.25×", the ratio is shown as
    /// `1.02×` (near 1, two decimals).
    pub fn ratio_at_most(what: impl Into<String>, measured: f64, at_most: f64) -> Check {
        Check {
            bar: format!("{} ≤ {}×", what.into(), times(at_most)),
            measured: format!("{measured:.2}×"),
            passed: measured <= at_most,
        }
    }

    /// A check of any condition, with what was measured in words.
    pub fn that(bar: impl Into<String>, measured: impl Into<String>, passed: bool) -> Check {
        Check {
            bar: bar.into(),
            measured: measured.into(),
            passed,
        }
    }
}

/// A threshold as the prose writes it: `10`, `1,000`, `1.25`.
pub fn times(value: f64) -> String {
    if value.fract() == 0.0 && value >= 0.0 {
        crate::common::params::group_digits(value as u64)
    } else {
        format!("{value}")
    }
}

/// `105786.64` as `105,786.6`: one decimal, digits grouped as the prose writes them.
pub fn tenths(value: f64) -> String {
    if !value.is_finite() || value < 0.0 {
        return format!("{value:.1}");
    }
    let tenths = (value * 10.0).round() as u64;
    format!(
        "{}.{}",
        crate::common::params::group_digits(tenths / 10),
        tenths % 10
    )
}

/// Every scenario, in book order.
pub fn all() -> Vec<&'static dyn Scenario> {
    crate::registry::SCENARIOS.to_vec()
}

/// The names parameter `param` accepts instead of a number, in the first scenario that declares
/// some ([`Scenario::value_names`]); empty when none does.
pub fn value_names(param: &str) -> &'static [&'static str] {
    all()
        .into_iter()
        .map(|s| s.value_names(param))
        .find(|names| !names.is_empty())
        .unwrap_or(&[])
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
        overrides: &[(String, u64)],
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
        let mut runs = Vec::new();
        for scenario in chosen {
            // An override applies to every chosen scenario that has the parameter; with one
            // scenario named it must exist there.
            let relevant: Vec<(String, u64)> = overrides
                .iter()
                .filter(|(name, _)| {
                    names.len() == 1 || scenario.params().iter().any(|p| p.name == name)
                })
                .cloned()
                .collect();
            let params = Params::resolve(scenario.params(), scale, &relevant)
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

    /// Runs every scenario in turn, printing its table and writing its files.
    pub fn execute(self) -> Result<(), String> {
        let machine = Machine::this();
        let on = format!("Reproducing on {}", machine.summary());
        println!("{}", fit(&on, WIDTH));
        for (scenario, params) in self.runs {
            let starting = format!(
                "▶ {}: {} ({} scale; roughly {} on 2 cores)",
                scenario.name(),
                scenario.heading(&params),
                self.scale,
                roughly(scenario.rough_seconds(self.scale))
            );
            println!("\n{}", fit(&starting, WIDTH));
            let progress = Progress::new(scenario.name());
            let outcome = scenario
                .run(&params, &progress, &self.beam)
                .map_err(|e| format!("{}: {e}", scenario.name()))?;
            progress.finish();
            let report = Report {
                scenario: scenario.name(),
                title: scenario.heading(&params),
                machine: machine.clone(),
                date: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                scale: self.scale,
                parameters: params,
                figures: outcome.figures,
                blog: outcome.blog,
                checks: outcome.checks.clone(),
            };
            let written = report::write_results(&self.out, &report, &outcome.table, &outcome.svg)
                .map_err(|e| {
                format!(
                    "{}: could not write results to {}: {e}",
                    scenario.name(),
                    self.out.display()
                )
            })?;
            let heading = format!("## {}: {}", scenario.name(), report.title);
            println!("\n{}\n", fit(&heading, WIDTH));
            println!("{}", fit(&outcome.table, WIDTH));
            let reference = self
                .reference
                .as_ref()
                .and_then(|dir| ReferenceRun::read(dir, scenario.name()));
            if let Some(reference) = &reference {
                println!(
                    "{}",
                    fit(
                        &format!("(reference: the book's run of {})", reference.when),
                        WIDTH
                    )
                );
            }
            for check in &outcome.checks {
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
                println!("{}", fit(&line, WIDTH));
            }
            for path in written {
                println!("wrote {}", path.display());
            }
        }
        Ok(())
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

/// The book's committed run of one scenario, to show a reader's figures beside.
struct ReferenceRun {
    /// When and where it ran, in a few words.
    when: String,
    checks: Vec<(String, String)>,
}

impl ReferenceRun {
    /// The reference results of `scenario` in `dir`, if they are there and readable.
    fn read(dir: &std::path::Path, scenario: &str) -> Option<ReferenceRun> {
        let text = std::fs::read_to_string(dir.join(format!("{scenario}.json"))).ok()?;
        let json: Value = serde_json::from_str(&text).ok()?;
        let date = json["date"].as_str().unwrap_or("?");
        let cpu = json["machine"]["cpu"].as_str().unwrap_or("another machine");
        let checks = json["checks"]
            .as_array()?
            .iter()
            .filter_map(|c| {
                Some((
                    c["bar"].as_str()?.to_owned(),
                    c["measured"].as_str()?.to_owned(),
                ))
            })
            .collect();
        Some(ReferenceRun {
            when: format!("{} on {cpu}", date.get(..10).unwrap_or(date)),
            checks,
        })
    }

    /// What the reference run measured for the bar worded `bar`.
    fn measured(&self, bar: &str) -> Option<&str> {
        self.checks
            .iter()
            .find(|(b, _)| b == bar)
            .map(|(_, m)| m.as_str())
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

/// Refuses a run that would need more than four fifths of the free memory (the rest is left to
/// everything else on the machine).
pub fn fits_in_memory(scenario: &str, needed: u64, available: u64) -> Result<(), InputError> {
    if needed <= available / 5 * 4 {
        return Ok(());
    }
    let gib = |bytes: u64| bytes as f64 / (1u64 << 30) as f64;
    Err(InputError(format!(
        "{scenario} would need about {:.1} GiB but only {:.1} GiB of memory is free; use a smaller --scale or --set",
        gib(needed),
        gib(available)
    )))
}

/// A scenario's progress: a bar on a terminal; off a terminal (a log, a pipe, CI), where a bar
/// would draw nothing, one plain line per step instead, so a log is never silent for long.
pub struct Progress {
    bar: ProgressBar,
    /// Write a line per step (stderr is not a terminal).
    plain: Option<String>,
}

impl Progress {
    fn new(scenario: &str) -> Self {
        let bar = ProgressBar::new(1);
        bar.set_style(
            ProgressStyle::with_template("{prefix:>12.bold} [{bar:30}] {pos}/{len} {wide_msg}")
                .expect("a valid progress template")
                .progress_chars("=> "),
        );
        bar.set_prefix(scenario.to_owned());
        bar.enable_steady_tick(Duration::from_millis(200));
        use std::io::IsTerminal;
        let plain = (!std::io::stderr().is_terminal()).then(|| scenario.to_owned());
        Progress { bar, plain }
    }

    /// A progress bar that draws nothing, for tests.
    pub fn hidden() -> Self {
        Progress {
            bar: ProgressBar::hidden(),
            plain: None,
        }
    }

    /// Announces how many steps the run has.
    pub fn steps(&self, total: u64) {
        self.bar.set_length(total);
    }

    /// Starts the next step, named `what`.
    pub fn step(&self, what: &str) {
        if let Some(scenario) = &self.plain {
            let at = self.bar.position() + 1;
            match self.bar.length() {
                Some(total) if total > 1 => eprintln!("  {scenario} [{at}/{total}] {what}"),
                _ => eprintln!("  {scenario}: {what}"),
            }
        }
        self.bar.set_message(what.to_owned());
    }

    /// Runs `f` with the bar cleared, to print lines above it (even when the bar is hidden).
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }

    /// Marks the current step done.
    pub fn done(&self) {
        self.bar.inc(1);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_group_their_digits() {
        assert_eq!(tenths(105_786.64), "105,786.6");
        assert_eq!(tenths(9.96), "10.0");
        assert_eq!(tenths(1.25), "1.3");
    }

    #[test]
    fn a_run_that_does_not_fit_in_memory_is_refused() {
        assert!(fits_in_memory("x", 1 << 30, 2 << 30).is_ok());
        let refused = fits_in_memory("x", 20 << 30, 8 << 30).unwrap_err();
        assert_eq!(
            refused.0,
            "x would need about 20.0 GiB but only 8.0 GiB of memory is free; use a smaller --scale or --set"
        );
    }

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
