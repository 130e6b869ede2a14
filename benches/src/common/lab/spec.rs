//! What a lab is, as the registry declares it: its name, file, hints, bar and any extra check; and
//! where its hints and the reader's progress through them are kept.

use std::path::{Path, PathBuf};

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

/// The workspace root, found from this crate's own place in it.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("benches/ sits in the workspace")
        .to_path_buf()
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
