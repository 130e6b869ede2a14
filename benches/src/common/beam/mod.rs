//! The BEAM beside the Rust: a scenario's BEAM side, run as a subprocess.
//!
//! `beam/` is a Mix project that runs each scenario on the real BEAM (real processes, real
//! distributed Erlang between peer nodes, each its own OS process). `beam/run <scenario>` prints
//! exactly one JSON object on stdout and its progress on stderr. Here we find that script, map
//! a scenario's parameters onto its flags, show its progress as the scenario's, and read its
//! JSON; the scenario puts the figures under `beam` in its results and in a "BEAM here (OTP n)"
//! column.
//!
//! Without Erlang and Elixir the run says once how to install them and reports the Rust side
//! alone; `reproduce --no-beam` skips the BEAM side on purpose. A BEAM side that fails (non-zero
//! exit, JSON missing or cut short) fails its scenario with the BEAM's own words, and nothing is
//! written for it.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

use crate::common::params::Scale;
use crate::common::progress::Progress;
use crate::common::terminal::{width, wrap};

/// How to get the BEAM side, said once when it is missing.
const INSTALL: &str =
    "apt-get install erlang-nox elixir (Debian/Ubuntu), or your package manager's";

/// The exit status of `beam/run` when Erlang or Elixir is missing.
const NOT_INSTALLED: i32 = 127;

/// How many of the BEAM's last stderr lines an error quotes when it printed no `beam: error:`.
const LAST_WORDS: usize = 3;

/// Whether and how this reproduction runs the BEAM side of its scenarios.
pub struct Beam {
    state: State,
    scale: Scale,
    /// Set (once) when the BEAM side turned out to be missing: why. Later scenarios skip it.
    missing: OnceLock<String>,
}

enum State {
    /// `--no-beam`, or a test.
    Off,
    /// Found `beam/run` and `elixir` on PATH.
    Ready(PathBuf),
    /// Not installed: why.
    Missing(String),
}

impl Beam {
    /// No BEAM side (`--no-beam`, and the scenarios' unit tests).
    pub fn off() -> Beam {
        Beam {
            state: State::Off,
            scale: Scale::Quick,
            missing: OnceLock::new(),
        }
    }

    /// The BEAM side of a reproduction at `scale`: looks for `beam/run` in the workspace and
    /// `elixir` on PATH, says nothing yet (a refused run prints only its refusal).
    pub fn new(enabled: bool, scale: Scale) -> Beam {
        let state = if !enabled {
            State::Off
        } else {
            let script = crate::common::lab::workspace().join("beam/run");
            if !script.is_file() {
                State::Missing(format!("{} is not there", script.display()))
            } else if find_on_path("elixir").is_none() {
                State::Missing("no `elixir` on PATH".into())
            } else {
                State::Ready(script)
            }
        };
        Beam {
            state,
            scale,
            missing: OnceLock::new(),
        }
    }

    /// Progress steps a scenario's BEAM side adds: 1 when it will run.
    pub fn steps(&self) -> u64 {
        match (&self.state, self.missing.get()) {
            (State::Ready(_), None) => 1,
            _ => 0,
        }
    }

    /// Why this reproduction's BEAM side does not run, or `None` while it can (it may still be
    /// found missing at its first run, after which this says so).
    pub fn absent_because(&self) -> Option<String> {
        match &self.state {
            State::Off => Some("the BEAM side is off (`--no-beam`)".into()),
            State::Missing(why) => Some(format!("the BEAM side is not installed ({why})")),
            State::Ready(_) => self
                .missing
                .get()
                .map(|why| format!("the BEAM side could not run ({why})")),
        }
    }

