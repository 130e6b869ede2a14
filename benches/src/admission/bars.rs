//! The `admission` scenario's bars, judged by the kit on the forty runs
//! (`adaptive_limit_kit::figures::verdicts`, where each threshold is stated once), and the lab's.

use adaptive_limit_kit::figures::{CaseRun, verdicts};

use crate::common::scenario::Check;

/// The lab's bar: the learner's limiter serves everyone in the `slowdown` case within this many
/// times the ideal time (the kit's `bar::TIME_OVER_IDEAL`).
pub const TIME_OVER_IDEAL: f64 = adaptive_limit_kit::bar::TIME_OVER_IDEAL;

/// Every bar of the scenario, on these runs.
pub fn checks(runs: &[CaseRun]) -> Vec<Check> {
    verdicts(runs)
        .into_iter()
        .map(|v| Check::that(v.bar, v.measured, v.holds))
        .collect()
}
