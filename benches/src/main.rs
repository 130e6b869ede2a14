//! `workbook`: reproduce the measurements, check the labs, get a hint.
//!
//! With no arguments (`cargo run --release`) it reproduces every scenario at the default scale,
//! writes the results to `target/workbook/results/` (ignored by git) and shows them beside the
//! book's committed reference run; `reproduce --into-book` replaces the reference. Bad input gets one sentence on stderr and exit code 2, before
//! anything runs or is written.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use workbook::common::lab::{self, Side};
use workbook::common::params::{InputError, Override, Scale, parse_override};
use workbook::common::terminal::{width, wrap};
use workbook::new_lab::{self, NewLab};
use workbook::registry;
use workbook::run::{self, Plan};

/// `println!` that stops quietly when the reader has closed the pipe (`workbook hint x | head`):
/// a closed stdout is not an error worth a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

#[derive(Parser)]
#[command(
    name = "workbook",
    version,
    about = "Rebuild, measure and learn how Discord scaled Elixir.",
    long_about = "Rebuild, measure and learn how Discord scaled Elixir.\n\nWith no subcommand \
                  (`cargo run --release`) it runs the full reproduction: every scenario at the \
                  default scale, results written to target/workbook/results/ and shown beside \
                  the book's reference run."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Check the command line (names, parameters, memory, output folder) and stop before running
    /// anything: what `ci/commands` does with every command written in the README and the book.
    #[arg(long, global = true, hide = true)]
    dry_run: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Run scenarios, print their tables beside the book's reference run, and write their results
    /// (JSON, table, plot) to target/workbook/results/ (or --out).
    Reproduce {
        /// Scenarios to run (default: all). `workbook scenarios` lists them.
        scenarios: Vec<String>,
        /// How big to run.
        #[arg(long, value_enum, default_value_t = Scale::Default)]
        scale: Scale,
        /// Where to write results (default: target/workbook/results, which git ignores).
        #[arg(long, conflicts_with = "into_book")]
        out: Option<PathBuf>,
        /// For maintainers: replace the book's committed reference run (book/src/results/).
        #[arg(long)]
        into_book: bool,
        /// Override a parameter, e.g. `--set members=100000`, `--set profile=blog`; qualify a name
        /// that means different things in two scenarios run: `--set fanout.members=100000`.
        #[arg(long = "set", value_name = "[SCENARIO.]NAME=VALUE", value_parser = parse_override)]
        set: Vec<Override>,
        /// Skip the BEAM side (beam/run, on real Erlang nodes) and report the Rust alone.
        #[arg(long)]
        no_beam: bool,
        /// Exit 1 when a bar is missed (without it a missed bar is reported, and the run exits 0).
        #[arg(long)]
        strict: bool,
    },
    /// List the scenarios and their parameters.
    Scenarios,
    /// Grade the labs: build, run the suite (naming each failing check), then measure the bar.
    /// Exits non-zero while any lab is unsolved.
    Labs {
        /// Labs to grade (default: all).
        labs: Vec<String>,
        /// Grade the reference solutions instead of your code (a check of the grader).
        #[arg(long)]
        solutions: bool,
    },
    /// Show the next hint for a lab (each call shows one more).
    Hint {
        /// The lab's name, as `workbook labs` lists it.
        lab: String,
        /// Show every hint at once.
        #[arg(long)]
        all: bool,
        /// Start over from the first hint.
        #[arg(long, conflicts_with = "all")]
        reset: bool,
    },
    /// Start a lab over: the skeleton the book shows (labs/<lab>/kit/skeleton/) over your file.
    Reset {
        /// The lab's name, as `workbook labs` lists it.
        lab: String,
        /// Replace your edited file (your version is kept under target/workbook/reset/<lab>/).
        #[arg(long)]
        force: bool,
    },
    /// Print the labs, scenarios and thresholds as JSON (what CI checks the folders against).
    Registry,
    /// For authors: write a new lab's boilerplate (three crates, hints, grading) and print what
    /// is left to do by hand. The appendix "Adding a lab" walks through it.
    NewLab {
        /// The lab's name: lowercase words joined by '-' (e.g. adaptive-limit).
        name: String,
        /// The reader's file stem, a Rust identifier (e.g. aimd).
        #[arg(long)]
        file: String,
        /// The bottleneck folder of benches/src that grades it (e.g. admission).
        #[arg(long)]
        folder: String,
        /// What the reader builds, in a few words.
        #[arg(long, default_value = "a new lab")]
        what: String,
        /// The book chapter it belongs to.
        #[arg(long, default_value = "a new chapter")]
        chapter: String,
        /// A warm-up: no speed bar, graded by its suite alone.
        #[arg(long)]
        warm_up: bool,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if !error.use_stderr() => {
            // --help and --version
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        Err(error) => return refuse(&InputError(one_line(&error.to_string()))),
    };
    let command = cli.command.unwrap_or(Command::Reproduce {
        scenarios: Vec::new(),
        scale: Scale::Default,
        out: None,
        into_book: false,
        set: Vec::new(),
        no_beam: false,
        strict: false,
    });
    match command {
        Command::Reproduce {
            scenarios,
            scale,
            out,
            into_book,
            set,
            no_beam,
            strict,
        } => reproduce(
            &scenarios,
            Reproduction {
                scale,
                out,
                into_book,
                beam: !no_beam,
                strict,
                dry_run: cli.dry_run,
            },
            &set,
        ),
        Command::Scenarios => {
            print_scenarios();
            ExitCode::SUCCESS
        }
        Command::Labs { labs, solutions } => grade_labs(&labs, solutions, cli.dry_run),
        Command::Hint { lab, all, reset } => hint(&lab, all, reset, cli.dry_run),
        Command::Reset { lab, force } => reset(&lab, force, cli.dry_run),
        Command::NewLab {
            name,
            file,
            folder,
            what,
            chapter,
            warm_up,
        } => new_lab(
            &NewLab {
                name,
                file,
                folder,
                what,
                chapter,
                warm_up,
            },
            cli.dry_run,
        ),
        Command::Registry => {
            // Written, not printed: `workbook registry | head` must not panic on a closed pipe.
            use std::io::Write;
            let _ = writeln!(std::io::stdout(), "{:#}", registry::describe());
            ExitCode::SUCCESS
        }
    }
}

