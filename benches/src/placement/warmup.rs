//! The warm-up before the placement lab, as `workbook labs` and `workbook hint jump-hash` see it.

use crate::common::lab::Lab;

/// Warm-up "jump hash": Lamport and Veach's jump consistent hash, five lines, checked against the
/// paper's reference outputs. Graded by its suite alone.
pub const WARMUP: Lab = Lab {
    name: "jump-hash",
    chapter: "Warm-up: jump consistent hash",
    file: "labs/jump-hash/src/jump.rs",
    hints: include_str!("../../../labs/jump-hash/hints.md"),
    extra: None,
    bar: None,
};
