//! The core every bottleneck shares, and which knows none of them: parameters, the scenario
//! runner and its checks, results files, units and formatting, plots, statistics, machine facts,
//! and how a lab is graded. Nothing in here imports a bottleneck's module, the registry or the
//! runner (`ci/imports` checks it): the layers go `common` ← one folder per bottleneck ←
//! `reconnect` (the three at once) ← `registry` ← `run` ← `main`.

pub mod beam;
pub mod blog;
pub mod instructions;
pub mod lab;
pub mod links;
pub mod machine;
pub mod params;
pub mod plot;
pub mod plot_lines;
pub mod progress;
pub mod report;
pub mod scenario;
pub mod stats;
pub mod terminal;
pub mod units;
