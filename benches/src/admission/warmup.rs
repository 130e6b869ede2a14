//! The warm-up before the adaptive-limit lab, as `workbook labs` and `workbook hint ewma` see it.

use crate::common::lab::Lab;

/// Warm-up "ewma": an exponentially weighted moving average of latency, the building block of the
/// gradient and Vegas limits. Graded by its suite alone.
pub const WARMUP: Lab = Lab {
    name: "ewma",
    chapter: "Warm-up: a moving average of latency",
    file: "labs/ewma/src/ewma.rs",
    hints: include_str!("../../../labs/ewma/hints.md"),
    extra: None,
    bar: None,
};
