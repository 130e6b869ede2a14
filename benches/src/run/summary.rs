//! What a reproduction ends with: every bar reached or missed, per scenario, and what a miss means;
//! and the book's reference run, to set a reader's figures beside.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::params::Scale;
use crate::common::scenario::Check;
use crate::common::terminal::{width, wrap};

/// The bars of every scenario run, for the verdict at the end.
pub struct Summary {
    scale: Scale,
    scenarios: Vec<(&'static str, Vec<Check>)>,
}

impl Summary {
    /// An empty summary of a run at `scale`.
    pub fn new(scale: Scale) -> Summary {
        Summary {
            scale,
            scenarios: Vec::new(),
        }
    }

    /// Records `scenario`'s bars.
    pub fn add(&mut self, scenario: &'static str, checks: &[Check]) {
        self.scenarios.push((scenario, checks.to_vec()));
    }

    /// Every bar missed, with its scenario.
    pub fn missed(&self) -> Vec<(&'static str, &Check)> {
        self.scenarios
            .iter()
            .flat_map(|(name, checks)| checks.iter().filter(|c| !c.passed).map(move |c| (*name, c)))
            .collect()
    }

    /// The closing lines: bars reached and missed per scenario, each miss with its figure and
    /// threshold, and what a miss means.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![String::new(), "## Verdict".to_owned()];
        for (name, checks) in &self.scenarios {
            let reached = checks.iter().filter(|c| c.passed).count();
            lines.push(format!(
                "{name}: {reached} of {} bars reached",
                checks.len()
            ));
        }
        let missed = self.missed();
        for (name, check) in &missed {
            let line = format!(
                "  missed, {name}: {} (measured {})",
                check.bar, check.measured
            );
            lines.extend(wrap(&line, width()));
        }
        let meaning = if missed.is_empty() {
            "Every bar reached.".to_owned()
        } else if self.scale == Scale::Quick {
            format!(
                "{} missed. At quick scale the sizes are small and timings noisy: a missed speed \
                 bar there says little; rerun at default scale on a quiet machine before reading \
                 anything into it (--strict makes a miss exit 1).",
                bars(missed.len())
            )
        } else {
            format!(
                "{} missed. A speed bar is evidence, not a verdict: on a busy or shared machine \
                 timings move; rerun with nothing else running, and compare with the reference \
                 figures above (--strict makes a miss exit 1).",
                bars(missed.len())
            )
        };
        lines.extend(wrap(&meaning, width()));
        lines
    }
}

/// `1 bar`, `3 bars`.
fn bars(n: usize) -> String {
    if n == 1 {
        "1 bar".into()
    } else {
        format!("{n} bars")
    }
}

/// One line naming the files a scenario wrote: `wrote target/…/fanout.{json,md,svg}`.
pub fn written_line(paths: &[PathBuf]) -> String {
    let Some(first) = paths.first() else {
        return "wrote nothing".into();
    };
    let stem = first.with_extension("");
    let same_stem = paths.iter().all(|p| p.with_extension("") == stem);
    if same_stem {
        let extensions: Vec<String> = paths
            .iter()
            .filter_map(|p| p.extension().map(|e| e.to_string_lossy().into_owned()))
            .collect();
        format!("wrote {}.{{{}}}", stem.display(), extensions.join(","))
    } else {
        let all: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        format!("wrote {}", all.join(", "))
    }
}

/// The book's committed run of one scenario, to show a reader's figures beside.
pub struct ReferenceRun {
    /// When and where it ran, in a few words.
    pub when: String,
    checks: Vec<(String, String)>,
}

impl ReferenceRun {
    /// The reference results of `scenario` in `dir`, if they are there and readable.
    pub fn read(dir: &Path, scenario: &str) -> Option<ReferenceRun> {
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
    pub fn measured(&self, bar: &str) -> Option<&str> {
        self.checks
            .iter()
            .find(|(b, _)| b == bar)
            .map(|(_, m)| m.as_str())
    }
}
