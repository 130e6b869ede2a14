//! The workbook's measuring side: scenarios, rigs, results files and plots.
//!
//! `workbook reproduce` (the binary in `main.rs`) runs the [`scenario`]s and writes their results
//! into the book; the criterion and gungraun benches in `benches/` reuse the same rigs
//! ([`send_rigs`]), so a table in the book and `cargo bench` measure the same code.

pub mod event;
pub mod fanout_lab;
pub mod fanout_measure;
pub mod labs;
pub mod machine;
pub mod params;
pub mod plot;
pub mod plot_lines;
pub mod report;
pub mod scenario;
pub mod scenarios;
pub mod semaphore_lab;
pub mod semaphore_rigs;
pub mod send_rigs;
pub mod stats;
