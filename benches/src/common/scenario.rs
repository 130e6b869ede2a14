//! Scenarios: what `workbook reproduce` runs, and the pipeline from a run to the book.
//!
//! A scenario declares its parameters, estimates its memory, runs, checks its own invariants and
//! renders its table and plot. The pipeline around it is the same for all: resolve and check every
//! input before anything runs, show progress, then write JSON, markdown and SVG whole. That
//! pipeline is `crate::run`, above every scenario; this module knows none of them.

use serde_json::{Map, Value};

use crate::common::beam::Beam;
use crate::common::params::{InputError, ParamSpec, Params, Scale};
pub use crate::common::progress::Progress;
use crate::common::units::{tenths, times};

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
    /// The figures its results file must hold, for CI (`workbook registry` prints them).
    fn required(&self) -> &'static [Required] {
        &[]
    }
    /// Its instruction-count gates, for CI (`workbook registry` prints them).
    fn gates(&self) -> &'static [Gate] {
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
    /// Further figures, each its own idea, written as `<scenario>-<name>.svg` (empty for most).
    pub more_svgs: Vec<(&'static str, String)>,
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

/// A figure a scenario's results file must hold, by dotted path into its JSON. `{a,b}` in a path
/// stands for each of `a` and `b`: `strategies.{naive,manifold}.delivered` is two figures.
#[derive(Clone, Copy, Debug, serde::Serialize)]
#[serde(tag = "must", content = "path", rename_all = "snake_case")]
pub enum Required {
    /// A number above zero.
    Positive(&'static str),
    /// Exactly zero (a count of violations).
    Zero(&'static str),
    /// There, whatever its value (`null` included).
    Present(&'static str),
    /// A number above zero when the BEAM side ran (its `beam.otp_release` is there).
    BeamPositive(&'static str),
    /// A count, zero included, when the BEAM side ran (how often something happened there).
    BeamCount(&'static str),
}

impl Required {
    /// Every path a `{a,b}` path stands for, left to right.
    pub fn expand(path: &str) -> Vec<String> {
        let (Some(open), Some(close)) = (path.find('{'), path.find('}')) else {
            return vec![path.to_owned()];
        };
        let (before, after) = (&path[..open], &path[close + 1..]);
        path[open + 1..close]
            .split(',')
            .flat_map(|one| Required::expand(&format!("{before}{one}{after}")))
            .collect()
    }
}

/// The paths of `required` that do not hold in `results` (a results file's JSON, or the figures
/// of an [`Outcome`]): what `ci/results.py` checks, for a scenario's own tests. A path is dotted:
/// an object's key (which may hold a `/`), or an array's index.
pub fn missing(required: &[Required], results: &Value) -> Vec<String> {
    let at = |p: &str| {
        p.split('.').try_fold(results, |v, key| match v {
            Value::Array(items) => items.get(key.parse::<usize>().ok()?),
            _ => v.get(key),
        })
    };
    let beam_ran = results.pointer("/beam/otp_release").is_some();
    let positive = |p: &str| at(p).and_then(Value::as_f64).is_some_and(|v| v > 0.0);
    let count = |p: &str| at(p).and_then(Value::as_f64).is_some_and(|v| v >= 0.0);
    let failing = |path: &str, holds: &dyn Fn(&str) -> bool| -> Vec<String> {
        Required::expand(path)
            .into_iter()
            .filter(|p| !holds(p))
            .collect()
    };
    required
        .iter()
        .flat_map(|r| match *r {
            Required::Positive(p) => failing(p, &positive),
            Required::BeamPositive(p) if beam_ran => failing(p, &positive),
            Required::BeamCount(p) if beam_ran => failing(p, &count),
            Required::BeamPositive(_) | Required::BeamCount(_) => Vec::new(),
            Required::Zero(p) => failing(p, &|p| at(p).and_then(Value::as_f64) == Some(0.0)),
            Required::Present(p) => failing(p, &|p| at(p).is_some()),
        })
        .collect()
}

/// An instruction-count gate: a ratio of two gungraun benchmarks that CI holds the code to,
/// because instruction counts repeat where wall time does not.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Gate {
    /// The bench target (`cargo bench --bench NAME`).
    pub bench: &'static str,
    /// The benchmark counted above the line, as gungraun names it (`function id`).
    pub numerator: &'static str,
    /// The benchmark counted below the line.
    pub denominator: &'static str,
    /// The ratio must be at least this (`None`: no floor).
    pub at_least: Option<f64>,
    /// The ratio must be at most this (`None`: no ceiling).
    pub at_most: Option<f64>,
    /// Why, in words, for the failure message.
    pub why: &'static str,
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_beam_count_may_be_zero_but_must_be_there_when_the_beam_ran() {
        let rule = [Required::BeamCount("beam.suspensions.remote")];
        let ran = |count: Value| serde_json::json!({"beam": {"otp_release": "25", "suspensions": {"remote": count}}});
        assert!(missing(&rule, &ran(0.into())).is_empty());
        assert!(missing(&rule, &ran(3.into())).is_empty());
        assert_eq!(
            missing(&rule, &ran(Value::Null)),
            ["beam.suspensions.remote"]
        );
        assert_eq!(
            missing(&rule, &ran((-1).into())),
            ["beam.suspensions.remote"]
        );
        assert!(
            missing(&rule, &serde_json::json!({})).is_empty(),
            "no BEAM: nothing to hold"
        );
    }
}
