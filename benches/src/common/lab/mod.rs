//! The labs, as `workbook labs` and `workbook hint` see them: how a lab is described, and how it
//! is graded without ever compiling the reader's file into this crate.
//!
//! A reader's file that does not compile yet is the most common state of a lab, so nothing here
//! links against it. Grading runs cargo on the lab crate, one step at a time, in a subprocess:
//!
//! 1. **build**: `cargo test --no-run`; a compile error is the lab's status (its first error);
//! 2. **suite**: `cargo test`; each failing check is named, with the first lines of its message;
//! 3. **bar**: `cargo run --example bar` (the lab crate's example calls the bottleneck's `bar`
//!    function on the reader's type), which prints what it measured and exits 0 when the bar is
//!    reached, 1 when it is not.
//!
//! The reference solutions are graded the same way (`workbook labs --solutions`), except that their
//! bar is measured in this process: this crate depends on them, never on the lab crates.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use crate::common::params::InputError;

/// A lab: the naive version given, the fix left to the reader.
pub struct Lab {
    /// Its name on the command line (`workbook hint <name>`).
    pub name: &'static str,
    /// The chapter it belongs to.
    pub chapter: &'static str,
    /// The one file the reader edits.
    pub file: &'static str,
    /// The lab's `hints.md`: one hint per `### ` heading, gentlest first.
    pub hints: &'static str,
    /// The speed bar, or `None` for a warm-up (graded by its suite alone).
    pub bar: Option<SpeedBar>,
    /// A check beyond the suite, run on the same code after it passes, or `None`.
    pub extra: Option<ExtraCheck>,
}

/// A check that needs its own build: a test target of the lab crate (and of the solution crate)
/// built with other compiler flags, such as the loom model under `--cfg loom`.
pub struct ExtraCheck {
    /// What it checks, in a few words, for the progress line.
    pub about: &'static str,
    /// The test target (`tests/<test>.rs`) in both the lab crate and the solution crate.
    pub test: &'static str,
    /// `RUSTFLAGS` for its build.
    pub rustflags: &'static str,
    /// Its own target directory (other flags rebuild every crate), relative to the workspace.
    pub target_dir: &'static str,
}

/// A lab's speed bar: measured by the lab crate's `examples/bar.rs` on the reader's code.
pub struct SpeedBar {
    /// The bar, in words.
    pub words: &'static str,
    /// Measures the reference solution against the bar, in this process.
    pub solution: fn() -> Result<BarCheck, String>,
}

impl Lab {
    /// The crate holding the reader's file and the suite.
    pub fn crate_name(&self) -> String {
        format!("lab-{}", self.name)
    }

    /// The crate holding the reference solution.
    pub fn solution_crate(&self) -> String {
        format!("solution-{}", self.name)
    }

    /// The hints, gentlest first: the text under each `### ` heading of `hints.md`, with its title.
    pub fn hint_list(&self) -> Vec<Hint> {
        parse_hints(self.hints)
    }
}

/// One hint: a short title and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    /// The heading, without the `### `.
    pub title: String,
    /// The paragraphs under it, trimmed.
    pub text: String,
}

/// Splits a `hints.md` into its hints: one per `### ` heading; anything before the first heading
/// (a comment, a title) is not a hint.
pub fn parse_hints(markdown: &str) -> Vec<Hint> {
    let mut hints: Vec<Hint> = Vec::new();
    for line in markdown.lines() {
        if let Some(title) = line.strip_prefix("### ") {
            hints.push(Hint {
                title: title.trim().to_owned(),
                text: String::new(),
            });
        } else if let Some(hint) = hints.last_mut() {
            hint.text.push_str(line);
            hint.text.push('\n');
        }
    }
    for hint in &mut hints {
        hint.text = hint.text.trim().to_owned();
    }
    hints
}

/// The result of measuring a lab against its bar.
pub struct BarCheck {
    /// Whether the bar was reached.
    pub reached: bool,
    /// What was measured against what the bar asks, in a few words ("14.2× faster than naive;
    /// bar 10×").
    pub measured: String,
}