/// How `reproduce` runs, from its flags.
struct Reproduction {
    scale: Scale,
    out: Option<PathBuf>,
    into_book: bool,
    beam: bool,
    strict: bool,
    dry_run: bool,
}

fn reproduce(scenarios: &[String], how: Reproduction, set: &[Override]) -> ExitCode {
    let Reproduction {
        scale,
        out,
        into_book,
        beam,
        strict,
        dry_run,
    } = how;
    let book = lab::workspace().join("book/src/results");
    let out = match (out, into_book) {
        (_, true) => book.clone(),
        (Some(out), false) => out,
        (None, false) => lab::workspace().join("target/workbook/results"),
    };
    // The book's run is the reference a reader's run is shown beside (not beside itself).
    let reference = (out != book).then_some(book);
    let plan = match Plan::new(scenarios, scale, set, out, reference, beam) {
        Ok(plan) => plan,
        Err(error) => return refuse(&error),
    };
    if dry_run {
        println!("workbook: the command is valid (--dry-run: nothing run)");
        return ExitCode::SUCCESS;
    }
    match plan.execute() {
        Ok(summary) => {
            for line in summary.lines() {
                println!("{line}");
            }
            if strict && !summary.missed().is_empty() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(error) => {
            eprintln!("workbook: {error}");
            ExitCode::FAILURE
        }
    }
}

fn print_scenarios() {
    for scenario in run::all() {
        for part in wrap(
            &format!("{}: {}", scenario.name(), scenario.title()),
            width(),
        ) {
            say!("{part}");
        }
        let name_width = scenario
            .params()
            .iter()
            .map(|p| p.name.len())
            .max()
            .unwrap_or(0);
        for p in scenario.params() {
            let [quick, default, full] =
                [Scale::Quick, Scale::Default, Scale::Full].map(|s| p.at(s));
            let line = format!(
                "  {:<name_width$}  {}; {} (quick {quick}, default {default}, full {full})",
                p.name,
                p.about,
                p.accepts()
            );
            for part in wrap(&line, width()) {
                say!("{part}");
            }
        }
    }
}

fn grade_labs(names: &[String], solutions: bool, dry_run: bool) -> ExitCode {
    let chosen: Vec<&lab::Lab> = if names.is_empty() {
        registry::LABS.iter().collect()
    } else {
        match names
            .iter()
            .map(|name| lab::find(registry::LABS, name))
            .collect::<Result<Vec<_>, _>>()
        {
            Ok(chosen) => chosen,
            Err(error) => return refuse(&error),
        }
    };
    if dry_run {
        println!("workbook: the command is valid (--dry-run: nothing run)");
        return ExitCode::SUCCESS;
    }
    let side = if solutions {
        Side::Solutions
    } else {
        Side::Reader
    };
    let mut stdout = std::io::stdout();
    let mut unsolved = 0;
    for (i, lab) in chosen.iter().enumerate() {
        println!(
            "[{}/{}] lab {} ({})",
            i + 1,
            chosen.len(),
            lab.name,
            lab.chapter
        );
        let status = lab::grade(lab, side, &mut stdout);
        for line in lab::describe(lab, &status) {
            for part in wrap(&line, width()) {
                println!("{part}");
            }
        }
        println!();
        if !status.solved() {
            unsolved += 1;
        }
    }
    let graded = if chosen.len() == registry::LABS.len() {
        format!("all {} labs graded", chosen.len())
    } else {
        let names: Vec<&str> = chosen.iter().map(|lab| lab.name).collect();
        format!(
            "{} of {} labs graded ({})",
            chosen.len(),
            registry::LABS.len(),
            names.join(", ")
        )
    };
    if unsolved == 0 {
        println!("{graded}: every one solved");
        ExitCode::SUCCESS
    } else {
        println!("{graded}: {unsolved} not solved yet");
        ExitCode::FAILURE
    }
}

fn hint(name: &str, all: bool, reset: bool, dry_run: bool) -> ExitCode {
    let lab = match lab::find(registry::LABS, name) {
        Ok(lab) => lab,
        Err(error) => return refuse(&error),
    };
    if dry_run {
        say!("workbook: the command is valid (--dry-run: nothing run)");
        return ExitCode::SUCCESS;
    }
    let hints = lab.hint_list();
    if reset {
        if let Err(error) = lab::set_hints_shown(lab.name, 0) {
            eprintln!("workbook: could not forget the hints shown: {error}");
            return ExitCode::FAILURE;
        }
        say!("{}: the next hint is the first again", lab.name);
        return ExitCode::SUCCESS;
    }
    say!("{} ({}), your file: {}\n", lab.name, lab.chapter, lab.file);
    let show = |i: usize| {
        say!("Hint {} of {}: {}\n", i + 1, hints.len(), hints[i].title);
        say!("{}\n", hints[i].text);
    };
    if all {
        (0..hints.len()).for_each(show);
    } else {
        let next = lab::hints_shown(lab.name).min(hints.len() - 1);
        show(next);
        if next + 1 < hints.len() {
            say!("Run it again for the next hint (--all shows them all).");
        } else {
            say!("That was the last hint (--reset starts over).");
        }
        if let Err(error) = lab::set_hints_shown(lab.name, next + 1) {
            eprintln!("workbook: could not remember the hints shown: {error}");
        }
    }
    if let Some(bar) = &lab.bar {
        for line in wrap(&format!("The bar: {}", bar.words), width()) {
            say!("{line}");
        }
    }
    ExitCode::SUCCESS
}

fn reset(name: &str, force: bool, dry_run: bool) -> ExitCode {
    let done = lab::find(registry::LABS, name).and_then(|lab| match dry_run {
        true => Ok(vec![
            "workbook: the command is valid (--dry-run: nothing run)".into(),
        ]),
        false => lab::reset(lab, &lab::workspace(), force).map(|done| done.describe(lab)),
    });
    match done {
        Ok(lines) => {
            lines.iter().for_each(|line| say!("{line}"));
            ExitCode::SUCCESS
        }
        Err(error) => refuse(&error),
    }
}

fn new_lab(lab: &NewLab, dry_run: bool) -> ExitCode {
    if let Err(error) = lab.check() {
        return refuse(&error);
    }
    if dry_run {
        println!("workbook: the command is valid (--dry-run: nothing run)");
        return ExitCode::SUCCESS;
    }
    match new_lab::write(lab, &lab::workspace()) {
        Err(error) => refuse(&error),
        Ok(written) => {
            println!("wrote {} files:", written.len());
            for path in written {
                println!("  {}", path.display());
            }
            println!("left to do by hand:");
            for step in lab.next_steps() {
                println!("  - {step}");
            }
            ExitCode::SUCCESS
        }
    }
}

/// Bad input: one sentence on stderr, exit code 2.
fn refuse(error: &InputError) -> ExitCode {
    eprintln!("workbook: {error}");
    ExitCode::from(2)
}

/// Clap's multi-line message, folded into one line (usage and tips dropped).
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .take_while(|line| !line.starts_with("Usage:") && !line.starts_with("For more information"))
        .filter(|line| !line.is_empty() && !line.starts_with("tip:"))
        .map(|line| line.trim_start_matches("error: "))
        .collect::<Vec<_>>()
        .join(" ")
}
