//! The adaptive-limit lab as `workbook labs` and `workbook hint adaptive-limit` see it: its hints
//! and its bar, which the kit measures (`adaptive_limit_kit::bar::measure`) on any limiter.

use adaptive_limit_kit::AdaptiveLimiter;

use crate::common::lab::{BarCheck, Lab, SpeedBar};

/// The adaptive-limit lab.
pub const LAB: Lab = Lab {
    name: "adaptive-limit",
    chapter: "Beyond a fixed limit",
    file: "labs/adaptive-limit/src/aimd.rs",
    hints: include_str!("../../../labs/adaptive-limit/hints.md"),
    extra: None,
    bar: Some(SpeedBar {
        words: "your AIMD limiter serves every session of the slowdown case within 1.5× the ideal time",
        solution: bar::<solution_adaptive_limit::Aimd>,
    }),
};

/// Runs the `slowdown` case with `L` as the AIMD strategy's limiter.
pub fn bar<L: AdaptiveLimiter>() -> Result<BarCheck, String> {
    adaptive_limit_kit::bar::measure::<L>().map(|m| BarCheck {
        reached: m.reached,
        measured: m.words,
    })
}
