//! The warm-up before the semaphore lab, as `workbook labs` and `workbook hint bounded-counter`
//! see it.

use crate::common::lab::Lab;

/// Warm-up "bounded counter": the semaphore's counter alone, a compare-exchange loop. Graded by
/// its suite alone.
pub const WARMUP: Lab = Lab {
    name: "bounded-counter",
    chapter: "Warm-up: a bounded counter",
    file: "labs/bounded-counter/src/counter.rs",
    hints: include_str!("../../../labs/bounded-counter/hints.md"),
    extra: None,
    bar: None,
};
