//! The workbook's measuring side: scenarios, rigs, results files, plots and lab grading.
//!
//! - [`common`]: the core every bottleneck shares and which knows none of them;
//! - one module per bottleneck, each holding its scenario, its measurement, its report, its lab's
//!   grading and its thresholds (`bars`): [`send_cost`], [`fanout`], [`ring`], [`semaphore`];
//! - [`reconnect`]: the three bottlenecks at once, every combination of their fixes;
//! - [`registry`]: the one list of labs and scenarios.
//!
//! `workbook reproduce` (the binary in `main.rs`) runs the scenarios; the criterion and gungraun
//! benches in `benches/` reuse the same rigs, so a table in the book and `cargo bench` measure
//! the same code.

pub mod admission;
pub mod common;
pub mod fanout;
pub mod new_lab;
pub mod placement;
pub mod reconnect;
pub mod registry;
pub mod ring;
pub mod run;
pub mod semaphore;
pub mod send_cost;
