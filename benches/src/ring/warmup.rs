//! The warm-up before the ring lab, as `workbook labs` and `workbook hint ring-find` see it.

use crate::common::lab::Lab;

/// Warm-up "ring find": a hash's owner on the consistent hash ring, with one binary search.
/// Graded by its suite alone.
pub const WARMUP: Lab = Lab {
    name: "ring-find",
    chapter: "Warm-up: find on the ring",
    file: "labs/ring-find/src/find.rs",
    hints: include_str!("../../../labs/ring-find/hints.md"),
    extra: None,
    bar: None,
};