    /// Runs `beam/run <scenario>` with `flags` (`--name value`), streaming its progress, and
    /// returns its figures, checked to hold a number at every dotted path of `required`.
    /// `Ok(None)`: the BEAM side is off or not installed (said once, then the Rust runs alone).
    pub fn run(
        &self,
        scenario: &str,
        flags: &[(&str, u64)],
        required: &[&str],
        progress: &Progress,
    ) -> Result<Option<BeamRun>, String> {
        let script = match &self.state {
            State::Off => return Ok(None),
            State::Missing(why) => return Ok(self.skip(why, progress)),
            State::Ready(_) if self.missing.get().is_some() => return Ok(None),
            State::Ready(script) => script,
        };
        progress.step(&format!("BEAM: beam/run {scenario}"));
        let scale = match self.scale {
            Scale::Quick => "quick",
            Scale::Default | Scale::Full => "default",
        };
        let mut command = Command::new(script);
        command.arg(scenario).args(["--scale", scale]);
        for (name, value) in flags {
            // `payload_bytes` is `--payload-bytes` on the BEAM's command line.
            command
                .arg(format!("--{}", name.replace('_', "-")))
                .arg(value.to_string());
        }
        let mut child = match command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
        {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(self.skip(&format!("{} cannot run: {e}", script.display()), progress));
            }
            Err(e) => return Err(format!("could not start {}: {e}", script.display())),
        };
        let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
        let (out, tail) = std::thread::scope(|scope| {
            let tail = scope.spawn(|| stream_progress(stderr, progress));
            let mut out = Vec::new();
            if let Some(mut stdout) = stdout {
                // A read error leaves the JSON short, and the parse says so.
                let _ = stdout.read_to_end(&mut out);
            }
            let out = String::from_utf8_lossy(&out).into_owned();
            (out, tail.join().unwrap_or_default())
        });
        let status = child
            .wait()
            .map_err(|e| format!("could not wait for beam/run {scenario}: {e}"))?;
        let tail: Vec<String> = tail.into();
        match parse(scenario, status.code(), &out, &tail, required) {
            Ok(json) => {
                progress.done();
                Ok(Some(BeamRun { json }))
            }
            Err(Failure::NotInstalled(why)) => Ok(self.skip(&why, progress)),
            Err(Failure::Failed(why)) => Err(why),
        }
    }

    /// Says once why the BEAM side is skipped and how to get it.
    fn skip(&self, why: &str, progress: &Progress) -> Option<BeamRun> {
        let why = why.trim_start_matches("beam: error: ");
        if self.missing.set(why.to_owned()).is_ok() {
            let line = format!("BEAM side skipped ({why}): {INSTALL}");
            progress.suspend(|| {
                for part in wrap(&line, width()) {
                    println!("{part}");
                }
            });
        }
        None
    }
}

/// Shows each line of the BEAM's stderr as it comes as the scenario's progress step, tagged
/// `BEAM:` (its own lines lose their `[beam HH:MM:SS.mmm]` stamp; Mix's, when it compiles, are
/// shown as they are); returns its last lines.
fn stream_progress(stderr: Option<impl Read>, progress: &Progress) -> VecDeque<String> {
    let mut tail = VecDeque::new();
    let Some(stderr) = stderr else { return tail };
    let mut reader = BufReader::new(stderr);
    let mut bytes = Vec::new();
    // Read to the end whatever comes (bytes, not text: a stray non-UTF-8 byte must not stop the
    // reading, or the BEAM would block on a full pipe).
    while matches!(reader.read_until(b'\n', &mut bytes), Ok(n) if n > 0) {
        let line = String::from_utf8_lossy(&bytes).trim_end().to_owned();
        bytes.clear();
        let message = match line.strip_prefix("[beam ") {
            Some(stamped) => stamped.split_once("] ").map_or(stamped, |(_, m)| m),
            None => line.as_str(),
        };
        progress.step(&format!("BEAM: {message}"));
        if tail.len() == 20 {
            tail.pop_front();
        }
        tail.push_back(line);
    }
    tail
}

/// Why a BEAM side gave no figures.
#[derive(Debug, PartialEq)]
enum Failure {
    /// Erlang or Elixir is missing (`beam/run` exits 127): the Rust runs alone.
    NotInstalled(String),
    /// It ran and failed: the scenario fails, in the BEAM's words.
    Failed(String),
}

