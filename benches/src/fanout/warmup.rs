//! The warm-up before the fanout lab, as `workbook labs` and `workbook hint group-by-node` see it.

use crate::common::lab::Lab;

/// Warm-up "group by node": the first step of Manifold's publish. Graded by its suite alone.
pub const WARMUP: Lab = Lab {
    name: "group-by-node",
    chapter: "Warm-up: group by node",
    file: "labs/group-by-node/src/group.rs",
    hints: include_str!("../../../labs/group-by-node/hints.md"),
    extra: None,
    bar: None,
};
