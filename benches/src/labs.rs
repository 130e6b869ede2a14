//! The labs, as `workbook labs` and `workbook hint` see them.
//!
//! Each lab registers here once: its crate, the file the reader edits, its hints, and its speed
//! bar (a measurement that says whether the reader's fix is fast enough, in the spirit of
//! perf-ninja's graded labs). Tests are run with `cargo test`; the bar is measured in-process,
//! never by a timed test.

use std::process::{Command, Stdio};

use crate::params::InputError;

/// A lab: the naive version given, the fix left to the reader.
pub struct Lab {
    /// Its name on the command line (`workbook hint <name>`).
    pub name: &'static str,
    /// The chapter it belongs to.
    pub title: &'static str,
    /// The crate holding the reader's code and the suite.
    pub crate_name: &'static str,
    /// The one file the reader edits.
    pub file: &'static str,
    /// Hints, gentlest first.
    pub hints: &'static [&'static str],
    /// The speed bar, in words.
    pub bar: &'static str,
    /// Measures the reader's code against the bar.
    pub check_bar: fn() -> Result<BarCheck, String>,
}

/// The result of measuring a lab against its bar.
pub struct BarCheck {
    /// Whether the bar was reached.
    pub reached: bool,
    /// What was measured, in a few words ("14.2× faster than naive; bar 10×").
    pub measured: String,
}

/// Every lab, in book order. Each lab's issue plugs its lab in here.
pub const LABS: &[Lab] = &[];

/// The lab called `name`.
pub fn find(name: &str) -> Result<&'static Lab, InputError> {
    LABS.iter().find(|lab| lab.name == name).ok_or_else(|| {
        let known: Vec<&str> = LABS.iter().map(|lab| lab.name).collect();
        let known = if known.is_empty() {
            "none yet".to_owned()
        } else {
            known.join(", ")
        };
        InputError(format!("unknown lab '{name}' (labs: {known})"))
    })
}

/// Runs the lab's suite with cargo; true when it passes.
pub fn tests_pass(lab: &Lab) -> Result<bool, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["test", "--quiet", "--release", "-p", lab.crate_name])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("could not run cargo test for {}: {e}", lab.crate_name))?;
    Ok(status.success())
}

/// One status line for `workbook labs`.
pub fn status_line(lab: &Lab) -> String {
    let tests = match tests_pass(lab) {
        Ok(true) => "tests pass",
        Ok(false) => "tests fail",
        Err(error) => return format!("{:<12} {error}", lab.name),
    };
    let bar = if tests == "tests pass" {
        match std::panic::catch_unwind(lab.check_bar) {
            Ok(Ok(check)) if check.reached => format!("bar reached: {}", check.measured),
            Ok(Ok(check)) => format!("bar not reached: {}", check.measured),
            Ok(Err(error)) => format!("bar not measured: {error}"),
            Err(_) => "bar not measured: the measurement panicked".to_owned(),
        }
    } else {
        format!("bar not measured until the tests pass (edit {})", lab.file)
    };
    format!("{:<12} {tests:<11} {bar}", lab.name)
}