/// Reads what `beam/run <scenario>` left: its exit status (`None`: killed by a signal), its
/// stdout and its last stderr lines.
fn parse(
    scenario: &str,
    status: Option<i32>,
    stdout: &str,
    stderr_tail: &[String],
    required: &[&str],
) -> Result<Value, Failure> {
    let words = || last_words(stderr_tail);
    match status {
        Some(0) => {}
        Some(NOT_INSTALLED) => return Err(Failure::NotInstalled(words())),
        Some(code) => {
            return Err(Failure::Failed(format!(
                "the BEAM side (beam/run {scenario}) failed with exit status {code}: {}",
                words()
            )));
        }
        None => {
            return Err(Failure::Failed(format!(
                "the BEAM side (beam/run {scenario}) was killed by a signal: {}",
                words()
            )));
        }
    }
    let json: Value = serde_json::from_str(stdout.trim()).map_err(|e| {
        Failure::Failed(format!(
            "the BEAM side (beam/run {scenario}) printed no whole JSON object ({e}): {}",
            words()
        ))
    })?;
    let lacking = |what: &str| {
        Failure::Failed(format!(
            "the BEAM side (beam/run {scenario}) printed JSON without {what}: {}",
            words()
        ))
    };
    if !json.is_object() {
        return Err(lacking("an object"));
    }
    if json["scenario"].as_str() != Some(scenario) {
        return Err(lacking(&format!("\"scenario\": \"{scenario}\"")));
    }
    if json["otp_release"].as_str().is_none_or(str::is_empty) {
        return Err(lacking("otp_release"));
    }
    for path in required {
        if lookup(&json, path).and_then(Value::as_f64).is_none() {
            return Err(lacking(&format!("a number at {path}")));
        }
    }
    Ok(json)
}

/// The BEAM's own message: its `beam: error: …` line if it printed one, else its last lines.
fn last_words(tail: &[String]) -> String {
    if let Some(error) = tail.iter().rev().find(|l| l.starts_with("beam: ")) {
        return error.clone();
    }
    let last: Vec<&str> = tail
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    if last.is_empty() {
        return "it printed nothing on stderr".into();
    }
    last[last.len().saturating_sub(LAST_WORDS)..].join(" / ")
}

/// The value at a dotted path (`storm.genserver.total_ns`).
fn lookup<'a>(json: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(json, |value, key| value.get(key))
}

/// What one BEAM side measured: its JSON object, checked.
#[derive(Clone, Debug)]
pub struct BeamRun {
    json: Value,
}

impl BeamRun {
    /// The whole object, as `beam/run` printed it (written under `beam` in the results).
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// The number at a dotted path (`per_send_ns.local`); NaN where there is none.
    pub fn figure(&self, path: &str) -> f64 {
        lookup(&self.json, path)
            .and_then(Value::as_f64)
            .unwrap_or(f64::NAN)
    }

    /// The OTP release it ran on (`"25"`).
    pub fn otp_release(&self) -> &str {
        self.json["otp_release"].as_str().unwrap_or("?")
    }

    /// The heading of the tables' BEAM column: `BEAM here (OTP 25)`.
    pub fn column(&self) -> String {
        format!("BEAM here (OTP {})", self.otp_release())
    }
}

/// Inserts the "BEAM here (OTP n)" column at `at`: each row's cell from `cells` (in row order;
/// `None`, or a row beyond, reads "—"). Without a BEAM run the table stays as it was.
pub fn add_column(
    beam: Option<&BeamRun>,
    header: &mut Vec<String>,
    rows: &mut [Vec<String>],
    at: usize,
    cells: Vec<Option<String>>,
) {
    let Some(beam) = beam else { return };
    header.insert(at, beam.column());
    let mut cells = cells.into_iter();
    for row in rows {
        let cell = cells.next().flatten().unwrap_or_else(|| "—".into());
        row.insert(at, cell);
    }
}

/// The full path of `program` if it is an executable file in a PATH directory.
fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests;
