//! Grading a lab without compiling the reader's file into this crate: cargo runs on the lab crate
//! in a subprocess, one step at a time (build, suite, any extra check, bar), and each step's
//! failure becomes the lab's status, named as the reader should read it.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use super::spec::{ExtraCheck, Lab, SpeedBar, workspace};
use crate::common::terminal::{width, wrap};
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
        for line in wrap(&format!("  {}: {what}", lab.name), width()) {
            let _ = writeln!(log, "{line}");
        }
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
    let target_dir = workspace().join(extra.target_dir);
    let env = [
        ("RUSTFLAGS", extra.rustflags),
        (
            "CARGO_TARGET_DIR",
            target_dir.to_str().unwrap_or(extra.target_dir),
        ),
    ];
    let args = ["test", "--release", "-p", package, "--test", extra.test];
    let out = match cargo_with(&args, &env) {
        Err(error) => return Some(Status::DoesNotCompile(error)),
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
    cargo_with(args, &[])
}

/// [`cargo`] with more environment variables (an extra check's flags and target folder).
fn cargo_with(args: &[&str], env: &[(&str, &str)]) -> Result<Output, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    Command::new(&cargo)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(workspace())
        // A failing check's message, not the frames of its panic.
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not run {cargo}: {e}"))
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