impl BarCheck {
    /// What a lab crate's `examples/bar.rs` does with a measurement: prints it on one line and
    /// exits 0 when the bar is reached, 1 when it is not, 2 (with the reason on stderr) when the
    /// measurement failed. `workbook labs` reads exactly this.
    pub fn report_and_exit(measured: Result<BarCheck, String>) -> ! {
        match measured {
            Ok(check) => {
                println!("{}", check.measured);
                std::process::exit(if check.reached { 0 } else { 1 })
            }
            Err(error) => {
                eprintln!("{error}");
                std::process::exit(2)
            }
        }
    }
}

/// The lab called `name`, among `labs`.
pub fn find<'a>(labs: &'a [Lab], name: &str) -> Result<&'a Lab, InputError> {
    labs.iter().find(|lab| lab.name == name).ok_or_else(|| {
        let known: Vec<&str> = labs.iter().map(|lab| lab.name).collect();
        InputError(format!("unknown lab '{name}' (labs: {})", known.join(", ")))
    })
}

/// How one lab stands.
#[derive(Debug, PartialEq, Eq)]
pub enum Status {
    /// The reader's file (or a test) does not compile: the first error, as cargo prints it.
    DoesNotCompile(String),
    /// Some checks of the suite fail: each with its name and the first lines of its message.
    ChecksFail(Vec<FailedCheck>),
    /// Every check passes, but the bar is not reached: what was measured.
    BarMissed(String),
    /// The bar could not be measured: why.
    BarError(String),
    /// Every check passes and the bar is reached: what was measured.
    Solved(String),
}

impl Status {
    /// Whether the lab is done.
    pub fn solved(&self) -> bool {
        matches!(self, Status::Solved(_))
    }
}

/// A check of the suite that failed.
#[derive(Debug, PartialEq, Eq)]
pub struct FailedCheck {
    /// The test's name: it says what is checked.
    pub name: String,
    /// Where it panicked and the first lines of its message.
    pub message: Vec<String>,
}

/// What `workbook labs` grades: the reader's crates, or the reference solutions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// `labs/<lab>/`: the reader's code.
    Reader,
    /// `solutions/<lab>/`: the reference answers (a check of the grader itself).
    Solutions,
}

/// Grades `lab`, printing a line per step on `log` (plain lines, so they read the same in a
/// terminal, a pipe and a CI log).
pub fn grade(lab: &Lab, side: Side, log: &mut impl Write) -> Status {
    let package = match side {
        Side::Reader => lab.crate_name(),
        Side::Solutions => lab.solution_crate(),
    };
    let step = |log: &mut dyn Write, what: &str| {
        let _ = writeln!(log, "  {}: {what}", lab.name);
        let _ = log.flush();
    };
    step(log, &format!("building {package} and its suite"));
    let build = cargo(&[
        "test",
        "--release",
        "--no-run",
        "--message-format=short",
        "-p",
        &package,
    ]);
    match build {
        Err(error) => return Status::DoesNotCompile(error),
        Ok(out) if !out.status.success() => {
            return Status::DoesNotCompile(first_error(&String::from_utf8_lossy(&out.stderr)));
        }
        Ok(_) => {}
    }
    step(log, &format!("running the suite (cargo test -p {package})"));
    let started = Instant::now();
    let suite = match cargo(&["test", "--release", "-p", &package]) {
        Ok(out) => out,
        Err(error) => return Status::DoesNotCompile(error),
    };
    let failed = failed_checks(&String::from_utf8_lossy(&suite.stdout));
    if !suite.status.success() {
        if failed.is_empty() {
            let stderr = String::from_utf8_lossy(&suite.stderr);
            return Status::ChecksFail(vec![FailedCheck {
                name: "the suite".into(),
                message: vec![last_lines(&stderr, 3)],
            }]);
        }
        return Status::ChecksFail(failed);
    }
    if let Some(extra) = &lab.extra {
        step(log, &format!("suite passed; {}", extra.about));
        if let Some(failed) = run_extra(extra, &package) {
            return failed;
        }
    }
    let passed = format!("suite passed in {:.0} s", started.elapsed().as_secs_f64());
    let Some(bar) = &lab.bar else {
        step(log, &passed);
        return Status::Solved("every check passes (a warm-up has no speed bar)".into());
    };
    step(log, &format!("{passed}; measuring the bar: {}", bar.words));
    measure_bar(bar, side, &package)
}

