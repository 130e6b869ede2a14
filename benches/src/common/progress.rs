//! A scenario's progress, as a reader watches it: a bar on a terminal, one plain line per step in a
//! log or a pipe (where a bar would draw nothing), so a long run is never silent.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::common::terminal::{width, wrap};

/// A scenario's progress: a bar on a terminal; off a terminal (a log, a pipe, CI), where a bar
/// would draw nothing, one plain line per step instead, so a log is never silent for long.
pub struct Progress {
    bar: ProgressBar,
    /// Write a line per step (stderr is not a terminal).
    plain: Option<String>,
}

impl Progress {
    /// The progress of `scenario`: a bar on a terminal, plain lines off one.
    pub fn new(scenario: &str) -> Self {
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

    /// Announces `more` steps beyond those already announced.
    pub fn more_steps(&self, more: u64) {
        self.bar.inc_length(more);
    }

    /// Starts the next step, named `what`.
    pub fn step(&self, what: &str) {
        if let Some(scenario) = &self.plain {
            let at = self.bar.position() + 1;
            match self.bar.length() {
                Some(total) if total > 1 => say(&format!("  {scenario} [{at}/{total}] {what}")),
                _ => say(&format!("  {scenario}: {what}")),
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

    /// Clears the bar: the run is over.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// A plain progress line on stderr, wrapped at the terminal's width.
fn say(line: &str) {
    for part in wrap(line, width()) {
        eprintln!("{part}");
    }
}
