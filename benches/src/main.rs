//! `workbook`: reproduce the measurements, check the labs, get a hint.
//!
//! With no arguments (`cargo run --release`) it reproduces every scenario at the default scale and
//! writes the results into the book. Bad input gets one sentence on stderr and exit code 2, before
//! anything runs or is written.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use workbook::labs;
use workbook::params::{InputError, Scale, group_digits, parse_override};
use workbook::scenario::{self, Plan};

#[derive(Parser)]
#[command(
    name = "workbook",
    version,
    about = "Rebuild, measure and learn how Discord scaled Elixir."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run scenarios and write their results (JSON, table, plot) into the book.
    Reproduce {
        /// Scenarios to run (default: all). `workbook scenarios` lists them.
        scenarios: Vec<String>,
        /// How big to run.
        #[arg(long, value_enum, default_value_t = Scale::Default)]
        scale: Scale,
        /// Where to write results (default: the book's src/results).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override a parameter, e.g. `--set members=100000`.
        #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_override)]
        set: Vec<(String, u64)>,
    },
    /// List the scenarios and their parameters.
    Scenarios,
    /// One line per lab: tests passing or not, speed bar reached or not.
    Labs,
    /// Print the hints for a lab.
    Hint {
        /// The lab's name, as `workbook labs` lists it.
        lab: String,
    },
}

/// The book's results folder, found from this crate's own place in the workspace.
fn default_out() -> PathBuf {
    let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("benches/ sits in the workspace");
    workspace.join("book/src/results")
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
        set: Vec::new(),
    });
    match command {
        Command::Reproduce {
            scenarios,
            scale,
            out,
            set,
        } => {
            let plan = match Plan::new(&scenarios, scale, &set, out.unwrap_or_else(default_out)) {
                Ok(plan) => plan,
                Err(error) => return refuse(&error),
            };
            match plan.execute() {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("workbook: {error}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Scenarios => {
            for scenario in scenario::all() {
                println!("{}: {}", scenario.name(), scenario.title());
                for p in scenario.params() {
                    let [quick, default, full] = p.at.map(group_digits);
                    println!(
                        "  {:<10} {} (quick {quick}, default {default}, full {full})",
                        p.name, p.about
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Command::Labs => {
            if labs::LABS.is_empty() {
                println!(
                    "No labs yet: the cluster and chapter 1 come first. See the book's introduction."
                );
            }
            for lab in labs::LABS {
                println!("{}", labs::status_line(lab));
            }
            ExitCode::SUCCESS
        }
        Command::Hint { lab } => match labs::find(&lab) {
            Ok(lab) => {
                println!("{} (edit {})\n", lab.title, lab.file);
                for (i, hint) in lab.hints.iter().enumerate() {
                    println!("{}. {hint}\n", i + 1);
                }
                println!("The bar: {}", lab.bar);
                ExitCode::SUCCESS
            }
            Err(error) => refuse(&error),
        },
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