/// Runs `extra` on `package`: `None` when it passes, the lab's status when it does not.
fn run_extra(extra: &ExtraCheck, package: &str) -> Option<Status> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(&cargo)
        .args(["test", "--release", "-p", package, "--test", extra.test])
        .current_dir(workspace())
        .env("RUSTFLAGS", extra.rustflags)
        .env("CARGO_TARGET_DIR", workspace().join(extra.target_dir))
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .output();
    let out = match out {
        Err(e) => {
            return Some(Status::DoesNotCompile(format!(
                "could not run {cargo}: {e}"
            )));
        }
        Ok(out) if out.status.success() => return None,
        Ok(out) => out,
    };
    let failed = failed_checks(&String::from_utf8_lossy(&out.stdout));
    if failed.is_empty() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Some(Status::DoesNotCompile(first_error(&stderr)));
    }
    Some(Status::ChecksFail(failed))
}

/// The speed bar of a lab whose suite passed: the reference solution's measured in this process,
/// the reader's by running their lab's `examples/bar.rs` (which compiles their file).
fn measure_bar(bar: &SpeedBar, side: Side, package: &str) -> Status {
    match side {
        Side::Solutions => match (bar.solution)() {
            Ok(check) if check.reached => Status::Solved(check.measured),
            Ok(check) => Status::BarMissed(check.measured),
            Err(error) => Status::BarError(error),
        },
        Side::Reader => {
            let args = ["run", "--release", "--quiet", "-p", package];
            let bar = cargo(&[&args[..], &["--features", "bar", "--example", "bar"]].concat());
            match bar {
                Err(error) => Status::BarError(error),
                Ok(out) => {
                    let measured = String::from_utf8_lossy(&out.stdout).trim().to_owned();
                    match out.status.code() {
                        Some(0) => Status::Solved(measured),
                        Some(1) => Status::BarMissed(measured),
                        _ => Status::BarError(last_lines(&String::from_utf8_lossy(&out.stderr), 3)),
                    }
                }
            }
        }
    }
}

/// The lines `workbook labs` prints for a lab's status.
pub fn describe(lab: &Lab, status: &Status) -> Vec<String> {
    match status {
        Status::DoesNotCompile(error) => vec![
            format!("{}: DOES NOT COMPILE ({})", lab.name, lab.file),
            format!("    {error}"),
            format!(
                "    the compiler's full errors: cargo test -p lab-{}",
                lab.name
            ),
        ],
        Status::ChecksFail(failed) => {
            let mut lines = vec![format!(
                "{}: {} check{} FAIL{} (edit {})",
                lab.name,
                failed.len(),
                if failed.len() == 1 { "" } else { "s" },
                if failed.len() == 1 { "S" } else { "" },
                lab.file
            )];
            // Checks that failed the same way (often every check on an untouched `todo!()`) are
            // listed together, with their message once.
            let mut groups: Vec<(Vec<&str>, &[String])> = Vec::new();
            for check in failed {
                match groups
                    .iter_mut()
                    .find(|(_, message)| *message == check.message)
                {
                    Some((names, _)) => names.push(&check.name),
                    None => groups.push((vec![&check.name], &check.message)),
                }
            }
            for (names, message) in groups {
                for name in names {
                    lines.push(format!("  ✗ {name}"));
                }
                lines.extend(message.iter().map(|line| format!("      {line}")));
            }
            lines.push(format!(
                "    stuck? cargo run --release -- hint {} (the next hint each time)",
                lab.name
            ));
            lines
        }
        Status::BarMissed(measured) => vec![
            format!("{}: checks pass, BAR MISSED: {measured}", lab.name),
            format!(
                "    the bar: {}",
                lab.bar.as_ref().map_or("none", |b| b.words)
            ),
        ],
        Status::BarError(error) => vec![
            format!(
                "{}: checks pass, but the bar could not be measured",
                lab.name
            ),
            format!("    {error}"),
        ],
        Status::Solved(measured) if lab.bar.is_none() => {
            vec![format!("{}: solved: {measured}", lab.name)]
        }
        Status::Solved(measured) => vec![format!(
            "{}: solved: every check passes, bar reached: {measured}",
            lab.name
        )],
    }
}

/// Runs cargo in the workspace and collects its output; `Err` when cargo cannot be started.
fn cargo(args: &[&str]) -> Result<Output, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    Command::new(&cargo)
        .args(args)
        .current_dir(workspace())
        // A failing check's message, not the frames of its panic.
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not run {cargo}: {e}"))
}

/// The workspace root, found from this crate's own place in it.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("benches/ sits in the workspace")
        .to_path_buf()
}

/// The first error cargo printed (`--message-format=short`: `file:line:col: error: what`).
pub fn first_error(stderr: &str) -> String {
    stderr
        .lines()
        .map(str::trim)
        .find(|line| line.contains("error") && !line.starts_with("error: could not compile"))
        .unwrap_or_else(|| {
            stderr
                .lines()
                .last()
                .unwrap_or("cargo failed without a message")
        })
        .to_owned()
}

/// The failing tests of a libtest run, each with where it panicked and the first lines of its
/// message (from the `---- name stdout ----` sections).
pub fn failed_checks(stdout: &str) -> Vec<FailedCheck> {
    const MESSAGE_LINES: usize = 4;
    let mut failed = Vec::new();
    let mut lines = stdout.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(name) = line
            .strip_prefix("---- ")
            .and_then(|rest| rest.strip_suffix(" stdout ----"))
        else {
            continue;
        };
        let mut message = Vec::new();
        while let Some(next) = lines.peek() {
            if next.starts_with("---- ") || next.trim() == "failures:" {
                break;
            }
            let next = lines.next().unwrap_or_default();
            let text = next.trim();
            if text.is_empty() || text.starts_with("note: ") {
                continue;
            }
            if text.starts_with("stack backtrace:") {
                // The rest of this section is frames: skip to the next one.
                while lines
                    .peek()
                    .is_some_and(|l| !l.starts_with("---- ") && l.trim() != "failures:")
                {
                    lines.next();
                }
                break;
            }
            if message.len() < MESSAGE_LINES {
                // "thread 'x' panicked at path:line:col:" → "at path:line:col"
                let text = match text.split_once("panicked at ") {
                    Some((_, at)) => format!("at {}", at.trim_end_matches(':')),
                    None => text.to_owned(),
                };
                message.push(text);
            }
        }
        failed.push(FailedCheck {
            name: name.rsplit("::").next().unwrap_or(name).to_owned(),
            message,
        });
    }
    failed
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join(" / ")
}

/// Where `workbook hint` remembers how many hints of each lab were shown: an ignored file.
fn hint_state_file() -> PathBuf {
    workspace().join("target/workbook/hints-shown")
}

/// How many hints of `lab` were shown already.
pub fn hints_shown(lab: &str) -> usize {
    std::fs::read_to_string(hint_state_file())
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.split_once(' '))
        .find(|(name, _)| *name == lab)
        .and_then(|(_, n)| n.trim().parse().ok())
        .unwrap_or(0)
}

/// Records that `shown` hints of `lab` were shown (0 starts over).
pub fn set_hints_shown(lab: &str, shown: usize) -> std::io::Result<()> {
    let path = hint_state_file();
    let mut entries: Vec<(String, usize)> = std::fs::read_to_string(&path)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.split_once(' '))
        .filter(|(name, _)| *name != lab)
        .filter_map(|(name, n)| Some((name.to_owned(), n.trim().parse().ok()?)))
        .collect();
    entries.push((lab.to_owned(), shown));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let text: String = entries.iter().map(|(n, k)| format!("{n} {k}\n")).collect();
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests;
